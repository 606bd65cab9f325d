/**
 * Reasoning models: MedHELM's per-model output budget (`num_output_tokens`, here `modelMaxTokens`)
 * and servers that refuse `max_tokens`, `temperature` or `stop` as OpenAI's reasoning models do.
 * The loopback server plays such a model; the runner learns each refusal once and works around it.
 */
import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {cutAtStop, refusedParameter} from "../data-loaders/models/openai.ts";
import {estimateConfigured} from "../data-loaders/runner/suite.ts";
import {query} from "./parquet-read.ts";
import {medhelm} from "./cli.ts";
import {startFakeOpenAI, type FakeServer} from "./server.ts";

let server: FakeServer;
let dir: string;

beforeAll(async () => {
  server = await startFakeOpenAI({FAKE_MODELS: "test-model,reasoner", FAKE_REASONING_MODELS: "reasoner"});
  dir = mkdtempSync(join(tmpdir(), "medhelm-reasoning-"));
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, {recursive: true, force: true});
});

describe("refused parameters", () => {
  it("are read from the messages OpenAI's reasoning models answer with", () => {
    expect(refusedParameter("Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.")).toBe("maxTokens");
    expect(refusedParameter("Unsupported value: 'temperature' does not support 0 with this model. Only the default (1) value is supported.")).toBe("temperature");
    expect(refusedParameter("Unsupported parameter: 'stop' is not supported with this model.")).toBe("stop");
    expect(refusedParameter("'response_format' of type 'json_object' is not supported with this model")).toBe("json");
    expect(refusedParameter("This model's maximum context length is 8192 tokens")).toBeNull();
  });

  it("cutAtStop ends the text at the earliest stop sequence", () => {
    expect(cutAtStop("A\nbecause", ["\n"])).toBe("A");
    expect(cutAtStop("x END y STOP", ["STOP", "END"])).toBe("x ");
    expect(cutAtStop("no stop here", ["\n", ""])).toBe("no stop here");
  });
});

describe("a reasoning model", () => {
  it("answers with max_completion_tokens at its own budget, default temperature and the stop applied here, after one refusal of each", async () => {
    const cwd = mkdtempSync(join(dir, "run-"));
    writeFileSync(join(cwd, "medhelm.config.json"), JSON.stringify({modelMaxTokens: {"openai/reasoner": 4000}}));
    const args = ["run", "--benchmarks", "pubmed_qa", "--models", "openai/reasoner", "--judges", "", "--limit", "4", "--concurrency", "1", "--out", "out", "--format", "json"];
    const {stdout} = await medhelm(args, {cwd, env: {OPENAI_BASE_URL: server.baseURL}});
    expect(JSON.parse(stdout)).toMatchObject({calls: 4, errors: 0});
    // max_tokens, temperature and stop were each refused once, on the first request only.
    expect((await server.stats()).reasoning).toEqual({refused: 3, maxCompletionTokens: [4000]});
    const [rows, runs] = await query(
      `SELECT output_text, answer_text, error FROM '${join(cwd, "out", "completions.parquet")}'`,
      `SELECT config_json FROM '${join(cwd, "out", "runs.parquet")}'`
    );
    expect(rows).toEqual(Array(4).fill({output_text: "A", answer_text: "yes", error: null}));
    expect(JSON.parse(String(runs[0].config_json)).models).toEqual([{id: "openai/reasoner", kind: "llm", vendor: "openai", endpoint: server.baseURL, maxTokens: 4000}]);
  });

  it("is estimated at its own output budget in a dry run", async () => {
    const cwd = mkdtempSync(join(dir, "dry-"));
    writeFileSync(join(cwd, "medhelm.config.json"), JSON.stringify({modelMaxTokens: {"openai/reasoner": 4000}}));
    const estimate = await estimateConfigured({
      cwd, env: {OPENAI_BASE_URL: server.baseURL}, flags: {benchmarks: ["pubmed_qa"], models: ["openai/reasoner", "openai/test-model"], judges: [], limit: 5},
      count: (text: string) => Math.ceil(text.length / 4)
    });
    const outputs = Object.fromEntries(estimate.rows.map((r) => [r.model, r.output_tokens]));
    expect(outputs).toEqual({"openai/reasoner": 5 * 4000, "openai/test-model": 5 * 1});
  });

  it("refuses a budget below one token, naming the model", async () => {
    const cwd = mkdtempSync(join(dir, "bad-"));
    writeFileSync(join(cwd, "medhelm.config.json"), JSON.stringify({modelMaxTokens: {"openai/reasoner": 0}}));
    await expect(estimateConfigured({cwd, env: {OPENAI_BASE_URL: server.baseURL}, flags: {benchmarks: ["pubmed_qa"], models: ["openai/reasoner"], judges: [], limit: 1}}))
      .rejects.toThrow(/modelMaxTokens\["openai\/reasoner"\] must be at least 1/);
  });
});
