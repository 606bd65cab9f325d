/**
 * End to end: `medhelm run` as a real process against a loopback OpenAI-compatible server (a
 * separate process) that serves both the evaluated model and the three judges.
 */
import {execFile} from "node:child_process";
import {mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {promisify} from "node:util";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {query} from "./parquet-read.ts";
import {startFakeOpenAI, type FakeServer} from "./server.ts";

const exec = promisify(execFile);
let server: FakeServer;
let dir: string;

async function medhelm(args: string[], env: Record<string, string> = {}) {
  const {stdout, stderr} = await exec(process.execPath, ["bin/medhelm.mjs", ...args], {
    env: {PATH: process.env.PATH!, HOME: process.env.HOME ?? "", OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: "sk-test-not-a-secret", ...env}
  });
  return {stdout, stderr};
}

beforeAll(async () => {
  server = await startFakeOpenAI();
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
    // Scores: PubMedQA 2 metrics x 6 answers, MedCalc 1 x 3, ACI-Bench (3 ROUGE + jury + 3 criteria) x 3.
    expect(counts[0]).toEqual({runs: 1, benchmarks: 3, instances: 9, completions: 12, scores: 36, judgments: 27});
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
    expect(same.n).toBe(36);
  });

  it("fails before any call on an unknown model provider", async () => {
    await expect(medhelm(["run", "--models", "nowhere/model", "--limit", "1", "--out", join(dir, "bad")])).rejects.toMatchObject({
      stderr: expect.stringContaining("unknown model provider: nowhere")
    });
  });
});
