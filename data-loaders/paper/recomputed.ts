/**
 * The MedHELM paper's published data (`reference/medhelm-paper/`) parsed into catalogue ids,
 * and the paper's headline tables recomputed from it: Table 1 (win rate, Win SD, macro-average),
 * category and subcategory scores, category win rates and per-model cost totals. `v1` is the
 * arXiv paper (35 benchmarks), `v2` the later 37-benchmark state of the analysis repo.
 */
import {readFileSync} from "node:fs";
import {delimitedRecords, delimitedTable} from "../formats/csv.ts";
import {categoryScores, categoryWinRates, subcategoryScores, summaryTable, type ScoreGrid, type SummaryRow} from "./leaderboard.ts";
import {catalogue, catalogueEntry} from "../benchmark/taxonomy.ts";

/** One of the paper's nine models under its three names. */
export interface PaperModel {
  /** HELM model id, used as `model` in every output row. */
  model: string;
  /** Row label in the leaderboard CSV. */
  name: string;
  /** Model key in the cost tables. */
  costKey: string;
}

/** The nine models of the paper, in the order of its Table 1. */
export const paperModels: readonly PaperModel[] = [
  {model: "deepseek-ai/deepseek-r1", name: "DeepSeek R1", costKey: "deepseek_r1"},
  {model: "openai/o3-mini-2025-01-31", name: "o3-mini (2025-01-31)", costKey: "o3_mini_2025_01_31"},
  {model: "anthropic/claude-3-7-sonnet-20250219", name: "Claude 3.7 Sonnet (20250219)", costKey: "claude_3_7_sonnet_20250219"},
  {model: "anthropic/claude-3-5-sonnet-20241022", name: "Claude 3.5 Sonnet (20241022)", costKey: "claude_3_5_sonnet_20241022"},
  {model: "openai/gpt-4o-2024-05-13", name: "GPT-4o (2024-05-13)", costKey: "gpt_4o_2024_05_13"},
  {model: "google/gemini-2.0-flash-001", name: "Gemini 2.0 Flash", costKey: "gemini_2.0_flash_001"},
  {model: "openai/gpt-4o-mini-2024-07-18", name: "GPT-4o mini (2024-07-18)", costKey: "gpt_4o_mini_2024_07_18"},
  {model: "meta/llama-3.3-70b-instruct", name: "Llama 3.3 Instruct (70B)", costKey: "llama_3.3_70b_instruct"},
  {model: "google/gemini-1.5-pro-001", name: "Gemini 1.5 Pro (001)", costKey: "gemini_1.5_pro_001"}
];

function modelBy(key: "name" | "costKey", value: string, where: string): string {
  const found = paperModels.find((m) => m[key] === value);
  if (!found) throw new Error(`unknown model ${JSON.stringify(value)} in ${where}`);
  return found.model;
}

/** HELM's aggregate column, which the leaderboard export may carry; it is recomputed, never read. */
const WIN_RATE_COLUMN = "Mean win rate";

/**
 * Parses a leaderboard CSV (first column `Model`, then one `"<benchmark> - <metric>"` column per
 * benchmark) into a grid of raw scores keyed by HELM model id and catalogue benchmark id. An
 * unknown header or model throws: a silently dropped column would change every win rate.
 */
export function parseLeaderboard(text: string, where = "leaderboard"): ScoreGrid {
  const table = delimitedTable(text, where);
  const rows = table.records.map((r) => r.fields);
  const [first, ...headers] = table.columns;
  if (first !== "Model") throw new Error(`${where}: first column is ${JSON.stringify(first)}, expected "Model"`);
  const columns = headers.filter((h) => h !== WIN_RATE_COLUMN);
  const benchmarks = columns.map((h) => {
    const entry = catalogue.find((b) => b.helmColumn === h.trim());
    if (!entry) throw new Error(`${where}: unknown column ${JSON.stringify(h)}`);
    return entry.id;
  });
  const models = rows.map((r) => modelBy("name", r.Model ?? "", where));
  const values = rows.map((r, i) =>
    columns.map((h) => {
      const cell = (r[h] ?? "").trim();
      if (cell === "") return null;
      const v = Number(cell);
      if (!Number.isFinite(v)) throw new Error(`${where} line ${i + 2}: bad value ${JSON.stringify(cell)} in ${JSON.stringify(h)}`);
      return v;
    })
  );
  return {models, benchmarks, values};
}

/** One row of a MedHELM cost table: a model's dry-run tokens and costs on a benchmark. */
export interface CostRow {
  model: string;
  benchmark: string;
  open_ended: boolean;
  instances: number;
  input_tokens: number;
  output_tokens: number;
  judge_input_tokens: number;
  judge_output_tokens: number;
  /** USD, rounded to the cent as published. */
  cost_input: number;
  cost_output: number;
  cost_jury_input: number;
  cost_jury_output: number;
  cost_total: number;
}

/** Cost-table benchmark names that are not a catalogue name (compared case-insensitively). */
const costBenchmarkAliases: Record<string, string> = {
  "n2c2": "n2c2_ct_matching",
  "mimic-iv-bhc": "mimic_bhc",
  "mimic-bhc": "mimic_bhc"
};

/** The catalogue id of a benchmark display name used in the cost tables. */
export function costBenchmarkId(name: string): string | undefined {
  const key = name.trim().toLowerCase();
  return costBenchmarkAliases[key] ?? catalogue.find((b) => b.name.toLowerCase() === key)?.id;
}

/** A cost-table number: quoted cells may carry thousands separators and trailing spaces. */
function costNumber(cell: string | undefined, where: string): number {
  const text = (cell ?? "").replace(/,/g, "").trim();
  const v = Number(text);
  if (text === "" || !Number.isFinite(v)) throw new Error(`${where}: bad number ${JSON.stringify(cell)}`);
  return v;
}

