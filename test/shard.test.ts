/**
 * Shards (data-loaders/runner/shard.ts): reading `--shard` (by hand and from a batch scheduler's
 * environment), and the partition's properties: every unit in exactly one shard, balanced per
 * benchmark, independent of the input's order and of the models, and the shards of a limited run
 * together equal its unsharded sample.
 */
import {describe, expect, it} from "vitest";
import {baselineModel} from "../data-loaders/models/baseline.ts";
import {loadRegistry, selectBenchmarks} from "../data-loaders/benchmark/registry.ts";
import {evaluatedInstances, runSuite, type RunPlan} from "../data-loaders/runner/run.ts";
import {dealShards, instancesOfShard, parseShard, readShardLabel, shardLabel, type Shard} from "../data-loaders/runner/shard.ts";
import {identityDifferences, missingShardWarnings, runIdentity, shardGroups, type FolderRun} from "../data-loaders/runner/shard-folders.ts";
import {memorySink} from "./memory-sink.ts";

const ids = (n: number, prefix = "q") => Array.from({length: n}, (_, i) => `${prefix}${i}`);

describe("--shard", () => {
  it("reads i/n counting from 1", () => {
    expect(parseShard("1/4", {})).toEqual({shard: {index: 1, count: 4}, from: null});
    expect(parseShard("4/4", {})).toEqual({shard: {index: 4, count: 4}, from: null});
    expect(parseShard(" 1/1 ", {})).toEqual({shard: {index: 1, count: 1}, from: null});
    expect(shardLabel({index: 3, count: 8})).toBe("3/8");
    expect(readShardLabel("3/8")).toEqual({index: 3, count: 8});
    expect(readShardLabel("9/8")).toBeNull();
  });

  it("refuses 0/4, 5/4, a/b, 1/0 and other shapes, naming the flag", () => {
    expect(() => parseShard("0/4", {})).toThrow("--shard 0/4: the shard index counts from 1, so it must be from 1 to 4, got 0");
    expect(() => parseShard("5/4", {})).toThrow("--shard 5/4: the shard index counts from 1, so it must be from 1 to 4, got 5");
    expect(() => parseShard("a/b", {})).toThrow('--shard a/b: expected i/n (shard i of n, counting from 1, e.g. 2/4) or env/n, got "a/b"');
    expect(() => parseShard("1/0", {})).toThrow("--shard 1/0: the number of shards n must be at least 1, got 0");
    expect(() => parseShard("2", {})).toThrow(/^--shard 2: expected i\/n/);
    expect(() => parseShard("1/2/3", {})).toThrow(/^--shard 1\/2\/3: expected i\/n/);
    expect(() => parseShard("-1/4", {})).toThrow(/^--shard -1\/4: expected i\/n/);
  });

  it("takes env/n from a Kubernetes Indexed Job's JOB_COMPLETION_INDEX, which counts from 0", () => {
    expect(parseShard("env/4", {JOB_COMPLETION_INDEX: "0"})).toEqual({shard: {index: 1, count: 4}, from: "JOB_COMPLETION_INDEX=0 (Kubernetes Indexed Job, counts from 0)"});
    expect(parseShard("env/4", {JOB_COMPLETION_INDEX: "3"}).shard).toEqual({index: 4, count: 4});
    expect(() => parseShard("env/4", {JOB_COMPLETION_INDEX: "4"})).toThrow("--shard env/4: JOB_COMPLETION_INDEX=4 (Kubernetes Indexed Job, counts from 0) is shard 5, beyond the 4 shards asked for");
    expect(() => parseShard("env/4", {JOB_COMPLETION_INDEX: "x"})).toThrow('--shard env/4: JOB_COMPLETION_INDEX must be a non-negative integer, got "x"');
    // Kubernetes wins when both are set (a Slurm-launched pod is not a thing; the reverse is a leftover variable).
    expect(parseShard("env/4", {JOB_COMPLETION_INDEX: "1", SLURM_ARRAY_TASK_ID: "3", SLURM_ARRAY_TASK_MIN: "0"}).shard.index).toBe(2);
  });

  it("takes env/n from a Slurm array task's position, whatever id the array starts at and steps by", () => {
    expect(parseShard("env/4", {SLURM_ARRAY_TASK_ID: "0", SLURM_ARRAY_TASK_MIN: "0", SLURM_ARRAY_TASK_COUNT: "4"})).toEqual({
      shard: {index: 1, count: 4}, from: "SLURM_ARRAY_TASK_ID=0 - SLURM_ARRAY_TASK_MIN=0 (Slurm job array, counts from 0)"
    });
    expect(parseShard("env/4", {SLURM_ARRAY_TASK_ID: "1", SLURM_ARRAY_TASK_MIN: "1"}).shard.index).toBe(1);
    expect(parseShard("env/4", {SLURM_ARRAY_TASK_ID: "4", SLURM_ARRAY_TASK_MIN: "1"}).shard.index).toBe(4);
    expect(parseShard("env/4", {SLURM_ARRAY_TASK_ID: "30", SLURM_ARRAY_TASK_MIN: "0", SLURM_ARRAY_TASK_STEP: "10"}).shard.index).toBe(4);
    expect(() => parseShard("env/4", {SLURM_ARRAY_TASK_ID: "5", SLURM_ARRAY_TASK_MIN: "1"})).toThrow(/is shard 5, beyond the 4 shards asked for/);
    expect(() => parseShard("env/4", {SLURM_ARRAY_TASK_ID: "2", SLURM_ARRAY_TASK_MIN: "0", SLURM_ARRAY_TASK_COUNT: "8"})).toThrow(
      "--shard env/4: the Slurm array has 8 tasks (SLURM_ARRAY_TASK_COUNT), not 4; use --shard env/8 or an array of 4 tasks"
    );
    expect(() => parseShard("env/4", {SLURM_ARRAY_TASK_ID: "2"})).toThrow(/SLURM_ARRAY_TASK_MIN is not/);
    expect(() => parseShard("env/4", {SLURM_ARRAY_TASK_ID: "15", SLURM_ARRAY_TASK_MIN: "0", SLURM_ARRAY_TASK_STEP: "10"})).toThrow(/not a task of an array starting at 0 in steps of 10/);
  });

  it("refuses env/n with no index in the environment", () => {
    expect(() => parseShard("env/4", {})).toThrow(
      "--shard env/4: neither JOB_COMPLETION_INDEX (Kubernetes Indexed Job) nor SLURM_ARRAY_TASK_ID (Slurm job array) is set, so there is no shard index to read; give it as i/4"
    );
    expect(() => parseShard("env/4", {JOB_COMPLETION_INDEX: "", SLURM_ARRAY_TASK_ID: " "})).toThrow(/neither JOB_COMPLETION_INDEX/);
  });
});

