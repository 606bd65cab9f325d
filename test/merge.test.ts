/**
 * `medhelm merge`: the shard folders of one run become one folder; folders from different
 * configurations (models, judges, seed, limit, number of shards), a shard given twice and
 * overlapping units are refused with a message naming the folders and the difference, and
 * nothing is written then. The folders are made by real runs of the offline baselines (no
 * endpoint is called: the judges are named but PubMedQA has no rubric).
 */
import {existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import type {CommandIO} from "../data-loaders/cli/command.ts";
import merge from "../data-loaders/cli/commands/merge.ts";
import {mergeFolders} from "../data-loaders/runner/merge.ts";
import {runConfigured, type RunFlags} from "../data-loaders/runner/suite.ts";
import {query} from "./parquet-read.ts";

let dir: string;
const at = (name: string) => join(dir, name);

/** A baseline run of PubMedQA into `name` (the judge endpoint is never reached). */
async function runInto(name: string, flags: Partial<RunFlags>) {
  await runConfigured({
    cwd: process.cwd(), env: {OPENAI_BASE_URL: "http://127.0.0.1:9/v1"}, log: () => {},
    flags: {benchmarks: ["pubmed_qa"], models: ["baseline/random-choice"], judges: ["openai/judge-a"], limit: 6, seed: 0, cacheDir: at("cache"), outDir: at(name), ...flags}
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "medhelm-merge-"));
  const half = (index: number) => ({index, count: 2});
  await runInto("a1", {shard: half(1)});
  await runInto("a2", {shard: half(2)});
  await runInto("a1-again", {shard: half(1)});
  await runInto("models", {shard: half(2), models: ["baseline/random-choice", "baseline/first-choice"]});
  await runInto("judges", {shard: half(2), judges: ["openai/judge-b"]});
  await runInto("seed", {shard: half(2), seed: 1});
  await runInto("limit", {shard: half(2), limit: 8});
  await runInto("thirds-1", {shard: {index: 1, count: 3}});
  await runInto("thirds", {shard: {index: 2, count: 3}});
  await runInto("whole", {});
  await runInto("whole-again", {});
  mkdirSync(at("notes"));
  // Twelve real runs: generous on a loaded machine (nothing here measures speed).
}, 600_000);
afterAll(() => rmSync(dir, {recursive: true, force: true}));

async function mergeCli(args: string[]) {
  let stdout = "";
  let stderr = "";
  const io: CommandIO = {stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: dir, env: {}, isTTY: false};
  const code = await merge.run(args, io);
  return {code, stdout, stderr};
}

describe("medhelm merge", () => {
  it("writes one folder holding every shard's rows, each shard's run row with its shard", async () => {
    const {code, stdout} = await mergeCli(["a1", "a2", "--out", "merged"]);
    expect(code).toBe(0);
    expect(stdout).toBe(`merged 2 run(s) (1/2, 2/2) into ${at("merged")}: 6 instances, 6 answers, 0 verdict rows\n`);
    const t = (folder: string, table: string) => `'${join(at(folder), `${table}.parquet`)}'`;
    const [[counts], runs, [same]] = await query(
      `SELECT (SELECT count(*) FROM ${t("merged", "instances")})::INT AS instances, (SELECT count(*) FROM ${t("merged", "scores")})::INT AS scores,
        (SELECT count(*) FROM ${t("a1", "scores")})::INT + (SELECT count(*) FROM ${t("a2", "scores")})::INT AS shard_scores`,
      `SELECT shard, n_calls FROM ${t("merged", "runs")} ORDER BY shard`,
      // The merged scores are exactly the unsharded run's, instance by instance.
      `SELECT count(*)::INT AS n FROM (SELECT benchmark, instance_id, model, metric, value FROM ${t("merged", "scores")}
        EXCEPT SELECT benchmark, instance_id, model, metric, value FROM ${t("whole", "scores")})`
    );
    expect(counts).toEqual({instances: 6, scores: 12, shard_scores: 12});
    expect(runs).toEqual([{shard: "1/2", n_calls: 0}, {shard: "2/2", n_calls: 0}]);
    expect(same.n).toBe(0);
    expect(readdirSync(at("merged")).sort()).toEqual(["benchmarks", "completions", "instances", "judgments", "runs", "scores"].map((n) => `${n}.parquet`));
  });

  it("warns, and still merges, when shards are missing", async () => {
    const {code, stderr} = await mergeCli(["thirds-1", "thirds", "--out", "partial"]);
    expect(code).toBe(0);
    expect(stderr).toBe(`warning: shard 3/3 of the run in ${at("thirds-1")} (1/3), ${at("thirds")} (2/3) is missing: its results cover only the shards given\n`);
    const result = await mergeFolders([at("a1"), at("a2")], at("complete"));
    expect(result.warnings).toEqual([]);
  });

  const refusals: [string, string[], RegExp][] = [
    ["different models", ["a1", "models"], /a1 and .*models come from different configurations and cannot be merged: models: "baseline\/random-choice" in .*a1, "baseline\/random-choice,baseline\/first-choice" in .*models$/],
    ["different judges", ["a1", "judges"], /judges: "openai\/judge-a" in .*a1, "openai\/judge-b" in .*judges$/],
    ["different seeds", ["a1", "seed"], /seed: 0 in .*a1, 1 in .*seed$/],
    ["different limits", ["a1", "limit"], /limit: 6 in .*a1, 8 in .*limit$/],
    ["different numbers of shards", ["a1", "thirds"], /sharding: shard 1\/2 in .*a1, shard 2\/3 in .*thirds$/],
    ["a shard and a whole run", ["whole", "a2"], /sharding: a whole run \(no --shard\) in .*whole, shard 2\/2 in .*a2$/],
    ["the same shard twice", ["a1", "a2", "a1-again"], /a1 \(shard 1\/2 run-\S+\) and .*a1-again \(shard 1\/2 run-\S+\) both hold shard 1\/2$/],
    ["overlapping units", ["whole", "whole-again"], /whole \(whole run run-\S+\) and .*whole-again \(whole run run-\S+\) both hold pubmed_qa instance \S+ and 5 more units; a merged folder must hold each unit once$/],
    ["a merged folder with one of its shards", ["merged", "a2"], /merged \(shard 2\/2 run-\S+\) and .*a2 \(shard 2\/2 run-\S+\) hold the same run/],
    ["a folder that is not a result folder", ["a1", "notes"], /notes is not a result folder \(no runs, benchmarks, instances, completions, scores, judgments\.parquet\)/],
    ["the output among the inputs", ["a1", "a2", "--out", "a2"], /--out .*a2 is one of the folders being merged/]
  ];
  for (const [what, folders, message] of refusals) {
    it(`refuses ${what}, naming the folders, and writes nothing`, async () => {
      const out = folders.includes("--out") ? [] : ["--out", "refused"];
      await expect(mergeCli([...folders, ...out])).rejects.toThrow(message);
      expect(existsSync(at("refused"))).toBe(false);
    });
  }

  it("leaves an existing output folder untouched when it refuses", async () => {
    mkdirSync(at("kept"));
    writeFileSync(at("kept/notes.txt"), "mine");
    await expect(mergeCli(["a1", "seed", "--out", "kept"])).rejects.toThrow(/seed: 0/);
    expect(readdirSync(at("kept"))).toEqual(["notes.txt"]);
  });

  it("names missing arguments", async () => {
    await expect(mergeCli(["a1", "a2"])).rejects.toThrow("--out DIR is required");
    await expect(mergeCli(["a1", "--out", "x"])).rejects.toThrow("name at least two result folders to merge, got 1");
  });
});
