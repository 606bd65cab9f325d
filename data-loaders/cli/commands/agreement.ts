/**
 * `medhelm agreement`: LLM-jury vs clinician agreement, as in MedHELM's validation study: on a
 * ratings file in the paper's format (the paper's own by default), or, with `--results`, on the
 * completed rating sheets of a study of the workbench's own runs (`medhelm ratings sample`).
 */
import {existsSync} from "node:fs";
import {resolve} from "node:path";
import {fileURLToPath} from "node:url";
import {analyzeAgreement, DEFAULT_SEED, type AgreementResult} from "../../clinicians/agreement.ts";
import {integerFlag, listFlag, parseFlags, resultFolders, UsageError, type Command, type CommandIO} from "../command.ts";
import {readRatings} from "../../clinicians/ratings.ts";
import {textTable} from "../text-table.ts";
import {loadRegistry} from "../../benchmark/registry.ts";
import type {Rubric} from "../../benchmark/types.ts";
import {readCompletedSheets} from "../../clinicians/completed.ts";
import {readJudgedResponses, type JudgedResponse} from "../../clinicians/judged.ts";
import {ownStudy, type StudyResult} from "../../clinicians/study.ts";

/** The clinician ratings of the MedHELM paper, shipped with the project. */
export const BUNDLED_RATINGS = fileURLToPath(new URL("../../../reference/medhelm-paper/clinician-ratings.csv", import.meta.url));

/** One dataset's figures as the command prints them (JSON numbers; undefined values become null). */
export interface AgreementFigures {
  responses: number;
  ratings: number;
  icc3k_z: {value: number; ci_low: number; ci_high: number; n: number} | null;
  clinician_icc3k_z: {value: number; ci_low: number; ci_high: number; pairs: number} | null;
  spearman: {rho: number; ci_low: number; ci_high: number; n: number} | null;
  kappa_quadratic: {value: number; ci_low: number; ci_high: number} | null;
  rouge_l_icc3k_z: {value: number; ci_low: number; ci_high: number; n: number} | null;
}

/** The figures of one analysis result, keyed as in the JSON output. */
export function figures(result: AgreementResult): AgreementFigures {
  return {
    responses: result.responses,
    ratings: result.ratings,
    icc3k_z: result.icc3k_z,
    clinician_icc3k_z: result.clinician_icc3k_z,
    spearman: result.spearman,
    kappa_quadratic: result.kappa_quadratic,
    rouge_l_icc3k_z: result.lexical_icc3k_z.rouge_l ?? null
  };
}

