/**
 * Rows between DuckDB and JavaScript for loaders that mix SQL with computations in JavaScript:
 * query results as plain objects (BIGINT counts as numbers) and plain objects appended to a new
 * table with declared column types.
 */
import type {DuckDBConnection} from "@duckdb/node-api";
import {readColumns, UnsupportedColumnType, type ResultColumn, type Utf8Column} from "./duckdb-columns.ts";

/**
 * Reads a query's rows as plain objects, with BIGINT counts as numbers. A SELECT is read column
 * by column (`duckdb-columns.ts`), which at a million rows is several times faster than the
 * node-api's row objects: a repetitive string column arrives as codes into its distinct values,
 * so each row shares one string per value instead of decoding its own. Other statements, and
 * results with a type that has no columnar form (lists, dates), are read by the node-api.
 */
export async function rowsOf(connection: DuckDBConnection, sql: string): Promise<Array<Record<string, unknown>>> {
  if (/^\s*(SELECT|WITH|FROM)\b/i.test(sql)) {
    try {
      return rowObjects(await readColumns(connection, sql, {dictionary: (distinct, rows) => rows >= 256 && distinct * 4 <= rows, approximate: true}));
    } catch (error) {
      if (!(error instanceof UnsupportedColumnType)) throw error;
    }
  }
  const reader = await connection.runAndReadAll(sql);
  return (reader.getRowObjectsJS() as Array<Record<string, unknown>>).map((row) => {
    for (const [k, v] of Object.entries(row)) if (typeof v === "bigint") row[k] = Number(v);
    return row;
  });
}

const decoder = new TextDecoder();

/** The JavaScript strings of a UTF-8 column's rows (null rows included, as empty strings). */
function decodeStrings(column: Utf8Column, length: number): string[] {
  const {offsets, bytes} = column;
  const out = new Array<string>(length);
  let ascii = bytes.length < 2 ** 28;
  for (let i = 0; ascii && i < bytes.length; i++) if (bytes[i] > 0x7f) ascii = false;
  if (ascii) {
    // One decode for the whole column: with one byte per character, byte offsets are string
    // offsets, and slicing is far cheaper than a decoder call per row.
    const all = decoder.decode(bytes);
    for (let i = 0; i < length; i++) out[i] = all.slice(offsets[i], offsets[i + 1]);
  } else for (let i = 0; i < length; i++) out[i] = decoder.decode(bytes.subarray(offsets[i], offsets[i + 1]));
  return out;
}

/** A result column's value of each row, null where the row has none. */
function columnValues(column: ResultColumn, length: number): unknown[] {
  const values: unknown[] =
    column.kind === "int32" || column.kind === "float64" ? Array.from(column.values)
    : column.kind === "bool" ? Array.from({length}, (_, i) => ((column.values[i >> 3] >> (i & 7)) & 1) === 1)
    : column.kind === "utf8" ? decodeStrings(column, length)
    : (() => {
      const dictionary = decodeStrings(column.dictionary, column.dictionary.offsets.length - 1);
      return Array.from(column.codes, (code) => dictionary[code]);
    })();
  const {validity} = column;
  if (column.nullCount) for (let i = 0; i < length; i++) if (!((validity[i >> 3] >> (i & 7)) & 1)) values[i] = null;
  return values;
}

/**
 * A string column of a columnar result as a code per row into its distinct values (a dictionary
 * column's own codes; a plain column's strings, each row its own code). Null rows read as "".
 */
export function codedStrings(column: ResultColumn, length: number): {codes: Int32Array; values: string[]} {
  if (column.kind === "dictionary") return {codes: column.codes, values: decodeStrings(column.dictionary, column.dictionary.offsets.length - 1)};
  if (column.kind === "utf8") return {codes: Int32Array.from({length}, (_, i) => i), values: decodeStrings(column, length)};
  throw new Error(`column ${column.name} is not a string column`);
}

/** A numeric column of a columnar result as doubles, NaN where a row is null. */
export function doublesWithNaN(column: ResultColumn, length: number): Float64Array {
  if (column.kind !== "float64" && column.kind !== "int32") throw new Error(`column ${column.name} is not numeric`);
  const out = Float64Array.from(column.values);
  if (column.nullCount) for (let i = 0; i < length; i++) if (!((column.validity[i >> 3] >> (i & 7)) & 1)) out[i] = NaN;
  return out;
}

/** Whether row `i` of a boolean column is true (false when null). */
export function boolAt(column: ResultColumn, i: number): boolean {
  if (column.kind !== "bool") throw new Error(`column ${column.name} is not boolean`);
  return ((column.values[i >> 3] >> (i & 7)) & 1) === 1 && (column.nullCount === 0 || ((column.validity[i >> 3] >> (i & 7)) & 1) === 1);
}

/** The rows of a columnar result as plain objects, their keys in column order. */
function rowObjects({length, columns}: {length: number; columns: ResultColumn[]}): Array<Record<string, unknown>> {
  const values = columns.map((c) => columnValues(c, length));
  const rows = new Array<Record<string, unknown>>(length);
  for (let i = 0; i < length; i++) {
    const row: Record<string, unknown> = {};
    for (let c = 0; c < columns.length; c++) row[columns[c].name] = values[c][i];
    rows[i] = row;
  }
  return rows;
}

/** DuckDB column types of tables written from JavaScript rows. */
export type ColumnType = "VARCHAR" | "DOUBLE" | "INTEGER" | "BOOLEAN";

/** Creates table `name` with `columns` and appends `rows` (missing or non-finite values become NULL). */
export async function insertRows(connection: DuckDBConnection, name: string, columns: Record<string, ColumnType>, rows: ReadonlyArray<Record<string, unknown>>): Promise<void> {
  await connection.run(`CREATE TABLE ${name} (${Object.entries(columns).map(([c, t]) => `${c} ${t}`).join(", ")})`);
  const appender = await connection.createAppender(name);
  // The column list is walked once per row, and the error built only for a bad cell: at half a
  // million rows the per-cell closures and entry arrays were most of the time spent here.
  const declared = Object.entries(columns);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    for (const [column, type] of declared) {
      const v = row[column];
      if (v === null || v === undefined || (typeof v === "number" && !Number.isFinite(v))) appender.appendNull();
      else if (type === "DOUBLE" && typeof v === "number") appender.appendDouble(v);
      else if (type === "VARCHAR" && typeof v === "string") appender.appendVarchar(v);
      else if (type === "INTEGER" && typeof v === "number") appender.appendInteger(Math.round(v));
      else if (type === "BOOLEAN" && typeof v === "boolean") appender.appendBoolean(v);
      else throw new Error(`${name} row ${i}: column ${column} is not ${type}: ${JSON.stringify(v)}`);
    }
    appender.endRow();
  }
  appender.closeSync();
}
