/**
 * Result folders read together: the shards of a run come back as one folder each, and every
 * reader (the leaderboard, the site, `medhelm merge`) takes a list of folders. This module knows
 * which runs those folders hold, which of them are shards of one run, and whether they fit
 * together: the same (benchmark, instance) in two shards of one run would be counted twice, so
 * it is an error naming both folders.
 *
 * Two shard runs belong to the same sharded run when they agree on everything that decides a
 * run's results (`RunIdentity`) and on the number of shards. Endpoints and concurrency are not
 * part of that: shards may call different replicas of a model.
 */
import {join} from "node:path";
import type {DuckDBConnection} from "@duckdb/node-api";
import {canonicalJson, sha256} from "../cache/cache.ts";
import {queryRows, sqlString} from "../formats/parquet.ts";
import {readShardLabel, shardLabel, type Shard} from "./shard.ts";

/** What decides a run's results, compared between folders (from the runs table). */
export interface RunIdentity {
  source: string;
  models: string;
  judges: string;
  seed: number | null;
  limit: number | null;
  benchmarks: string;
  maxEvalInstances: number | null;
  modelMaxTokens: string;
  helmCompat: boolean | null;
  excludeSelfJudging: boolean | null;
  excludeSameVendorJudging: boolean | null;
  bertscoreModel: string | null;
}

/** One run found in a result folder. */
export interface FolderRun {
  dir: string;
  runId: string;
  /** The shard it evaluated; null for a whole run. */
  shard: Shard | null;
  identity: RunIdentity;
}

/** Folders that cannot be read as one run or merged; the message names the folders and why. */
export class ShardFolderError extends Error {}

/** How each identity field is named in messages. */
const fieldNames: Record<keyof RunIdentity, string> = {
  source: "source", models: "models", judges: "judges", seed: "seed", limit: "limit", benchmarks: "benchmarks",
  maxEvalInstances: "maxEvalInstances", modelMaxTokens: "model max_tokens", helmCompat: "helmCompat",
  excludeSelfJudging: "excludeSelfJudging", excludeSameVendorJudging: "excludeSameVendorJudging", bertscoreModel: "BERTScore model"
};

type Json = Record<string, unknown>;

/** The identity of a runs-table row (config_json is the run's manifest, see suite.ts). */
export function runIdentity(row: {source?: unknown; models?: unknown; judges?: unknown; seed?: unknown; config_json?: unknown}): RunIdentity {
  let config: Json = {};
  try {
    config = typeof row.config_json === "string" ? (JSON.parse(row.config_json) as Json) : {};
  } catch {
    // A foreign writer's unreadable manifest compares as empty; the columns still compare.
  }
  const list = (value: unknown, pick: (item: Json) => string) => (Array.isArray(value) ? value.map((item) => pick(item as Json)).join(",") : "");
  const num = (value: unknown) => (typeof value === "number" ? value : null);
  const bool = (value: unknown) => (typeof value === "boolean" ? value : null);
  return {
    source: String(row.source ?? "native"),
    models: String(row.models ?? ""),
    judges: String(row.judges ?? ""),
    seed: num(row.seed),
    limit: num(config.limit),
    benchmarks: list(config.benchmarks, (b) => `${b.id}@v${b.version}`),
    maxEvalInstances: num(config.maxEvalInstances),
    modelMaxTokens: list(config.models, (m) => (m.maxTokens === undefined ? "" : `${m.id}=${m.maxTokens}`)).split(",").filter(Boolean).join(","),
    helmCompat: bool(config.helmCompat),
    excludeSelfJudging: bool(config.excludeSelfJudging),
    excludeSameVendorJudging: bool(config.excludeSameVendorJudging),
    bertscoreModel: config.bertscore && typeof config.bertscore === "object" ? String((config.bertscore as Json).model ?? "") : null
  };
}

const shown = (value: unknown) => (value === null || value === "" ? "none" : JSON.stringify(value));

/** The fields in which two runs differ, each as `field: <a's value> in A, <b's value> in B`; empty when none. */
export function identityDifferences(a: FolderRun, b: FolderRun): string[] {
  const out: string[] = [];
  for (const field of Object.keys(fieldNames) as (keyof RunIdentity)[]) {
    if (a.identity[field] !== b.identity[field]) out.push(`${fieldNames[field]}: ${shown(a.identity[field])} in ${a.dir}, ${shown(b.identity[field])} in ${b.dir}`);
  }
  const ways = (r: FolderRun) => (r.shard ? `shard ${shardLabel(r.shard)}` : "a whole run (no --shard)");
  if ((a.shard?.count ?? null) !== (b.shard?.count ?? null)) out.push(`sharding: ${ways(a)} in ${a.dir}, ${ways(b)} in ${b.dir}`);
  return out;
}

