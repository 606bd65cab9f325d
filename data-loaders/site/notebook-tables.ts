/**
 * The result tables the notebook can query besides the derived ones: the run's own rows
 * (instances, completions, scores, judgments) and the entries that map a run's model to its
 * leaderboard label. They are shipped without their long text columns (inputs, prompts, gold
 * answers, outputs, judge explanations): those stay in the instance drill-down's chunk files,
 * and restricted text never reaches a table anyone can query. Names and the remaining columns
 * are those of the result folders' Parquet, so a query runs unchanged in `medhelm sql`.
 */
import {schemas, type TableName} from "../formats/tables.ts";

/** Long text columns left out of each raw table the notebook gets. */
export const withheldColumns: Partial<Record<TableName, string[]>> = {
  instances: ["input_text", "choices_json", "gold_text", "prompt_text"],
  completions: ["output_text", "answer_text"],
  judgments: ["explanation"]
};

/** Raw result tables shipped for the notebook, in their key order. */
const rawTables: TableName[] = ["instances", "completions", "scores", "judgments"];

/**
 * Notebook tables shipped gzip-compressed (`<name>.arrow.gz`): the raw result tables grow with
 * every model and instance and were most of a 48-model site's bytes. The notebook unpacks them
 * when a query names them (src/components/notebookTables.js), which no other page does.
 */
export const packedNotebookTables: ReadonlySet<string> = new Set(rawTables);

/**
 * The SQL of each notebook table, by the name it is shipped under. It reads the merged result
 * tables after restricted text was withheld, and the `entries` table of the site's derivation.
 */
export function notebookTableQueries(): Record<string, string> {
  const queries: Record<string, string> = {};
  for (const table of rawTables) {
    const withheld = withheldColumns[table] ?? [];
    const columns = schemas[table].columns.map((c) => c.name).filter((name) => !withheld.includes(name));
    queries[table] = `SELECT ${columns.join(", ")} FROM ${table} ORDER BY ${schemas[table].key.join(", ")}`;
  }
  queries.entries = "SELECT run_id, model, source, model_kind, label FROM entries ORDER BY label, run_id";
  return queries;
}
