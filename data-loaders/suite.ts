/**
 * Runs the configured suite end to end: configuration -> models -> runner -> Parquet. Shared by
 * `medhelm run` and the site's data loader, so building the site runs exactly what the CLI runs.
 */
import {readFileSync} from "node:fs";
import {loadConfig, type SuiteConfig} from "./config.ts";
import {fileCache} from "./cache.ts";
import {resolveModels} from "./models/index.ts";
import {parquetSink} from "./parquet.ts";
import {loadRegistry, selectBenchmarks} from "./registry.ts";
import {runSuite, type Progress, type RunSummary} from "./run.ts";
import type {TableName} from "./tables.ts";

/** The workbench's version, recorded in every run. */
export const toolVersion: string = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version;

/** Command-line choices that override the configuration file. */
export interface RunFlags {
  benchmarks?: string[];
  models?: string[];
  judges?: string[];
  limit?: number;
  concurrency?: number;
  outDir?: string;
  cacheDir?: string;
  configFile?: string;
  seed?: number;
  helmCompat?: boolean;
}

/** A finished run: its summary and where its tables are. */
export interface RunOutcome {
  summary: RunSummary;
  config: SuiteConfig;
  files: Record<TableName, string>;
}

/** A run id from the start time: sortable and readable. */
export function newRunId(date = new Date()): string {
  return `run-${date.toISOString().replace(/[:.]/g, "-")}`;
}

/** Runs the suite as configured in `cwd`, writing Parquet tables to the output folder. */
export async function runConfigured({cwd, env, flags = {}, log, progress}: {cwd: string; env: Record<string, string | undefined>; flags?: RunFlags; log: (m: string) => void; progress?: (p: Progress) => void}): Promise<RunOutcome> {
  const config = loadConfig({cwd, env, file: flags.configFile});
  if (flags.outDir) config.outDir = flags.outDir;
  if (flags.cacheDir) config.cacheDir = flags.cacheDir;
  const registry = await loadRegistry();
  const benchmarks = selectBenchmarks(registry, flags.benchmarks ?? config.benchmarks);
  const {models, judges} = await resolveModels(config, {models: flags.models, judges: flags.judges});
  const seed = flags.seed ?? config.seed;
  const limit = flags.limit ?? config.limit;
  const helmCompat = flags.helmCompat ?? config.helmCompat;
  const concurrency = flags.concurrency ?? config.concurrency;
  // The manifest names endpoints by URL only; keys stay in the environment.
  const manifest = {
    benchmarks: benchmarks.map((b) => ({id: b.id, version: b.version})),
    models: models.map((m) => ({id: m.id, kind: m.kind, vendor: m.vendor, endpoint: m.endpoint})),
    judges: judges.map((m) => ({id: m.id, vendor: m.vendor, endpoint: m.endpoint})),
    seed, limit, maxEvalInstances: config.maxEvalInstances, helmCompat, concurrency,
    excludeSelfJudging: config.excludeSelfJudging, excludeSameVendorJudging: config.excludeSameVendorJudging
  };
  const sink = await parquetSink(config.outDir);
  const summary = await runSuite(
    {
      runId: newRunId(), benchmarks, models, judges, seed, limit, maxEvalInstances: config.maxEvalInstances, concurrency,
      scoring: {helmCompat, resources: config.resources}, dataDir: config.dataDir,
      excludeSelfJudging: config.excludeSelfJudging, excludeSameVendorJudging: config.excludeSameVendorJudging, manifest, toolVersion
    },
    {cache: fileCache(config.cacheDir), sink, log, progress}
  );
  const files = await sink.close();
  return {summary, config, files};
}
