/**
 * Sharded runs end to end: four real `medhelm run --shard i/4` processes started at once against
 * the loopback OpenAI-compatible server, sharing one cache folder, make exactly one call per
 * (instance, model) and per (answer, judge) between them; their four folders, read together or
 * merged, give the leaderboard of one unsharded run of the same command. A shard killed with
 * SIGKILL and run again repeats only the calls that were in flight. The dry run of a shard
 * estimates that shard, and the shards' estimates add up to the whole.
 */
import {spawn} from "node:child_process";
import {mkdtempSync, readdirSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {tableFromIPC} from "apache-arrow";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {cacheHealth} from "../data-loaders/cache/cache.ts";
import type {CommandIO} from "../data-loaders/cli/command.ts";
import leaderboard from "../data-loaders/cli/commands/leaderboard.ts";
import merge from "../data-loaders/cli/commands/merge.ts";
import run from "../data-loaders/cli/commands/run.ts";
import {siteFiles} from "../data-loaders/site/archive.ts";
import {medhelm} from "./cli.ts";
import {query} from "./parquet-read.ts";
import {startFakeOpenAI, type FakeServer} from "./server.ts";

let dir: string;
beforeAll(() => void (dir = mkdtempSync(join(tmpdir(), "medhelm-shard-"))));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

/** Runs a command in-process, capturing its output. */
async function inProcess(command: typeof run, args: string[], env: Record<string, string> = {}) {
  let stdout = "";
  let stderr = "";
  const io: CommandIO = {stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: process.cwd(), env, isTTY: false};
  const code = await command.run(args, io);
  return {code, stdout, stderr};
}

const leaderboardOf = async (dirs: string[]) =>
  JSON.parse((await inProcess(leaderboard, ["--results", dirs.join(","), "--published", "none", "--format", "json", "--resamples", "200", "--seed", "5"])).stdout).entries;

/** The site's per-benchmark leaderboard table (means, intervals, costs) for result folders. */
async function siteLeaderboard(dirs: string[]) {
  const files = await siteFiles({dirs, registry: [], dataDir: "data", publishRestrictedText: false, seed: 5, resamples: 200, log: () => {}});
  return tableFromIPC(files["leaderboard.arrow"]).toArray().map((r) => r.toJSON());
}

// PubMedQA: 12 answers by test-model (the baseline makes no call); ACI-Bench: 12 answers and
// 2 judges x 12 verdicts.
const LIMIT = 12;
// These tests start real processes; on a loaded machine a process takes many seconds to start, so
// the limit is generous (nothing here measures speed).
const SLOW = 600_000;
const UNIQUE_CALLS = 4 * LIMIT;

describe("four shard processes started at once on one shared cache", () => {
  let server: FakeServer;
  beforeAll(async () => void (server = await startFakeOpenAI({FAKE_LATENCY_MS: "5"})));
  afterAll(async () => server?.stop());

  const args = (out: string, shard: string | null) => [
    "run", "--benchmarks", "pubmed_qa,aci_bench", "--models", "openai/test-model,baseline/random-choice", "--judges", "openai/judge-a,openai/judge-b",
    "--limit", String(LIMIT), "--concurrency", "4", "--cache", join(dir, "cache"), "--out", join(dir, out), "--format", "json", ...(shard ? ["--shard", shard] : [])
  ];
  const env = () => ({OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: "sk-test-not-a-secret"});
  const shardDirs = () => [1, 2, 3, 4].map((i) => join(dir, `shard-${i}`));

  it("make exactly one call per (instance, model) and per verdict between them", async () => {
    const outputs = await Promise.all([1, 2, 3, 4].map((i) => medhelm(args(`shard-${i}`, `${i}/4`), {env: env()})));
    const summaries = outputs.map((o) => JSON.parse(o.stdout));
    expect(summaries.map((s) => s.shard)).toEqual(["1/4", "2/4", "3/4", "4/4"]);
    expect(outputs[2].stderr).toContain("shard 3/4");
    // Each shard holds a quarter of each benchmark's 12 instances.
    for (const s of summaries) expect(s.benchmarks.map((b: {instances: number}) => b.instances)).toEqual([3, 3]);
    expect(summaries.reduce((sum, s) => sum + s.calls, 0)).toBe(UNIQUE_CALLS);
    expect(summaries.every((s) => s.errors === 0 && s.cached === 0)).toBe(true);
    const stats = await server.stats();
    expect(stats.total).toBe(UNIQUE_CALLS);
    expect(stats.repeats).toBe(0);
    expect(stats.byModel).toEqual({"test-model": 2 * LIMIT, "judge-a": LIMIT, "judge-b": LIMIT});
    // One cache, one segment per process, every answer and verdict once.
    const health = cacheHealth(join(dir, "cache"));
    expect(health).toMatchObject({entries: UNIQUE_CALLS, records: UNIQUE_CALLS, corrupt: 0, torn: 0});
    expect(health.segments).toBe(4);

    const [runs] = await query(`SELECT shard, n_calls FROM read_parquet([${shardDirs().map((d) => `'${join(d, "runs.parquet")}'`).join(", ")}]) ORDER BY shard`);
    expect(runs.map((r) => r.shard)).toEqual(["1/4", "2/4", "3/4", "4/4"]);
  }, SLOW);

  it("read together, give the leaderboard of one unsharded run of the same command", async () => {
    const whole = JSON.parse((await medhelm(args("whole", null), {env: env()})).stdout);
    // The unsharded run's sample is the union of the shards': everything replays from the cache.
    expect(whole).toMatchObject({calls: 0, cached: UNIQUE_CALLS, errors: 0, shard: null});
    expect((await server.stats()).total).toBe(UNIQUE_CALLS);
    const [[wholeRun]] = await query(`SELECT shard FROM '${join(dir, "whole", "runs.parquet")}'`);
    expect(wholeRun.shard).toBeNull();

    const sharded = await leaderboardOf(shardDirs());
    expect(sharded.map((e: {label: string}) => e.label)).toEqual(["openai/test-model", "baseline/random-choice (baseline)"]);
    expect(sharded[0].win_rate).toBe(1);
    expect(sharded).toEqual(await leaderboardOf([join(dir, "whole")]));
    // The site's per-benchmark table (means, bootstrap intervals, MDE, costs) agrees too.
    expect(await siteLeaderboard(shardDirs())).toEqual(await siteLeaderboard([join(dir, "whole")]));
  }, SLOW);

  it("merge into one folder that reads as the shards do, and are refused with a folder that repeats a shard", async () => {
    const merged = join(dir, "merged");
    const {code, stdout} = await inProcess(merge, [...shardDirs(), "--out", merged, "--format", "json"]);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.runs.map((r: {shard: string}) => r.shard)).toEqual(["1/4", "2/4", "3/4", "4/4"]);
    // 24 instances; answers: 24 by test-model and 12 PubMedQA answers by the baseline; 2 judges x 3 criteria x 12.
    expect(result.rows).toMatchObject({runs: 4, instances: 2 * LIMIT, completions: 3 * LIMIT, judgments: 2 * 3 * LIMIT});
    expect(await leaderboardOf([merged])).toEqual(await leaderboardOf([join(dir, "whole")]));

    await expect(leaderboardOf([shardDirs()[0], merged])).rejects.toThrow(
      new RegExp(`${shardDirs()[0]} \\(shard 1/4 run-\\S+-shard-1-of-4\\) and ${merged} \\(shard 1/4 run-\\S+-shard-1-of-4\\) hold the same shard run`)
    );
  }, SLOW);

  it("warn when a shard is missing", async () => {
    const {stderr} = await inProcess(leaderboard, ["--results", shardDirs().slice(0, 3).join(","), "--format", "json", "--resamples", "20"]);
    expect(stderr).toMatch(/warning: shard 4\/4 of the run in .*shard-1 \(1\/4\), .*shard-2 \(2\/4\), .*shard-3 \(3\/4\) is missing/);
  }, SLOW);

  it("refuse the same unit in two shard runs of one configuration, naming both folders", async () => {
    // A second run of shard 2/4 into another folder: the same units, another run.
    await medhelm(args("shard-2-again", "2/4"), {env: env()});
    const again = join(dir, "shard-2-again");
    await expect(leaderboardOf([...shardDirs(), again])).rejects.toThrow(
      new RegExp(`${shardDirs()[1]} \\(shard 2/4 \\S+\\) and ${again} \\(shard 2/4 \\S+\\) both hold (pubmed_qa|aci_bench) instance \\S+ and 5 more units; each unit of a sharded run must be in exactly one shard folder`)
    );
  }, SLOW);
});

