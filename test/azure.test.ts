/**
 * Azure OpenAI endpoints against the loopback server: requests go to the deployment's path with
 * the configured api-version and the key in the `api-key` header, the run records answers like any
 * other, and the configuration names what is missing.
 */
import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {loadConfig} from "../data-loaders/runner/config.ts";
import {query} from "./parquet-read.ts";
import {medhelm} from "./cli.ts";
import {startFakeOpenAI, type FakeServer} from "./server.ts";

const KEY = "azure-test-key-5521";
let server: FakeServer;
let dir: string;

beforeAll(async () => {
  server = await startFakeOpenAI({FAKE_EXPECT_KEY: KEY});
  dir = mkdtempSync(join(tmpdir(), "medhelm-azure-"));
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, {recursive: true, force: true});
});

function project(config: unknown): string {
  const cwd = mkdtempSync(join(dir, "p-"));
  writeFileSync(join(cwd, "medhelm.config.json"), JSON.stringify(config));
  return cwd;
}

const run = (cwd: string, args: string[]) => medhelm(args, {cwd, env: {AZ_KEY: KEY}});

const azure = {api: "azure", baseURL: "", apiVersion: "2024-10-21", apiKeyEnv: "AZ_KEY"};

describe("an Azure OpenAI endpoint", () => {
  it("calls each deployment with the api-version and the key in the api-key header, and records the answers", async () => {
    const cwd = project({endpoints: {az: {...azure, baseURL: server.root}}});
    const {stdout} = await run(cwd, ["run", "--benchmarks", "pubmed_qa", "--models", "az/test-model", "--judges", "", "--limit", "3", "--out", "out", "--format", "json"]);
    const summary = JSON.parse(stdout);
    expect(summary).toMatchObject({calls: 3, errors: 0});
    expect((await server.stats()).azure).toEqual({requests: 3, keyed: 3, bearer: 0, versions: ["2024-10-21"]});
    const [rows] = await query(`SELECT model, endpoint, error, output_text FROM '${join(cwd, "out", "completions.parquet")}'`);
    expect(rows).toHaveLength(3);
    for (const r of rows) expect(r).toMatchObject({model: "az/test-model", endpoint: server.root, error: null, output_text: "A"});
  });

  it("records a missing deployment as a failed answer with Azure's status", async () => {
    const cwd = project({endpoints: {az: {...azure, baseURL: server.root, maxRetries: 0}}});
    const {stdout} = await run(cwd, ["run", "--benchmarks", "pubmed_qa", "--models", "az/no-such-deployment", "--judges", "", "--limit", "2", "--out", "out", "--format", "json"]);
    expect(JSON.parse(stdout)).toMatchObject({calls: 2, errors: 2});
    const [rows] = await query(`SELECT DISTINCT error FROM '${join(cwd, "out", "completions.parquet")}'`);
    expect(rows).toEqual([{error: expect.stringMatching(/^HTTP 404: .*no-such-deployment not found/)}]);
  });

  it("asks for the deployments to be named instead of listing them", async () => {
    const cwd = project({endpoints: {az: {...azure, baseURL: server.root}}});
    await expect(run(cwd, ["run", "--benchmarks", "pubmed_qa", "--limit", "1", "--out", "out"])).rejects.toMatchObject({
      stderr: expect.stringMatching(/cannot list models of endpoint az .*Azure OpenAI deployments cannot be listed; name models/)
    });
  });

  it("needs an apiVersion, and apiVersion only makes sense for Azure", () => {
    const load = (endpoint: unknown) => loadConfig({cwd: project({endpoints: {az: endpoint}}), env: {}});
    expect(() => load({api: "azure", baseURL: "https://r.openai.azure.com"})).toThrow(/endpoints.az.apiVersion is required for an Azure OpenAI endpoint/);
    expect(() => load({baseURL: "https://r.example", apiVersion: "2024-10-21"})).toThrow(/endpoints.az.apiVersion applies only to "api": "azure"/);
    expect(() => load({api: "anthropic", baseURL: "https://r.example"})).toThrow(/endpoints.az.api must be "openai" or "azure", got "anthropic"/);
    expect(load({...azure, baseURL: "https://r.openai.azure.com"}).endpoints[0]).toMatchObject({name: "az", azureApiVersion: "2024-10-21"});
  });
});
