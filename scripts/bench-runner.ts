/**
 * Runner throughput benchmark (`npm run bench:runner -- [--json] [--n 2000] [--cached 100000]`).
 *
 * Starts the loopback OpenAI-compatible server (test/fixtures/openai-server.mjs) as a separate
 * process, then for concurrency 1, 16 and 64 sends the same N requests (PubMedQA prompts, two
 * models) three ways: through the runner as it runs (prompt building, cache keys and writes,
 * scheduler, scoring, rows into the DuckDB spool, over its node:http transport); through the
 * same runner on the SDK's default fetch (`runner_sdk_fetch_*`, which isolates the runner's own
 * overhead); and through a bare loop over the `openai` SDK with a simple promise pool (the floor,
 * whose request bodies are built before its clock starts). The PubMedQA file is parsed once up
 * front for all. Each is measured three times, interleaved, and the median is reported with the
 * CPU time of this process per request (process.cpuUsage(), all threads, so it includes the
 * SDK's and DuckDB's work). Finally it re-runs a fully cached suite of `--cached` completions
 * (PubMedQA x enough in-process models) and reports items/s, counting the cache index load, the
 * run and the Parquet write.
 */
import {mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {parseArgs} from "node:util";
import OpenAI from "openai";
import {fileCache} from "../data-loaders/cache/cache.ts";
import {openaiModel, type Endpoint} from "../data-loaders/models/openai.ts";
import {parquetSink} from "../data-loaders/formats/parquet.ts";
import {dataDirOf, loadRegistry, selectBenchmarks} from "../data-loaders/benchmark/registry.ts";
import {answerRequest, evaluatedInstances, runSuite, type RunPlan} from "../data-loaders/runner/run.ts";
import {SPARE_ITEMS} from "../data-loaders/runner/suite.ts";
import type {Benchmark, Model} from "../data-loaders/benchmark/types.ts";
import {startFakeOpenAI} from "../test/server.ts";

const {values} = parseArgs({options: {json: {type: "boolean"}, n: {type: "string"}, cached: {type: "string"}, reps: {type: "string"}}});
const N = Number(values.n ?? 2000);
const CACHED = Number(values.cached ?? 100_000);
const REPS = Number(values.reps ?? 3);
const say = (line: Record<string, unknown>, human: string) => console.log(values.json ? JSON.stringify(line) : human);
const note = (text: string) => void (values.json || console.error(text));

const work = mkdtempSync(join(tmpdir(), "medhelm-bench-"));
const server = await startFakeOpenAI({FAKE_MODELS: "test-model,judge-a"});
const [registered] = selectBenchmarks(await loadRegistry(), ["pubmed_qa"]);
// The dataset is parsed once, outside the timings, as the floor's request bodies are built
// outside its timings: both then measure requests, not JSON parsing of the dataset file.
const parsed = await registered.load(dataDirOf(registered, "data"));
const pubmed: Benchmark = {...registered, load: async () => parsed};
const plan0 = {dataDir: "data", seed: 0, maxEvalInstances: 1000, limit: null};
const all = (await evaluatedInstances(pubmed, plan0))!;
const modelNames = ["test-model", "judge-a"];
const perModel = Math.ceil(N / modelNames.length);
if (perModel > all.length) throw new Error(`--n ${N} needs ${perModel} PubMedQA instances per model, only ${all.length} exist`);
const instances = all.slice(0, perModel);
const limitedBenchmark: Benchmark = {...pubmed, maxEvalInstances: perModel};

interface Measured {
  seconds: number;
  cpuMs: number;
}

async function measure(task: () => Promise<void>): Promise<Measured> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await task();
  const used = process.cpuUsage(cpu);
  return {seconds: (performance.now() - started) / 1000, cpuMs: (used.user + used.system) / 1000};
}

/** The floor: the same requests through the bare SDK with a promise pool. */
async function floor(concurrency: number, n: number): Promise<Measured> {
  const client = new OpenAI({baseURL: server.baseURL, apiKey: "bench", maxRetries: 0});
  const bodies = modelNames.flatMap((model) => instances.map((instance) => {
    const r = answerRequest(pubmed, instance);
    return {model, messages: r.messages, max_tokens: r.maxTokens, temperature: r.temperature, ...(r.stop?.length ? {stop: r.stop} : {})};
  })).slice(0, n);
  let next = 0;
  return measure(async () => {
    await Promise.all(Array.from({length: concurrency}, async () => {
      while (next < bodies.length) await client.chat.completions.create(bodies[next++]);
    }));
  });
}

/**
 * The runner: a fresh cache and spool, the same requests, all misses. `sdkFetch` swaps the
 * runner's node:http transport for the SDK's default fetch, to show the runner's own overhead.
 */
