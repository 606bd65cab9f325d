/** A table sink that keeps rows in memory, for runner tests that need no Parquet. */
import type {TableSink} from "../data-loaders/formats/parquet.ts";
import type {Row, TableName} from "../data-loaders/formats/tables.ts";

/** A sink plus the rows written to it, by table. */
export function memorySink(): TableSink & {rows: Record<TableName, Row[]>} {
  const rows: Record<TableName, Row[]> = {runs: [], benchmarks: [], instances: [], completions: [], scores: [], judgments: []};
  return {
    rows,
    write: (table, row) => void rows[table].push(row),
    close: async () => ({}) as Record<TableName, string>
  };
}