/** Parses a MedHELM cost table (`data/costs.csv`) into rows keyed by HELM model id and benchmark id. */
export function parseCosts(text: string, where = "costs"): CostRow[] {
  return delimitedRecords(text, where).map(({fields: r, line: at}) => {
    const line = `${where} line ${at}`;
    const benchmark = costBenchmarkId(r.Benchmark ?? "");
    if (!benchmark) throw new Error(`${line}: unknown benchmark ${JSON.stringify(r.Benchmark)}`);
    const type = (r["Question Type"] ?? "").trim();
    if (type !== "Open" && type !== "Closed") throw new Error(`${line}: bad question type ${JSON.stringify(type)}`);
    const n = (column: string) => costNumber(r[column], `${line} ${column}`);
    return {
      model: modelBy("costKey", (r.Model ?? "").trim(), line),
      benchmark,
      open_ended: type === "Open",
      instances: n("Test Instances"),
      input_tokens: n("Total Input Tokens"),
      output_tokens: n("Total Output Tokens"),
      judge_input_tokens: n("Total Judge Input Tokens"),
      judge_output_tokens: n("Total Judge Output Tokens"),
      cost_input: n("Cost Input Tokens"),
      cost_output: n("Cost Output Tokens"),
      cost_jury_input: n("Cost Jury Input Tokens"),
      cost_jury_output: n("Cost Jury Output Tokens"),
      cost_total: n("Cost Input Output Tokens")
    };
  });
}

/** A model's summed cost over all benchmarks, in USD. */
export interface CostTotal {
  model: string;
  /** Evaluated model's input plus output cost. */
  benchmark_cost: number;
  /** Jury input plus output cost. */
  jury_cost: number;
  total_cost: number;
}

const cents = (usd: number): number => Math.round(usd * 100) / 100;

/**
 * Per-model totals as in the analysis repo's `data/token_utilization.csv`: the sums of the
 * published (cent-rounded) cost cells, model and jury apart, in `order` of models.
 */
export function costTotals(rows: readonly CostRow[], order: readonly string[] = paperModels.map((m) => m.model)): CostTotal[] {
  return order.map((model) => {
    const mine = rows.filter((r) => r.model === model);
    const benchmark = mine.reduce((s, r) => s + r.cost_input + r.cost_output, 0);
    const jury = mine.reduce((s, r) => s + r.cost_jury_input + r.cost_jury_output, 0);
    return {model, benchmark_cost: cents(benchmark), jury_cost: cents(jury), total_cost: cents(benchmark + jury)};
  });
}

/** The recomputed tables of one version of the paper. */
export interface PaperTables {
  /** Benchmark ids of the version, in leaderboard order. */
  benchmarks: string[];
  /** The models with their leaderboard names, in leaderboard row order. */
  models: Array<{model: string; name: string}>;
  table1: SummaryRow[];
  category_scores: Array<{model: string; category: string; score: number | null}>;
  category_win_rates: Array<{model: string; category: string; win_rate: number | null}>;
  subcategory_scores: Array<{model: string; subcategory: string; score: number | null}>;
  costs: CostTotal[];
}

/** Table 1 and the other paper views from a parsed leaderboard and cost table. */
export function paperTables(grid: ScoreGrid, costs: readonly CostRow[]): PaperTables {
  const known = new Set(grid.benchmarks);
  for (const row of costs) {
    if (!known.has(row.benchmark)) throw new Error(`cost table has benchmark ${row.benchmark} that the leaderboard lacks`);
    if (row.open_ended !== catalogueEntry(row.benchmark)!.openEnded) throw new Error(`cost table question type of ${row.benchmark} contradicts the catalogue`);
  }
  return {
    benchmarks: grid.benchmarks,
    models: grid.models.map((model) => ({model, name: paperModels.find((m) => m.model === model)!.name})),
    table1: summaryTable(grid),
    category_scores: categoryScores(grid),
    category_win_rates: categoryWinRates(grid),
    subcategory_scores: subcategoryScores(grid),
    costs: costTotals(costs, grid.models)
  };
}

/** Both versions of the paper's tables. */
export interface PaperReproduction {
  /** arXiv v1: 35 benchmarks (`leaderboard-35.csv`, `costs-35.csv`). */
  v1: PaperTables;
  /** 37 benchmarks with MedQA and MedMCQA (`leaderboard-37.csv`, `costs-37.csv`). */
  v2: PaperTables;
}

/** Where the paper CSVs live in this repository. */
export const paperDataDir = new URL("../../reference/medhelm-paper/", import.meta.url);

/** The published inputs of one version: the raw leaderboard grid and the per-benchmark cost rows. */
export interface PaperSource {
  grid: ScoreGrid;
  costs: CostRow[];
}

/** Reads and parses both versions' leaderboard and cost CSVs from `dir` (the repository copy by default). */
export function readPaperSources(dir: URL = paperDataDir): {v1: PaperSource; v2: PaperSource} {
  const read = (file: string) => readFileSync(new URL(file, dir), "utf8");
  const version = (n: 35 | 37): PaperSource => ({
    grid: parseLeaderboard(read(`leaderboard-${n}.csv`), `leaderboard-${n}.csv`),
    costs: parseCosts(read(`costs-${n}.csv`), `costs-${n}.csv`)
  });
  return {v1: version(35), v2: version(37)};
}

/** Recomputes the paper's tables from the CSVs in `dir` (the repository copy by default). */
export function reproducePaper(dir: URL = paperDataDir): PaperReproduction {
  const {v1, v2} = readPaperSources(dir);
  return {v1: paperTables(v1.grid, v1.costs), v2: paperTables(v2.grid, v2.costs)};
}
