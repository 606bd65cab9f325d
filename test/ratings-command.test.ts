/**
 * `medhelm ratings sample` in process, on the fixture run with a gated benchmark
 * (test/fixtures/site-include/jury-run: ACI-Bench and the gated MIMIC-RRS, both judged): the
 * gated text switch, Zou's default sample size, and the flag errors.
 */
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import command from "../data-loaders/cli/commands/ratings.ts";
import type {CommandIO} from "../data-loaders/cli/command.ts";
import {readJudgedResponses} from "../data-loaders/clinicians/judged.ts";
import {requiredResponses} from "../data-loaders/clinicians/sample-size.ts";

const fixture = resolve("test/fixtures/site-include/jury-run");
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "medhelm-ratings-cmd-"));
});
afterAll(() => rmSync(dir, {recursive: true, force: true}));

async function sample(args: string[], config?: object): Promise<{code: number; stdout: string; stderr: string; cwd: string}> {
  const cwd = mkdtempSync(join(dir, "p-"));
  if (config) writeFileSync(join(cwd, "medhelm.config.json"), JSON.stringify(config));
  let stdout = "";
  let stderr = "";
  const io: CommandIO = {stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd, env: {}, isTTY: false};
  const code = await command.run(["sample", "--results", fixture, "--raters", "a,b", "--out", "S", "--format", "json", ...args], io);
  return {code, stdout, stderr, cwd};
}

describe("ratings sample", () => {
  it("refuses a gated benchmark by name unless publishRestrictedText is set, naming the switch", async () => {
    await expect(sample(["--benchmarks", "mimic_rrs"])).rejects.toThrow(/the texts of mimic_rrs \(gated\) are gated or private and go into rating sheets only when the configuration sets "publishRestrictedText": true/);
  });

  it("skips gated benchmarks with a message when none is named, and writes only public text", async () => {
    const {code, stdout, stderr, cwd} = await sample(["--responses", "4"]);
    expect(code).toBe(0);
    expect(stderr).toMatch(/^ratings: skipping mimic_rrs \(gated\): /);
    expect(JSON.parse(stdout).benchmarks.map((b: {benchmark: string}) => b.benchmark)).toEqual(["aci_bench"]);
    const key = readFileSync(join(cwd, "S", "key.csv"), "utf8");
    expect(key).not.toContain("mimic_rrs");
    expect(key.trim().split("\n")).toHaveLength(5);
  });

  it("includes gated text when the configuration allows it", async () => {
    const {stdout} = await sample(["--benchmarks", "mimic_rrs", "--responses", "4"], {publishRestrictedText: true});
    expect(JSON.parse(stdout).benchmarks).toEqual([{benchmark: "mimic_rrs", population: 4, responses: 4, by_model: {"fixture/alpha": 2, "fixture/beta": 2}}]);
  });

  it("sizes the sample by Zou (2012) with the finite-population correction when no --responses is given", async () => {
    const population = (await readJudgedResponses([fixture])).filter((r) => r.benchmark === "aci_bench").length;
    const {stdout} = await sample(["--benchmarks", "aci_bench"]);
    const out = JSON.parse(stdout);
    expect(out.method).toMatchObject({kind: "zou2012", expectedIcc: 0.75, width: 0.3, assurance: 0.8, base_responses: 47});
    expect(out.benchmarks[0]).toMatchObject({population, responses: requiredResponses(population)});
  });

  it("rejects bad flags, naming them", async () => {
    await expect(sample(["--overlap", "3"])).rejects.toThrow(/--overlap 3 needs at least 3 raters; --raters names 2/);
    await expect(sample(["--responses", "5", "--target-icc", "0.8"])).rejects.toThrow(/--responses fixes the sample size; do not combine it with --target-icc/);
    await expect(sample(["--target-icc", "1.5"])).rejects.toThrow(/--target-icc must be a number between 0 and 1/);
    await expect(sample(["--benchmarks", "pubmed_qa"])).rejects.toThrow(/--benchmarks: no jury-scored answers of pubmed_qa/);
  });

  it("never overwrites a study: an --out folder with a key is refused", async () => {
    const {cwd} = await sample(["--responses", "2"]);
    expect(existsSync(join(cwd, "S", "key.csv"))).toBe(true);
    let stdout = "";
    const io: CommandIO = {stdout: (t) => (stdout += t), stderr: () => {}, cwd, env: {}, isTTY: false};
    await expect(command.run(["sample", "--results", fixture, "--raters", "a,b", "--out", "S", "--responses", "2"], io)).rejects.toThrow(/already holds a key\.csv; choose a new --out/);
    expect(stdout).toBe("");
  });
});
