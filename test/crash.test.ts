/**
 * Crash safety: a real `medhelm run` process is killed with SIGKILL at several points of a run
 * (early, mid-way, late, after the last call) and the same command is rerun each time. The cache
 * never holds a damaged record, every response the server finished (bar the few in flight at
 * the kill) survives, the final tables have every item exactly once, and the server sees at most
 * the in-flight calls repeated.
 */
import {spawn} from "node:child_process";
import {existsSync, mkdtempSync, readdirSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {cacheHealth} from "../data-loaders/cache/cache.ts";
import {query} from "./parquet-read.ts";
import {startFakeOpenAI, type FakeServer} from "./server.ts";

const CONCURRENCY = 4;
// PubMedQA 10 answers + ACI-Bench 10 answers + 2 judges x 10 ACI-Bench answers.
const UNIQUE_CALLS = 40;
let server: FakeServer;
let dir: string;

beforeAll(async () => {
  server = await startFakeOpenAI({FAKE_LATENCY_MS: "25"});
  dir = mkdtempSync(join(tmpdir(), "medhelm-crash-"));
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, {recursive: true, force: true});
});

const out = () => join(dir, "out");
const cache = () => join(dir, "cache");

function medhelm() {
  const args = [
    "bin/medhelm.mjs", "run", "--benchmarks", "pubmed_qa,aci_bench", "--models", "openai/test-model", "--judges", "openai/judge-a,openai/judge-b",
    "--limit", "10", "--concurrency", String(CONCURRENCY), "--out", out(), "--cache", cache(), "--format", "json"
  ];
  const child = spawn(process.execPath, args, {
    env: {PATH: process.env.PATH!, HOME: process.env.HOME ?? "", OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: "sk-test-not-a-secret"},
    stdio: ["ignore", "pipe", "pipe"]
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((resolve) => child.on("exit", (code, signal) => resolve({code, signal})));
  return {child, exited, output: () => ({stdout, stderr})};
}

/** Starts a run and SIGKILLs it once the server has seen `requests` requests in total. */
async function killAt(requests: number) {
  const run = medhelm();
  let done = false;
  run.exited.then(() => (done = true));
  while (!done && (await server.stats()).total < requests) await new Promise((r) => setTimeout(r, 3));
  run.child.kill("SIGKILL");
  return run.exited;
}

describe("a run killed with SIGKILL and rerun", () => {
  it("loses no finished call, corrupts nothing, and repeats at most the calls in flight", async () => {
    const kills = [2, 12, 25, 36, UNIQUE_CALLS];
    let killed = 0;
    for (const at of kills) {
      const {signal} = await killAt(at);
      if (signal === "SIGKILL") killed++;
      const health = cacheHealth(cache());
      const stats = await server.stats();
      expect(health.corrupt).toBe(0);
      // Every distinct answer the server delivered is in the cache, except those still travelling
      // at a kill (at most one per slot per kill).
      expect(health.entries).toBeGreaterThanOrEqual((stats.byOutcome.ok ?? 0) - stats.repeats - killed * CONCURRENCY);
    }
    expect(killed).toBeGreaterThanOrEqual(4);

    const final = medhelm();
    const {code} = await final.exited;
    expect(code, final.output().stderr).toBe(0);
    const summary = JSON.parse(final.output().stdout);
    expect(summary.errors).toBe(0);
    expect(summary.calls + summary.cached).toBe(UNIQUE_CALLS);

    const stats = await server.stats();
    expect(stats.repeats).toBeLessThanOrEqual(killed * CONCURRENCY);
    expect(stats.total).toBeLessThanOrEqual(UNIQUE_CALLS + killed * CONCURRENCY);

    const t = (name: string) => `'${join(out(), `${name}.parquet`)}'`;
    const [[counts]] = await query(`SELECT
      (SELECT count(*) FROM ${t("completions")})::INT AS completions,
      (SELECT count(DISTINCT (benchmark, instance_id, model)) FROM ${t("completions")})::INT AS distinct_completions,
      (SELECT count(*) FROM ${t("completions")} WHERE error IS NOT NULL OR output_text IS NULL)::INT AS failed,
      (SELECT count(*) FROM ${t("judgments")})::INT AS judgments,
      (SELECT count(DISTINCT (instance_id, judge, criterion)) FROM ${t("judgments")})::INT AS distinct_judgments,
      (SELECT count(*) FROM ${t("runs")})::INT AS runs`);
    expect(counts).toEqual({completions: 20, distinct_completions: 20, failed: 0, judgments: 60, distinct_judgments: 60, runs: 1});
    // Spool databases of the killed runs were cleaned up.
    expect(readdirSync(out()).filter((f) => f.startsWith(".spool-"))).toEqual([]);
    expect(cacheHealth(cache())).toMatchObject({corrupt: 0, entries: UNIQUE_CALLS});
    expect(existsSync(join(out(), "scores.parquet"))).toBe(true);
  });
});
