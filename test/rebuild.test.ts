/**
 * Builds follow their inputs: in a private copy of the project, build the site, then change one
 * input at a time (a loopback model added, nothing, a result folder and a benchmark edit, a broken
 * configuration) and build again, checking the built site's data, the calls the loopback server
 * received, and what the build log says. Builds are slow, so one file holds them all and each
 * build checks as much as it can; the fingerprint logic itself is tested in loader-inputs.test.ts.
 */
import {readFileSync, statSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {startHarness} from "./browser.ts";
import {builtTable} from "./built-tables.ts";
import {buildProject, copyProject, type BuildResult, type ProjectCopy} from "./project-copy.ts";
import {startFakeOpenAI, type FakeServer} from "./server.ts";

const BUILD = 900_000;
let project: ProjectCopy;
let server: FakeServer;
const config = (spec: object) => writeFileSync(join(project.dir, "medhelm.config.json"), JSON.stringify(spec));
const dist = () => join(project.dir, "dist");
const cachedSuite = () => join(project.dir, "src", ".observablehq", "cache", "data", "suite.tar");
const labels = () => builtTable(dist(), "labels").map((r) => String(r.label)).sort();
/** One benchmark and three instances keep each build's suite small. */
const small = {benchmarks: ["med_qa"], limit: 3};
let loopback: Record<string, string>;

beforeAll(async () => {
  [project, server] = await Promise.all([copyProject(), startFakeOpenAI()]);
  loopback = {OPENAI_BASE_URL: server.baseURL};
}, 120_000);
afterAll(async () => {
  await server?.stop();
  project?.remove();
});

describe("a second build after the inputs changed", () => {
  let first: BuildResult;
  it("builds the baselines first, recording the loader's inputs, with an inline icon and no request for /favicon.ico", async () => {
    config(small);
    first = await buildProject(project.dir);
    expect(first.code, first.log).toBe(0);
    // The default build ranks the baselines among the nine published MedHELM models, and nothing else.
    const published = labels().filter((l) => l.endsWith("[MedHELM paper v2]"));
    expect(published).toHaveLength(9);
    expect(labels().filter((l) => !published.includes(l)).every((l) => l.endsWith("(baseline)"))).toBe(true);
    const record = JSON.parse(readFileSync(join(project.dir, "src/.observablehq/cache/.medhelm-inputs/data/suite.tar.json"), "utf8"));
    expect(Object.keys(record.inputs)).toEqual(expect.arrayContaining(["medhelm.config.json", "$OPENAI_BASE_URL", "benchmarks/med_qa.ts", "engine code (data-loaders/)"]));

    const harness = await startHarness(dist());
    try {
      const requested: string[] = [];
      harness.server.on("request", (req: {url?: string}) => requested.push(req.url ?? ""));
      const page = await harness.browser.newPage();
      await page.goto(`${harness.base}/manifest`, {waitUntil: "load"});
      await page.waitForTimeout(2000);
      expect(await page.locator("link[rel=icon]").getAttribute("href")).toMatch(/^data:image\/svg\+xml,/);
      expect(requested.length).toBeGreaterThan(0);
      expect(requested.filter((u) => u.includes("favicon"))).toEqual([]);
    } finally {
      await harness.close();
    }
  }, BUILD);

  it("evaluates a model added to the configuration with OPENAI_BASE_URL, and shows it", async () => {
    config({...small, models: ["baseline/first-choice", "openai/test-model"]});
    const second = await buildProject(project.dir, loopback);
    expect(second.code, second.log).toBe(0);
    expect(second.log).toContain("suite re-run: medhelm.config.json changed, $OPENAI_BASE_URL changed");
    expect((await server.stats()).byModel["test-model"]).toBe(3);
    expect(labels()).toContain("openai/test-model");
  }, BUILD);

  it("reuses the cached output when nothing changed, calling no model", async () => {
    const before = {calls: (await server.stats()).total, mtime: statSync(cachedSuite()).mtimeMs};
    const third = await buildProject(project.dir, loopback);
    expect(third.code, third.log).toBe(0);
    expect(third.log).toContain("suite: inputs unchanged, reusing the cached output");
    expect(third.log).not.toMatch(/suite\.zip → \[missing\]/);
    expect((await server.stats()).total).toBe(before.calls);
    expect(statSync(cachedSuite()).mtimeMs).toBe(before.mtime);
    expect(labels()).toContain("openai/test-model");
  }, BUILD);

  it("shows an added result folder and an edited benchmark, naming both in the log", async () => {
    const file = join(project.dir, "benchmarks", "med_qa.ts");
    const edited = readFileSync(file, "utf8")
      .replace(/description: "[^"]*"/, `description: "Edited between two builds."`)
      .replace(/instructions: "[^"]*"/, `instructions: "Answer with one letter: A, B, C or D."`);
    writeFileSync(file, edited);
    config({...small, models: ["baseline/first-choice", "openai/test-model"], site: {include: ["test/fixtures/site-include/helm-import"]}});
    const calls = (await server.stats()).byModel["test-model"];
    const fourth = await buildProject(project.dir, loopback);
    expect(fourth.code, fourth.log).toBe(0);
    expect(fourth.log).toMatch(/suite re-run: .*medhelm\.config\.json changed.*benchmarks\/med_qa\.ts changed|suite re-run: .*benchmarks\/med_qa\.ts changed.*medhelm\.config\.json changed/);
    expect(fourth.log).toContain("result folder test/fixtures/site-include/helm-import added");
    // The new instructions make new prompts, so the model is asked again.
    expect((await server.stats()).byModel["test-model"]).toBe(calls + 3);
    expect(builtTable(dist(), "catalogue").find((r) => r.benchmark === "med_qa")?.description).toBe("Edited between two builds.");
    expect(labels().some((l) => /\[helm/.test(l))).toBe(true);
  }, BUILD);

  it("fails the build on a configuration that became invalid, naming the file and the field", async () => {
    config({...small, limit: -1});
    const fifth = await buildProject(project.dir, loopback);
    expect(fifth.code).not.toBe(0);
    expect(fifth.log).toContain("suite re-run: medhelm.config.json changed");
    expect(fifth.log).toContain(`${join(project.dir, "medhelm.config.json")}: limit must be a non-negative integer, got -1`);
  }, BUILD);
});
