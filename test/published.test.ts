/**
 * The published MedHELM results as a result source: alone they rank the nine paper models exactly
 * as the paper does (v1 and v2); beside a loopback run they rank the run's entries among them,
 * each run cell with the reasons it differs from the paper's setting.
 */
import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import type {CommandIO} from "../data-loaders/cli/command.ts";
import leaderboard, {type LeaderboardRow} from "../data-loaders/cli/commands/leaderboard.ts";
import {comparabilityReasons, isReasoningModel, type CellSetting, type RunSetting} from "../data-loaders/paper/comparability.ts";
import {paperInstanceCounts, parsePublished, publishedLabel} from "../data-loaders/paper/published.ts";
import {readPaperSources, reproducePaper} from "../data-loaders/paper/recomputed.ts";
import {siteSource} from "../data-loaders/site/archive.ts";
import {medhelm as runCli} from "./cli.ts";
import {startFakeOpenAI, type FakeServer} from "./server.ts";

let empty: string;
beforeAll(() => {
  empty = mkdtempSync(join(tmpdir(), "medhelm-published-"));
});
afterAll(() => rmSync(empty, {recursive: true, force: true}));

/** The leaderboard command in-process, in `cwd` (an empty folder: no config, no results). */
async function board(args: string[], cwd = empty): Promise<{results: string[]; published: string; entries: LeaderboardRow[]}> {
  let out = "";
  const io: CommandIO = {stdout: (t) => (out += t), stderr: () => {}, cwd, env: {}, isTTY: false};
  expect(await leaderboard.run([...args, "--format", "json"], io)).toBe(0);
  return JSON.parse(out);
}

