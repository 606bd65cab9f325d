/**
 * The published MedHELM results as a result source, `medhelm-paper`: each of the paper's nine
 * models becomes a leaderboard entry with one main-metric score per benchmark and no instances,
 * like a summary-level HELM import. The rows follow the six result tables (`tables.ts`), so the
 * site derives the published entries' leaderboard cells, win rates and pages exactly as it does a
 * run's; what a table cannot say (the entry's display label, the published per-benchmark costs)
 * comes beside the rows.
 */
import {canonicalJson} from "../cache/cache.ts";
import {catalogueScale, normalizeScore} from "./leaderboard.ts";
import {paperModels, type PaperSource} from "./recomputed.ts";
import type {Row, TableName} from "../formats/tables.ts";
import {catalogueEntry, categoryOf} from "../benchmark/taxonomy.ts";

/** `runs.source` and the entries' `source` of the published results. */
export const PUBLISHED_SOURCE = "medhelm-paper";

/** The published versions: `v1` = arXiv (35 benchmarks), `v2` = the 37-benchmark update. */
export const publishedVersions = ["v1", "v2"] as const;

/** A published version. */
export type PublishedVersion = (typeof publishedVersions)[number];

/** Which published version the site and the CLI rank among the runs; false shows none. */
export type PublishedSetting = PublishedVersion | false;

/** The default: the latest published version. */
export const DEFAULT_PUBLISHED: PublishedSetting = "v2";

/**
 * The instance id of a published cell. It is the id HELM's summary-level import uses, so both
 * kinds of instance-less results are recognised alike; it never names a real instance.
 */
export const SUMMARY_INSTANCE = "__leaderboard__";

/** MedHELM's jury (the paper's three judges): their model ids and the patterns that recognise them in a router's ids (e.g. `router/anthropic/claude-3.7-sonnet`). */
export const paperJudges: ReadonlyArray<{model: string; name: string; pattern: RegExp}> = [
  {model: "openai/gpt-4o-2024-05-13", name: "GPT-4o (2024-05-13)", pattern: /gpt-4o-2024-05-13/i},
  {model: "meta/llama-3.3-70b-instruct", name: "Llama 3.3 70B Instruct", pattern: /llama-3[.-]3-70b-instruct/i},
  {model: "anthropic/claude-3-7-sonnet-20250219", name: "Claude 3.7 Sonnet", pattern: /claude-3[.-]7-sonnet/i}
];

/**
 * Reads the `site.published` setting (or the CLI's `--published`): "v1", "v2", false, or "none"
 * (the CLI's word for false); anything else throws an error that names `where` and the choices.
 */
export function parsePublished(value: unknown, where: string): PublishedSetting {
  if (value === undefined) return DEFAULT_PUBLISHED;
  if (value === false || value === "none") return false;
  if (typeof value === "string" && (publishedVersions as readonly string[]).includes(value)) return value as PublishedVersion;
  throw new Error(`${where} must be ${publishedVersions.map((v) => `"${v}"`).join(", ")} or false (no published results), got ${JSON.stringify(value)}`);
}

/** The run id of a published version's rows. */
export const publishedRunId = (version: PublishedVersion): string => `${PUBLISHED_SOURCE}-${version}`;

/** The leaderboard label of a published model, e.g. `GPT-4o (2024-05-13) [MedHELM paper v2]`. */
export function publishedLabel(name: string, version: PublishedVersion): string {
  return `${name} [MedHELM paper ${version}]`;
}

/** The most frequent value (the smallest of equally frequent ones), null for none. */
function mode(values: readonly number[]): number | null {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: number | null = null;
  for (const [v, n] of counts) if (best === null || n > counts.get(best)! || (n === counts.get(best)! && v < best)) best = v;
  return best;
}

/**
 * The paper's instance count per benchmark: the `Test Instances` most of its models were
 * evaluated on (a few cells differ, e.g. MTSamples 427 for two models, 78 for the rest).
 */
export function paperInstanceCounts(source: PaperSource): Map<string, number> {
  const out = new Map<string, number>();
  for (const benchmark of source.grid.benchmarks) {
    const n = mode(source.costs.filter((c) => c.benchmark === benchmark).map((c) => c.instances));
    if (n !== null) out.set(benchmark, n);
  }
  return out;
}

