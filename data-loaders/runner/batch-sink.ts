/**
 * Rows reach the table sink in batches. Appending a row to DuckDB crosses into native code once
 * per value; done one answer at a time, between network events, each append runs with cold
 * caches and costs several times what it costs in a tight loop. Holding a few hundred rows per
 * table and appending them together keeps the run's memory bounded and the appends cheap.
 */
import type {TableSink} from "../formats/parquet.ts";
import type {Row, TableName} from "../formats/tables.ts";

/** A sink whose rows wait in per-table batches of `size`; `flush` writes what is waiting. */
export interface BatchedSink extends TableSink {
  flush(): void;
}

/** Wraps `sink` so that rows are written `size` at a time. */
export function batchedSink(sink: TableSink, size = 256): BatchedSink {
  const batches = new Map<TableName, Row[]>();
  const drain = (table: TableName, rows: Row[]) => {
    for (const row of rows) sink.write(table, row);
    rows.length = 0;
  };
  const flush = () => {
    for (const [table, rows] of batches) drain(table, rows);
  };
  return {
    write(table, row) {
      let rows = batches.get(table);
      if (!rows) batches.set(table, (rows = []));
      rows.push(row);
      if (rows.length >= size) drain(table, rows);
    },
    flush,
    async close() {
      flush();
      return sink.close();
    }
  };
}
