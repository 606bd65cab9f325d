/**
 * Plain JavaScript rows as an Arrow IPC stream, for loaders whose tables are computed in memory
 * rather than queried from DuckDB (`arrow.ts` covers the DuckDB case). Column types are declared,
 * never inferred, so that an all-null column still gets the right type in the browser.
 */
import {Bool, Float64, Int32, Table, Utf8, tableToIPC, vectorFromArray, type DataType, type Vector} from "apache-arrow";

/** The column types a row table may declare. */
export type ColumnKind = "string" | "number" | "integer" | "boolean";

/** Column name to type, in output order. */
export type ColumnSpec = Record<string, ColumnKind>;

const arrowTypes: Record<ColumnKind, () => DataType> = {
  string: () => new Utf8(),
  number: () => new Float64(),
  integer: () => new Int32(),
  boolean: () => new Bool()
};

/**
 * Checks one cell against its declared kind. Non-finite numbers become null, because Arrow and
 * DuckDB would show NaN as a number and a missing value must read as missing.
 */
function cell(value: unknown, kind: ColumnKind, column: string, row: number): unknown {
  if (value === null || value === undefined) return null;
  const bad = () => new Error(`row ${row}, column ${column}: ${JSON.stringify(value)} is not ${kind === "integer" ? "an" : "a"} ${kind}`);
  switch (kind) {
    case "string":
      if (typeof value !== "string") throw bad();
      return value;
    case "boolean":
      if (typeof value !== "boolean") throw bad();
      return value;
    case "number":
      if (typeof value !== "number") throw bad();
      return Number.isFinite(value) ? value : null;
    case "integer":
      if (typeof value !== "number" || !Number.isInteger(value) || Math.abs(value) > 2 ** 31 - 1) throw bad();
      return value;
  }
}

/**
 * Encodes `rows` as an Arrow IPC stream with exactly the columns of `columns`. A row lacking a
 * column gives null there; a cell of the wrong type throws, naming the row and column.
 */
export function rowsToArrowIPC(rows: ReadonlyArray<Record<string, unknown>>, columns: ColumnSpec): Uint8Array {
  const vectors: Record<string, Vector> = {};
  for (const [name, kind] of Object.entries(columns)) {
    const values = rows.map((r, i) => cell(r[name], kind, name, i));
    vectors[name] = vectorFromArray(values as never[], arrowTypes[kind]()) as Vector;
  }
  return tableToIPC(new Table(vectors), "stream");
}
