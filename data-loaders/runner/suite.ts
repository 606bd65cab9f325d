/**
 * Runs the configured suite end to end: configuration -> models -> runner -> Parquet. Shared by
 * `medhelm run` and the site's data loader, so building the site runs exactly what the CLI runs.
 * Also the dry run (`estimateConfigured`) and `--retry-errors`, which reads the previous run's
 * failures from the output folder.
 */
import {existsSync, readdirSync, readFileSync, rmSync} from "node:fs";
import {availableParallelism} from "node:os";
import {join, resolve} from "node:path";
import {bertScorer} from "../metrics/bertscore.ts";
import {fileCache} from "../cache/cache.ts";
import {loadConfig, type SuiteConfig} from "./config.ts";
import {tiktokenCounter, type TokenCounter} from "../cost/costs.ts";
import {connectEmbedder} from "../models/embeddings.ts";
import {matchPool} from "../metrics/match-pool.ts";
import {estimateRun, estimateTotal, type EstimateRow} from "./estimate.ts";
import {resolveModel, resolveModels} from "./resolve-models.ts";
import {endpointStats} from "../models/openai.ts";
import {memoryConnection, parquetSink, queryRows, sqlString} from "../formats/parquet.ts";
import {priceLookup} from "../cost/pricing.ts";
import {projectRegistry, selectBenchmarks, type BenchmarkLoadError} from "../benchmark/registry.ts";
import {evaluatedInstances, runSuite, type Deliveries, type ItemRef, type Progress, type RunSummary} from "./run.ts";
import {defaultPoll, type BatchWait} from "./batch.ts";
import {batchedEndpoints, runBatchRounds} from "./batch-mode.ts";
import type {Shard} from "./shard.ts";
import type {SchedulerStats} from "../concurrency/scheduler.ts";
import type {TableName} from "../formats/tables.ts";
import type {Benchmark, Model} from "../benchmark/types.ts";

/** The workbench's version, recorded in every run. */
export const toolVersion: string = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version;

/** Command-line choices that override the configuration file. */
export interface RunFlags {
  benchmarks?: string[];
  models?: string[];
  judges?: string[];
  limit?: number;
  /** Requests in flight per endpoint; overrides every endpoint's configured value. */
  concurrency?: number;
  outDir?: string;
  cacheDir?: string;
  configFile?: string;
  seed?: number;
  helmCompat?: boolean;
  /** Call only for items that failed in the previous run in the output folder; replay the rest. */
  retryErrors?: boolean;
  /** Evaluate (or estimate) only this shard of the run (`--shard i/n`). */
  shard?: Shard;
  /** Send uncached requests through the providers' batch APIs (docs/batch.md). */
  batch?: boolean;
}

/** A finished run: its summary and where its tables are. */
export interface RunOutcome {
  summary: RunSummary;
  config: SuiteConfig;
  files: Record<TableName, string>;
  /** Scheduling counters per endpoint name (attempts, retries, 429s, failures by kind). */
  endpoints: Record<string, SchedulerStats>;
}

/**
 * A run id from the start time: sortable and readable. A shard's id names the shard, because the
 * shards of a run usually start in the same millisecond on different machines.
 */
export function newRunId(date = new Date(), shard?: Shard): string {
  return `run-${date.toISOString().replace(/[:.]/g, "-")}${shard ? `-shard-${shard.index}-of-${shard.count}` : ""}`;
}

/** Items in progress beyond the endpoints' slots (see `prepare`). */
export const SPARE_ITEMS = 8;

interface Prepared {
  config: SuiteConfig;
  benchmarks: Benchmark[];
  models: Model[];
  judges: Model[];
  /** The own juries of benchmarks that name their judges (MedHELM-format YAML), by benchmark id. */
  judgePanels: Record<string, Model[]>;
  /** Benchmark files that failed to load (none of them selected; a selected one fails the run). */
  loadErrors: BenchmarkLoadError[];
  seed: number;
  limit: number | null;
  helmCompat: boolean;
  /** Items in progress at once (see `RunPlan.concurrency`). */
  itemConcurrency: number;
}

