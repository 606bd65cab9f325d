/**
 * Query results as Arrow IPC streams, the format DuckDB-WASM reads without extensions (its
 * Parquet reader is an extension that cannot be loaded offline; see README, "Offline build").
 * The type mapping is deliberately narrow: counts arrive as Int32 or Float64, never BigInt.
 * String columns that repeat a few values (model labels, benchmark ids, metric names) are
 * dictionary-encoded, which shrinks the files pages download severalfold.
 */
import {Bool, Dictionary, Float64, Int32, Table, Utf8, tableToIPC, vectorFromArray, type DataType, type Vector} from "apache-arrow";
import type {DuckDBConnection} from "@duckdb/node-api";

function arrowType(duckdbType: string, column: string): DataType {
  if (duckdbType === "INTEGER" || duckdbType === "SMALLINT" || duckdbType === "TINYINT") return new Int32();
  if (duckdbType === "BIGINT" || duckdbType === "HUGEINT" || duckdbType === "DOUBLE" || duckdbType === "FLOAT" || duckdbType.startsWith("DECIMAL")) return new Float64();
  if (duckdbType === "VARCHAR") return new Utf8();
  if (duckdbType === "BOOLEAN") return new Bool();
  throw new Error(`no Arrow mapping for column ${column} of type ${duckdbType}; cast it in the query`);
}

/**
 * Whether a string column is worth a dictionary: long enough, and at most one distinct value per
 * four rows (below that the index array costs more than it saves).
 */
export function dictionaryWorthy(values: ReadonlyArray<unknown>): boolean {
  if (values.length < 32) return false;
  const distinct = new Set<unknown>();
  for (const v of values) {
    distinct.add(v);
    if (distinct.size * 4 > values.length) return false;
  }
  return true;
}

/** Runs `sql` and returns its rows as an Arrow IPC stream. */
export async function queryToArrowIPC(connection: DuckDBConnection, sql: string): Promise<Uint8Array> {
  const reader = await connection.runAndReadAll(sql);
  const names = reader.columnNames();
  const types = reader.columnTypes().map((t) => t.toString());
  const columns = reader.getColumnsJS();
  const vectors: Record<string, Vector> = {};
  names.forEach((name, i) => {
    const values = (columns[i] ?? []).map((v) => (typeof v === "bigint" ? Number(v) : v));
    const plain = arrowType(types[i], name);
    // The dictionary id is the column's position: apache-arrow otherwise numbers dictionaries from
    // a process-wide counter, and the same table written twice in one process would differ in bytes.
    const type = plain instanceof Utf8 && dictionaryWorthy(values) ? new Dictionary(new Utf8(), new Int32(), i) : plain;
    vectors[name] = vectorFromArray(values as never[], type) as Vector;
  });
  return tableToIPC(new Table(vectors), "stream");
}
