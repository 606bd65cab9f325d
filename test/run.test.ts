/**
 * End to end: `medhelm run` as a real process against a loopback OpenAI-compatible server (a
 * separate process) that serves both the evaluated model and the three judges.
 */
import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {tiktokenCounter} from "../data-loaders/cost/costs.ts";
import {progressLine, progressPrinter} from "../data-loaders/runner/progress.ts";
import {fileCache} from "../data-loaders/cache/cache.ts";
import {answerRequest, evaluatedInstances, runSuite, type Progress} from "../data-loaders/runner/run.ts";
import type {Benchmark, Model} from "../data-loaders/benchmark/types.ts";
import {memorySink} from "./memory-sink.ts";
import {loadRegistry, selectBenchmarks} from "../data-loaders/benchmark/registry.ts";
import {query} from "./parquet-read.ts";
import {medhelm as runCli} from "./cli.ts";
import {startFakeOpenAI, type FakeServer} from "./server.ts";

let server: FakeServer;
let dir: string;

/** The CLI against the loopback endpoint (as the environment's `openai` endpoint). */
const medhelm = (args: string[], env: Record<string, string> = {}, cwd = process.cwd()) =>
  runCli(args, {cwd, env: {OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: "sk-test-not-a-secret", ...env}});

beforeAll(async () => {
  server = await startFakeOpenAI({FAKE_MODELS: "test-model,judge-a,judge-b,judge-c,gpt-4o-2024-05-13"});
  dir = mkdtempSync(join(tmpdir(), "medhelm-run-"));
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, {recursive: true, force: true});
});

const args = (out: string) => [
  "run", "--benchmarks", "pubmed_qa,medcalc_bench,aci_bench", "--models", "openai/test-model,baseline/random-choice",
  "--judges", "openai/judge-a,openai/judge-b,openai/judge-c", "--limit", "3", "--out", join(dir, out), "--cache", join(dir, "cache"), "--format", "json"
];

