/**
 * `medhelm merge`: one result folder from the folders of a sharded run. Every table of the
 * output is the union of the inputs' tables; each shard keeps its own row in `runs` (with its
 * shard, calls and cost), so the merged folder says how it was made and reads exactly as the
 * list of shard folders does.
 *
 * Nothing is written unless the folders fit together (see `checkFoldersMergeable`): the same
 * configuration, each shard once, no (benchmark, instance) twice. The tables are written to
 * temporary files and renamed into place together, as a run writes its own.
 */
import {existsSync, mkdirSync, readdirSync, renameSync, rmSync} from "node:fs";
import {join, resolve} from "node:path";
import {memoryConnection, queryRows, sqlString} from "../formats/parquet.ts";
import {schemas, tableNames, type TableName} from "../formats/tables.ts";
import {shardLabel} from "./shard.ts";
import {checkFoldersMergeable, ShardFolderError, type FolderRun} from "./shard-folders.ts";

/** What a merge wrote. */
export interface MergeResult {
  out: string;
  /** The runs in the merged folder, with their shards (null for a whole run). */
  runs: {runId: string; shard: string | null; from: string}[];
  /** Rows per table. */
  rows: Record<TableName, number>;
  /** Shards missing from the sharded run, as warnings. */
  warnings: string[];
}

/** Throws naming the folder when `dir` lacks any of the six tables. */
function requireResultFolder(dir: string): void {
  if (!existsSync(dir)) throw new ShardFolderError(`${dir}: no such folder`);
  const missing = tableNames.filter((t) => !existsSync(join(dir, `${t}.parquet`)));
  if (missing.length) throw new ShardFolderError(`${dir} is not a result folder (no ${missing.join(", ")}.parquet)`);
}

/** Merges result folders into `out`; refuses (writing nothing) when they do not fit together. */
export async function mergeFolders(inputs: readonly string[], outDir: string): Promise<MergeResult> {
  const dirs = inputs.map((d) => resolve(d));
  const out = resolve(outDir);
  if (dirs.length < 2) throw new ShardFolderError(`merge needs at least two result folders, got ${dirs.length}`);
  const twice = dirs.find((d, i) => dirs.indexOf(d) !== i);
  if (twice) throw new ShardFolderError(`${twice} is given twice`);
  if (dirs.includes(out)) throw new ShardFolderError(`--out ${out} is one of the folders being merged; write the merge to a new folder`);
  for (const dir of dirs) requireResultFolder(dir);

  const {connection, close} = await memoryConnection();
  const created = !existsSync(out);
  const temporary: string[] = [];
  try {
    const {runs, warnings} = await checkFoldersMergeable(connection, dirs);
    mkdirSync(out, {recursive: true});
    const rows = {} as Record<TableName, number>;
    for (const table of tableNames) {
      const source = `read_parquet([${dirs.map((d) => sqlString(join(d, `${table}.parquet`))).join(", ")}], union_by_name = true)`;
      // Folders written by older versions may lack a column; it is written as null.
      const present = new Set((await queryRows(connection, `DESCRIBE SELECT * FROM ${source}`)).map((r) => String(r.column_name)));
      const schema = schemas[table];
      const columns = schema.columns.map((c) => (present.has(c.name) ? `CAST(${c.name} AS ${c.type}) AS ${c.name}` : `CAST(NULL AS ${c.type}) AS ${c.name}`));
      const tmp = join(out, `${table}.parquet.tmp`);
      temporary.push(tmp);
      await connection.run(`COPY (SELECT ${columns.join(", ")} FROM ${source} ORDER BY ${schema.key.join(", ")}) TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION zstd)`);
      rows[table] = Number((await queryRows(connection, `SELECT count(*)::INTEGER AS n FROM read_parquet(${sqlString(tmp)})`))[0].n);
    }
    for (const table of tableNames) renameSync(join(out, `${table}.parquet.tmp`), join(out, `${table}.parquet`));
    return {out, runs: runs.map((r: FolderRun) => ({runId: r.runId, shard: r.shard ? shardLabel(r.shard) : null, from: r.dir})), rows, warnings};
  } catch (error) {
    for (const tmp of temporary) rmSync(tmp, {force: true});
    if (created && existsSync(out) && readdirSync(out).length === 0) rmSync(out, {recursive: true, force: true});
    throw error;
  } finally {
    close();
  }
}
