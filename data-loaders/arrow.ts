/**
 * Query results as Arrow IPC streams, the format DuckDB-WASM reads without extensions (its
 * Parquet reader is an extension that cannot be loaded offline; see README, "Offline build").
 * The type mapping is deliberately narrow: counts arrive as Int32 or Float64, never BigInt.
 */
import {Bool, Float64, Int32, Table, Utf8, tableToIPC, vectorFromArray, type DataType, type Vector} from "apache-arrow";
import type {DuckDBConnection} from "@duckdb/node-api";

function arrowType(duckdbType: string, column: string): DataType {
  if (duckdbType === "INTEGER" || duckdbType === "SMALLINT" || duckdbType === "TINYINT") return new Int32();
  if (duckdbType === "BIGINT" || duckdbType === "HUGEINT" || duckdbType === "DOUBLE" || duckdbType === "FLOAT" || duckdbType.startsWith("DECIMAL")) return new Float64();
  if (duckdbType === "VARCHAR") return new Utf8();
  if (duckdbType === "BOOLEAN") return new Bool();
  throw new Error(`no Arrow mapping for column ${column} of type ${duckdbType}; cast it in the query`);
}

/** Runs `sql` and returns its rows as an Arrow IPC stream. */
export async function queryToArrowIPC(connection: DuckDBConnection, sql: string): Promise<Uint8Array> {
  const reader = await connection.runAndReadAll(sql);
  const names = reader.columnNames();
  const types = reader.columnTypes().map((t) => t.toString());
  const columns = reader.getColumnsJS();
  const vectors: Record<string, Vector> = {};
  names.forEach((name, i) => {
    const type = arrowType(types[i], name);
    const values = (columns[i] ?? []).map((v) => (typeof v === "bigint" ? Number(v) : v));
    vectors[name] = vectorFromArray(values as never[], type) as Vector;
  });
  return tableToIPC(new Table(vectors), "stream");
}
