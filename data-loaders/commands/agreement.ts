/** `medhelm agreement`: LLM-jury vs clinician agreement on a human-ratings file, as in MedHELM's validation study. */
import {existsSync} from "node:fs";
import {resolve} from "node:path";
import {fileURLToPath} from "node:url";
import {analyzeAgreement, DEFAULT_SEED, type AgreementResult} from "../agreement.ts";
import {integerFlag, listFlag, parseFlags, UsageError, type Command} from "../command.ts";
import {readRatings} from "../ratings.ts";
import {textTable} from "../text-table.ts";

/** The clinician ratings of the MedHELM paper, shipped with the project. */
export const BUNDLED_RATINGS = fileURLToPath(new URL("../../reference/medhelm-paper/clinician-ratings.csv", import.meta.url));

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
    const {values} = parseFlags({args, options: {ratings: {type: "string"}, datasets: {type: "string"}, seed: {type: "string"}, format: {type: "string"}}});
    const format = values.format ?? "table";
    if (format !== "json" && format !== "table") throw new UsageError(`unknown format: ${format}`);
    const seed = integerFlag(values.seed, "--seed") ?? DEFAULT_SEED;
    const datasets = listFlag(values.datasets);
    if (datasets && datasets.length === 0) throw new UsageError("--datasets names no dataset");
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