/** The key shared by the shards of one sharded run; null for a whole run. */
export function shardGroupKey(run: FolderRun): string | null {
  return run.shard ? sha256(canonicalJson({shards: run.shard.count, identity: run.identity})) : null;
}

/** The shards of one sharded run found among folders, and which of its shards are missing. */
export interface ShardGroup {
  count: number;
  runs: FolderRun[];
  missing: number[];
}

/** The sharded runs among folder runs, each with its missing shard indices (1-based). */
export function shardGroups(runs: readonly FolderRun[]): ShardGroup[] {
  const groups = new Map<string, FolderRun[]>();
  for (const run of runs) {
    const key = shardGroupKey(run);
    if (key === null) continue;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(run);
  }
  return [...groups.values()].map((group) => {
    const count = group[0].shard!.count;
    const present = new Set(group.map((r) => r.shard!.index));
    return {count, runs: group, missing: Array.from({length: count}, (_, i) => i + 1).filter((i) => !present.has(i))};
  });
}

/** A warning for each sharded run whose folders lack some of its shards. */
export function missingShardWarnings(groups: readonly ShardGroup[]): string[] {
  return groups.filter((g) => g.missing.length).map((g) => {
    const have = [...new Set(g.runs.map((r) => `${r.dir} (${shardLabel(r.shard!)})`))].join(", ");
    return `shard${g.missing.length > 1 ? "s" : ""} ${g.missing.map((i) => `${i}/${g.count}`).join(", ")} of the run in ${have} ${g.missing.length > 1 ? "are" : "is"} missing: its results cover only the shards given`;
  });
}

/** The runs of each result folder, in folder order; a folder's `runs.parquet` must exist. */
export async function readFolderRuns(connection: DuckDBConnection, dirs: readonly string[]): Promise<FolderRun[]> {
  const runs: FolderRun[] = [];
  for (const dir of dirs) {
    const file = sqlString(join(dir, "runs.parquet"));
    // Folders written before the shard column existed hold whole runs.
    const columns = new Set((await queryRows(connection, `DESCRIBE SELECT * FROM read_parquet(${file})`)).map((r) => String(r.column_name)));
    const shard = columns.has("shard") ? "shard" : "NULL AS shard";
    const rows = await queryRows(connection, `SELECT run_id, source, models, judges, seed, config_json, ${shard} FROM read_parquet(${file}) ORDER BY run_id`);
    for (const row of rows) {
      const label = row.shard === null || row.shard === undefined ? null : String(row.shard);
      const parsed = label === null ? null : readShardLabel(label);
      if (label !== null && !parsed) throw new ShardFolderError(`${join(dir, "runs.parquet")}: run ${row.run_id}: shard must be i/n with 1 <= i <= n, got ${JSON.stringify(label)}`);
      runs.push({dir, runId: String(row.run_id), shard: parsed, identity: runIdentity(row)});
    }
  }
  return runs;
}

/** A run held by two folders (or twice by one); null when every run id is in one place. */
function repeatedRun(runs: readonly FolderRun[]): [FolderRun, FolderRun] | null {
  const seen = new Map<string, FolderRun>();
  for (const run of runs) {
    const first = seen.get(run.runId);
    if (first) return [first, run];
    seen.set(run.runId, run);
  }
  return null;
}

const describe = (run: FolderRun) => `${run.dir} (${run.shard ? `shard ${shardLabel(run.shard)}` : "whole run"} ${run.runId})`;

/**
 * Units that two of the given runs both hold, by pair of runs: the pair with the most overlap
 * first, with one example unit. `pairs` limits which pairs count (by run id).
 */