async function prepare(cwd: string, env: Record<string, string | undefined>, flags: RunFlags): Promise<Prepared> {
  const config = loadConfig({cwd, env, file: flags.configFile});
  // Relative folders on the command line are the caller's, as in the configuration file.
  if (flags.outDir) config.outDir = resolve(cwd, flags.outDir);
  if (flags.cacheDir) config.cacheDir = resolve(cwd, flags.cacheDir);
  if (flags.concurrency !== undefined) {
    if (flags.concurrency < 1) throw new Error(`--concurrency must be at least 1, got ${flags.concurrency}`);
    config.concurrency = flags.concurrency;
    for (const endpoint of config.endpoints) endpoint.concurrency = flags.concurrency;
  }
  const {benchmarks: registry, errors: loadErrors} = await projectRegistry(config);
  const selected = flags.benchmarks ?? config.benchmarks;
  // A benchmark asked for by name that failed to load fails the run with its own error.
  const broken = loadErrors.find((e) => selected?.includes(e.id));
  if (broken) throw new Error(broken.message);
  const benchmarks = selectBenchmarks(registry, selected);
  const {models, judges} = await resolveModels(config, {models: flags.models, judges: flags.judges});
  // Judges named by a benchmark itself are resolved once each, whichever benchmarks share them.
  const judgeModels = new Map<string, Model>();
  const judgePanels: Record<string, Model[]> = {};
  for (const b of benchmarks) {
    if (!b.judges) continue;
    judgePanels[b.id] = b.judges.map((id) => {
      if (!judgeModels.has(id)) judgeModels.set(id, judges.find((j) => j.id === id) ?? resolveModel(id, config));
      return judgeModels.get(id)!;
    });
  }
  // Endpoints cap their own requests. The runner keeps as many items in progress as they have
  // slots, plus a few so that no slot idles while an answer is being scored and written; more
  // would only wait in the endpoints' queues and cost memory and garbage collection.
  const used = new Set([...models, ...judges, ...judgeModels.values()].map((m) => m.id.slice(0, m.id.indexOf("/"))));
  const endpointSlots = config.endpoints.filter((e) => used.has(e.name)).reduce((sum, e) => sum + e.concurrency, 0);
  return {
    config, benchmarks, models, judges, judgePanels, loadErrors,
    seed: flags.seed ?? config.seed,
    limit: flags.limit ?? config.limit,
    helmCompat: flags.helmCompat ?? config.helmCompat,
    itemConcurrency: Math.max(config.concurrency, endpointSlots + SPARE_ITEMS)
  };
}

/**
 * Removes spool databases left in the output folder by runs that were killed (their process is
 * gone); a live run's spool is left alone.
 */
export function removeStaleSpools(outDir: string): string[] {
  if (!existsSync(outDir)) return [];
  const removed: string[] = [];
  for (const file of readdirSync(outDir)) {
    const m = /^\.spool-(\d+)-\d+\.duckdb$/.exec(file);
    if (!m) continue;
    const pid = Number(m[1]);
    let alive = pid === process.pid;
    if (!alive) {
      try {
        process.kill(pid, 0);
        alive = true;
      } catch (error) {
        alive = (error as NodeJS.ErrnoException).code === "EPERM";
      }
    }
    if (alive) continue;
    rmSync(join(outDir, file), {force: true});
    rmSync(join(outDir, `${file}.wal`), {force: true});
    removed.push(file);
  }
  return removed;
}

const itemKey = (item: ItemRef) => `${item.benchmark}\u0000${item.instance}\u0000${item.model}`;

/**
 * The items that failed in the run whose tables are in `outDir`: a failed model call, or a failed
 * judge call (parse failures of a judge's reply are answers, not failures, and are kept).
 */
export async function previousFailures(outDir: string): Promise<Set<string>> {
  const completions = join(outDir, "completions.parquet");
  const judgments = join(outDir, "judgments.parquet");
  if (!existsSync(completions)) throw new Error(`--retry-errors: no previous run in ${outDir} (completions.parquet not found)`);
  const {connection, close} = await memoryConnection();
  try {
    const failedJudges = existsSync(judgments)
      ? `UNION SELECT benchmark, instance_id, model FROM read_parquet(${sqlString(judgments)}) WHERE parse_status = 'call_failed'`
      : "";
    const rows = await queryRows(connection, `SELECT DISTINCT benchmark, instance_id, model FROM read_parquet(${sqlString(completions)}) WHERE error IS NOT NULL ${failedJudges}`);
    return new Set(rows.map((r) => itemKey({benchmark: String(r.benchmark), instance: String(r.instance_id), model: String(r.model)})));
  } finally {
    close();
  }
}