describe("published results on their own", () => {
  for (const version of ["v1", "v2"] as const) {
    it(`rank the nine paper models with the paper's ${version} win rates, exactly`, async () => {
      const printed = await board(["--published", version, "--resamples", "20"]);
      const paper = reproducePaper()[version];
      expect(printed.results).toEqual([]);
      expect(printed.entries).toHaveLength(9);
      const name = (model: string) => paper.models.find((m) => m.model === model)!.name;
      // Tied models (v1: the two Claude Sonnets) share a rank and are listed by label.
      const byRate = (a: (string | number | null)[], b: (string | number | null)[]) => (b[3] as number) - (a[3] as number) || (a[0]! < b[0]! ? -1 : 1);
      expect(printed.entries.map((e) => [e.label, e.model, e.source, e.win_rate, e.n_benchmarks])).toEqual(
        paper.table1.map((r) => [publishedLabel(name(r.model), version), r.model, "medhelm-paper", r.win_rate, version === "v1" ? 35 : 37]).sort(byRate)
      );
      // Point values: no interval, no rank range, nothing to compare.
      for (const e of printed.entries) expect(e).toMatchObject({point_value: true, win_rate_low: null, rank_low: null, comparability: []});
      expect(printed.entries.map((e) => e.rank)).toEqual(version === "v1" ? [1, 2, 3, 3, 5, 6, 7, 8, 9] : [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    });
  }

  it("label the paper's GPT-4o as the issue names it and take the macro-average from the paper's Table 1", async () => {
    const printed = await board(["--published", "v2", "--resamples", "20"]);
    const gpt = printed.entries.find((e) => e.model === "openai/gpt-4o-2024-05-13")!;
    expect(gpt.label).toBe("GPT-4o (2024-05-13) [MedHELM paper v2]");
    expect(gpt.macro_avg).toBeCloseTo(reproducePaper().v2.table1.find((r) => r.model === gpt.model)!.macro_avg!, 12);
  });

  it("are refused with the list of versions for --published v3 and site.published \"x\"", async () => {
    await expect(board(["--published", "v3"])).rejects.toThrow(/--published must be "v1", "v2" or none, got "v3"/);
    expect(() => siteSource({site: {published: "x"}}, empty, "medhelm.config.json")).toThrow(
      /medhelm.config.json: site.published must be "v1", "v2" or false \(no published results\), got "x"/
    );
    expect(parsePublished(undefined, "x")).toBe("v2");
    expect(parsePublished(false, "x")).toBe(false);
    expect(parsePublished("none", "x")).toBe(false);
  });

  it("know the paper's instance count of each benchmark (most models' count)", () => {
    const counts = paperInstanceCounts(readPaperSources().v2);
    expect(counts.get("race_based_med")).toBe(167);
    expect(counts.get("aci_bench")).toBe(120);
    expect(counts.get("mtsamples_replicate")).toBe(78);
    expect(counts.size).toBe(37);
  });
});

/** A run's settings as the manifest records them, MedHELM's defaults unless overridden. */
const runSetting = (over: Partial<RunSetting> = {}): RunSetting => ({
  limit: null, seed: 0, maxEvalInstances: 1000, helmCompat: true, benchmarkMaxTokens: 1, modelMaxTokens: null, excludedSelfJudging: false, ...over
});
const medhelmJury = ["openai/gpt-4o-2024-05-13", "meta/llama-3.3-70b-instruct", "anthropic/claude-3-7-sonnet-20250219"];
const cell = (over: Partial<CellSetting> = {}): CellSetting => ({
  label: "openai/test-model", benchmark: "pubmed_qa", model: "openai/test-model", model_kind: "llm", open_ended: false,
  n_instances: 1000, judges: [], self_judging: false, runs: [runSetting()], ...over
});
const paper = (instances: number | null, published = true) => ({version: "v2", published, instances});

describe("comparability reasons", () => {
  it("are none for a full run in the paper's setting", () => {
    expect(comparabilityReasons(cell(), paper(1000))).toEqual([]);
    expect(comparabilityReasons(cell({benchmark: "aci_bench", open_ended: true, n_instances: 120, judges: medhelmJury, runs: [runSetting({benchmarkMaxTokens: 768})]}), paper(120))).toEqual([]);
  });

  it("name a --limit subset and another seed", () => {
    expect(comparabilityReasons(cell({n_instances: 40, runs: [runSetting({limit: 40})]}), paper(1000))).toEqual([
      {kind: "instances", reason: "subset: 40 of the paper's 1000 instances (--limit 40)"}
    ]);
    expect(comparabilityReasons(cell({runs: [runSetting({seed: 7})]}), paper(1000))).toEqual([
      {kind: "sample", reason: "different sample: seed 7 draws other instances than seed 0"}
    ]);
  });

  it("name a data version that differs from the paper's (RaceBias 175 items vs 167)", () => {
    expect(comparabilityReasons(cell({benchmark: "race_based_med", n_instances: 175}), paper(167))).toEqual([
      {kind: "data", reason: "data version: 175 instances here vs the paper's 167"}
    ]);
  });

  it("name a jury other than MedHELM's three judges, and self-judging in it", () => {
    const reasons = comparabilityReasons(cell({benchmark: "aci_bench", open_ended: true, n_instances: 120, judges: ["openai/judge-a", "openai/test-model"], self_judging: true, runs: [runSetting({benchmarkMaxTokens: 768})]}), paper(120));
    expect(reasons).toEqual([{
      kind: "jury",
      reason: "jury: openai/judge-a, openai/test-model, not MedHELM's GPT-4o (2024-05-13), Llama 3.3 70B Instruct, Claude 3.7 Sonnet; the model judges its own answers"
    }]);
    const excluded = comparabilityReasons(cell({benchmark: "aci_bench", open_ended: true, n_instances: 120, judges: medhelmJury, runs: [runSetting({benchmarkMaxTokens: 768, excludedSelfJudging: true})]}), paper(120));
    expect(excluded).toEqual([{kind: "jury", reason: "jury: self- or same-vendor verdicts excluded (the paper kept them)"}]);
  });

  it("name helmCompat off only where it changes the metric", () => {
    const off = runSetting({helmCompat: false});
    expect(comparabilityReasons(cell({runs: [off]}), paper(1000))).toEqual([]);
    expect(comparabilityReasons(cell({benchmark: "medcalc_bench", runs: [off]}), paper(1000))[0]).toEqual({
      kind: "scoring", reason: "scoring: helmCompat off, MedCalc's lab and dosage rows are scored on their answers, where HELM scores them 0"
    });
    expect(comparabilityReasons(cell({benchmark: "medec", runs: [off]}), paper(1000))[0].kind).toBe("scoring");
    expect(comparabilityReasons(cell({benchmark: "mimiciv_billing_code", runs: [off]}), paper(1000))[0].kind).toBe("scoring");
    const jury = comparabilityReasons(cell({benchmark: "aci_bench", open_ended: true, n_instances: 120, judges: medhelmJury, runs: [runSetting({helmCompat: false, benchmarkMaxTokens: 768})]}), paper(120));
    expect(jury).toEqual([{kind: "scoring", reason: "scoring: helmCompat off, jury scores are averaged unrounded, where HELM truncates each judge's score to an integer"}]);
  });

  it("name a reasoning model's budget that is not MedHELM's 4000 tokens, and any changed max_tokens", () => {
    const reasoner = {label: "openai/o3-mini", model: "openai/o3-mini"};
    expect(comparabilityReasons(cell({...reasoner}), paper(1000))).toEqual([
      {kind: "budget", reason: "output budget: max_tokens 1 vs the paper's 4000 (MedHELM gives reasoning models 4000)"}
    ]);
    expect(comparabilityReasons(cell({...reasoner, runs: [runSetting({modelMaxTokens: 4000})]}), paper(1000))).toEqual([]);
    expect(comparabilityReasons(cell({runs: [runSetting({modelMaxTokens: 256})]}), paper(1000))).toEqual([
      {kind: "budget", reason: "output budget: max_tokens 256 vs the paper's 1"}
    ]);
    expect(isReasoningModel("deepseek-ai/deepseek-r1")).toBe(true);
    expect(isReasoningModel("openai/gpt-4o-2024-05-13")).toBe(false);
  });

  it("say a team's own benchmark has no published result", () => {
    expect(comparabilityReasons(cell({benchmark: "team_triage"}), paper(null, false))).toEqual([
      {kind: "published", reason: "no published result: the MedHELM paper (v2) has no team_triage"}
    ]);
  });
});

describe("a loopback run among the published results", () => {
  let server: FakeServer;
  let dir: string;
  const medhelm = (args: string[], cwd: string) => runCli(args, {cwd, env: {OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: "sk-test-not-a-secret"}});

  beforeAll(async () => {
    server = await startFakeOpenAI({FAKE_MODELS: "test-model,reasoner,judge-a,judge-b,gpt-4o-2024-05-13,llama-3.3-70b-instruct,claude-3-7-sonnet-20250219", FAKE_REASONING_MODELS: "reasoner"});
    dir = mkdtempSync(join(tmpdir(), "medhelm-published-run-"));
    // MedHELM's jury, --limit 5, HELM's scoring off (the default): the test model and a reasoning model at the benchmarks' budgets.
    await medhelm([
      "run", "--benchmarks", "pubmed_qa,aci_bench", "--models", "openai/test-model,openai/reasoner,baseline/random-choice",
      "--judges", "openai/gpt-4o-2024-05-13,openai/llama-3.3-70b-instruct,openai/claude-3-7-sonnet-20250219",
      "--limit", "5", "--out", join(dir, "medhelm-jury"), "--cache", join(dir, "cache"), "--format", "json"
    ], dir);
    // Another jury, HELM's scoring on, and MedHELM's 4000-token budget for the reasoning model.
    writeFileSync(join(dir, "medhelm.config.json"), JSON.stringify({modelMaxTokens: {"openai/reasoner": 4000}}));
    await medhelm([
      "run", "--benchmarks", "aci_bench", "--models", "openai/reasoner", "--judges", "openai/judge-a,openai/judge-b", "--helm-compat",
      "--limit", "5", "--out", join(dir, "other-jury"), "--cache", join(dir, "cache"), "--format", "json"
    ], dir);
  }, 240_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, {recursive: true, force: true});
  });

  it("ranks the run's entries among the nine paper models, with intervals only for the run's", async () => {
    const printed = await board(["--results", join(dir, "medhelm-jury"), "--published", "v2", "--resamples", "50"]);
    expect(printed.published).toBe("v2");
    expect(printed.entries).toHaveLength(12);
    expect(printed.entries.filter((e) => e.source === "medhelm-paper")).toHaveLength(9);
    const own = printed.entries.filter((e) => e.source === "native");
    expect(own.map((e) => e.label).sort()).toEqual(["baseline/random-choice (baseline)", "openai/reasoner", "openai/test-model"]);
    for (const e of own) {
      // Ranked on the benchmarks it has (PubMedQA and ACI-Bench), among twelve entries.
      expect(e.n_benchmarks).toBe(e.model_kind === "baseline" ? 1 : 2);
      expect(e.point_value).toBe(false);
      expect(e.rank_low).not.toBeNull();
      expect(e.rank!).toBeGreaterThanOrEqual(1);
      expect(e.rank!).toBeLessThanOrEqual(12);
    }
    // Ranks are a permutation with ties: every published entry keeps a point rank.
    for (const e of printed.entries.filter((x) => x.source === "medhelm-paper")) expect(e).toMatchObject({point_value: true, rank_low: null, comparability: []});
  });

  it("gives each run entry its comparability reasons: the --limit subset, helmCompat on the jury benchmark, the reasoning budget", async () => {
    const printed = await board(["--results", join(dir, "medhelm-jury"), "--published", "v2", "--resamples", "20"]);
    const reasonsOf = (label: string) => printed.entries.find((e) => e.label === label)!.comparability.map((c) => `${c.benchmark}: ${c.reason}`);
    expect(reasonsOf("openai/test-model")).toEqual([
      "aci_bench: subset: 5 of the paper's 120 instances (--limit 5)",
      "aci_bench: scoring: helmCompat off, jury scores are averaged unrounded, where HELM truncates each judge's score to an integer",
      "pubmed_qa: subset: 5 of the paper's 1000 instances (--limit 5)"
    ]);
    expect(reasonsOf("openai/reasoner")).toContain("pubmed_qa: output budget: max_tokens 1 vs the paper's 4000 (MedHELM gives reasoning models 4000)");
    expect(printed.entries.find((e) => e.label === "openai/test-model")!.comparability_summary).toBe("comparable on 0 of 2 benchmarks");
  });

  it("names a non-MedHELM jury, and no budget reason once the reasoning model has MedHELM's 4000 tokens", async () => {
    const printed = await board(["--results", join(dir, "other-jury"), "--published", "v2", "--resamples", "20"]);
    const reasons = printed.entries.find((e) => e.label === "openai/reasoner")!.comparability;
    expect(reasons.map((r) => r.kind)).toEqual(["instances", "jury"]);
    expect(reasons[1].reason).toBe("jury: openai/judge-a, openai/judge-b, not MedHELM's GPT-4o (2024-05-13), Llama 3.3 70B Instruct, Claude 3.7 Sonnet");
  });

  it("leaves the published entries out with --published none", async () => {
    const printed = await board(["--results", join(dir, "medhelm-jury"), "--published", "none", "--resamples", "20"]);
    expect(printed.entries.map((e) => e.source)).toEqual(["native", "native", "native"]);
    expect(printed.entries.every((e) => e.comparability.length === 0 && e.comparability_summary === null)).toBe(true);
  });
});
