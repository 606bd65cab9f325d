/**
 * Secrets: with a recognizable API key in the environment, a run (including failing calls, a
 * dry run and `cache explain`) and the site's data archive leave no trace of the key in the
 * cache, the Parquet tables, stdout/stderr or the site files; nor does the built test site.
 */
import {execFile} from "node:child_process";
import {mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {promisify} from "node:util";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {siteArchive} from "../data-loaders/site/archive.ts";
import {tarMembers} from "../data-loaders/formats/tar.ts";
import {tableNames} from "../data-loaders/formats/tables.ts";
import {query} from "./parquet-read.ts";
import {startFakeOpenAI, type FakeServer} from "./server.ts";
import {ensureSite} from "./site-build.ts";

const exec = promisify(execFile);
const CANARY = "sk-SECRET-CANARY-1234";
let server: FakeServer;
let dir: string;
const logs: string[] = [];

/** Every file under a folder, recursively. */
function files(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const path = join(root, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

const leaks = (paths: string[]) => paths.filter((p) => readFileSync(p).includes(CANARY));

async function medhelm(args: string[]) {
  const env = {PATH: process.env.PATH!, HOME: process.env.HOME ?? "", OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: CANARY};
  const result = await exec(process.execPath, ["bin/medhelm.mjs", ...args], {env}).catch((error) => error);
  logs.push(String(result.stdout), String(result.stderr));
  return result;
}

beforeAll(async () => {
  // Some failures, so that error messages and retry paths are exercised too.
  server = await startFakeOpenAI({FAKE_EXPECT_KEY: CANARY, FAKE_FAULTS: "429=0.1,500=0.1", FAKE_RETRY_AFTER_MS: "20"});
  dir = mkdtempSync(join(tmpdir(), "medhelm-secrets-"));
  const common = ["--benchmarks", "pubmed_qa,aci_bench", "--judges", "openai/judge-a,openai/judge-b", "--limit", "3", "--cache", join(dir, "cache")];
  // The first run also sends the key to a token-embedding server for BERTScore.
  const config = join(dir, "bertscore.config.json");
  writeFileSync(config, JSON.stringify({bertscore: {api: "tei", baseURL: server.root, apiKeyEnv: "OPENAI_API_KEY"}}));
  await medhelm(["run", ...common, "--config", config, "--models", "openai/test-model,openai/missing-model", "--out", join(dir, "out"), "--format", "json"]);
  await medhelm(["run", ...common, "--models", "openai/test-model", "--out", join(dir, "out2")]);
  await medhelm(["run", ...common, "--models", "openai/test-model", "--dry-run", "--format", "json"]);
  await medhelm(["cache", "explain", "--benchmark", "pubmed_qa", "--instance", "18096128", "--model", "openai/test-model", "--cache", join(dir, "cache")]);
  await medhelm(["cache", "verify", "--cache", join(dir, "cache")]);
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, {recursive: true, force: true});
});

describe("an API key set in the environment", () => {
  it("reaches the endpoint and the embedding server (so the checks below are meaningful)", async () => {
    const stats = await server.stats();
    expect(stats.authorized).toBeGreaterThan(0);
    expect(stats.embedAuthorized).toBeGreaterThan(0);
    expect(logs.join("\n")).toMatch(/"calls":\d+/);
  });

  it("appears in no cache file and no output of the CLI", () => {
    expect(files(join(dir, "cache")).length).toBeGreaterThan(0);
    expect(leaks(files(join(dir, "cache")))).toEqual([]);
    expect(logs.filter((l) => l.includes(CANARY))).toEqual([]);
  });

  it("appears in no Parquet table, cell by cell", async () => {
    expect(leaks(files(join(dir, "out")))).toEqual([]);
    const tables = await query(...tableNames.map((t) => `SELECT * FROM '${join(dir, "out", `${t}.parquet`)}'`));
    const text = JSON.stringify(tables);
    expect(text).toContain("missing-model");
    expect(text).not.toContain(CANARY);
  });

  it("appears in none of the site's data files when the site runs the suite with the key set", async () => {
    const config = join(dir, "site.config.json");
    writeFileSync(config, JSON.stringify({
      benchmarks: ["pubmed_qa", "aci_bench"], models: ["openai/test-model"], judges: ["openai/judge-a", "openai/judge-b"], limit: 2,
      outDir: join(dir, "site-out"), cacheDir: join(dir, "cache"), site: {include: []}
    }));
    const siteLog: string[] = [];
    const archive = await siteArchive({cwd: dir, env: {OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: CANARY, MEDHELM_CONFIG: config}, log: (m) => void siteLog.push(m)});
    const members = await tarMembers(archive);
    expect(Object.keys(members).length).toBeGreaterThan(3);
    expect(Object.entries(members).filter(([, bytes]) => Buffer.from(bytes).includes(CANARY)).map(([name]) => name)).toEqual([]);
    expect(siteLog.join("\n")).not.toContain(CANARY);
    expect(leaks(files(join(dir, "site-out")))).toEqual([]);
  });

  it("appears nowhere in the built test site", async () => {
    const dist = await ensureSite();
    const built = files(dist);
    expect(built.length).toBeGreaterThan(0);
    expect(leaks(built)).toEqual([]);
  }, 600_000);
});
