/**
 * `medhelm list --format json` through the command's run(): every catalogue benchmark with its
 * taxonomy, access tier and data availability, first with no user data, then with
 * MEDHELM_DATA_DIR pointing at the synthetic fixtures of the bring-your-own-data benchmarks.
 */
import {mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {afterAll, describe, expect, it} from "vitest";
import type {CommandIO} from "../data-loaders/cli/command.ts";
import list, {type ListedBenchmark} from "../data-loaders/cli/commands/list.ts";
import {loadRegistry} from "../data-loaders/benchmark/registry.ts";
import {catalogue, categories, subcategories} from "../data-loaders/benchmark/taxonomy.ts";

const fixtures = fileURLToPath(new URL("./fixtures/data/", import.meta.url));
// An empty working directory, so that no medhelm.config.json of the checkout is read.
const cwd = mkdtempSync(join(tmpdir(), "medhelm-list-"));
afterAll(() => rmSync(cwd, {recursive: true, force: true}));

async function listJson(env: Record<string, string | undefined>): Promise<{rows: ListedBenchmark[]; stderr: string; code: number}> {
  let stdout = "";
  let stderr = "";
  const io: CommandIO = {stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd, env, isTTY: false};
  const code = await list.run(["--format", "json"], io);
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
      expect(Object.keys(r).sort()).toEqual(["access", "category", "data_available", "id", "instances", "main_metric", "name", "open_ended", "subcategory"]);
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
});
