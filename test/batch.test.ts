/**
 * Batch mode end to end: `medhelm run --batch` as a real process against the loopback server's
 * files and batches endpoints (a real multipart upload, batches that complete after a delay),
 * including runs killed while a batch is pending, expired and faulty batches, a provider without
 * the batch API, the cost columns and `medhelm batches`.
 */
import {spawn} from "node:child_process";
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {parseLedger} from "../data-loaders/runner/batch-ledger.ts";
import {main} from "../data-loaders/cli/cli.ts";
import {query} from "./parquet-read.ts";
import {startFakeOpenAI, type FakeServer} from "./server.ts";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "medhelm-batch-"));
});
afterAll(() => rmSync(dir, {recursive: true, force: true}));

/**
 * The CLI in this process (a process start costs seconds on a busy machine); rejects on a non-zero
 * exit with the output on the error, like `test/cli.ts`. Runs that are killed are real processes.
 */
async function runCli(args: string[], {cwd = process.cwd(), env = {}}: {cwd?: string; env?: Record<string, string>} = {}): Promise<{stdout: string; stderr: string}> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd, env: {PATH: process.env.PATH, HOME: process.env.HOME, ...env}, isTTY: false});
  if (code !== 0) throw Object.assign(new Error(`medhelm ${args[0]} exited ${code}: ${stderr}`), {stdout, stderr, code});
  return {stdout, stderr};
}

/** Polling every 0.2 s at most, so that tests wait for the fake batches only as long as they take. */
const envOf = (server: FakeServer) => ({OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: "sk-test-not-a-secret", MEDHELM_BATCH_POLL_MS: "200"});

async function withServer<T>(env: Record<string, string>, body: (server: FakeServer) => Promise<T>): Promise<T> {
  const server = await startFakeOpenAI(env);
  try {
    return await body(server);
  } finally {
    await server.stop();
  }
}

const jury = ["--judges", "openai/judge-a,openai/judge-b,openai/judge-c"];
const runArgs = (name: string, extra: string[]) => [
  "run", "--batch", "--out", join(dir, name, "out"), "--cache", join(dir, name, "cache"), "--format", "json", ...extra
];
const ledgerRecords = (name: string) => parseLedger(readFileSync(join(dir, name, "cache", "batches", "ledger.jsonl"), "utf8")).records;
const table = (name: string, t: string) => `'${join(dir, name, "out", `${t}.parquet`)}'`;

/** Starts a run as a child process, to be killed. */
function spawnRun(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ["bin/medhelm.mjs", ...args], {env: {PATH: process.env.PATH!, HOME: process.env.HOME ?? "", ...env}, stdio: ["ignore", "pipe", "pipe"]});
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  child.stdout.resume();
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
  return {child, exited, stderr: () => stderr};
}

/** Kills a run once the server has created `batches` batches in all. */
async function killOnceCreated(server: FakeServer, batches: number, args: string[]) {
  const run = spawnRun(args, envOf(server));
  let done = false;
  void run.exited.then(() => (done = true));
  while (!done && (await server.stats()).batch.created < batches) await new Promise((r) => setTimeout(r, 50));
  run.child.kill("SIGKILL");
  return {signal: await run.exited, stderr: run.stderr()};
}