async function runner(concurrency: number, n: number, sdkFetch = false): Promise<Measured> {
  const dir = mkdtempSync(join(work, "run-"));
  const endpoint: Endpoint = {
    name: "bench", baseURL: server.baseURL, apiKey: "bench", concurrency, timeoutMs: 60_000, maxRetries: 4, jsonMode: true,
    ...(sdkFetch ? {fetch: globalThis.fetch} : {})
  };
  const models = modelNames.map((name) => openaiModel(endpoint, name));
  const benchmark: Benchmark = {...limitedBenchmark, maxEvalInstances: Math.ceil(n / models.length)};
  const cache = fileCache(join(dir, "cache"));
  const sink = await parquetSink(join(dir, "out"));
  const plan: RunPlan = {
    runId: "bench", benchmarks: [benchmark], models, judges: [], seed: 0, limit: null, maxEvalInstances: 1000, concurrency: concurrency + SPARE_ITEMS,
    scoring: {helmCompat: false, resources: {}}, dataDir: "data", excludeSelfJudging: false, excludeSameVendorJudging: false, manifest: {}, toolVersion: "bench"
  };
  let calls = 0;
  const result = await measure(async () => {
    calls = (await runSuite(plan, {cache, sink, log: () => {}})).calls;
  });
  if (calls !== n) throw new Error(`runner made ${calls} calls, expected ${n}`);
  await sink.close();
  cache.close();
  rmSync(dir, {recursive: true, force: true});
  return result;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

try {
  note("warming up ...");
  await floor(16, 400);
  await runner(16, 400);
  for (const concurrency of [1, 16, 64]) {
    const floors: Measured[] = [];
    const runs: Measured[] = [];
    const sdkRuns: Measured[] = [];
    for (let rep = 0; rep < REPS; rep++) {
      floors.push(await floor(concurrency, N));
      runs.push(await runner(concurrency, N));
      sdkRuns.push(await runner(concurrency, N, true));
    }
    const rate = (ms: Measured[]) => Math.round(median(ms.map((r) => N / r.seconds)));
    const cpu = (ms: Measured[]) => Number(median(ms.map((r) => r.cpuMs / N)).toFixed(3));
    say(
      {
        concurrency, requests_per_s: rate(runs), cpu_ms_per_request: cpu(runs), floor_requests_per_s: rate(floors), floor_cpu_ms_per_request: cpu(floors),
        runner_sdk_fetch_requests_per_s: rate(sdkRuns), runner_sdk_fetch_cpu_ms_per_request: cpu(sdkRuns)
      },
      `concurrency ${String(concurrency).padStart(2)}: runner ${rate(runs)} req/s, ${cpu(runs)} ms CPU/req | SDK floor ${rate(floors)} req/s, ${cpu(floors)} ms CPU/req | ` +
        `${((100 * rate(runs)) / rate(floors)).toFixed(0)}% of floor | runner on the SDK's fetch ${rate(sdkRuns)} req/s (${((100 * rate(sdkRuns)) / rate(floors)).toFixed(0)}%), ${cpu(sdkRuns)} ms CPU/req`
    );
  }

  // Cached re-run: enough in-process models over PubMedQA to make CACHED completions.
  const fake = (i: number): Model => ({
    id: `bench/model-${String(i).padStart(4, "0")}`, kind: "llm", vendor: "bench", endpoint: "http://bench.invalid/v1", supports: () => true,
    async generate() {
      return {text: "A", inputTokens: 500, outputTokens: 1, latencyMs: 1, finishReason: "stop", cached: false};
    }
  });
  const perBench = Math.min(all.length, CACHED);
  const models = Array.from({length: Math.ceil(CACHED / perBench)}, (_, i) => fake(i));
  const cachedBenchmark: Benchmark = {...pubmed, maxEvalInstances: perBench};
  const cacheDir = join(work, "cached-cache");
  const cachedPlan = (runId: string): RunPlan => ({
    runId, benchmarks: [cachedBenchmark], models, judges: [], seed: 0, limit: null, maxEvalInstances: 1000, concurrency: 64,
    scoring: {helmCompat: false, resources: {}}, dataDir: "data", excludeSelfJudging: false, excludeSameVendorJudging: false, manifest: {}, toolVersion: "bench"
  });
  note(`filling the cache with ${models.length * perBench} completions ...`);
  {
    const cache = fileCache(cacheDir);
    const sink = await parquetSink(join(work, "fill"));
    await runSuite(cachedPlan("fill"), {cache, sink, log: () => {}});
    await sink.close();
    cache.close();
  }
  let items = 0;
  let cachedCount = 0;
  const rerun = await measure(async () => {
    const cache = fileCache(cacheDir);
    const sink = await parquetSink(join(work, "rerun"));
    const summary = await runSuite(cachedPlan("rerun"), {cache, sink, log: () => {}});
    await sink.close();
    cache.close();
    items = summary.benchmarks.reduce((s, b) => s + b.answers, 0);
    cachedCount = summary.cached;
    if (summary.calls !== 0) throw new Error(`cached re-run made ${summary.calls} calls`);
  });
  const perSecond = items / rerun.seconds;
  say({cached_items_per_s: Math.round(perSecond), items, cached: cachedCount, seconds: Number(rerun.seconds.toFixed(3))}, `cached re-run: ${items} items in ${rerun.seconds.toFixed(2)} s = ${Math.round(perSecond)} items/s`);
} finally {
  await server.stop();
  rmSync(work, {recursive: true, force: true});
}

