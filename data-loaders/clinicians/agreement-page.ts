/**
 * The clinician study of the MedHELM paper as the agreement page's data: per-response clinician
 * and jury composites (the scatter), the agreement figures per dataset, for the paper's pooled
 * "Combined" set (ACI-Bench + MEDIQA) and for all rated datasets pooled (the ICC table), and the
 * clinician pairs behind the clinician-clinician figure. All statistics come from `agreement.ts`,
 * exactly as `medhelm agreement` prints them.
 */
import {existsSync} from "node:fs";
import {dirname, join, relative, resolve} from "node:path";
import {fileURLToPath} from "node:url";
import {readCompletedSheets} from "./completed.ts";
import {readJudgedResponses} from "./judged.ts";
import {ownStudy} from "./study.ts";
import {loadConfig} from "../runner/config.ts";
import {loadRegistry} from "../benchmark/registry.ts";
import {analyzeAgreement, clinicianPairs, COMBINED, DEFAULT_SEED, ratedResponses, type AgreementResult} from "./agreement.ts";
import {readRatings, type Rating} from "./ratings.ts";
import {catalogueEntry} from "../benchmark/taxonomy.ts";

/** The datasets the paper reports and pools into its "Combined" figure. */
export const PAPER_DATASETS = ["aci_bench", "medi_qa"] as const;

/** The bundled ratings file (the paper's clinician study). */
export const BUNDLED_RATINGS_FILE = fileURLToPath(new URL("../../reference/medhelm-paper/clinician-ratings.csv", import.meta.url));

/** The agreement figures both ICC tables (the paper's study and a team's own) show for a row. */
export interface AgreementFigures {
  id: string;
  label: string;
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
  kappa_quadratic: number | null;
}

