/**
 * Rows between DuckDB and JavaScript for loaders that mix SQL with computations in JavaScript:
 * query results as plain objects (BIGINT counts as numbers) and plain objects appended to a new
 * table with declared column types.
 */
import type {DuckDBConnection} from "@duckdb/node-api";

/** Reads a query's rows as plain objects, with BIGINT counts as numbers. */
export async function rowsOf(connection: DuckDBConnection, sql: string): Promise<Array<Record<string, unknown>>> {
  const reader = await connection.runAndReadAll(sql);
  return (reader.getRowObjectsJS() as Array<Record<string, unknown>>).map((row) => {
    for (const [k, v] of Object.entries(row)) if (typeof v === "bigint") row[k] = Number(v);
    return row;
  });
}

/** DuckDB column types of tables written from JavaScript rows. */
export type ColumnType = "VARCHAR" | "DOUBLE" | "INTEGER" | "BOOLEAN";

/** Creates table `name` with `columns` and appends `rows` (missing or non-finite values become NULL). */
export async function insertRows(connection: DuckDBConnection, name: string, columns: Record<string, ColumnType>, rows: ReadonlyArray<Record<string, unknown>>): Promise<void> {
  await connection.run(`CREATE TABLE ${name} (${Object.entries(columns).map(([c, t]) => `${c} ${t}`).join(", ")})`);
  const appender = await connection.createAppender(name);
  rows.forEach((row, i) => {
    for (const [column, type] of Object.entries(columns)) {
      const v = row[column];
      if (v === null || v === undefined || (typeof v === "number" && !Number.isFinite(v))) {
        appender.appendNull();
        continue;
      }
      const bad = () => new Error(`${name} row ${i}: column ${column} is not ${type}: ${JSON.stringify(v)}`);
      switch (type) {
        case "VARCHAR": if (typeof v !== "string") throw bad(); appender.appendVarchar(v); break;
        case "DOUBLE": if (typeof v !== "number") throw bad(); appender.appendDouble(v); break;
        case "INTEGER": if (typeof v !== "number") throw bad(); appender.appendInteger(Math.round(v)); break;
        case "BOOLEAN": if (typeof v !== "boolean") throw bad(); appender.appendBoolean(v); break;
      }
    }
    appender.endRow();
  });
  appender.closeSync();
}
