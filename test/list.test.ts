/**
 * `medhelm list --format json` through the command's run(): every catalogue benchmark with its
 * taxonomy, access tier and data availability, first with no user data, then with
 * MEDHELM_DATA_DIR pointing at the synthetic fixtures of the bring-your-own-data benchmarks; and a
 * team's benchmark without a subcategory, marked as outside MedHELM's taxonomy in both formats.
 */
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {afterAll, describe, expect, it} from "vitest";
import type {CommandIO} from "../data-loaders/cli/command.ts";
import list, {type ListedBenchmark} from "../data-loaders/cli/commands/list.ts";
import {loadRegistry} from "../data-loaders/benchmark/registry.ts";
import {catalogue, categories, subcategories, UNCLASSIFIED} from "../data-loaders/benchmark/taxonomy.ts";

const fixtures = fileURLToPath(new URL("./fixtures/data/", import.meta.url));
// An empty working directory, so that no medhelm.config.json of the checkout is read.
const cwd = mkdtempSync(join(tmpdir(), "medhelm-list-"));
afterAll(() => rmSync(cwd, {recursive: true, force: true}));

/** Runs `list` in `dir` with `args`, returning what it printed. */
async function listIn(dir: string, args: string[], env: Record<string, string | undefined>): Promise<{stdout: string; stderr: string; code: number}> {
  let stdout = "";
  let stderr = "";
  const io: CommandIO = {stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd: dir, env, isTTY: false};
  const code = await list.run(args, io);
  return {stdout, stderr, code};
}

async function listJson(env: Record<string, string | undefined>): Promise<{rows: ListedBenchmark[]; stderr: string; code: number}> {
  const {stdout, stderr, code} = await listIn(cwd, ["--format", "json"], env);
  return {rows: JSON.parse(stdout) as ListedBenchmark[], stderr, code};
}

const local = (await loadRegistry()).filter((b) => b.data.location === "local").map((b) => b.id);

describe("medhelm list --format json", () => {
  it("lists every catalogue benchmark with its taxonomy, access tier, metric and data availability", async () => {
    const {rows, code} = await listJson({MEDHELM_DATA_DIR: join(cwd, "no-data")});
    expect(code).toBe(0);
    expect(rows).toHaveLength(catalogue.length);
    expect(rows.map((r) => r.id).sort()).toEqual(catalogue.map((c) => c.id).sort());
    for (const r of rows) {
      expect(Object.keys(r).sort()).toEqual(["access", "category", "data_available", "id", "in_taxonomy", "instances", "main_metric", "name", "open_ended", "subcategory"]);
      expect(r.in_taxonomy).toBe(true);
      expect(["public", "gated", "private"]).toContain(r.access);
      expect(typeof r.open_ended).toBe("boolean");
      expect(r.main_metric).toMatch(/^[a-z0-9_]+$/);
    }
  });

  it("covers all 5 categories and 22 subcategories", async () => {
    const {rows} = await listJson({MEDHELM_DATA_DIR: join(cwd, "no-data")});
    expect(new Set(rows.map((r) => r.category))).toEqual(new Set(categories.map((c) => c.id)));
    expect(new Set(rows.map((r) => r.subcategory))).toEqual(new Set(subcategories.map((s) => s.id)));
    expect(subcategories).toHaveLength(22);
  });

  it("reports the shipped benchmarks as available and the bring-your-own-data ones as not, without failing", async () => {
    const {rows, stderr} = await listJson({MEDHELM_DATA_DIR: join(cwd, "no-data")});
    expect(rows.filter((r) => r.data_available).length).toBeGreaterThanOrEqual(9);
    expect(local.length).toBeGreaterThanOrEqual(28);
    for (const id of local) expect(rows.find((r) => r.id === id)).toMatchObject({data_available: false, instances: null});
    expect(stderr).toBe("");
  });

  it("reports every bring-your-own-data benchmark as available, with its instance count, when MEDHELM_DATA_DIR holds its files", async () => {
    const {rows, stderr} = await listJson({MEDHELM_DATA_DIR: fixtures});
    expect(stderr).toBe("");
    for (const id of local) {
      const row = rows.find((r) => r.id === id)!;
      expect(row.data_available, id).toBe(true);
      expect(row.instances, id).toBeGreaterThan(0);
    }
    expect(rows.every((r) => r.data_available)).toBe(true);
  });

  it("lists a MedHELM-format benchmark without a subcategory as not in MedHELM's taxonomy, and says how to place it", async () => {
    const project = mkdtempSync(join(tmpdir(), "medhelm-list-unplaced-"));
    try {
      mkdirSync(join(project, "team"));
      writeFileSync(join(project, "medhelm.config.json"), JSON.stringify({benchmarkDirs: ["team"]}));
      writeFileSync(join(project, "team", "unplaced.yaml"), "name: UNPLACED\ndescription: Yes or no.\nprompt_file: prompt.txt\ndataset_file: data.csv\nmetrics:\n  - name: exact_match\n");
      writeFileSync(join(project, "team", "prompt.txt"), "Question: {question}\n");
      writeFileSync(join(project, "team", "data.csv"), "question,correct_answer\nIs it?,Yes\n");
      const env = {MEDHELM_DATA_DIR: join(cwd, "no-data")};
      const json = await listIn(project, ["--format", "json"], env);
      expect(json.stderr).toBe("");
      const rows = JSON.parse(json.stdout) as ListedBenchmark[];
      expect(rows.at(-1)).toEqual({
        id: "unplaced", name: "UNPLACED", category: UNCLASSIFIED, subcategory: UNCLASSIFIED, in_taxonomy: false,
        access: "private", open_ended: false, main_metric: "exact_match", data_available: true, instances: 1
      });
      expect(rows.filter((r) => !r.in_taxonomy)).toHaveLength(1);
      const table = await listIn(project, [], env);
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(/^unplaced +\(not in MedHELM's taxonomy\) +private +closed +1 instances$/m);
      expect(table.stdout).toMatch(/\n1 benchmark not in MedHELM's taxonomy \(no subcategory given\): unplaced\. They count in the overall win rate; add "subcategory: <id>"/);
    } finally {
      rmSync(project, {recursive: true, force: true});
    }
  });
});