describe("medhelm run --batch", () => {
  it("sends the answers, then each judge's verdicts, as batches and fills every table without a synchronous call", async () => {
    await withServer({FAKE_BATCH_DELAY_MS: "600"}, async (server) => {
      const args = runArgs("jury", ["--benchmarks", "pubmed_qa,aci_bench", "--models", "openai/test-model", ...jury, "--limit", "3"]);
      const summary = JSON.parse((await runCli(args, {env: envOf(server)})).stdout);
      // 6 answers + 3 judges x 3 ACI-Bench answers, all delivered by batches.
      expect(summary).toMatchObject({calls: 15, cached: 0, errors: 0});
      const stats = await server.stats();
      expect(stats.total).toBe(0);
      expect(stats.batch).toMatchObject({uploads: 4, multipart: 4, created: 4, lines: 15, byModel: {"test-model": 6, "judge-a": 3, "judge-b": 3, "judge-c": 3}});
      // The answers' batch came first; the judges' batches were created only once it was collected.
      const created = ledgerRecords("jury").filter((r) => r.type === "submitted").map((r) => r.type === "submitted" && `${r.round}:${r.model}`);
      expect(created).toEqual(["answers:openai/test-model", "judges:openai/judge-a", "judges:openai/judge-b", "judges:openai/judge-c"]);
      const [[counts], statuses] = await query(
        `SELECT (SELECT count(*) FROM ${table("jury", "completions")} WHERE error IS NULL AND NOT cached)::INT AS answers,
          (SELECT count(*) FROM ${table("jury", "judgments")})::INT AS judgments,
          (SELECT count(value) FROM ${table("jury", "scores")} WHERE metric = 'aci_bench_accuracy')::INT AS jury_scored`,
        `SELECT judge, parse_status, count(*)::INT AS n FROM ${table("jury", "judgments")} GROUP BY ALL ORDER BY ALL`
      );
      expect(counts).toEqual({answers: 6, judgments: 27, jury_scored: 3});
      expect(statuses).toEqual([
        {judge: "openai/judge-a", parse_status: "ok", n: 9},
        {judge: "openai/judge-b", parse_status: "ok", n: 9},
        {judge: "openai/judge-c", parse_status: "invalid_json", n: 9}
      ]);

      // The ledger and the saved result files never hold the API key.
      const saved = join(dir, "jury", "cache", "batches");
      for (const f of readdirSync(saved)) expect(readFileSync(join(saved, f), "utf8")).not.toContain("sk-test-not-a-secret");
      expect(readdirSync(saved).sort()).toEqual(["batch_1.output.jsonl", "batch_2.output.jsonl", "batch_3.output.jsonl", "batch_4.output.jsonl", "ledger.jsonl"]);

      // The same command again: everything is cached, nothing is submitted.
      const again = JSON.parse((await runCli(args, {env: envOf(server)})).stdout);
      expect(again).toMatchObject({calls: 0, cached: 15, errors: 0});
      expect((await server.stats()).batch.created).toBe(4);
    });
  }, 300_000);

  it("resumes runs killed while batches are pending, creating each batch exactly once", async () => {
    await withServer({FAKE_BATCH_DELAY_MS: "2500"}, async (server) => {
      const args = runArgs("killed", ["--benchmarks", "pubmed_qa,aci_bench", "--models", "openai/test-model", ...jury, "--limit", "3"]);
      // Killed while the answers' batch runs.
      expect((await killOnceCreated(server, 1, args)).signal).toBe("SIGKILL");
      // The submission and its keys were on disk before the batch existed (its id may or may not
      // be: the kill can fall between the provider's answer and the ledger's next line).
      expect(ledgerRecords("killed").filter((r) => r.type === "submitted")).toHaveLength(1);
      // Killed again while the judges' batches run. Unless the kill fell in that window again, the
      // record of one judge batch's id is removed, as if the run had died before writing it down.
      expect((await killOnceCreated(server, 4, args)).signal).toBe("SIGKILL");
      const file = join(dir, "killed", "cache", "batches", "ledger.jsonl");
      const lines = readFileSync(file, "utf8").split("\n").filter(Boolean);
      const types = lines.map((l) => JSON.parse(l).type);
      expect(types.filter((t) => t === "submitted")).toHaveLength(4);
      if (types.filter((t) => t === "created").length === 4) writeFileSync(file, `${lines.filter((_, i) => i !== types.lastIndexOf("created")).join("\n")}\n`);

      const {stdout, stderr} = await runCli(args, {env: envOf(server)});
      const summary = JSON.parse(stdout);
      expect(summary.errors).toBe(0);
      expect(stderr).toContain("was created by a run that stopped before recording it: adopted");
      expect(ledgerRecords("killed").filter((r) => r.type === "created")).toHaveLength(4);
      const stats = await server.stats();
      expect(stats.batch.created).toBe(4);
      expect(stats.batch.ids).toEqual(["batch_1", "batch_2", "batch_3", "batch_4"]);
      expect(stats.batch.byModel).toEqual({"test-model": 6, "judge-a": 3, "judge-b": 3, "judge-c": 3});
      expect(stats.total).toBe(0);
      const [[counts]] = await query(`SELECT
        (SELECT count(*) FROM ${table("killed", "completions")} WHERE error IS NULL)::INT AS answers,
        (SELECT count(DISTINCT (benchmark, instance_id, model)) FROM ${table("killed", "completions")})::INT AS items,
        (SELECT count(*) FROM ${table("killed", "judgments")} WHERE parse_status IN ('ok', 'invalid_json'))::INT AS verdicts`);
      expect(counts).toEqual({answers: 6, items: 6, verdicts: 27});
    });
  }, 400_000);

  it("keeps an expired batch's finished answers, records the rest with the provider's error, and retries only those", async () => {
    await withServer({FAKE_BATCH_DELAY_MS: "300", FAKE_BATCH_EXPIRE: "2"}, async (server) => {
      const args = runArgs("expired", ["--benchmarks", "pubmed_qa", "--models", "openai/test-model", "--judges", "", "--limit", "4"]);
      const first = JSON.parse((await runCli(args, {env: envOf(server)})).stdout);
      expect(first).toMatchObject({calls: 4, errors: 2});
      const [rows] = await query(`SELECT error FROM ${table("expired", "completions")} ORDER BY error NULLS FIRST`);
      expect(rows.slice(0, 2)).toEqual([{error: null}, {error: null}]);
      for (const r of rows.slice(2)) expect(r.error).toMatch(/^batch batch_1 \(expired\): batch_expired: This request could not be executed/);

      const second = JSON.parse((await runCli([...args, "--retry-errors"], {env: envOf(server)})).stdout);
      expect(second).toMatchObject({calls: 2, cached: 2, errors: 0});
      const submitted = ledgerRecords("expired").filter((r) => r.type === "submitted");
      expect(submitted.map((r) => r.type === "submitted" && r.keys.length)).toEqual([4, 2]);
      expect((await server.stats()).total).toBe(0);
    });
  }, 300_000);

  it("records a malformed output line, an unknown custom_id and an output file that never arrives", async () => {
    const run = (fault: string) =>
      withServer({FAKE_BATCH_DELAY_MS: "200", FAKE_BATCH_FAULT: fault}, async (server) => {
        const args = runArgs(fault, ["--benchmarks", "pubmed_qa", "--models", "openai/test-model", "--judges", "", "--limit", "3"]);
        const {stdout, stderr} = await runCli(args, {env: envOf(server)});
        const [rows] = await query(`SELECT error FROM ${table(fault, "completions")} WHERE error IS NOT NULL`);
        const listed = JSON.parse((await runCli(["batches", "--cache", join(dir, fault, "cache"), "--format", "json"], {env: envOf(server)})).stdout);
        return {summary: JSON.parse(stdout), stderr, errors: rows.map((r) => String(r.error)), notes: listed.batches[0].notes as string[]};
      });
    const malformed = await run("malformed");
    expect(malformed.summary.errors).toBe(1);
    expect(malformed.errors[0]).toMatch(/^batch batch_1 ended completed without a result for this request \(output file line 1: not JSON/);
    const unknown = await run("unknown");
    expect(unknown.summary.errors).toBe(0);
    expect(unknown.notes.join("\n")).toContain("output file line 4: unknown custom_id never-sent (not a request of this batch)");
    expect(unknown.stderr).toContain("unknown custom_id");
    const nofile = await run("nofile");
    expect(nofile.summary.errors).toBe(3);
    for (const e of nofile.errors) expect(e).toContain("the output file file-never-arrives never arrived: HTTP 404");
  }, 300_000);

  it("refuses a provider without the batch API clearly, and falls back to synchronous calls only for \"prefer\"", async () => {
    await withServer({FAKE_BATCH: "404"}, async (server) => {
      const args = runArgs("nobatch", ["--benchmarks", "pubmed_qa", "--models", "openai/test-model", "--judges", "", "--limit", "2"]);
      await expect(runCli(args, {env: envOf(server)})).rejects.toMatchObject({
        stderr: expect.stringContaining(`endpoint openai has no batch API (HTTP 404`)
      });
      expect((await server.stats()).total).toBe(0);

      const project = mkdtempSync(join(dir, "prefer-"));
      writeFileSync(join(project, "medhelm.config.json"), JSON.stringify({endpoints: {local: {baseURL: server.baseURL, batch: "prefer"}}}));
      const {stdout, stderr} = await runCli(["run", "--benchmarks", "pubmed_qa", "--models", "local/test-model", "--judges", "", "--limit", "2", "--out", "out", "--cache", "cache", "--format", "json"], {cwd: project, env: {MEDHELM_BATCH_POLL_MS: "200"}});
      expect(stderr).toContain(`endpoint local has no batch API`);
      expect(JSON.parse(stdout)).toMatchObject({calls: 2, errors: 0});
      expect((await server.stats()).total).toBe(2);
    });
  }, 300_000);

  it("records what batches charged: cost_usd at the batch price, also when replayed, and the dry run shows both prices", async () => {
    await withServer({FAKE_MODELS: "gpt-4o-2024-05-13", FAKE_BATCH_DELAY_MS: "200"}, async (server) => {
      const common = ["--benchmarks", "pubmed_qa", "--models", "openai/gpt-4o-2024-05-13", "--judges", "", "--limit", "4"];
      const summary = JSON.parse((await runCli(runArgs("priced", common), {env: envOf(server)})).stdout);
      const [rows, runs] = await query(`SELECT input_tokens, output_tokens, cost_usd, cached FROM ${table("priced", "completions")}`, `SELECT cost_usd FROM ${table("priced", "runs")}`);
      expect(rows).toHaveLength(4);
      // GPT-4o through the Batch API: $1.25 in and $5 out per million tokens, half the list price.
      for (const r of rows) expect(r.cost_usd).toBeCloseTo(((r.input_tokens as number) * 1.25 + (r.output_tokens as number) * 5) / 1e6, 12);
      const spent = rows.reduce((sum, r) => sum + (r.cost_usd as number), 0);
      expect(runs[0].cost_usd).toBeCloseTo(spent, 12);
      expect(summary.costUsd).toBeCloseTo(spent, 12);
      const listed = JSON.parse((await runCli(["batches", "--cache", join(dir, "priced", "cache"), "--format", "json"], {env: envOf(server)})).stdout);
      expect(listed.batches[0].charged_usd).toBeCloseTo(spent, 12);
      // The expected cost counts prompts with the o200k tokenizer (the loopback server counts a token
      // per four characters of JSON), so it is only known to be positive here.
      expect(listed.batches[0].expected_usd).toBeGreaterThan(0);

      // Replayed from the cache, the answers keep the price they were charged; the run spends nothing.
      const replay = JSON.parse((await runCli([...runArgs("priced", common).filter((a) => a !== "--batch")], {env: envOf(server)})).stdout);
      expect(replay).toMatchObject({calls: 0, cached: 4, costUsd: 0});
      const [again] = await query(`SELECT sum(cost_usd) AS usd, bool_and(cached) AS cached FROM ${table("priced", "completions")}`);
      expect(again[0]).toMatchObject({cached: true});
      expect(again[0].usd).toBeCloseTo(spent, 12);

      const dry = JSON.parse((await runCli(["run", "--dry-run", ...common, "--cache", join(dir, "empty-cache"), "--format", "json"], {env: envOf(server)})).stdout);
      expect(dry.rows[0].batch_total_usd).toBeCloseTo(dry.rows[0].total_usd / 2, 12);
      expect(dry.total.batch_total_usd).toBeCloseTo(dry.total.total_usd / 2, 12);
    });
  }, 300_000);

  it("lists a pending batch with its expected cost, cancels it, and the next run records its requests as cancelled", async () => {
    await withServer({FAKE_BATCH_DELAY_MS: "600000"}, async (server) => {
      const args = runArgs("cancel", ["--benchmarks", "pubmed_qa", "--models", "openai/test-model", "--judges", "", "--limit", "2"]);
      // Killed once the run has recorded the batch's id: the server creating it is not enough,
      // since the run may die before the id reaches the ledger (a case the rerun handles itself).
      const run = spawnRun(args, envOf(server));
      let done = false;
      void run.exited.then(() => (done = true));
      const recorded = () => {
        try {
          return ledgerRecords("cancel").some((r) => r.type === "created");
        } catch {
          return false;
        }
      };
      while (!done && !recorded()) await new Promise((r) => setTimeout(r, 50));
      run.child.kill("SIGKILL");
      await run.exited;
      const batches = (extra: string[] = []) => runCli(["batches", "--cache", join(dir, "cancel", "cache"), ...extra], {env: envOf(server)});
      const listed = JSON.parse((await batches(["--format", "json"])).stdout);
      expect(listed.batches).toHaveLength(1);
      expect(listed.batches[0]).toMatchObject({batch_id: "batch_1", model: "openai/test-model", round: "answers", requests: 2, charged_usd: null});
      expect(["validating", "in_progress"]).toContain(listed.batches[0].status);
      expect((await batches()).stdout).toMatch(/batch_1\s+openai\s+openai\/test-model\s+answers\s+(validating|in_progress)/);

      expect((await batches(["cancel", "batch_1"])).stdout).toContain("batch batch_1: cancelling");
      await expect(batches(["cancel", "batch_9"])).rejects.toMatchObject({stderr: expect.stringContaining("no batch batch_9 in the ledger")});

      const summary = JSON.parse((await runCli(args, {env: envOf(server)})).stdout);
      expect(summary).toMatchObject({calls: 2, errors: 2});
      const [rows] = await query(`SELECT error FROM ${table("cancel", "completions")}`);
      for (const r of rows) expect(r.error).toContain("batch batch_1 (cancelled): batch_cancelled");
      expect((await server.stats()).batch.created).toBe(1);
    });
  }, 300_000);
});