describe("the partition of a benchmark's instances", () => {
  it("puts every instance in exactly one shard, keeping the sample's order", () => {
    for (const n of [0, 1, 2, 5, 37, 1000]) {
      const instances = ids(n).map((id) => ({id}));
      for (const count of [1, 2, 3, 4, 7, 16]) {
        const parts = Array.from({length: count}, (_, i) => instancesOfShard("pubmed_qa", instances, {index: i + 1, count}));
        const all = parts.flat().map((x) => x.id);
        expect(new Set(all).size).toBe(n);
        expect(all.length).toBe(n);
        for (const part of parts) expect(part.map((x) => x.id)).toEqual(instances.filter((x) => part.includes(x)).map((x) => x.id));
      }
    }
  });

  it("gives each shard floor(N/n) or ceil(N/n) of every benchmark, and spreads the remainders", () => {
    const count = 4;
    const totals = new Array(count).fill(0);
    for (let b = 0; b < 30; b++) {
      const n = 10 + 7 * b;
      const shards = dealShards(`bench_${b}`, ids(n), count);
      const sizes = Array.from({length: count}, (_, i) => shards.filter((s) => s === i).length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      sizes.forEach((s, i) => (totals[i] += s));
    }
    const mean = totals.reduce((a, b) => a + b) / count;
    // 30 benchmarks, 3,345 instances: each shard within 1 % of a quarter.
    for (const t of totals) expect(Math.abs(t - mean) / mean).toBeLessThan(0.01);
  });

  it("depends on the units, not on the order they come in", () => {
    const forward = ids(200);
    const backward = [...forward].reverse();
    const a = dealShards("aci_bench", forward, 4);
    const b = dealShards("aci_bench", backward, 4);
    expect(forward.map((_, i) => a[i])).toEqual(forward.map((_, i) => b[forward.length - 1 - i]));
    // A known answer pins the hash and the deal across versions (a change would move every run's units).
    expect(dealShards("pubmed_qa", ["18096128", "25429730", "21645374", "16418930"], 2)).toEqual([0, 0, 1, 1]);
  });
});

describe("shards of a run", () => {
  const plan = (benchmarks: RunPlan["benchmarks"], models: RunPlan["models"], shard: Shard | null): RunPlan => ({
    runId: "r", benchmarks, models, judges: [], seed: 3, limit: 25, maxEvalInstances: 1000, concurrency: 4, scoring: {helmCompat: false, resources: {}},
    dataDir: "data", excludeSelfJudging: false, excludeSameVendorJudging: false, manifest: {}, toolVersion: "test", shard
  });

  it("together evaluate exactly the unsharded sample, taken after the seeded sample and the limit", async () => {
    const benchmarks = selectBenchmarks(await loadRegistry(), ["pubmed_qa", "medcalc_bench"]);
    for (const benchmark of benchmarks) {
      const whole = (await evaluatedInstances(benchmark, plan(benchmarks, [], null)))!.map((i) => i.id);
      expect(whole.length).toBe(25);
      const parts = [];
      for (let index = 1; index <= 4; index++) parts.push((await evaluatedInstances(benchmark, plan(benchmarks, [], {index, count: 4})))!.map((i) => i.id));
      expect(parts.map((p) => p.length).sort()).toEqual([6, 6, 6, 7]);
      expect(parts.flat().sort()).toEqual([...whole].sort());
    }
  });

  it("keep every instance in its shard when a model is added, and record the shard in the runs table", async () => {
    const benchmarks = selectBenchmarks(await loadRegistry(), ["pubmed_qa", "medcalc_bench"]);
    const cache = {get: () => undefined, has: () => false, put: () => {}, close: () => {}, dir: ""};
    const rows = async (models: string[]) => {
      const sink = memorySink();
      await runSuite(plan(benchmarks, models.map(baselineModel), {index: 2, count: 3}), {cache, sink, log: () => {}});
      return sink.rows;
    };
    const one = await rows(["random-choice"]);
    const two = await rows(["random-choice", "first-choice"]);
    const units = (r: typeof one) => r.instances.map((x) => `${x.benchmark}/${x.instance_id}`).sort();
    expect(units(one).length).toBe(16);
    expect(units(two)).toEqual(units(one));
    // The baselines answer multiple choice only, so they have answers on PubMedQA, not on MedCalc-Bench.
    const answered = (r: typeof one, model: string) => r.completions.filter((c) => c.model === model).map((c) => `${c.benchmark}/${c.instance_id}`).sort();
    expect(answered(two, "baseline/random-choice")).toEqual(answered(one, "baseline/random-choice"));
    expect(answered(two, "baseline/first-choice")).toEqual(units(one).filter((u) => u.startsWith("pubmed_qa/")));
    expect(one.runs[0].shard).toBe("2/3");
  });
});

describe("folders of a sharded run", () => {
  const run = (dir: string, shard: Shard | null, overrides: Record<string, unknown> = {}, config: Record<string, unknown> = {}): FolderRun => ({
    dir, runId: `run-${dir}`, shard,
    identity: runIdentity({source: "native", models: "openai/a,baseline/random-choice", judges: "openai/j", seed: 0, ...overrides,
      config_json: JSON.stringify({limit: 10, maxEvalInstances: 1000, benchmarks: [{id: "pubmed_qa", version: 1}], models: [{id: "openai/a", endpoint: "http://replica-1"}], helmCompat: false, ...config})})
  });

  it("name each difference of configuration with both folders, ignoring endpoints", () => {
    expect(identityDifferences(run("s1", {index: 1, count: 2}), run("s2", {index: 2, count: 2}, {}, {models: [{id: "openai/a", endpoint: "http://replica-2"}]}))).toEqual([]);
    expect(identityDifferences(run("s1", {index: 1, count: 2}), run("s2", {index: 2, count: 2}, {models: "openai/a"}))).toEqual([
      'models: "openai/a,baseline/random-choice" in s1, "openai/a" in s2'
    ]);
    expect(identityDifferences(run("s1", {index: 1, count: 2}), run("s2", {index: 2, count: 3}, {seed: 1}, {limit: 20}))).toEqual([
      "seed: 0 in s1, 1 in s2", "limit: 10 in s1, 20 in s2", "sharding: shard 1/2 in s1, shard 2/3 in s2"
    ]);
    expect(identityDifferences(run("s1", null), run("s2", {index: 2, count: 2}, {judges: ""}))).toEqual([
      'judges: "openai/j" in s1, none in s2', "sharding: a whole run (no --shard) in s1, shard 2/2 in s2"
    ]);
  });

  it("group shards by configuration and number of shards, and say which are missing", () => {
    const groups = shardGroups([run("a", {index: 1, count: 3}), run("b", {index: 3, count: 3}), run("c", {index: 1, count: 3}, {seed: 7}), run("w", null)]);
    expect(groups.map((g) => [g.runs.map((r) => r.dir), g.missing])).toEqual([[["a", "b"], [2]], [["c"], [2, 3]]]);
    expect(missingShardWarnings(groups)).toEqual([
      "shard 2/3 of the run in a (1/3), b (3/3) is missing: its results cover only the shards given",
      "shards 2/3, 3/3 of the run in c (1/3) are missing: its results cover only the shards given"
    ]);
  });
});