async function overlappingUnits(connection: DuckDBConnection, runs: readonly FolderRun[], pairs: "all" | "same-group") {
  if (runs.length < 2) return null;
  // Only the folders holding the runs compared are read.
  const dirs = [...new Set(runs.map((r) => r.dir))];
  const files = (table: string) => `[${dirs.map((d) => sqlString(join(d, `${table}.parquet`))).join(", ")}]`;
  const groupOf = (run: FolderRun) => (pairs === "all" ? "all" : shardGroupKey(run)!);
  const values = runs.map((r) => `(${sqlString(r.runId)}, ${sqlString(groupOf(r))})`).join(", ");
  const rows = await queryRows(connection, `
    WITH folder_runs(run_id, grp) AS (VALUES ${values}),
    units AS (
      SELECT DISTINCT run_id, benchmark, instance_id FROM read_parquet(${files("instances")}, union_by_name = true) WHERE run_id IN (SELECT run_id FROM folder_runs)
      UNION SELECT DISTINCT run_id, benchmark, instance_id FROM read_parquet(${files("completions")}, union_by_name = true) WHERE run_id IN (SELECT run_id FROM folder_runs)),
    grouped AS (SELECT u.*, f.grp FROM units u JOIN folder_runs f USING (run_id))
    SELECT a.run_id AS run_a, b.run_id AS run_b, count(*)::INTEGER AS n, min(a.benchmark || chr(0) || a.instance_id) AS example
    FROM grouped a JOIN grouped b ON a.grp = b.grp AND a.benchmark = b.benchmark AND a.instance_id = b.instance_id AND a.run_id < b.run_id
    GROUP BY ALL ORDER BY n DESC, run_a, run_b LIMIT 1`);
  if (!rows.length) return null;
  const [row] = rows;
  const byId = new Map(runs.map((r) => [r.runId, r]));
  const [benchmark, instance] = String(row.example).split("\u0000");
  return {a: byId.get(String(row.run_a))!, b: byId.get(String(row.run_b))!, n: Number(row.n), benchmark, instance};
}

/** The error for two runs holding the same units. */
function overlapError(o: NonNullable<Awaited<ReturnType<typeof overlappingUnits>>>, what: string): ShardFolderError {
  const more = o.n > 1 ? ` and ${o.n - 1} more unit${o.n > 2 ? "s" : ""}` : "";
  return new ShardFolderError(`${describe(o.a)} and ${describe(o.b)} both hold ${o.benchmark} instance ${o.instance}${more}; ${what}`);
}

/**
 * Checks that result folders can be read together, for the leaderboard, the site and every
 * reader of several folders: among the shards of one sharded run, no run may appear twice and
 * no (benchmark, instance) may be in two shards (each is an error naming both folders). Other
 * runs are read as before (runs of different configurations may share instances). Returns the
 * folders' runs and a warning for each sharded run with shards missing.
 */
export async function checkFoldersTogether(connection: DuckDBConnection, dirs: readonly string[]): Promise<{runs: FolderRun[]; warnings: string[]}> {
  const runs = await readFolderRuns(connection, dirs);
  const sharded = runs.filter((r) => r.shard);
  const repeated = repeatedRun(sharded);
  if (repeated) throw new ShardFolderError(`${describe(repeated[0])} and ${describe(repeated[1])} hold the same shard run; give each shard's folder once`);
  const overlap = await overlappingUnits(connection, sharded, "same-group");
  if (overlap) throw overlapError(overlap, "each unit of a sharded run must be in exactly one shard folder");
  return {runs, warnings: missingShardWarnings(shardGroups(runs))};
}

/**
 * Checks that result folders can be merged into one: every run in them has the same
 * configuration (models, judges, seed, limit, benchmarks, ... and number of shards), no shard
 * and no run is given twice, and no (benchmark, instance) is in two runs. Throws naming the
 * folders and the difference; returns the runs and a warning when shards are missing.
 */
export async function checkFoldersMergeable(connection: DuckDBConnection, dirs: readonly string[]): Promise<{runs: FolderRun[]; warnings: string[]}> {
  const runs = await readFolderRuns(connection, dirs);
  const empty = dirs.find((dir) => !runs.some((r) => r.dir === dir));
  if (empty) throw new ShardFolderError(`${empty} holds no run (its runs.parquet is empty)`);
  const [first] = runs;
  for (const run of runs.slice(1)) {
    const differences = identityDifferences(first, run);
    if (differences.length) throw new ShardFolderError(`${first.dir} and ${run.dir} come from different configurations and cannot be merged: ${differences.join("; ")}`);
  }
  const repeated = repeatedRun(runs);
  if (repeated) throw new ShardFolderError(`${describe(repeated[0])} and ${describe(repeated[1])} hold the same run; give each folder once`);
  const byShard = new Map<number, FolderRun>();
  for (const run of runs) {
    if (!run.shard) continue;
    const other = byShard.get(run.shard.index);
    if (other) throw new ShardFolderError(`${describe(other)} and ${describe(run)} both hold shard ${shardLabel(run.shard)}`);
    byShard.set(run.shard.index, run);
  }
  const overlap = await overlappingUnits(connection, runs, "all");
  if (overlap) throw overlapError(overlap, "a merged folder must hold each unit once");
  return {runs, warnings: missingShardWarnings(shardGroups(runs))};
}