/** Runs the suite as configured in `cwd`, writing Parquet tables to the output folder. */
export async function runConfigured({cwd, env, flags = {}, log, progress, batchProgress}: {
  cwd: string; env: Record<string, string | undefined>; flags?: RunFlags; log: (m: string) => void; progress?: (p: Progress) => void;
  /** Batch mode: told after each poll which batches are still running. */
  batchProgress?: (waiting: BatchWait[]) => void;
}): Promise<RunOutcome> {
  const prepared = await prepare(cwd, env, flags);
  const {config, benchmarks, judgePanels, loadErrors, seed, limit, helmCompat, itemConcurrency} = prepared;
  let {models, judges} = prepared;
  for (const e of loadErrors) log(`skipped a benchmark that does not load: ${e.message}`);
  // Before anything is sent: which endpoints batch, and an error for one without a batch API.
  const batched = await batchedEndpoints(config.endpoints, [...models, ...judges], flags.batch, log);
  const failed = flags.retryErrors ? await previousFailures(config.outDir) : null;
  if (failed) log(`--retry-errors: ${failed.size} item(s) failed in the previous run in ${config.outDir}; only they may call models`);
  // Connecting names the embedding model (asking the server if need be) before any call is made.
  const embedder = config.bertscore && benchmarks.some((b) => b.metrics.some((m) => m.name === "bertscore_f1")) ? await connectEmbedder(config.bertscore) : null;
  // The manifest names endpoints by URL only; keys stay in the environment.
  const manifest = {
    benchmarks: benchmarks.map((b) => ({id: b.id, version: b.version})),
    models: models.map((m) => ({id: m.id, kind: m.kind, vendor: m.vendor, endpoint: m.endpoint, ...(m.maxTokens === undefined ? {} : {maxTokens: m.maxTokens})})),
    judges: judges.map((m) => ({id: m.id, vendor: m.vendor, endpoint: m.endpoint})),
    ...(Object.keys(judgePanels).length ? {judgePanels: Object.fromEntries(Object.entries(judgePanels).map(([id, panel]) => [id, panel.map((m) => m.id)]))} : {}),
    seed, limit, maxEvalInstances: config.maxEvalInstances, helmCompat, concurrency: config.concurrency,
    excludeSelfJudging: config.excludeSelfJudging, excludeSameVendorJudging: config.excludeSameVendorJudging,
    bertscore: embedder ? {api: config.bertscore!.api, endpoint: embedder.endpoint, model: embedder.model, keepSpecialTokens: config.bertscore!.keepSpecialTokens} : null,
    // The endpoints whose requests went through batch APIs (absent when none did).
    ...(batched.size ? {batch: [...batched].sort()} : {})
  };
  for (const file of removeStaleSpools(config.outDir)) log(`removed ${file}, left in ${config.outDir} by a run that was killed`);
  const cache = fileCache(config.cacheDir);
  // BERTScore's matching runs on worker threads, one per core, beside the runner.
  const pool = embedder ? matchPool(Math.max(1, availableParallelism())) : null;
  if (cache.health.torn || cache.health.corrupt) {
    log(`cache ${config.cacheDir}: skipped ${cache.health.torn} unfinished and ${cache.health.corrupt} damaged record(s); their calls will be made again`);
  }
  try {
    let delivered: Deliveries | undefined;
    if (batched.size) {
      // Batch mode (docs/batch.md): the batched endpoints' uncached answers, then verdicts, go out
      // as batches first; the runner takes what they delivered and calls nothing on those endpoints.
      const loaded = [];
      for (const benchmark of benchmarks) {
        const instances = await evaluatedInstances(benchmark, {dataDir: config.dataDir, seed, limit, maxEvalInstances: config.maxEvalInstances, shard: flags.shard ?? null});
        if (instances) loaded.push({benchmark, instances});
      }
      const pollMs = Number(env.MEDHELM_BATCH_POLL_MS);
      const rounds = await runBatchRounds({
        benchmarks: loaded, models, judges, seed, excludeSelfJudging: config.excludeSelfJudging, excludeSameVendorJudging: config.excludeSameVendorJudging,
        mayCall: failed ? (item) => failed.has(itemKey(item)) : undefined, endpoints: config.endpoints, batched, cache, cacheDir: config.cacheDir,
        priceOf: priceLookup(), count: () => tiktokenCounter(), log, onWait: batchProgress,
        poll: pollMs > 0 ? {initialMs: Math.min(pollMs, defaultPoll.initialMs), maxMs: pollMs} : undefined
      });
      ({models, judges} = rounds);
      delivered = rounds.deliveries;
    }
    const sink = await parquetSink(config.outDir);
    const summary = await runSuite(
      {
        runId: newRunId(new Date(), flags.shard), benchmarks, models, judges, judgePanels, seed, limit, maxEvalInstances: config.maxEvalInstances, concurrency: itemConcurrency,
        scoring: {helmCompat, resources: config.resources, bertScore: embedder && pool ? bertScorer(embedder, cache, {match: pool.match}) : undefined}, dataDir: config.dataDir,
        excludeSelfJudging: config.excludeSelfJudging, excludeSameVendorJudging: config.excludeSameVendorJudging, manifest, toolVersion,
        priceOf: priceLookup(), mayCall: failed ? (item) => failed.has(itemKey(item)) : undefined, shard: flags.shard ?? null, delivered
      },
      {cache, sink, log, progress}
    );
    const files = await sink.close();
    const endpoints = Object.fromEntries(config.endpoints.map((e) => [e.name, endpointStats(e)]));
    return {summary, config, files, endpoints};
  } finally {
    cache.close();
    await pool?.close();
  }
}