/** The published cost of one model's answers to one benchmark (MedHELM's upper-bound estimate). */
export interface PublishedCost {
  run_id: string;
  label: string;
  benchmark: string;
  input_tokens: number;
  output_tokens: number;
  judge_input_tokens: number;
  judge_output_tokens: number;
  cost_usd: number;
  jury_cost_usd: number;
}

/** A published version as result-table rows, with its entries' labels and costs. */
export interface PublishedRows {
  version: PublishedVersion;
  runId: string;
  /** Rows of the six result tables (`instances` and `completions` carry no text). */
  tables: Record<TableName, Row[]>;
  /** The label of each published model's entry. */
  labels: Array<{run_id: string; model: string; label: string}>;
  costs: PublishedCost[];
}

/** The published results of `version` as rows of our result tables. */
export function publishedRows(version: PublishedVersion, source: PaperSource): PublishedRows {
  const runId = publishedRunId(version);
  const {grid} = source;
  const counts = paperInstanceCounts(source);
  const tables: Record<TableName, Row[]> = {runs: [], benchmarks: [], instances: [], completions: [], scores: [], judgments: []};
  const nameOf = (model: string) => paperModels.find((m) => m.model === model)!.name;
  for (const benchmark of grid.benchmarks) {
    const entry = catalogueEntry(benchmark)!;
    const scale = catalogueScale(benchmark);
    tables.benchmarks.push({
      run_id: runId, benchmark, name: entry.name, version: null, category: categoryOf(benchmark), subcategory: entry.subcategory,
      access: entry.access, open_ended: entry.openEnded, main_metric: entry.mainMetric,
      main_metric_min: scale === "jury" ? 1 : 0, main_metric_max: scale === "jury" ? 5 : 1,
      max_tokens: null, data_available: null, n_instances: counts.get(benchmark) ?? null, prompt_hash: null, instances_hash: null
    });
    tables.instances.push({
      run_id: runId, benchmark, instance_id: SUMMARY_INSTANCE, subset: null, split: benchmark === "med_mcqa" ? "valid" : "test",
      input_text: null, choices_json: null, gold_text: null, prompt_text: null, input_chars: null
    });
  }
  grid.models.forEach((model, m) => {
    grid.benchmarks.forEach((benchmark, b) => {
      const value = grid.values[m][b];
      const key = {run_id: runId, benchmark, instance_id: SUMMARY_INSTANCE, model};
      tables.completions.push({
        ...key, model_kind: "llm", endpoint: null, output_text: null, answer_text: null, error: null, finish_reason: null,
        input_tokens: null, output_tokens: null, latency_ms: null, cached: null, request_hash: null, cost_usd: null
      });
      tables.scores.push({
        ...key, metric: catalogueEntry(benchmark)!.mainMetric, is_main: true, value,
        value_normalized: value === null ? null : normalizeScore(value, catalogueScale(benchmark)),
        unscored_reason: value === null ? `the MedHELM paper (${version}) publishes no score` : null, note: null
      });
    });
  });
  tables.runs.push({
    run_id: runId, source: PUBLISHED_SOURCE, started_at: null, finished_at: null, tool_version: null, seed: null,
    models: grid.models.join(","), judges: paperJudges.map((j) => j.model).join(","),
    config_json: canonicalJson({source: "MedHELM paper", version, benchmarks: grid.benchmarks.length, file: `reference/medhelm-paper/leaderboard-${version === "v1" ? 35 : 37}.csv`}),
    n_calls: null, n_cached: null, n_errors: null, cost_usd: null
  });
  const labels = grid.models.map((model) => ({run_id: runId, model, label: publishedLabel(nameOf(model), version)}));
  const labelOf = new Map(labels.map((l) => [l.model, l.label]));
  const costs = source.costs.map((c) => ({
    run_id: runId, label: labelOf.get(c.model)!, benchmark: c.benchmark,
    input_tokens: c.input_tokens, output_tokens: c.output_tokens, judge_input_tokens: c.judge_input_tokens, judge_output_tokens: c.judge_output_tokens,
    cost_usd: c.cost_input + c.cost_output, jury_cost_usd: c.cost_jury_input + c.cost_jury_output
  }));
  return {version, runId, tables, labels, costs};
}