/** One row of the page's ICC table. */
export interface StudyRow extends AgreementFigures {
  /** Dataset id, `combined` (the paper's pooled set) or `combined_all` (every rated dataset). */
  id: string;
  /** Whether the paper reports this row. */
  in_paper: boolean;
  datasets: string[];
  spearman_low: number | null;
  spearman_high: number | null;
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
export async function clinicianStudyFile(path = BUNDLED_RATINGS_FILE, projectRoot = fileURLToPath(new URL("../..", import.meta.url))): Promise<ClinicianStudy> {
  return clinicianStudy(await readRatings(path), {file: relative(projectRoot, path)});
}

/** One row of the own-study ICC table: a benchmark of the site's runs, or the pooled set. */
export interface OwnStudyRow extends AgreementFigures {
  rouge_l_icc3k_z: number | null;
  rouge_l_low: number | null;
  rouge_l_high: number | null;
  bertscore_f1_icc3k_z: number | null;
  bertscore_f1_low: number | null;
  bertscore_f1_high: number | null;
  verdict: string;
}

/** One panel of judges (a single judge is a panel of one) on one row of the own study. */
export interface OwnPanelRow {
  id: string;
  judges: string;
  size: number;
  icc3k_z: number | null;
  low: number | null;
  high: number | null;
  n: number | null;
  cost_usd: number | null;
  calls: number;
}

/** The agreement page's study of the site's own runs, or why there is none. */
export interface OwnClinicianStudy {
  /** `none`: no study configured; `error`: configured but unreadable (the message says why); `ok`. */
  status: "none" | "error" | "ok";
  message: string;
  ratings: string | null;
  results: string[];
  raters: string[];
  rated: number;
  not_rated: number;
  rows: OwnStudyRow[];
  panels: OwnPanelRow[];
}

const f3 = (x: number | null) => (x === null ? "n/a" : x.toFixed(2));
const withCi = (x: number | null, lo: number | null, hi: number | null) => (x === null ? "undefined" : `${f3(x)} [${f3(lo)}, ${f3(hi)}]`);

/**
 * The verdict of one own-study row in words: the jury against the clinicians, the clinicians
 * against each other, and whether the intervals allow telling them apart; then the panel that
 * agrees best.
 */
export function ownVerdict(row: Omit<OwnStudyRow, "verdict">, panels: readonly OwnPanelRow[]): string {
  if (row.icc3k_z === null) return `On these ${row.responses} responses the jury's agreement with your clinicians is undefined (too few responses, or scores without spread).`;
  const parts = [`On these ${row.responses} responses the jury agrees with your clinicians at ${withCi(row.icc3k_z, row.icc3k_z_low, row.icc3k_z_high)}`];
  if (row.clinician_icc3k_z === null) parts[0] += "; no two clinicians rated the same responses, so there is no clinician-clinician yardstick.";
  else {
    parts[0] += `; clinicians with each other at ${withCi(row.clinician_icc3k_z, row.clinician_low, row.clinician_high)}.`;
    const overlap = row.icc3k_z_low !== null && row.clinician_high !== null && row.clinician_low !== null && row.icc3k_z_high !== null && row.icc3k_z_low <= row.clinician_high && row.clinician_low <= row.icc3k_z_high;
    parts.push(row.icc3k_z >= row.clinician_icc3k_z
      ? `The jury agrees with the clinicians at least as well as they agree with each other${overlap ? " (the intervals overlap, so the two are not told apart)" : ""}, as in the MedHELM paper.`
      : `The jury agrees with the clinicians less well than they agree with each other${overlap ? ", though the intervals overlap" : ""}: check its scores on these benchmarks before relying on them.`);
  }
  const best = panels.filter((p) => p.id === row.id && p.icc3k_z !== null).sort((a, b) => b.icc3k_z! - a.icc3k_z! || a.size - b.size)[0];
  if (best) parts.push(`The best-agreeing panel is ${best.judges} (${f3(best.icc3k_z)}${best.cost_usd === null ? "" : `, $${best.cost_usd.toFixed(2)}`}).`);
  if (row.rouge_l_icc3k_z !== null) parts.push(`ROUGE-L reaches ${f3(row.rouge_l_icc3k_z)}${row.bertscore_f1_icc3k_z === null ? "" : `, BERTScore-F1 ${f3(row.bertscore_f1_icc3k_z)}`}.`);
  return parts.join(" ");
}

/**
 * The study of the site's own runs as the agreement page shows it, from the configuration's
 * `clinicians` section: `{"clinicians": {"ratings": "<folder of completed sheets>", "results":
 * ["<result folder>", ...]}}` (results default to the site's result folders). A missing section
 * gives status `none`; unreadable sheets give status `error` with the reason, so that the site
 * still builds and says what is wrong.
 */
export async function ownClinicianStudy({cwd, env}: {cwd: string; env: Record<string, string | undefined>}): Promise<OwnClinicianStudy> {
  const empty = {ratings: null, results: [], raters: [], rated: 0, not_rated: 0, rows: [], panels: []};
  const config = loadConfig({cwd, env, file: env.MEDHELM_CONFIG || undefined});
  const section = (config.raw as {clinicians?: {ratings?: unknown; results?: unknown}}).clinicians;
  const base = config.file ? dirname(config.file) : cwd;
  if (!section || typeof section.ratings !== "string") {
    return {status: "none", message: `No clinician study of these runs is configured. Sample responses with "medhelm ratings sample", have your clinicians fill in the sheets, then name the folder in medhelm.config.json as "clinicians": {"ratings": "<folder>"} and rebuild.`, ...empty};
  }
  const ratings = resolve(base, section.ratings);
  const results = Array.isArray(section.results)
    ? section.results.map((d) => resolve(base, String(d)))
    : [config.outDir, ...(config.raw.site?.include ?? []).map((d) => resolve(base, d))].filter((d) => existsSync(join(d, "judgments.parquet")));
  try {
    const responses = await readJudgedResponses(results);
    const rubrics = Object.fromEntries((await loadRegistry()).filter((b) => b.rubric).map((b) => [b.id, b.rubric!]));
    const completed = await readCompletedSheets([ratings], responses, rubrics);
    const study = ownStudy(completed.ratings, responses, {seed: config.seed || DEFAULT_SEED});
    const panels: OwnPanelRow[] = study.flatMap((r) => r.panels.map((p) => ({
      id: r.dataset, judges: p.judges.join(" + "), size: p.size, icc3k_z: finite(p.icc3k_z?.value), low: finite(p.icc3k_z?.ci_low), high: finite(p.icc3k_z?.ci_high),
      n: p.icc3k_z?.n ?? null, cost_usd: p.cost_usd, calls: p.calls
    })));
    const rows = study.map((r) => {
      const row = {
        id: r.dataset, label: r.dataset === COMBINED ? `All rated benchmarks (${r.datasets.map(datasetLabel).join(" + ")})` : datasetLabel(r.dataset),
        responses: r.responses, ratings: r.ratings,
        icc3k_z: finite(r.icc3k_z?.value), icc3k_z_low: finite(r.icc3k_z?.ci_low), icc3k_z_high: finite(r.icc3k_z?.ci_high), icc_n: r.icc3k_z?.n ?? null,
        clinician_icc3k_z: finite(r.clinician_icc3k_z?.value), clinician_low: finite(r.clinician_icc3k_z?.ci_low), clinician_high: finite(r.clinician_icc3k_z?.ci_high), clinician_pairs: r.clinician_icc3k_z?.pairs ?? null,
        spearman: finite(r.spearman?.rho), kappa_quadratic: finite(r.kappa_quadratic?.value),
        rouge_l_icc3k_z: finite(r.rouge_l_icc3k_z?.value), rouge_l_low: finite(r.rouge_l_icc3k_z?.ci_low), rouge_l_high: finite(r.rouge_l_icc3k_z?.ci_high),
        bertscore_f1_icc3k_z: finite(r.bertscore_f1_icc3k_z?.value), bertscore_f1_low: finite(r.bertscore_f1_icc3k_z?.ci_low), bertscore_f1_high: finite(r.bertscore_f1_icc3k_z?.ci_high)
      };
      return {...row, verdict: ownVerdict(row, panels)};
    });
    const raters = [...new Set(completed.ratings.map((r) => r.rater))].sort();
    return {
      status: "ok", message: `${completed.ratings.length} ratings by ${raters.length} clinicians of ${rows.find((r) => r.id === COMBINED)?.responses ?? 0} responses${completed.unrated.length ? `; ${completed.unrated.length} packets left blank (not rated)` : ""}.`,
      ratings: relative(cwd, ratings) || ".", results: results.map((d) => relative(cwd, d) || "."), raters, rated: completed.ratings.length, not_rated: completed.unrated.length, rows, panels
    };
  } catch (error) {
    return {...empty, status: "error", message: `The clinician study in ${relative(cwd, ratings) || ratings} could not be read: ${(error as Error).message}`, ratings: relative(cwd, ratings)};
  }
}
