/**
 * With only OPENAI_BASE_URL set (no model named anywhere), a run evaluates the endpoint's first
 * served model next to the baselines and forms the jury from its served models.
 */
import {execFile} from "node:child_process";
import {mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {promisify} from "node:util";
import {afterAll, beforeAll, expect, it} from "vitest";
import {query} from "./parquet-read.ts";
import {startFakeOpenAI, type FakeServer} from "./server.ts";

const exec = promisify(execFile);
let server: FakeServer;
let dir: string;

beforeAll(async () => {
  server = await startFakeOpenAI({FAKE_MODELS: "clinic-llama-8b,clinic-qwen-7b,clinic-mistral-7b"});
  dir = mkdtempSync(join(tmpdir(), "medhelm-discovery-"));
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, {recursive: true, force: true});
});

it("run with only OPENAI_BASE_URL evaluates the served model and the baselines, judged by a panel of three families", async () => {
  const {stdout} = await exec(process.execPath, ["bin/medhelm.mjs", "run", "--benchmarks", "aci_bench,pubmed_qa", "--limit", "2", "--out", join(dir, "out"), "--cache", join(dir, "cache"), "--format", "json"], {
    env: {PATH: process.env.PATH!, OPENAI_BASE_URL: server.baseURL}
  });
  expect(JSON.parse(stdout).errors).toBe(0);
  const [models, judges] = await query(
    `SELECT DISTINCT model FROM '${join(dir, "out", "completions.parquet")}' ORDER BY model`,
    `SELECT DISTINCT judge, self_judging FROM '${join(dir, "out", "judgments.parquet")}' WHERE model = 'openai/clinic-llama-8b' ORDER BY judge`
  );
  expect(models.map((m) => m.model)).toEqual(["baseline/first-choice", "baseline/lead", "baseline/random-choice", "openai/clinic-llama-8b"]);
  expect(judges).toEqual([
    {judge: "openai/clinic-llama-8b", self_judging: true},
    {judge: "openai/clinic-mistral-7b", self_judging: false},
    {judge: "openai/clinic-qwen-7b", self_judging: false}
  ]);
});