describe("medhelm run against a loopback endpoint", () => {
  it("writes all six tables with the expected row counts and calls each model once per item", async () => {
    const {stdout} = await medhelm(args("first"));
    const summary = JSON.parse(stdout);
    // 9 answers by test-model + 3 judges x 3 ACI-Bench answers; baselines make no calls.
    expect(summary.calls).toBe(18);
    expect(summary.cached).toBe(0);
    expect(summary.errors).toBe(0);
    expect((await server.stats()).total).toBe(18);
    const t = (name: string) => `'${join(dir, "first", `${name}.parquet`)}'`;
    const [counts] = await query(`SELECT
      (SELECT count(*) FROM ${t("runs")})::INT AS runs, (SELECT count(*) FROM ${t("benchmarks")})::INT AS benchmarks,
      (SELECT count(*) FROM ${t("instances")})::INT AS instances, (SELECT count(*) FROM ${t("completions")})::INT AS completions,
      (SELECT count(*) FROM ${t("scores")})::INT AS scores, (SELECT count(*) FROM ${t("judgments")})::INT AS judgments`);
    // Scores: PubMedQA 2 metrics x 6 answers, MedCalc 1 x 3, ACI-Bench (3 ROUGE + 3 BERTScore + jury + 3 criteria) x 3.
    expect(counts[0]).toEqual({runs: 1, benchmarks: 3, instances: 9, completions: 12, scores: 45, judgments: 27});
  });

  it("records each judge's verdict with its parse status and scores ACI-Bench from the valid ones", async () => {
    const t = (name: string) => `'${join(dir, "first", `${name}.parquet`)}'`;
    const [statuses, jury] = await query(
      `SELECT judge, parse_status, count(*)::INT AS n FROM ${t("judgments")} GROUP BY ALL ORDER BY ALL`,
      `SELECT count(value)::INT AS scored, min(value) AS lo, max(value) AS hi FROM ${t("scores")} WHERE metric = 'aci_bench_accuracy'`
    );
    expect(statuses).toEqual([
      {judge: "openai/judge-a", parse_status: "ok", n: 9},
      {judge: "openai/judge-b", parse_status: "ok", n: 9},
      {judge: "openai/judge-c", parse_status: "invalid_json", n: 9}
    ]);
    expect(jury[0].scored).toBe(3);
    expect(jury[0].lo).toBeGreaterThanOrEqual(1);
    expect(jury[0].hi).toBeLessThanOrEqual(5);
  });

  it("records token usage and latency of real calls and labels baselines", async () => {
    const t = `'${join(dir, "first", "completions.parquet")}'`;
    const [rows] = await query(`SELECT model, model_kind, min(input_tokens)::INT AS tokens, min(latency_ms) AS latency, bool_and(cached) AS cached FROM ${t} GROUP BY ALL ORDER BY model`);
    expect(rows[0]).toMatchObject({model: "baseline/random-choice", model_kind: "baseline"});
    expect(rows[1]).toMatchObject({model: "openai/test-model", model_kind: "llm", cached: false});
    expect(rows[1].tokens as number).toBeGreaterThan(0);
    expect(rows[1].latency as number).toBeGreaterThan(0);
  });

  it("serves a second identical run entirely from the cache (zero requests to the server)", async () => {
    const before = (await server.stats()).total;
    const {stdout} = await medhelm(args("second"));
    const summary = JSON.parse(stdout);
    expect(summary.calls).toBe(0);
    expect(summary.cached).toBe(18);
    expect((await server.stats()).total).toBe(before);
    const [[same]] = await query(`SELECT count(*)::INT AS n FROM '${join(dir, "second", "scores.parquet")}' a JOIN '${join(dir, "first", "scores.parquet")}' b
      USING (benchmark, instance_id, model, metric) WHERE a.value IS NOT DISTINCT FROM b.value`);
    expect(same.n).toBe(45);
  });

  it("fails before any call on an unknown model provider", async () => {
    await expect(medhelm(["run", "--models", "nowhere/model", "--limit", "1", "--out", join(dir, "bad")])).rejects.toMatchObject({
      stderr: expect.stringContaining("unknown model provider: nowhere")
    });
  });

  it("prices answers of a model with a list price and records the run's spend", async () => {
    const out = join(dir, "priced");
    const {stdout} = await medhelm(["run", "--benchmarks", "pubmed_qa", "--models", "openai/gpt-4o-2024-05-13", "--judges", "", "--limit", "4", "--out", out, "--cache", join(dir, "cache"), "--format", "json"]);
    const summary = JSON.parse(stdout);
    const [rows, runs] = await query(
      `SELECT input_tokens, output_tokens, cost_usd FROM '${join(out, "completions.parquet")}'`,
      `SELECT cost_usd FROM '${join(out, "runs.parquet")}'`
    );
    expect(rows).toHaveLength(4);
    for (const r of rows) expect(r.cost_usd).toBeCloseTo(((r.input_tokens as number) * 2.5 + (r.output_tokens as number) * 10) / 1e6, 12);
    const spent = rows.reduce((sum, r) => sum + (r.cost_usd as number), 0);
    expect(runs[0].cost_usd).toBeCloseTo(spent, 12);
    expect(summary.costUsd).toBeCloseTo(spent, 12);
  });

  it("estimates a run with --dry-run by MedHELM's upper bound without calling any model", async () => {
    const before = (await server.stats()).total;
    const {stdout} = await medhelm([
      "run", "--dry-run", "--benchmarks", "pubmed_qa,aci_bench", "--models", "openai/gpt-4o-2024-05-13,baseline/lead", "--judges", "openai/gpt-4o-2024-05-13",
      "--limit", "3", "--cache", join(dir, "empty-cache"), "--format", "json"
    ]);
    expect((await server.stats()).total).toBe(before);
    const {rows, total} = JSON.parse(stdout);
    const [pubmed, aci] = selectBenchmarks(await loadRegistry(), ["pubmed_qa", "aci_bench"]);
    const count = await tiktokenCounter();
    const prompts = async (b: typeof pubmed) => ((await evaluatedInstances(b, {dataDir: "data", seed: 0, maxEvalInstances: 1000, limit: 3}))!).map((i) => count(answerRequest(b, i).messages[0].content));
    const pubmedTokens = (await prompts(pubmed)).reduce((a, b) => a + b, 0);
    const aciTokens = (await prompts(aci)).reduce((a, b) => a + b, 0);
    const row = (b: string, m: string) => rows.find((r: {benchmark: string; model: string}) => r.benchmark === b && r.model === m);
    expect(row("pubmed_qa", "openai/gpt-4o-2024-05-13")).toMatchObject({instances: 3, calls: 3, input_tokens: pubmedTokens, output_tokens: 3, judge_calls: 0});
    expect(row("pubmed_qa", "openai/gpt-4o-2024-05-13").total_usd).toBeCloseTo((pubmedTokens * 2.5 + 3 * 10) / 1e6, 12);
    // Open-ended: the judge reads the prompt plus a maximal answer and writes 4096 tokens.
    const aciRow = row("aci_bench", "openai/gpt-4o-2024-05-13");
    expect(aciRow).toMatchObject({input_tokens: aciTokens, output_tokens: 3 * aci.maxTokens, judge_calls: 3, judge_input_tokens: aciTokens + 3 * aci.maxTokens, judge_output_tokens: 3 * 4096});
    expect(aciRow.jury_usd).toBeCloseTo(((aciTokens + 3 * aci.maxTokens) * 2.5 + 3 * 4096 * 10) / 1e6, 12);
    // A baseline costs nothing itself, but its answers are judged.
    expect(row("aci_bench", "baseline/lead")).toMatchObject({calls: 0, model_usd: 0, judge_calls: 3});
    expect(total.total_usd).toBeCloseTo(rows.reduce((s: number, r: {total_usd: number}) => s + r.total_usd, 0), 12);
  });

  it("subtracts what the cache already holds from the estimate", async () => {
    const {stdout} = await medhelm(["run", "--dry-run", "--benchmarks", "pubmed_qa", "--models", "openai/test-model", "--judges", "", "--limit", "3", "--cache", join(dir, "cache"), "--format", "json"]);
    expect(JSON.parse(stdout).rows[0]).toMatchObject({instances: 3, cached_answers: 3, calls: 0, input_tokens: 0});
  });

  it("reruns only the items that failed in the previous run with --retry-errors", async () => {
    const flaky = await startFakeOpenAI({FAKE_FAULTS: "500=0.5", FAKE_FAULT_SEED: "2"});
    try {
      const project = mkdtempSync(join(dir, "retry-"));
      // No retries inside the run, so that some items fail for good.
      writeFileSync(join(project, "medhelm.config.json"), JSON.stringify({endpoints: {flaky: {baseURL: flaky.baseURL, maxRetries: 0}}}));
      const args = ["run", "--benchmarks", "pubmed_qa", "--models", "flaky/test-model", "--judges", "", "--limit", "8", "--out", "out", "--cache", "cache", "--format", "json"];
      const first = JSON.parse((await medhelm(args, {}, project)).stdout);
      expect(first.errors).toBeGreaterThan(0);
      expect(first.errors).toBeLessThan(8);
      const before = (await flaky.stats()).total;
      const second = JSON.parse((await medhelm([...args, "--retry-errors"], {}, project)).stdout);
      // Only the failed items were called again; the others were replayed from the cache.
      expect((await flaky.stats()).total - before).toBe(first.errors);
      expect(second.calls).toBe(first.errors);
      expect(second.cached).toBe(8 - first.errors);
      const [rows] = await query(`SELECT count(*)::INT AS n FROM '${join(project, "out", "completions.parquet")}'`);
      expect(rows[0].n).toBe(8);
    } finally {
      await flaky.stop();
    }
  });

  it("refuses --retry-errors when the output folder holds no previous run", async () => {
    await expect(medhelm(["run", "--retry-errors", "--benchmarks", "pubmed_qa", "--models", "openai/test-model", "--limit", "1", "--out", join(dir, "nothing")])).rejects.toMatchObject({
      stderr: expect.stringContaining("no previous run")
    });
  });
});

