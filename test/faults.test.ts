/**
 * Fault injection: the runner against loopback servers (separate processes) that answer some or
 * all requests with 429 + Retry-After, 500, a connection that never answers, or a truncated body.
 * Runs complete, every item ends scored or recorded as failed with a reason, and the requests the
 * server saw stay within the retry budget.
 */
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {fileCache} from "../data-loaders/cache/cache.ts";
import {endpointStats, openaiModel, type Endpoint} from "../data-loaders/models/openai.ts";
import {loadRegistry, selectBenchmarks} from "../data-loaders/benchmark/registry.ts";
import {runSuite, type RunPlan} from "../data-loaders/runner/run.ts";
import type {Benchmark, Model} from "../data-loaders/benchmark/types.ts";
import {mkdtempSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {memorySink} from "./memory-sink.ts";
import {startFakeOpenAI, type FakeServer} from "./server.ts";

let benchmarks: Benchmark[];
const servers: FakeServer[] = [];
const start = async (env: Record<string, string>) => {
  const server = await startFakeOpenAI(env);
  servers.push(server);
  return server;
};

beforeAll(async () => {
  benchmarks = selectBenchmarks(await loadRegistry(), ["pubmed_qa", "aci_bench"]);
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

const endpoint = (server: FakeServer, overrides: Partial<Endpoint> = {}): Endpoint => ({
  name: "faulty", baseURL: server.baseURL, apiKey: "sk-test-not-a-secret", concurrency: 6, timeoutMs: 400, maxRetries: 3, jsonMode: true,
  retry: {baseDelayMs: 20, maxDelayMs: 300}, ...overrides
});

async function run(bench: Benchmark[], models: Model[], judges: Model[], limit: number) {
  const sink = memorySink();
  const plan: RunPlan = {
    runId: "faults", benchmarks: bench, models, judges, seed: 0, limit, maxEvalInstances: 1000, concurrency: 16,
    scoring: {helmCompat: false, resources: {}}, dataDir: "data", excludeSelfJudging: false, excludeSameVendorJudging: false, manifest: {}, toolVersion: "test"
  };
  const summary = await runSuite(plan, {cache: fileCache(mkdtempSync(join(tmpdir(), "medhelm-faults-"))), sink, log: () => {}});
  return {summary, rows: sink.rows};
}

describe("runs against a faulty endpoint", () => {
  it("completes with 20% faults, scoring or explaining every item, within the retry budget", async () => {
    const server = await start({FAKE_FAULTS: "429=0.05,500=0.05,hang=0.05,malformed=0.05", FAKE_FAULT_SEED: "1", FAKE_RETRY_AFTER_MS: "100"});
    const e = endpoint(server);
    const {summary, rows} = await run(benchmarks, [openaiModel(e, "test-model")], [openaiModel(e, "judge-a"), openaiModel(e, "judge-b")], 15);
    const stats = await server.stats();
    // Every kind of fault was injected.
    for (const kind of ["429", "500", "hang", "malformed"]) expect(stats.byOutcome[kind] ?? 0).toBeGreaterThan(0);
    // One completion per item; each has an answer or a reason, and a main score or a reason.
    expect(rows.completions).toHaveLength(30);
    expect(new Set(rows.completions.map((c) => `${c.benchmark}/${c.instance_id}`)).size).toBe(30);
    for (const c of rows.completions) expect(c.output_text !== null || (typeof c.error === "string" && c.error.length > 0)).toBe(true);
    const main = rows.scores.filter((s) => s.is_main);
    expect(main).toHaveLength(30);
    for (const s of main) expect(s.value !== null || (typeof s.unscored_reason === "string" && s.unscored_reason.length > 0)).toBe(true);
    for (const j of rows.judgments.filter((j) => j.parse_status === "call_failed")) expect(String(j.reason)).toMatch(/^judge call failed: /);
    // The budget: at most four attempts per call, and every request the server saw was counted.
    const scheduling = endpointStats(e);
    expect(stats.total).toBe(scheduling.attempts);
    expect(stats.total).toBeGreaterThan(summary.calls);
    expect(stats.total).toBeLessThanOrEqual(summary.calls * 4);
    expect(scheduling.rateLimited).toBeGreaterThan(0);
    expect(scheduling.failures.timeout).toBeGreaterThan(0);
    expect(scheduling.failures.malformed).toBeGreaterThan(0);
    // With four attempts against 20% faults, calls almost always get through.
    expect(summary.errors).toBeLessThanOrEqual(1);
  });

  it("records every call as failed with its reason when the endpoint always fails, after exactly the retry budget", async () => {
    const server = await start({FAKE_FAULTS: "500=1"});
    const e = endpoint(server, {maxRetries: 2});
    const {summary, rows} = await run(benchmarks.slice(0, 1), [openaiModel(e, "test-model")], [], 5);
    expect((await server.stats()).total).toBe(5 * 3);
    expect(summary.errors).toBe(5);
    for (const c of rows.completions) {
      expect(c.output_text).toBeNull();
      expect(c.error).toMatch(/^HTTP 500: .*injected failure \(server_error, gave up after 3 attempts\)$/);
    }
    for (const s of rows.scores) expect(s.unscored_reason).toMatch(/^model call failed: HTTP 500/);
  });

  it("does not retry a client error such as an unknown model", async () => {
    const server = await start({});
    const e = endpoint(server);
    const {summary, rows} = await run(benchmarks.slice(0, 1), [openaiModel(e, "no-such-model")], [], 4);
    expect((await server.stats()).total).toBe(4);
    expect(summary.errors).toBe(4);
    expect(rows.completions.every((c) => /^HTTP 404: /.test(String(c.error)))).toBe(true);
  });

  it("records failed judge calls as call_failed verdicts with the reason and leaves the answer unscored", async () => {
    const healthy = await start({});
    const broken = await start({FAKE_FAULTS: "hang=1"});
    const judgeEndpoint = {...endpoint(broken, {maxRetries: 1, timeoutMs: 200}), name: "broken"};
    const {rows} = await run(benchmarks.slice(1), [openaiModel(endpoint(healthy), "test-model")], [openaiModel(judgeEndpoint, "judge-a")], 2);
    expect(rows.completions.every((c) => c.error === null)).toBe(true);
    expect(rows.judgments.length).toBeGreaterThan(0);
    for (const j of rows.judgments) {
      expect(j.parse_status).toBe("call_failed");
      expect(j.reason).toMatch(/^judge call failed: request timed out after 200 ms \(timeout, gave up after 2 attempts\)$|^judge call failed: Request timed out\. \(timeout, gave up after 2 attempts\)$/);
    }
    const jury = rows.scores.filter((s) => s.metric === "aci_bench_accuracy");
    expect(jury.every((s) => s.value === null && String(s.unscored_reason).startsWith("no valid verdict"))).toBe(true);
  });

  it("adapts to sustained rate limiting: the cap comes down and the run still finishes without errors", async () => {
    const server = await start({FAKE_FAULTS: "429=0.3", FAKE_FAULT_SEED: "3", FAKE_RETRY_AFTER_MS: "30"});
    const e = endpoint(server, {concurrency: 8, maxRetries: 8});
    let lowest = Infinity;
    const model = openaiModel(e, "test-model");
    const watched: Model = {...model, async generate(request, context) {
      lowest = Math.min(lowest, endpointStats(e).limit);
      return model.generate(request, context);
    }};
    const {summary} = await run(benchmarks.slice(0, 1), [watched], [], 40);
    expect(summary.errors).toBe(0);
    expect(endpointStats(e).rateLimited).toBeGreaterThan(0);
    expect(lowest).toBeLessThan(8);
  });
});