/** A dry run's result. */
export interface Estimate {
  rows: EstimateRow[];
  total: ReturnType<typeof estimateTotal>;
  config: SuiteConfig;
  /** How the numbers were computed, for the reader of a JSON estimate. */
  method: string;
  /** Benchmark files that failed to load and so are not estimated. */
  loadErrors: BenchmarkLoadError[];
}

/**
 * Estimates the configured run's cost without calling any model (listing an endpoint's models,
 * when none are named, is the only request). `count` defaults to the o200k tokenizer.
 */
export async function estimateConfigured({cwd, env, flags = {}, count}: {cwd: string; env: Record<string, string | undefined>; flags?: RunFlags; count?: TokenCounter}): Promise<Estimate> {
  // An estimate makes no calls, so `openai/<model>` named on the command line is priced as
  // OpenAI's own endpoint even before a key or base URL is set.
  const named = [...(flags.models ?? []), ...(flags.judges ?? [])].some((id) => id.startsWith("openai/"));
  if (named && !env.OPENAI_BASE_URL && !env.OPENAI_API_KEY) env = {...env, OPENAI_BASE_URL: "https://api.openai.com/v1"};
  const {config, benchmarks, models, judges, judgePanels, loadErrors, seed, limit} = await prepare(cwd, env, flags);
  const loaded = [];
  for (const benchmark of benchmarks) {
    const instances = await evaluatedInstances(benchmark, {dataDir: config.dataDir, seed, limit, maxEvalInstances: config.maxEvalInstances, shard: flags.shard ?? null});
    if (instances) loaded.push({benchmark, instances});
  }
  const cache = existsSync(config.cacheDir) ? fileCache(config.cacheDir) : undefined;
  try {
    const rows = await estimateRun({
      benchmarks: loaded, models, judges, judgePanels, seed, count: count ?? (await tiktokenCounter()), priceOf: priceLookup(), cache,
      excludeSelfJudging: config.excludeSelfJudging, excludeSameVendorJudging: config.excludeSameVendorJudging
    });
    const method = "MedHELM upper bound: o200k prompt tokens, every answer at max_tokens, each judge reading prompt + max answer and writing 4096 tokens; cached answers and verdicts excluded; list prices from reference/prices.json";
    return {rows, total: estimateTotal(rows), config, method, loadErrors};
  } finally {
    cache?.close();
  }
}
