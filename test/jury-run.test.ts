/**
 * The jury inside a run, with in-process fake models (no network): verdict rows, self-judging and
 * same-vendor flags, the exclusion options, and failures recorded as rows with reasons.
 */
import {mkdtempSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {fileCache} from "../data-loaders/cache/cache.ts";
import {loadRegistry, selectBenchmarks} from "../data-loaders/benchmark/registry.ts";
import {runSuite, type RunPlan} from "../data-loaders/runner/run.ts";
import type {Model} from "../data-loaders/benchmark/types.ts";
import {memorySink} from "./memory-sink.ts";

function fakeModel(id: string, vendor: string, reply: (prompt: string) => string): Model {
  return {
    id, kind: "llm", vendor, endpoint: "http://fake.invalid/v1", supports: () => true,
    async generate(request) {
      const text = reply(request.messages.map((m) => m.content).join("\n"));
      if (text === "THROW") throw Object.assign(new Error("service unavailable"), {status: 503});
      return {text, inputTokens: 10, outputTokens: 5, latencyMs: 1, finishReason: "stop", cached: false};
    }
  };
}

const verdict = (score: number) => JSON.stringify({accuracy: {score, explanation: "a"}, completeness: {score, explanation: "b"}, clarity: {score, explanation: "c"}});
const writer = fakeModel("fake/gpt-writer", "openai", () => "HISTORY OF PRESENT ILLNESS\nKnee pain.");

async function run(judges: Model[], options: Partial<RunPlan> = {}) {
  const [aci] = selectBenchmarks(await loadRegistry(), ["aci_bench"]);
  const sink = memorySink();
  const plan: RunPlan = {
    runId: "r1", benchmarks: [aci], models: [writer], judges, seed: 0, limit: 2, maxEvalInstances: 1000, concurrency: 2,
    scoring: {helmCompat: false, resources: {}}, dataDir: "data", excludeSelfJudging: false, excludeSameVendorJudging: false,
    manifest: {}, toolVersion: "test", ...options
  };
  await runSuite(plan, {cache: fileCache(mkdtempSync(join(tmpdir(), "jury-cache-"))), sink, log: () => {}});
  return sink.rows;
}

describe("jury in a run", () => {
  it("flags a judge that is the evaluated model as self-judging and one of the same vendor as same-vendor", async () => {
    const self = fakeModel("fake/gpt-writer", "openai", () => verdict(5));
    const sibling = fakeModel("fake/gpt-judge", "openai", () => verdict(4));
    const other = fakeModel("fake/claude-judge", "anthropic", () => verdict(3));
    const rows = await run([self, sibling, other]);
    const flags = new Map(rows.judgments.map((j) => [j.judge, [j.self_judging, j.same_vendor]]));
    expect(flags.get("fake/gpt-writer")).toEqual([true, true]);
    expect(flags.get("fake/gpt-judge")).toEqual([false, true]);
    expect(flags.get("fake/claude-judge")).toEqual([false, false]);
    const jury = rows.scores.filter((s) => s.metric === "aci_bench_accuracy");
    expect(jury.map((s) => s.value)).toEqual([4, 4]);
    expect(jury.map((s) => s.value_normalized)).toEqual([0.75, 0.75]);
  });

  it("excludes self-judging verdicts when configured, recording them as excluded rows", async () => {
    const self = fakeModel("fake/gpt-writer", "openai", () => verdict(5));
    const other = fakeModel("fake/claude-judge", "anthropic", () => verdict(3));
    const rows = await run([self, other], {excludeSelfJudging: true});
    const excluded = rows.judgments.filter((j) => j.judge === "fake/gpt-writer");
    expect(excluded.every((j) => j.parse_status === "excluded" && j.reason === "self-judging excluded by configuration")).toBe(true);
    expect(rows.scores.filter((s) => s.metric === "aci_bench_accuracy").map((s) => s.value)).toEqual([3, 3]);
  });

  it("excludes same-vendor judges when configured", async () => {
    const sibling = fakeModel("fake/gpt-judge", "openai", () => verdict(5));
    const other = fakeModel("fake/claude-judge", "anthropic", () => verdict(2));
    const rows = await run([sibling, other], {excludeSameVendorJudging: true});
    expect(rows.judgments.filter((j) => j.judge === "fake/gpt-judge").every((j) => j.parse_status === "excluded")).toBe(true);
    expect(rows.scores.filter((s) => s.metric === "aci_bench_accuracy").map((s) => s.value)).toEqual([2, 2]);
  });

  it("records a failed judge call as call_failed rows and leaves the answer unscored when no judge succeeds", async () => {
    const down = fakeModel("fake/down-judge", "meta", () => "THROW");
    const garbage = fakeModel("fake/garbage-judge", "google", () => "no idea");
    const rows = await run([down, garbage]);
    const statuses = new Set(rows.judgments.map((j) => `${j.judge}:${j.parse_status}`));
    expect(statuses).toEqual(new Set(["fake/down-judge:call_failed", "fake/garbage-judge:invalid_json"]));
    expect(rows.judgments.find((j) => j.parse_status === "call_failed")!.reason).toContain("HTTP 503");
    const jury = rows.scores.filter((s) => s.metric === "aci_bench_accuracy");
    expect(jury.every((s) => s.value === null)).toBe(true);
    expect(String(jury[0].unscored_reason)).toMatch(/^no valid verdict \(fake\/down-judge: judge call failed: HTTP 503: service unavailable; fake\/garbage-judge: no JSON object/);
  });

  it("does not call judges for an empty answer and records why", async () => {
    const judge = fakeModel("fake/claude-judge", "anthropic", () => verdict(5));
    const silent = fakeModel("fake/silent", "mistral", () => "   ");
    const [aci] = selectBenchmarks(await loadRegistry(), ["aci_bench"]);
    const sink = memorySink();
    await runSuite({
      runId: "r2", benchmarks: [aci], models: [silent], judges: [judge], seed: 0, limit: 1, maxEvalInstances: 1000, concurrency: 1,
      scoring: {helmCompat: false, resources: {}}, dataDir: "data", excludeSelfJudging: false, excludeSameVendorJudging: false, manifest: {}, toolVersion: "test"
    }, {cache: fileCache(mkdtempSync(join(tmpdir(), "jury-cache-"))), sink, log: () => {}});
    expect(sink.rows.judgments.every((j) => j.parse_status === "no_output" && j.reason === "empty model output")).toBe(true);
    expect(sink.rows.scores.find((s) => s.metric === "aci_bench_accuracy")!.value).toBeNull();
  });
});

import {defaultPanel} from "../data-loaders/runner/resolve-models.ts";

describe("default jury panel", () => {
  it("defaultPanel prefers one judge per model family", () => {
    expect(defaultPanel(["e/gpt-4o", "e/gpt-4o-mini", "e/llama-3.3-70b", "e/claude-3-7-sonnet"])).toEqual(["e/gpt-4o", "e/llama-3.3-70b", "e/claude-3-7-sonnet"]);
  });
  it("defaultPanel fills with same-family models when fewer than three families are served", () => {
    expect(defaultPanel(["e/gpt-4o", "e/gpt-4o-mini", "e/o3-mini", "e/gpt-5"])).toEqual(["e/gpt-4o", "e/gpt-4o-mini", "e/o3-mini"]);
    expect(defaultPanel(["e/only-model"])).toEqual(["e/only-model"]);
  });
});