const command: Command = {
  name: "agreement",
  summary: "agreement of the LLM jury with clinicians (ICC3k-z, Spearman, weighted kappa)",
  usage: `usage: medhelm agreement [--ratings FILE] [--datasets a,b] [--seed N] [--format json|table]
       medhelm agreement --results DIR[,DIR...] --ratings DIR_OR_FILES [--datasets a,b] [--seed N] [--format json|table]

  --results DIR      result folders the rating sheets were sampled from ("medhelm ratings sample");
                     with it, --ratings names the completed sheets (a folder holding the sheets and
                     key.csv, or sheet files, comma-separated, each with key.csv beside it) and
                     the study adds per_judge, panels (every sub-panel of the jury with its cost),
                     rouge_l_icc3k_z and bertscore_f1_icc3k_z (when the run computed BERTScore)
  --ratings FILE     human-ratings CSV: rater_id, instance_id, dataset_name, model_key,
                     accuracy, completeness, clarity, llm_accuracy, llm_completeness, llm_clarity
                     (default: the MedHELM paper's clinician ratings,
                     reference/medhelm-paper/clinician-ratings.csv)
  --datasets a,b     datasets to analyse and pool into "combined" (default: all in the file;
                     the paper's Combined figure is --datasets aci_bench,medi_qa)
  --seed N           seed of the bootstrap intervals (default ${DEFAULT_SEED})
  --format F         json or table (default table)

  For each dataset and for "combined": icc3k_z (jury vs clinician mean, ICC(3,k) on z-scores,
  F interval), clinician_icc3k_z (mean over clinician pairs, bootstrap interval over pairs),
  spearman (Fisher-z interval), kappa_quadratic (composites rounded to 1-5, bootstrap interval,
  1000 resamples) and rouge_l_icc3k_z (null: the ratings file carries no ROUGE-L values).`,
  async run(args, io) {
    const {values} = parseFlags({args, options: {ratings: {type: "string"}, results: {type: "string"}, datasets: {type: "string"}, seed: {type: "string"}, format: {type: "string"}}});
    const format = values.format ?? "table";
    if (format !== "json" && format !== "table") throw new UsageError(`unknown format: ${format}`);
    const seed = integerFlag(values.seed, "--seed") ?? DEFAULT_SEED;
    const datasets = listFlag(values.datasets);
    if (datasets && datasets.length === 0) throw new UsageError("--datasets names no dataset");
    if (values.results !== undefined) return ownRuns(values.results, values.ratings, datasets, seed, format, io);
    const file = values.ratings === undefined ? BUNDLED_RATINGS : resolve(io.cwd, values.ratings);
    if (!existsSync(file)) throw new UsageError(`ratings file not found: ${file}`);

    const ratings = await readRatings(file);
    const present = [...new Set(ratings.map((r) => r.dataset_name))];
    const unknown = (datasets ?? []).filter((d) => !present.includes(d));
    if (unknown.length > 0) throw new UsageError(`unknown dataset ${unknown.join(", ")} in --datasets (${file} has ${present.sort().join(", ")})`);
    const results = analyzeAgreement(ratings, {datasets, seed});

    if (format === "json") {
      const byDataset = Object.fromEntries(results.map((r) => [r.dataset, figures(r)]));
      // JSON has no NaN; undefined statistics (e.g. a Fisher interval from three responses) print as null.
      const json = JSON.stringify({ratings: file, seed, datasets: byDataset}, (_, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 2);
      io.stdout(`${json}\n`);
    } else {
      io.stdout(table(results));
      io.stdout(`\nratings: ${file}\nseed: ${seed}\n`);
    }
    return 0;
  }
};

export default command;

/** One study result as the JSON prints it: the paper's figures plus per-judge, panels and the automated metrics. */
export function studyFigures(result: StudyResult) {
  return {
    ...figures(result),
    bertscore_f1_icc3k_z: result.bertscore_f1_icc3k_z,
    per_judge: result.per_judge,
    panels: result.panels
  };
}

/** `agreement --results`: the study of the workbench's own runs from completed rating sheets. */
async function ownRuns(results: string, ratings: string | undefined, datasets: string[] | undefined, seed: number, format: string, io: CommandIO): Promise<number> {
  const dirs = resultFolders(results, io.cwd);
  if (ratings === undefined) throw new UsageError("--results needs --ratings: the folder of completed rating sheets (with key.csv) or the sheet files");
  const paths = (listFlag(ratings) ?? []).map((p) => resolve(io.cwd, p));
  if (!paths.length) throw new UsageError("--ratings names no folder or file");
  let responses: JudgedResponse[];
  try {
    responses = await readJudgedResponses(dirs);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const rubrics: Record<string, Rubric> = Object.fromEntries((await loadRegistry()).filter((b) => b.rubric).map((b) => [b.id, b.rubric!]));
  const completed = await readCompletedSheets(paths, responses, rubrics);
  const present = [...new Set(completed.ratings.map((r) => r.response.benchmark))].sort();
  const unknown = (datasets ?? []).filter((d) => !present.includes(d));
  if (unknown.length) throw new UsageError(`unknown dataset ${unknown.join(", ")} in --datasets (the sheets rate ${present.join(", ") || "nothing"})`);
  const chosen = datasets ? completed.ratings.filter((r) => datasets.includes(r.response.benchmark)) : completed.ratings;
  const study = ownStudy(chosen, responses, {seed});
  const raters = [...new Set(completed.ratings.map((r) => r.rater))].sort();
  const sheets = {
    files: completed.files, skipped: completed.skipped, keys: completed.keys, raters,
    rated: completed.ratings.length,
    not_rated: completed.unrated.map((u) => ({rater: u.rater, packet_id: u.packet_id, file: u.file, row: u.row, blank: u.blank}))
  };
  if (completed.unrated.length) io.stderr(`agreement: ${completed.unrated.length} packet${completed.unrated.length === 1 ? "" : "s"} not rated on every criterion (blank cells), left out: ${completed.unrated.slice(0, 10).map((u) => `${u.rater} ${u.packet_id}`).join(", ")}${completed.unrated.length > 10 ? ", ..." : ""}\n`);
  if (format === "json") {
    const byDataset = Object.fromEntries(study.map((r) => [r.dataset, studyFigures(r)]));
    const json = JSON.stringify({results: dirs, ratings: paths, seed, sheets, datasets: byDataset}, (_, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 2);
    io.stdout(`${json}\n`);
  } else {
    io.stdout(table(study));
    io.stdout(`\n${studyTable(study)}`);
    io.stdout(`\nresults: ${dirs.join(", ")}\nsheets: ${completed.files.length} of ${raters.length} raters, ${completed.ratings.length} complete ratings, ${completed.unrated.length} packets not rated\nseed: ${seed}\n`);
  }
  return 0;
}

/** Per benchmark, each judge and each sub-panel of the jury against the clinicians, with the panel's cost. */
function studyTable(results: readonly StudyResult[]): string {
  const num = (x: number | null | undefined, digits = 3) => (typeof x === "number" && Number.isFinite(x) ? x.toFixed(digits) : "n/a");
  const rows = results.flatMap((r) => r.panels.map((p) => [
    r.dataset, p.judges.join(" + "), String(p.size),
    p.icc3k_z ? `${num(p.icc3k_z.value)} [${num(p.icc3k_z.ci_low)}, ${num(p.icc3k_z.ci_high)}] (${p.icc3k_z.n})` : "n/a",
    p.cost_usd === null ? "unknown" : `$${num(p.cost_usd, 4)}`
  ]));
  return `${textTable(["dataset", "panel", "judges", "ICC3k-z vs clinicians (n)", "cost"], rows, {labels: 2})}\n`;
}

/** A fixed-width text table, one row per dataset, each statistic as `value [low, high]`. */
function table(results: readonly AgreementResult[]): string {
  const num = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : "n/a");
  const cell = (s: {value: number; ci_low: number; ci_high: number} | null, extra = "") =>
    s === null ? "n/a" : `${num(s.value)} [${num(s.ci_low)}, ${num(s.ci_high)}]${extra}`;
  const header = ["dataset", "responses", "jury ICC3k-z (n)", "clinician ICC3k-z (pairs)", "Spearman rho", "kappa (quadratic)", "ROUGE-L ICC3k-z"];
  const rows = results.map((r) => {
    const f = figures(r);
    return [
      r.dataset,
      String(r.responses),
      cell(f.icc3k_z, f.icc3k_z ? ` (${f.icc3k_z.n})` : ""),
      cell(f.clinician_icc3k_z, f.clinician_icc3k_z ? ` (${f.clinician_icc3k_z.pairs})` : ""),
      f.spearman ? cell({value: f.spearman.rho, ci_low: f.spearman.ci_low, ci_high: f.spearman.ci_high}) : "n/a",
      cell(f.kappa_quadratic),
      cell(f.rouge_l_icc3k_z)
    ];
  });
  return `${textTable(header, rows, {labels: header.length})}\n`;
}
