/**
 * The clinician study of the MedHELM paper as the agreement page's data: per-response clinician
 * and jury composites (the scatter), the agreement figures per dataset, for the paper's pooled
 * "Combined" set (ACI-Bench + MEDIQA) and for all rated datasets pooled (the ICC table), and the
 * clinician pairs behind the clinician-clinician figure. All statistics come from `agreement.ts`,
 * exactly as `medhelm agreement` prints them.
 */
import {relative} from "node:path";
import {fileURLToPath} from "node:url";
import {analyzeAgreement, clinicianPairs, COMBINED, DEFAULT_SEED, ratedResponses, type AgreementResult} from "./agreement.ts";
import {readRatings, type Rating} from "./ratings.ts";
import {catalogueEntry} from "./taxonomy.ts";

/** The datasets the paper reports and pools into its "Combined" figure. */
export const PAPER_DATASETS = ["aci_bench", "medi_qa"] as const;

/** The bundled ratings file (the paper's clinician study). */
export const BUNDLED_RATINGS_FILE = fileURLToPath(new URL("../reference/medhelm-paper/clinician-ratings.csv", import.meta.url));

/** One row of the page's ICC table. */
export interface StudyRow {
  /** Dataset id, `combined` (the paper's pooled set) or `combined_all` (every rated dataset). */
  id: string;
  label: string;
  /** Whether the paper reports this row. */
  in_paper: boolean;
  datasets: string[];
  responses: number;
  ratings: number;
  icc3k_z: number | null;
  icc3k_z_low: number | null;
  icc3k_z_high: number | null;
  icc_n: number | null;
  clinician_icc3k_z: number | null;
  clinician_low: number | null;
  clinician_high: number | null;
  clinician_pairs: number | null;
  spearman: number | null;
  spearman_low: number | null;
  spearman_high: number | null;
  kappa_quadratic: number | null;
  kappa_low: number | null;
  kappa_high: number | null;
}

/** One rated response: the clinicians' mean composite against the jury's composite (1-5). */
export interface StudyResponse {
  dataset: string;
  instance_id: string;
  model_key: string;
  /** The model id as the workbench writes it (`model_key` with the first "_" as "/"). */
  model: string;
  raters: number;
  human: number;
  llm: number | null;
}

/** One pair of clinicians who rated at least two common responses of a dataset. */
export interface StudyPair {
  dataset: string;
  rater_a: string;
  rater_b: string;
  shared: number;
  /** Null when undefined (a rater gave the same composite to every shared response). */
  icc3k_z: number | null;
}

/** Everything the agreement page shows about the clinician study. */
export interface ClinicianStudy {
  /** The ratings file, relative to the project. */
  file: string;
  seed: number;
  n_ratings: number;
  n_responses: number;
  n_raters: number;
  rows: StudyRow[];
  responses: StudyResponse[];
  pairs: StudyPair[];
}

const finite = (x: number | null | undefined): number | null => (typeof x === "number" && Number.isFinite(x) ? x : null);

function datasetLabel(id: string): string {
  return catalogueEntry(id)?.name ?? id;
}

function studyRow(result: AgreementResult, id: string, label: string, inPaper: boolean): StudyRow {
  const {icc3k_z: icc, clinician_icc3k_z: pairs, spearman: rho, kappa_quadratic: kappa} = result;
  return {
    id, label, in_paper: inPaper, datasets: result.datasets, responses: result.responses, ratings: result.ratings,
    icc3k_z: finite(icc?.value), icc3k_z_low: finite(icc?.ci_low), icc3k_z_high: finite(icc?.ci_high), icc_n: icc?.n ?? null,
    clinician_icc3k_z: finite(pairs?.value), clinician_low: finite(pairs?.ci_low), clinician_high: finite(pairs?.ci_high), clinician_pairs: pairs?.pairs ?? null,
    spearman: finite(rho?.rho), spearman_low: finite(rho?.ci_low), spearman_high: finite(rho?.ci_high),
    kappa_quadratic: finite(kappa?.value), kappa_low: finite(kappa?.ci_low), kappa_high: finite(kappa?.ci_high)
  };
}

/**
 * The study's figures from parsed ratings. Per-dataset rows do not depend on which other datasets
 * are analysed (their bootstrap streams are seeded by label), so the paper's Combined row and the
 * all-datasets row come from two analyses whose per-dataset rows agree.
 */
export function clinicianStudy(ratings: readonly Rating[], {file = "ratings.csv", seed = DEFAULT_SEED}: {file?: string; seed?: number} = {}): ClinicianStudy {
  const present = [...new Set(ratings.map((r) => r.dataset_name))].sort();
  const paper = PAPER_DATASETS.filter((d) => present.includes(d));
  const all = analyzeAgreement(ratings, {seed});
  const rows: StudyRow[] = all
    .filter((r) => r.dataset !== COMBINED)
    .map((r) => studyRow(r, r.dataset, datasetLabel(r.dataset), (PAPER_DATASETS as readonly string[]).includes(r.dataset)));
  if (paper.length >= 2) {
    const pooled = analyzeAgreement(ratings, {seed, datasets: paper}).find((r) => r.dataset === COMBINED)!;
    rows.push(studyRow(pooled, COMBINED, `Combined (${paper.map(datasetLabel).join(" + ")})`, true));
  }
  if (present.length >= 2 && present.length > paper.length) {
    const pooledAll = all.find((r) => r.dataset === COMBINED)!;
    rows.push(studyRow(pooledAll, "combined_all", `All rated datasets (${present.map(datasetLabel).join(" + ")})`, false));
  }

  const responses = ratedResponses(ratings).map((r) => ({
    dataset: r.dataset_name, instance_id: r.instance_id, model_key: r.model_key, model: r.model_key.replace("_", "/"),
    raters: Object.keys(r.raters).length, human: r.human, llm: r.llm
  }));
  const pairs = present.flatMap((dataset) =>
    clinicianPairs(ratedResponses(ratings.filter((r) => r.dataset_name === dataset))).map((p) => ({
      dataset, rater_a: p.raters[0], rater_b: p.raters[1], shared: p.shared, icc3k_z: finite(p.icc3k_z)
    }))
  );
  return {
    file, seed, n_ratings: ratings.length, n_responses: responses.length,
    n_raters: new Set(ratings.map((r) => r.rater_id)).size, rows, responses, pairs
  };
}

/** The study of the bundled ratings (or of `path`), as the agreement page's JSON. */
export async function clinicianStudyFile(path = BUNDLED_RATINGS_FILE, projectRoot = fileURLToPath(new URL("..", import.meta.url))): Promise<ClinicianStudy> {
  return clinicianStudy(await readRatings(path), {file: relative(projectRoot, path)});
}
