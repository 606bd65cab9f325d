import {tableFromIPC} from "apache-arrow";
import {unzipSync} from "fflate";
import {describe, expect, it} from "vitest";
import {paperArchive, paperSiteTables} from "../data-loaders/paper/site-tables.ts";

describe("paperSiteTables", () => {
  const tables = paperSiteTables();
  const rows = (name: keyof typeof tables, version?: string) => tables[name].rows.filter((r) => version === undefined || r.version === version);

  it("ranks Table 1 of both versions with positions and display names", () => {
    const v1 = rows("table1", "v1");
    expect(v1).toHaveLength(9);
    expect(v1[0]).toMatchObject({position: 1, model: "deepseek-ai/deepseek-r1", name: "DeepSeek R1"});
    expect(v1[0].win_rate).toBeCloseTo(0.6625, 4);
    expect(v1.at(-1)).toMatchObject({position: 9, name: "Gemini 1.5 Pro (001)"});
    expect(rows("table1", "v2")[1]).toMatchObject({position: 2, name: "o3-mini (2025-01-31)"});
  });

  it("ships every model x benchmark score, raw and normalized (jury scores by (x - 1) / 4)", () => {
    expect(rows("benchmark_scores", "v1")).toHaveLength(9 * 35);
    expect(rows("benchmark_scores", "v2")).toHaveLength(9 * 37);
    const aci = rows("benchmark_scores", "v1").find((r) => r.model === "deepseek-ai/deepseek-r1" && r.benchmark === "aci_bench")!;
    expect(aci).toMatchObject({benchmark_name: "ACI-Bench", category: "clinical_note_generation", scale: "jury", value: 4.673});
    expect(aci.value_normalized).toBeCloseTo(0.91825, 10);
    const medcalc = rows("benchmark_scores", "v1").find((r) => r.model === "deepseek-ai/deepseek-r1" && r.benchmark === "medcalc_bench")!;
    expect(medcalc).toMatchObject({scale: "unit", value: 0.348, value_normalized: 0.348, position: 1});
  });

  it("carries the paper's cost totals and the per-benchmark cost rows", () => {
    expect(rows("costs", "v1").find((r) => r.model === "deepseek-ai/deepseek-r1")).toEqual({
      version: "v1", model: "deepseek-ai/deepseek-r1", benchmark_cost: 848.21, jury_cost: 957.96, total_cost: 1806.17
    });
    expect(rows("cost_details", "v1")).toHaveLength(9 * 35);
    const claudeAci = rows("cost_details", "v1").find((r) => r.model === "anthropic/claude-3-5-sonnet-20241022" && r.benchmark === "aci_bench")!;
    expect(claudeAci).toMatchObject({open_ended: true, instances: 120, model_cost: 1.98, jury_cost: 14.46, total_cost: 16.44});
  });

  it("names the 5 categories and 22 subcategories and lists dated prices with sources", () => {
    expect(rows("groups").filter((r) => r.kind === "category")).toHaveLength(5);
    expect(rows("groups").filter((r) => r.kind === "subcategory")).toHaveLength(22);
    expect(rows("prices").find((r) => r.model === "deepseek-ai/deepseek-r1")).toMatchObject({input_usd_per_1m: 1.35, output_usd_per_1m: 5.4, as_of: "2025-05-12"});
    expect(rows("prices").every((r) => typeof r.source === "string" && (r.source as string).length > 0)).toBe(true);
  });
});

describe("paperArchive", () => {
  it("zips one Arrow file per table that reads back with the same rows", () => {
    const files = unzipSync(paperArchive());
    expect(Object.keys(files).sort()).toEqual(
      ["benchmark_scores", "category_scores", "category_win_rates", "cost_details", "costs", "groups", "prices", "subcategory_scores", "table1"].map((n) => `${n}.arrow`)
    );
    const table1 = tableFromIPC(files["table1.arrow"]);
    expect(table1.numRows).toBe(18);
    expect(table1.get(0)!.toJSON()).toMatchObject({version: "v1", position: 1, name: "DeepSeek R1"});
  });
});
