/**
 * How judges are asked for JSON: structured output with the rubric's schema by default, plain JSON
 * mode once a server refuses the schema, nothing when the endpoint is configured without JSON mode;
 * against the loopback server, which counts requests by response format.
 */
import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {verdictSchema} from "../data-loaders/runner/jury.ts";
import {loadRegistry, selectBenchmarks} from "../data-loaders/benchmark/registry.ts";
import {query} from "./parquet-read.ts";
import {medhelm} from "./cli.ts";
import {startFakeOpenAI, type FakeServer} from "./server.ts";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "medhelm-judge-format-"));
});
afterAll(() => rmSync(dir, {recursive: true, force: true}));

/** Runs ACI-Bench (3 answers, 2 judges) against `server` with `endpoint` options; returns the judgment statuses. */
async function judged(server: FakeServer, endpoint: Record<string, unknown> = {}): Promise<Record<string, unknown>[]> {
  const cwd = mkdtempSync(join(dir, "p-"));
  writeFileSync(join(cwd, "medhelm.config.json"), JSON.stringify({endpoints: {fake: {baseURL: server.baseURL, maxRetries: 0, ...endpoint}}}));
  const args = ["run", "--benchmarks", "aci_bench", "--models", "fake/test-model", "--judges", "fake/judge-a,fake/judge-b", "--limit", "3", "--concurrency", "1", "--out", "out"];
  await medhelm(args, {cwd});
  const [rows] = await query(`SELECT judge, parse_status, count(*)::INT AS n FROM '${join(cwd, "out", "judgments.parquet")}' GROUP BY ALL ORDER BY ALL`);
  return rows;
}

const allOk = [{judge: "fake/judge-a", parse_status: "ok", n: 9}, {judge: "fake/judge-b", parse_status: "ok", n: 9}];

describe("judge output format", () => {
  it("the verdict schema asks for every criterion, an integer score on the scale and an explanation, and nothing else", async () => {
    const [aci] = selectBenchmarks(await loadRegistry(), ["aci_bench"]);
    const {name, schema} = verdictSchema(aci.rubric!);
    expect(name).toBe("jury_verdict");
    expect(schema).toMatchObject({type: "object", required: ["accuracy", "completeness", "clarity"], additionalProperties: false});
    expect((schema.properties as Record<string, unknown>).accuracy).toEqual({
      type: "object", properties: {score: {type: "integer", enum: [1, 2, 3, 4, 5]}, explanation: {type: "string"}}, required: ["score", "explanation"], additionalProperties: false
    });
  });

  it("is structured output with the rubric's schema by default", async () => {
    const server = await startFakeOpenAI();
    try {
      expect(await judged(server)).toEqual(allOk);
      // 3 answers without a response format, 2 judges x 3 answers with the schema.
      expect((await server.stats()).responseFormats).toEqual({json_schema: 6, json_object: 0, none: 3});
    } finally {
      await server.stop();
    }
  });

  it("falls back to JSON mode once a server refuses the schema, and the verdicts still count", async () => {
    const server = await startFakeOpenAI({FAKE_JSON_SCHEMA: "refuse"});
    try {
      expect(await judged(server)).toEqual(allOk);
      // Each judge model learns the refusal on its first call (refused calls are not counted).
      expect((await server.stats()).responseFormats).toEqual({json_schema: 0, json_object: 6, none: 3});
    } finally {
      await server.stop();
    }
  });

  it("sends no response format when the endpoint is configured without JSON mode", async () => {
    const server = await startFakeOpenAI();
    try {
      expect(await judged(server, {jsonMode: false})).toEqual(allOk);
      expect((await server.stats()).responseFormats).toEqual({json_schema: 0, json_object: 0, none: 9});
    } finally {
      await server.stop();
    }
  });
});