describe("the dry run of a shard", () => {
  it("estimates that shard, and the shards' estimates add up to the whole run's", async () => {
    const args = (shard: string | null) => [
      "--dry-run", "--benchmarks", "pubmed_qa,aci_bench", "--models", "openai/gpt-4o-2024-05-13", "--judges", "openai/gpt-4o-2024-05-13,openai/gpt-4o-mini-2024-07-18",
      "--limit", "20", "--cache", join(dir, "no-cache"), "--format", "json", ...(shard ? ["--shard", shard] : [])
    ];
    const estimate = async (shard: string | null) => JSON.parse((await inProcess(run, ["run", ...args(shard)].slice(1))).stdout);
    const whole = await estimate(null);
    const shards = [];
    for (let i = 1; i <= 4; i++) shards.push(await estimate(`${i}/4`));
    expect(shards.map((s) => s.shard)).toEqual(["1/4", "2/4", "3/4", "4/4"]);
    expect(shards.map((s) => s.total.instances)).toEqual([10, 10, 10, 10]);
    for (const field of ["instances", "calls", "input_tokens", "output_tokens", "judge_calls", "judge_input_tokens", "judge_output_tokens"]) {
      expect(shards.reduce((sum, s) => sum + s.total[field], 0), field).toBe(whole.total[field]);
    }
    expect(whole.total.total_usd).toBeGreaterThan(0);
    expect(shards.reduce((sum, s) => sum + s.total.total_usd, 0)).toBeCloseTo(whole.total.total_usd, 9);
    // env/4 names the variable it used.
    const fromEnv = await inProcess(run, args("env/4"), {SLURM_ARRAY_TASK_ID: "2", SLURM_ARRAY_TASK_MIN: "1", SLURM_ARRAY_TASK_COUNT: "4"});
    expect(fromEnv.stderr).toContain("shard 2/4, from SLURM_ARRAY_TASK_ID=2 - SLURM_ARRAY_TASK_MIN=1 (Slurm job array, counts from 0)");
    expect(JSON.parse(fromEnv.stdout).total).toEqual(shards[1].total);
  }, SLOW);

  it("names the flag on bad input", async () => {
    for (const [value, message] of [["0/4", "counts from 1"], ["5/4", "counts from 1"], ["a/b", "expected i/n"], ["env/4", "neither JOB_COMPLETION_INDEX"]]) {
      await expect(inProcess(run, ["--dry-run", "--shard", value])).rejects.toThrow(`--shard ${value}: `);
      await expect(inProcess(run, ["--dry-run", "--shard", value])).rejects.toThrow(message);
    }
  }, SLOW);
});

