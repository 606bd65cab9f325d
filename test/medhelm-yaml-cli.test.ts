/**
 * A team's folder of MedHELM-format benchmarks, named in the config's `benchmarkDirs`, through the
 * real CLI against the loopback OpenAI-compatible server: `medhelm list` shows both demos,
 * `medhelm run --dry-run` prices their judges, and `medhelm run` scores exact match as the share
 * of rows whose correct_answer the model gave and writes a verdict row per judge and criterion.
 */
import {cpSync, mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {medhelm} from "./cli.ts";
import {query} from "./parquet-read.ts";
import {startFakeOpenAI, type FakeServer} from "./server.ts";

const examples = resolve(import.meta.dirname, "..", "examples", "medhelm-format");
const dir = mkdtempSync(join(tmpdir(), "medhelm-yaml-cli-"));
let server: FakeServer;

beforeAll(async () => {
  // The model answers "Yes" to everything; judge-c's replies never parse (see the server's header).
  server = await startFakeOpenAI({FAKE_MODELS: "test-model,judge-a,judge-c,judge-dd", FAKE_REPLY: "Yes"});
  cpSync(examples, join(dir, "team-benchmarks"), {recursive: true});
  writeFileSync(join(dir, "medhelm.config.json"), JSON.stringify({
    endpoints: {local: {baseURL: server.baseURL}},
    models: ["local/test-model"],
    judges: [],
    benchmarks: ["exact_match_demo", "llm_jury_score_demo"],
    benchmarkDirs: ["team-benchmarks"],
    helmModels: {
      "openai/gpt-4o-2024-05-13": "local/judge-a",
      "together/llama-3.3-70b-instruct-turbo": "local/judge-dd",
      "anthropic/claude-3-7-sonnet-20250219": "local/judge-c"
    }
  }));
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, {recursive: true, force: true});
});

const sql = (path: string) => `'${path.replaceAll("'", "''")}'`;

describe("MedHELM-format benchmarks named in benchmarkDirs", () => {
  it("are listed by medhelm list next to MedHELM's 37, with their taxonomy and access tier", async () => {
    const {stdout, stderr} = await medhelm(["list", "--format", "json"], {cwd: dir});
    expect(stderr).toBe("");
    const rows = JSON.parse(stdout) as {id: string}[];
    expect(rows).toHaveLength(39);
    expect(rows.slice(37)).toEqual([
      {id: "exact_match_demo", name: "EXACT-MATCH-DEMO", category: "clinical_decision_support", subcategory: "providing_clinical_knowledge_support", in_taxonomy: true, access: "public", open_ended: false, main_metric: "exact_match", data_available: true, instances: 6},
      {id: "llm_jury_score_demo", name: "LLM-JURY-SCORE-DEMO", category: "patient_communication_and_education", subcategory: "delivering_personalized_care_instructions", in_taxonomy: true, access: "private", open_ended: true, main_metric: "jury_score", data_available: true, instances: 3}
    ]);
  });

  it("list names a broken file with its line and field, exits 1, and still lists the rest", async () => {
    const broken = mkdtempSync(join(tmpdir(), "medhelm-yaml-broken-"));
    try {
      cpSync(join(dir, "medhelm.config.json"), join(broken, "medhelm.config.json"));
      cpSync(examples, join(broken, "team-benchmarks"), {recursive: true});
      writeFileSync(join(broken, "team-benchmarks", "exact_match_demo_prompt.txt"), "Note: {note}\nWhen: {visit_date}\n");
      const failure = await medhelm(["list", "--format", "json"], {cwd: broken}).then(() => null, (e) => e as {code: number; stdout: string; stderr: string});
      expect(failure?.code).toBe(1);
      expect(failure!.stderr).toMatch(/benchmark not loaded: .*exact_match_demo_prompt\.txt:2: placeholder \{visit_date\} has no column in .*exact_match_demo_dataset\.csv/);
      const ids = (JSON.parse(failure!.stdout) as {id: string}[]).map((r) => r.id);
      expect(ids).toHaveLength(38);
      expect(ids).toContain("llm_jury_score_demo");
    } finally {
      rmSync(broken, {recursive: true, force: true});
    }
  });

  it("a dry run counts every answer and, for the jury benchmark, a call per judge and answer", async () => {
    const {stdout} = await medhelm(["run", "--dry-run", "--format", "json", "--cache", join(dir, "dry-cache")], {cwd: dir});
    const {rows} = JSON.parse(stdout) as {rows: {benchmark: string; model: string; calls: number; judge_calls: number}[]};
    expect(rows.map(({benchmark, model, calls, judge_calls}) => ({benchmark, model, calls, judge_calls}))).toEqual([
      {benchmark: "exact_match_demo", model: "local/test-model", calls: 6, judge_calls: 0},
      {benchmark: "llm_jury_score_demo", model: "local/test-model", calls: 3, judge_calls: 9}
    ]);
  });

  it("run scores exact match as the share of correct answers and writes one verdict row per judge and criterion", async () => {
    const out = join(dir, "results");
    await medhelm(["run", "--out", out, "--cache", join(dir, "cache"), "--format", "json"], {cwd: dir});
    const [em, jury, verdicts, byJudge, runs] = await query(
      `SELECT count(*)::INTEGER AS n, avg(value) AS mean, bool_and(is_main) AS main FROM read_parquet(${sql(join(out, "scores.parquet"))}) WHERE benchmark = 'exact_match_demo' AND metric = 'exact_match'`,
      `SELECT count(*)::INTEGER AS n, min(value) AS lo, max(value) AS hi, bool_and(is_main) AS main, min(value_normalized) AS normalized FROM read_parquet(${sql(join(out, "scores.parquet"))}) WHERE benchmark = 'llm_jury_score_demo' AND metric = 'jury_score'`,
      `SELECT count(*)::INTEGER AS n, count(DISTINCT instance_id)::INTEGER AS instances FROM read_parquet(${sql(join(out, "judgments.parquet"))}) WHERE benchmark = 'llm_jury_score_demo'`,
      `SELECT judge, criterion, count(*)::INTEGER AS n, any_value(parse_status) AS status, avg(score) AS score FROM read_parquet(${sql(join(out, "judgments.parquet"))}) GROUP BY judge, criterion ORDER BY judge, criterion`,
      `SELECT config_json FROM read_parquet(${sql(join(out, "runs.parquet"))})`
    );
    // Four of the six rows have "Yes" as correct_answer.
    expect(em).toEqual([{n: 6, mean: 4 / 6, main: true}]);
    // judge-a rates the four criteria 4, 5, 3, 4 and judge-dd 5, 3, 4, 5; judge-c's reply is not JSON: 33 / 8.
    expect(jury).toEqual([{n: 3, lo: 4.125, hi: 4.125, main: true, normalized: 4.125 / 5}]);
    expect(verdicts).toEqual([{n: 3 * 3 * 4, instances: 3}]);
    expect(byJudge).toHaveLength(12);
    for (const row of byJudge) expect(row.n).toBe(3);
    expect(byJudge.filter((r) => r.judge === "local/judge-c").every((r) => r.status === "invalid_json" && r.score === null)).toBe(true);
    expect(byJudge.find((r) => r.judge === "local/judge-a" && r.criterion === "completeness")).toMatchObject({status: "ok", score: 5});
    expect(JSON.parse(String(runs[0].config_json)).judgePanels).toEqual({llm_jury_score_demo: ["local/judge-a", "local/judge-dd", "local/judge-c"]});
    // Structured output was asked of the judges, and the server took it.
    expect((await server.stats()).responseFormats.json_schema).toBeGreaterThanOrEqual(6);
  });
});