describe("the runner in process", () => {
  it("makes one call for identical requests that are in flight at the same time", async () => {
    const [pubmed] = selectBenchmarks(await loadRegistry(), ["pubmed_qa"]);
    const twins: Benchmark = {...pubmed, load: async () => [0, 1, 2, 3].map((i) => ({id: `twin-${i}`, input: "Same question?", choices: ["yes", "no", "maybe"], gold: ["yes"]}))};
    let calls = 0;
    const slow: Model = {
      id: "fake/slow", kind: "llm", vendor: "fake", endpoint: "http://fake.invalid/v1", supports: () => true,
      async generate() {
        calls++;
        await new Promise((r) => setTimeout(r, 20));
        return {text: "A", inputTokens: 5, outputTokens: 1, latencyMs: 20, finishReason: "stop", cached: false};
      }
    };
    const sink = memorySink();
    const summary = await runSuite({
      runId: "twins", benchmarks: [twins], models: [slow], judges: [], seed: 0, limit: null, maxEvalInstances: 1000, concurrency: 4,
      scoring: {helmCompat: false, resources: {}}, dataDir: "data", excludeSelfJudging: false, excludeSameVendorJudging: false, manifest: {}, toolVersion: "test"
    }, {cache: fileCache(mkdtempSync(join(tmpdir(), "medhelm-twins-"))), sink, log: () => {}});
    expect(calls).toBe(1);
    expect(summary).toMatchObject({calls: 1, cached: 3, errors: 0});
    expect(sink.rows.completions.map((c) => c.answer_text)).toEqual(["yes", "yes", "yes", "yes"]);
  });
});