describe("a shard killed with SIGKILL and run again", () => {
  let server: FakeServer;
  beforeAll(async () => void (server = await startFakeOpenAI({FAKE_LATENCY_MS: "25"})));
  afterAll(async () => server?.stop());

  const CONCURRENCY = 4;
  const out = () => join(dir, "killed");
  const cache = () => join(dir, "killed-cache");
  const start = () => {
    const child = spawn(process.execPath, [
      "bin/medhelm.mjs", "run", "--benchmarks", "pubmed_qa,aci_bench", "--models", "openai/test-model", "--judges", "openai/judge-a,openai/judge-b",
      "--limit", "24", "--shard", "env/4", "--concurrency", String(CONCURRENCY), "--out", out(), "--cache", cache(), "--format", "json"
    ], {
      env: {PATH: process.env.PATH!, HOME: process.env.HOME ?? "", OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: "sk-test-not-a-secret", JOB_COMPLETION_INDEX: "2"},
      stdio: ["ignore", "pipe", "pipe"]
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_, signal) => resolve(signal)));
    return {child, exited, output: () => ({stdout, stderr})};
  };

  it("repeats only the calls that were in flight and finishes the shard", async () => {
    // Shard 3/4 of 24 + 24 instances: 6 PubMedQA answers, 6 ACI-Bench answers, 2 x 6 verdicts.
    const unique = 24;
    const first = start();
    let exited = false;
    void first.exited.then(() => (exited = true));
    while (!exited && (await server.stats()).total < 10) await new Promise((r) => setTimeout(r, 3));
    first.child.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");
    const before = await server.stats();
    expect(before.total).toBeLessThan(unique);

    const second = start();
    expect(await second.exited, second.output().stderr).toBeNull();
    const summary = JSON.parse(second.output().stdout);
    expect(summary).toMatchObject({shard: "3/4", errors: 0});
    expect(summary.calls + summary.cached).toBe(unique);
    const stats = await server.stats();
    expect(stats.repeats).toBeLessThanOrEqual(CONCURRENCY);
    expect(stats.total).toBeLessThanOrEqual(unique + CONCURRENCY);
    expect(cacheHealth(cache())).toMatchObject({corrupt: 0, entries: unique});
    const t = (name: string) => `'${join(out(), `${name}.parquet`)}'`;
    const [[counts]] = await query(`SELECT
      (SELECT count(*) FROM ${t("completions")} WHERE error IS NULL)::INT AS answers,
      (SELECT count(DISTINCT (benchmark, instance_id)) FROM ${t("instances")})::INT AS units,
      (SELECT string_agg(shard, ',') FROM ${t("runs")}) AS shards`);
    expect(counts).toEqual({answers: 12, units: 12, shards: "3/4"});
    expect(readdirSync(out()).filter((f) => f.startsWith(".spool-"))).toEqual([]);
  }, SLOW);
});
