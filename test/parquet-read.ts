/** Reads Parquet files back with DuckDB for assertions. */
import {memoryConnection, queryRows} from "../data-loaders/formats/parquet.ts";

/** Runs queries against a fresh in-memory DuckDB and returns each result's rows. */
export async function query(...sql: string[]): Promise<Record<string, unknown>[][]> {
  const {connection, close} = await memoryConnection();
  try {
    const out = [];
    for (const q of sql) out.push(await queryRows(connection, q));
    return out;
  } finally {
    close();
  }
}
