/**
 * The data contract: every table the workbench writes, its columns and their types. This is the
 * only place the schema is declared; the Parquet writer, the site loaders, the HELM importer and
 * the README's schema section all follow it. Columns are snake_case with units in their names;
 * counts are INTEGER or DOUBLE (never BIGINT, which reaches the browser as BigInt).
 */

/** Column types we use; each maps to one DuckDB/Parquet type. */
export type ColumnType = "VARCHAR" | "INTEGER" | "DOUBLE" | "BOOLEAN";

/** One column of a table. */
export interface Column {
  name: string;
  type: ColumnType;
  /** What the column holds, for the README and the pages. */
  doc: string;
}

/** One table: a row grain and its columns. */
export interface TableSchema {
  name: TableName;
  /** What one row is. */
  grain: string;
  columns: Column[];
  /** Columns rows are sorted by before writing, so files are stable. */
  key: string[];
}

/** Names of the tables a run writes. */
export type TableName = "runs" | "benchmarks" | "instances" | "completions" | "scores" | "judgments";

const c = (name: string, type: ColumnType, doc: string): Column => ({name, type, doc});
const runId = c("run_id", "VARCHAR", "run that produced the row");
const benchmark = c("benchmark", "VARCHAR", "benchmark id (HELM run-group name)");
const instanceId = c("instance_id", "VARCHAR", "instance id, stable across runs");
const model = c("model", "VARCHAR", "evaluated model id (provider/name)");

