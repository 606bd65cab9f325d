/**
 * The only module that knows how tables become Parquet: rows stream into an on-disk DuckDB
 * database through appenders (so memory stays flat however large the run), and each table is
 * copied to `<out>/<table>.parquet` (zstd) when the sink closes.
 */
import {mkdirSync, rmSync, renameSync} from "node:fs";
import {join, resolve} from "node:path";
import {DuckDBAppender, DuckDBConnection, DuckDBInstance} from "@duckdb/node-api";
import {schemas, tableNames, type Row, type TableName, type TableSchema} from "./tables.ts";

/** Receives table rows as a run produces them. */
export interface TableSink {
  write(table: TableName, row: Row): void;
  /** Writes the Parquet files and releases resources; returns their paths by table. */
  close(): Promise<Record<TableName, string>>;
}

/** SQL literal of a string. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function createTableSql(schema: TableSchema): string {
  return `CREATE TABLE ${schema.name} (${schema.columns.map((col) => `${col.name} ${col.type}`).join(", ")})`;
}

function append(appender: DuckDBAppender, schema: TableSchema, row: Row): void {
  for (const col of schema.columns) {
    const value = row[col.name];
    if (value === null || value === undefined || (typeof value === "number" && !Number.isFinite(value))) {
      appender.appendNull();
      continue;
    }
    switch (col.type) {
      case "VARCHAR": appender.appendVarchar(String(value)); break;
      case "INTEGER": appender.appendInteger(Math.round(Number(value))); break;
      case "DOUBLE": appender.appendDouble(Number(value)); break;
      case "BOOLEAN": appender.appendBoolean(Boolean(value)); break;
    }
  }
  appender.endRow();
}

/** Opens a sink that writes `<outDir>/<table>.parquet`; files appear atomically at close. */
export async function parquetSink(outDir: string): Promise<TableSink> {
  const out = resolve(outDir);
  mkdirSync(out, {recursive: true});
  const dbPath = join(out, `.spool-${process.pid}-${Date.now()}.duckdb`);
  const instance = await DuckDBInstance.create(dbPath);
  const connection = await instance.connect();
  const appenders = new Map<TableName, DuckDBAppender>();
  for (const name of tableNames) {
    await connection.run(createTableSql(schemas[name]));
    appenders.set(name, await connection.createAppender(name));
  }
  return {
    write(table, row) {
      append(appenders.get(table)!, schemas[table], row);
    },
    async close() {
      for (const appender of appenders.values()) appender.closeSync();
      const paths = {} as Record<TableName, string>;
      // Every table is written to a temporary file first and all are renamed only once all
      // exist, so a crash while writing never leaves a mix of old and new tables behind.
      for (const name of tableNames) {
        const order = schemas[name].key.join(", ");
        const tmp = join(out, `${name}.parquet.tmp`);
        await connection.run(`COPY (SELECT * FROM ${name} ORDER BY ${order}) TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION zstd)`);
      }
      for (const name of tableNames) {
        paths[name] = join(out, `${name}.parquet`);
        renameSync(`${paths[name]}.tmp`, paths[name]);
      }
      connection.closeSync();
      instance.closeSync();
      rmSync(dbPath, {force: true});
      rmSync(`${dbPath}.wal`, {force: true});
      return paths;
    }
  };
}

/** Opens an in-memory DuckDB connection (for reading Parquet back and for derived tables). */
export async function memoryConnection(): Promise<{connection: DuckDBConnection; close: () => void}> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  return {connection, close: () => { connection.closeSync(); instance.closeSync(); }};
}

/** Reads a query's rows as plain JS objects. */
export async function queryRows(connection: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowObjectsJS() as Record<string, unknown>[];
}
