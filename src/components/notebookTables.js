// Where the notebook's tables come from: the one place that knows how the site ships them (today
// Arrow IPC members of data/suite.tar, the largest gzip-compressed). If the site ships its tables
// another way, only this module changes. Every table the site ships for querying is listed;
// nothing else is reachable from the notebook, so restricted text that the build withheld is not
// there to query.
import {FileAttachment} from "observablehq:stdlib";
import {unpack} from "./packed.js";

/**
 * Each table's file, as a FileAttachment (Framework finds files by these literal calls, which is
 * why each table is spelled out). Order: the result tables first, then the derived ones.
 */
const files = {
  runs: () => FileAttachment("../data/suite/runs.arrow"),
  benchmarks: () => FileAttachment("../data/suite/benchmarks.arrow"),
  instances: () => FileAttachment("../data/suite/instances.arrow.gz"),
  completions: () => FileAttachment("../data/suite/completions.arrow.gz"),
  scores: () => FileAttachment("../data/suite/scores.arrow.gz"),
  judgments: () => FileAttachment("../data/suite/judgments.arrow.gz"),
  entries: () => FileAttachment("../data/suite/entries.arrow"),
  catalogue: () => FileAttachment("../data/suite/catalogue.arrow"),
  leaderboard: () => FileAttachment("../data/suite/leaderboard.arrow"),
  win_rates: () => FileAttachment("../data/suite/win_rates.arrow"),
  pair_differences: () => FileAttachment("../data/suite/pair_differences.arrow"),
  pair_disagreements: () => FileAttachment("../data/suite/pair_disagreements.arrow"),
  metric_values: () => FileAttachment("../data/suite/metric_values.arrow"),
  metric_correlations: () => FileAttachment("../data/suite/metric_correlations.arrow"),
  judge_composites: () => FileAttachment("../data/suite/judge_composites.arrow"),
  judge_correlations: () => FileAttachment("../data/suite/judge_correlations.arrow"),
  judge_agreement: () => FileAttachment("../data/suite/judge_agreement.arrow"),
  judge_success: () => FileAttachment("../data/suite/judge_success.arrow"),
  per_judge_scores: () => FileAttachment("../data/suite/per_judge_scores.arrow"),
  unscored_reasons: () => FileAttachment("../data/suite/unscored_reasons.arrow"),
  self_judging: () => FileAttachment("../data/suite/self_judging.arrow"),
  own_table1: () => FileAttachment("../data/suite/own_table1.arrow"),
  own_category_scores: () => FileAttachment("../data/suite/own_category_scores.arrow"),
  own_category_win_rates: () => FileAttachment("../data/suite/own_category_win_rates.arrow"),
  own_subcategory_scores: () => FileAttachment("../data/suite/own_subcategory_scores.arrow"),
  own_costs: () => FileAttachment("../data/suite/own_costs.arrow"),
  run_costs: () => FileAttachment("../data/suite/run_costs.arrow"),
  labels: () => FileAttachment("../data/suite/labels.arrow")
};

/** Names of the tables, in the order the notebook lists them. */
export const TABLE_NAMES = Object.keys(files);

/**
 * Tables shipped gzip-compressed (`.arrow.gz`, see data-loaders/site/notebook-tables.ts): the raw
 * result tables, by far the largest. They are unpacked in the page (packed.js).
 */
export const PACKED_TABLES = new Set(["instances", "completions", "scores", "judgments"]);

/** A table's file as a path relative to `src/`, for pages exported from the notebook. */
export function tablePath(name) {
  return `data/suite/${name}.arrow${PACKED_TABLES.has(name) ? ".gz" : ""}`;
}

/**
 * Loads table `name` into a DuckDB-WASM database (`AsyncDuckDB`) as a table of the same name.
 * Resolves to the number of bytes read.
 */
export async function loadTable(db, name) {
  if (!files[name]) throw new Error(`the site ships no table "${name}"`);
  const file = files[name]();
  const buffer = PACKED_TABLES.has(name) ? await unpack(file) : new Uint8Array(await file.arrayBuffer());
  const connection = await db.connect();
  try {
    await connection.insertArrowFromIPCStream(buffer, {name, schema: "main", create: true});
  } finally {
    await connection.close();
  }
  return buffer.byteLength;
}