export const schemas: Record<TableName, TableSchema> = {
  runs: {
    name: "runs",
    grain: "one run of the suite (or one imported result set)",
    key: ["run_id"],
    columns: [
      runId,
      c("source", "VARCHAR", "native, helm-import or synthetic"),
      c("started_at", "VARCHAR", "ISO-8601 start time"),
      c("finished_at", "VARCHAR", "ISO-8601 end time"),
      c("tool_version", "VARCHAR", "medhelm-workbench version"),
      c("seed", "INTEGER", "seed of instance sampling and baselines"),
      c("models", "VARCHAR", "comma-separated evaluated model ids"),
      c("judges", "VARCHAR", "comma-separated judge model ids"),
      c("config_json", "VARCHAR", "normalized run configuration (endpoints by URL, never keys)"),
      c("n_calls", "INTEGER", "model and judge calls made (cache misses)"),
      c("n_cached", "INTEGER", "calls served from the response cache"),
      c("n_errors", "INTEGER", "calls that failed after retries"),
      c("cost_usd", "DOUBLE", "USD spent on this run's calls at the prices charged, list or batch (cached replays are free); null when a called model has no known price"),
      c("shard", "VARCHAR", "the shard of a sharded run this row's run evaluated, as i/n (medhelm run --shard); null for a whole run")
    ]
  },
  benchmarks: {
    name: "benchmarks",
    grain: "benchmark x run",
    key: ["run_id", "benchmark"],
    columns: [
      runId, benchmark,
      c("name", "VARCHAR", "display name"),
      c("version", "INTEGER", "benchmark definition version"),
      c("category", "VARCHAR", "taxonomy category id, or unclassified for a benchmark that names no subcategory"),
      c("subcategory", "VARCHAR", "taxonomy subcategory id, or unclassified"),
      c("access", "VARCHAR", "public, gated or private"),
      c("open_ended", "BOOLEAN", "scored by the LLM jury"),
      c("main_metric", "VARCHAR", "headline metric name"),
      c("main_metric_min", "DOUBLE", "lowest value of the main metric"),
      c("main_metric_max", "DOUBLE", "highest value of the main metric"),
      c("max_tokens", "INTEGER", "maximum output tokens per answer"),
      c("data_available", "BOOLEAN", "whether the data was found"),
      c("n_instances", "INTEGER", "instances evaluated"),
      c("prompt_hash", "VARCHAR", "sha256 of the prompt layout and judge rubric"),
      c("instances_hash", "VARCHAR", "sha256 of the evaluated instance ids and inputs")
    ]
  },
  instances: {
    name: "instances",
    grain: "evaluated instance",
    key: ["run_id", "benchmark", "instance_id"],
    columns: [
      runId, benchmark, instanceId,
      c("subset", "VARCHAR", "sub-run (e.g. MedDialog subset), null when none"),
      c("split", "VARCHAR", "HELM split"),
      c("input_text", "VARCHAR", "raw scenario input"),
      c("choices_json", "VARCHAR", "JSON array of choice texts (multiple choice), else null"),
      c("gold_text", "VARCHAR", "first gold answer or reference output"),
      c("prompt_text", "VARCHAR", "full prompt sent to models"),
      c("input_chars", "INTEGER", "length of the prompt in characters")
    ]
  },
  completions: {
    name: "completions",
    grain: "model answer to one instance",
    key: ["run_id", "benchmark", "instance_id", "model"],
    columns: [
      runId, benchmark, instanceId, model,
      c("model_kind", "VARCHAR", "llm or baseline"),
      c("endpoint", "VARCHAR", "endpoint base URL (no credentials), null for baselines"),
      c("output_text", "VARCHAR", "raw completion, null when the call failed"),
      c("answer_text", "VARCHAR", "extracted answer, null when none was found"),
      c("error", "VARCHAR", "why the call failed, null on success"),
      c("finish_reason", "VARCHAR", "provider finish reason"),
      c("input_tokens", "INTEGER", "prompt tokens reported by the provider"),
      c("output_tokens", "INTEGER", "completion tokens reported by the provider"),
      c("latency_ms", "DOUBLE", "wall time of the call (0 when cached or answered through a batch)"),
      c("cached", "BOOLEAN", "served from the response cache"),
      c("request_hash", "VARCHAR", "response-cache key of the request"),
      c("cost_usd", "DOUBLE", "USD of the answer at the price charged: the model's list price, or its batch price when it came through a batch (recorded tokens; also set when cached), null when unknown")
    ]
  },
  scores: {
    name: "scores",
    grain: "model answer x metric",
    key: ["run_id", "benchmark", "instance_id", "model", "metric"],
    columns: [
      runId, benchmark, instanceId, model,
      c("metric", "VARCHAR", "metric name"),
      c("is_main", "BOOLEAN", "the benchmark's headline metric"),
      c("value", "DOUBLE", "score, null when unscored"),
      c("value_normalized", "DOUBLE", "score rescaled to 0-1 by the metric's range"),
      c("unscored_reason", "VARCHAR", "why the value is null"),
      c("note", "VARCHAR", "why a real value is what it is, when the metric says (e.g. the predicted SQL failed or was stopped); null otherwise")
    ]
  },
  judgments: {
    name: "judgments",
    grain: "judge x criterion for one model answer",
    key: ["run_id", "benchmark", "instance_id", "model", "judge", "criterion"],
    columns: [
      runId, benchmark, instanceId, model,
      c("judge", "VARCHAR", "judge model id"),
      c("criterion", "VARCHAR", "rubric criterion"),
      c("score", "DOUBLE", "score on the rubric scale as parsed, null when absent"),
      c("explanation", "VARCHAR", "judge's explanation"),
      c("parse_status", "VARCHAR", "ok, verdict_rejected, invalid_json, missing_criterion, invalid_score, out_of_range, call_failed, no_output, excluded, missing (HELM import: the judge left no verdict)"),
      c("reason", "VARCHAR", "why the verdict is not used, null when ok"),
      c("self_judging", "BOOLEAN", "judge is the evaluated model"),
      c("same_vendor", "BOOLEAN", "judge and evaluated model share a vendor"),
      c("input_tokens", "INTEGER", "judge prompt tokens"),
      c("output_tokens", "INTEGER", "judge completion tokens"),
      c("latency_ms", "DOUBLE", "judge call wall time (0 when cached or answered through a batch)"),
      c("cached", "BOOLEAN", "served from the response cache"),
      c("cost_usd", "DOUBLE", "USD of the judge call at the price charged, list or batch (repeated on each criterion row of the call), null when unknown")
    ]
  }
};

/** Every table, in write order. */
export const tableNames = Object.keys(schemas) as TableName[];

/** A row of a table: column name -> value (missing columns are written as null). */
export type Row = Record<string, string | number | boolean | null | undefined>;