describe("progress display", () => {
  const p = (benchmark: string, done: number, total: number, extra: Partial<Progress> = {}): Progress =>
    ({benchmark, done, total, errors: 0, inputTokens: 0, outputTokens: 0, calls: 0, cached: 0, costUsd: 0, unpricedCalls: 0, ...extra});

  it("prints one line per finished benchmark and one for the run when not on a terminal", () => {
    let out = "";
    let now = 0;
    const print = progressPrinter((t) => void (out += t), false, () => now);
    print(p("pubmed_qa", 0, 2));
    print(p("aci_bench", 0, 1));
    now = 1000;
    print(p("pubmed_qa", 1, 2));
    expect(out).toBe("");
    now = 2000;
    print(p("pubmed_qa", 2, 2, {inputTokens: 1500, outputTokens: 2, costUsd: 0.0042, errors: 1}));
    now = 3000;
    print(p("aci_bench", 1, 1));
    const lines = out.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^pubmed_qa +\[#{20}\] +2\/2 .*tok 1\.5k\+2 .*\$0\.0042 err 1$/);
    expect(lines[2]).toMatch(/^overall .* 3\/3 /);
  });

  it("redraws live bars with the overall total, rate, ETA and cost on a terminal", () => {
    let out = "";
    let now = 0;
    const print = progressPrinter((t) => void (out += t), true, () => now);
    print(p("pubmed_qa", 0, 100));
    now = 10_000;
    print(p("pubmed_qa", 50, 100, {costUsd: 1.5, unpricedCalls: 2}));
    expect(out).toContain("\x1b[2K");
    expect(out).toMatch(/pubmed_qa .*50\/100 .*5\/s +eta 10s .*\$1\.50\+\?/);
    expect(out).toMatch(/overall .*50\/100/);
    // Within 100 ms nothing is redrawn.
    const drawn = out.length;
    now += 50;
    print(p("pubmed_qa", 51, 100));
    expect(out.length).toBe(drawn);
  });

  it("formats a finished benchmark with its duration instead of an ETA", () => {
    expect(progressLine("x", p("x", 10, 10), 65)).toMatch(/in 1m05s/);
  });
});

