/**
 * `medhelm sql "<query>"`: one DuckDB query over result folders, for scripts and CI checks. The
 * tables have the names the site's notebook uses: the six result tables are views over the
 * folders' Parquet (several folders union their rows by column name), and a query that names a
 * derived site table (leaderboard, win_rates, pair_differences, ...) gets the site's own
 * derivation of the folders, so a query copied from the notebook runs here unchanged.
 */
import {existsSync, statSync} from "node:fs";
import {mkdtemp, rm, writeFile} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import type {DuckDBConnection} from "@duckdb/node-api";
import {csvFormat} from "d3-dsv";
import {type Command, commandConfig, parseFlags, resultFolders, UsageError} from "../command.ts";
import {memoryConnection, sqlString} from "../../formats/parquet.ts";
import {shippedTables, siteFiles} from "../../site/archive.ts";
import {notebookTableQueries} from "../../site/notebook-tables.ts";
import {tableNames} from "../../formats/tables.ts";
import {textTable} from "../text-table.ts";

const usage = `usage: medhelm sql "<query>" [--results DIR[,DIR...]] [--format table|json|csv] [--config FILE]

Runs one DuckDB SQL query over result folders (written by "medhelm run" or "medhelm import-helm")
and prints its rows. The tables are those of the site's notebook: ${tableNames.join(", ")}
are views over the folders' Parquet (several folders union their rows), and the site's derived
tables (leaderboard, win_rates, pair_differences, unscored_reasons, entries, ...) are derived
from the folders when the query names one.

  --results DIR,...    result folders (default: the config's outDir, results/latest)
  --format F           table (default), json ({"rows": [...]}) or csv
  --config FILE        configuration file (default medhelm.config.json)
  -h, --help           show this help

A bad query or folder exits with status 1 and DuckDB's message.`;

/** A cell as JSON can carry it: BIGINT counts as numbers (strings beyond 2^53), dates as ISO text. */
export function jsonValue(value: unknown): unknown {
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (Array.isArray(value)) return value.map(jsonValue);
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonValue(v)]));
  return value;
}

/** A cell of the text table: null as an empty cell, objects as JSON. */
function textCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** Checks that every folder holds the six result tables; the error names the folder. */
function checkFolders(dirs: readonly string[]): void {
  for (const dir of dirs) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`result folder ${dir} does not exist`);
    const missing = tableNames.filter((t) => !existsSync(join(dir, `${t}.parquet`)));
    if (missing.length) throw new Error(`${dir} is not a result folder (no ${missing.join(", ")}.parquet)`);
  }
}

/** Whether `query` mentions `name` as a word (a false positive only costs the derivation's time). */
const mentions = (query: string, name: string) => new RegExp(`(^|[^A-Za-z0-9_])${name}([^A-Za-z0-9_]|$)`, "i").test(query);

/**
 * Opens the folders as the notebook's tables on `connection`: views over the result tables, and
 * the derived site tables the query names, read from the site's own derivation (its Parquet
 * written to `tmp`).
 */
async function openTables(connection: DuckDBConnection, dirs: readonly string[], query: string, {seed, dataDir}: {seed: number; dataDir: string}, tmp: string): Promise<void> {
  for (const table of tableNames) {
    const files = dirs.map((d) => sqlString(join(d, `${table}.parquet`))).join(", ");
    await connection.run(`CREATE VIEW ${table} AS SELECT * FROM read_parquet([${files}], union_by_name = true)`);
  }
  // The derivation is the site's (bootstrap included), so it runs only for a query that needs it.
  const derivedNames = [...Object.keys(shippedTables), ...Object.keys(notebookTableQueries())].filter((name) => !(tableNames as readonly string[]).includes(name));
  if (!derivedNames.some((name) => mentions(query, name))) return;
  const files = await siteFiles({dirs: [...dirs], registry: [], dataDir, publishRestrictedText: true, seed, resamples: 1000, log: () => {}});
  for (const [path, bytes] of Object.entries(files)) {
    const name = path.replace(/\.parquet$/, "");
    if (!path.endsWith(".parquet") || name.includes("/") || (tableNames as readonly string[]).includes(name)) continue;
    const file = join(tmp, path);
    await writeFile(file, bytes);
    await connection.run(`CREATE VIEW ${name} AS SELECT * FROM read_parquet(${sqlString(file)})`);
  }
}

const command: Command = {
  name: "sql",
  summary: "run a DuckDB SQL query over result folders (the notebook's tables) and print its rows",
  usage,
  async run(args, io) {
    const {values, positionals} = parseFlags({
      args,
      options: {results: {type: "string"}, format: {type: "string", default: "table"}, config: {type: "string"}, help: {type: "boolean", short: "h"}},
      allowPositionals: true
    });
    if (values.help) {
      io.stdout(`${usage}\n`);
      return 0;
    }
    if (positionals.length !== 1 || !positionals[0].trim()) throw new UsageError(`give exactly one query, in quotes: medhelm sql "SELECT ..."`);
    const query = positionals[0];
    const format = values.format!;
    if (!["table", "json", "csv"].includes(format)) throw new UsageError(`--format must be table, json or csv, got ${format}`);
    const config = commandConfig(io, values.config);
    const dirs = resultFolders(values.results, io.cwd, [config.outDir]);
    checkFolders(dirs);

    const {connection, close} = await memoryConnection();
    const tmp = await mkdtemp(join(tmpdir(), "medhelm-sql-"));
    let columns: string[];
    let rows: Array<Record<string, unknown>>;
    try {
      try {
        await openTables(connection, dirs, query, config, tmp);
      } catch (error) {
        throw new Error(`cannot read the result folders ${dirs.join(", ")}: ${(error as Error).message}`);
      }
      try {
        const reader = await connection.runAndReadAll(query);
        columns = reader.columnNames();
        rows = (reader.getRowObjectsJS() as Array<Record<string, unknown>>).map((row) => jsonValue(row) as Record<string, unknown>);
      } catch (error) {
        throw new Error(`${(error as Error).message}\n(query over the result folders ${dirs.join(", ")})`);
      }
    } finally {
      close();
      await rm(tmp, {recursive: true, force: true});
    }
    if (format === "json") io.stdout(`${JSON.stringify({rows})}\n`);
    else if (format === "csv") io.stdout(`${csvFormat(rows.map((r) => Object.fromEntries(columns.map((c) => [c, textCell(r[c])]))), columns)}\n`);
    else io.stdout(`${textTable(columns, rows.map((r) => columns.map((c) => textCell(r[c]))), {labels: columns.length})}\n(${rows.length} ${rows.length === 1 ? "row" : "rows"})\n`);
    return 0;
  }
};

export default command;
