/**
 * The published MedHELM results as the site's tables: the recomputed paper tables of both
 * versions (`paper.ts`), the per-benchmark scores behind the heatmap, the per-benchmark cost
 * estimates, the taxonomy's display names and the price table. Every table carries a `version`
 * column (`v1` = arXiv, 35 benchmarks; `v2` = 37 benchmarks) where it depends on the version, so
 * that a page switches versions with a WHERE clause. Packed as Arrow IPC files in one zip.
 */
import {zipSync} from "fflate";
import {rowsToArrowIPC, type ColumnSpec} from "../formats/arrow-rows.ts";
import {catalogueScale, normalizeScore} from "./leaderboard.ts";
import {paperTables, readPaperSources, type PaperSource} from "./recomputed.ts";
import {prices, type Price} from "../cost/prices.ts";
import {catalogueEntry, categories, categoryOf, subcategories} from "../benchmark/taxonomy.ts";

/** The two published versions. */
export type PaperVersion = "v1" | "v2";

/** A table of the site: its rows and declared column types. */
export interface SiteTable {
  columns: ColumnSpec;
  rows: Array<Record<string, unknown>>;
}

/** Column types of every table this module produces, by table name. */
export const paperSiteColumns = {
  table1: {version: "string", position: "integer", model: "string", name: "string", win_rate: "number", win_sd: "number", macro_avg: "number", sd: "number"},
  benchmark_scores: {
    version: "string", model: "string", benchmark: "string", benchmark_name: "string", category: "string", subcategory: "string",
    position: "integer", scale: "string", value: "number", value_normalized: "number"
  },
  category_scores: {version: "string", model: "string", category: "string", score: "number"},
  category_win_rates: {version: "string", model: "string", category: "string", win_rate: "number"},
  subcategory_scores: {version: "string", model: "string", subcategory: "string", score: "number"},
  costs: {version: "string", model: "string", benchmark_cost: "number", jury_cost: "number", total_cost: "number"},
  cost_details: {
    version: "string", model: "string", benchmark: "string", benchmark_name: "string", open_ended: "boolean", instances: "integer",
    input_tokens: "number", output_tokens: "number", judge_input_tokens: "number", judge_output_tokens: "number",
    model_cost: "number", jury_cost: "number", total_cost: "number"
  },
  groups: {kind: "string", id: "string", name: "string", category: "string", position: "integer"},
  prices: {
    model: "string", input_usd_per_1m: "number", output_usd_per_1m: "number", as_of: "string", source: "string",
    batch_input_usd_per_1m: "number", batch_output_usd_per_1m: "number", batch_source: "string"
  }
} satisfies Record<string, ColumnSpec>;

/** Name of a table of the paper archive. */
export type PaperTableName = keyof typeof paperSiteColumns;

const benchmarkName = (id: string): string => catalogueEntry(id)?.name ?? id;

/** The version-dependent tables of one version, from its parsed leaderboard and costs. */
export function versionRows(version: PaperVersion, source: PaperSource): Record<Exclude<PaperTableName, "groups" | "prices">, Array<Record<string, unknown>>> {
  const tables = paperTables(source.grid, source.costs);
  const name = (model: string) => tables.models.find((m) => m.model === model)?.name ?? model;
  const tag = (rows: readonly object[]): Array<Record<string, unknown>> => rows.map((r) => ({version, ...r}));
  const {grid} = source;
  const benchmark_scores = grid.models.flatMap((model, m) =>
    grid.benchmarks.map((benchmark, b) => {
      const value = grid.values[m][b];
      const scale = catalogueScale(benchmark);
      return {
        version, model, benchmark, benchmark_name: benchmarkName(benchmark), category: categoryOf(benchmark),
        subcategory: catalogueEntry(benchmark)!.subcategory, position: b + 1, scale,
        value, value_normalized: value === null ? null : normalizeScore(value, scale)
      };
    })
  );
  // The published cost cells are rounded to the cent, so sums are rounded again to drop float noise.
  const cents = (usd: number) => Math.round(usd * 100) / 100;
  const cost_details = source.costs.map((c) => ({
    version, model: c.model, benchmark: c.benchmark, benchmark_name: benchmarkName(c.benchmark), open_ended: c.open_ended,
    instances: c.instances, input_tokens: c.input_tokens, output_tokens: c.output_tokens,
    judge_input_tokens: c.judge_input_tokens, judge_output_tokens: c.judge_output_tokens,
    model_cost: cents(c.cost_input + c.cost_output), jury_cost: cents(c.cost_jury_input + c.cost_jury_output), total_cost: c.cost_total
  }));
  return {
    table1: tables.table1.map((r, i) => ({version, position: i + 1, name: name(r.model), ...r})),
    benchmark_scores,
    category_scores: tag(tables.category_scores),
    category_win_rates: tag(tables.category_win_rates),
    subcategory_scores: tag(tables.subcategory_scores),
    costs: tag(tables.costs),
    cost_details
  };
}

/** Display names of categories and subcategories in taxonomy order, for pages that show ids from any source. */
export function groupRows(): Array<Record<string, unknown>> {
  return [
    ...categories.map((c, i) => ({kind: "category", id: c.id, name: c.name, category: c.id, position: i + 1})),
    ...subcategories.map((s, i) => ({kind: "subcategory", id: s.id, name: s.name, category: s.category, position: i + 1}))
  ];
}

/** The price table, sorted by model and date. */
export function priceRows(table: readonly Price[] = prices): Array<Record<string, unknown>> {
  return [...table].sort((a, b) => a.model.localeCompare(b.model) || a.as_of.localeCompare(b.as_of)).map((p) => ({...p}));
}

/** Every table of the paper archive, both versions stacked. */
export function paperSiteTables(sources: {v1: PaperSource; v2: PaperSource} = readPaperSources()): Record<PaperTableName, SiteTable> {
  const v1 = versionRows("v1", sources.v1);
  const v2 = versionRows("v2", sources.v2);
  const rows: Record<PaperTableName, Array<Record<string, unknown>>> = {
    table1: [...v1.table1, ...v2.table1],
    benchmark_scores: [...v1.benchmark_scores, ...v2.benchmark_scores],
    category_scores: [...v1.category_scores, ...v2.category_scores],
    category_win_rates: [...v1.category_win_rates, ...v2.category_win_rates],
    subcategory_scores: [...v1.subcategory_scores, ...v2.subcategory_scores],
    costs: [...v1.costs, ...v2.costs],
    cost_details: [...v1.cost_details, ...v2.cost_details],
    groups: groupRows(),
    prices: priceRows()
  };
  const out = {} as Record<PaperTableName, SiteTable>;
  for (const name of Object.keys(paperSiteColumns) as PaperTableName[]) out[name] = {columns: paperSiteColumns[name], rows: rows[name]};
  return out;
}

/** The zip the site's `data/paper.zip` loader writes: one `<table>.arrow` per table. */
export function paperArchive(tables: Record<string, SiteTable> = paperSiteTables()): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  for (const [name, table] of Object.entries(tables)) files[`${name}.arrow`] = rowsToArrowIPC(table.rows, table.columns);
  return zipSync(files, {level: 6});
}
