/**
 * The MedHELM paper's leaderboard views over a model x benchmark grid of main-metric scores:
 * 0-1 normalization, macro-average with its SD, Table 1 (win rate, Win SD, macro-average),
 * category and subcategory scores, and win rates restricted to a category's or subcategory's
 * columns (the analysis repo's `tables/1_win_rate_table.py` and `plots/1_heatmap.py`).
 */
import {categories, catalogueEntry, categoryOf, subcategories} from "../benchmark/taxonomy.ts";
import {meanWinRates, winSd, type ScoreTable} from "../stats/winrate.ts";

/**
 * Main-metric scores of models on benchmarks. `values[m][b]` is the score of `models[m]` on
 * `benchmarks[b]` (benchmark ids from the catalogue) on the metric's own scale, or null when
 * the model has no result there. Plain arrays keep the grid serialisable and easy to build in
 * tests; `gridFromCells` builds one from a list of cells.
 */
export interface ScoreGrid {
  models: string[];
  benchmarks: string[];
  values: Array<Array<number | null>>;
}

/** One leaderboard cell, the long-format alternative to a `ScoreGrid`. */
export interface ScoreCell {
  model: string;
  benchmark: string;
  value: number | null;
}

/**
 * The scale of a main metric: `jury` for LLM-jury scores on 1-5, `unit` for metrics already
 * in [0, 1] (exact match, accuracy, F1, execution accuracy).
 */
export type MetricScale = "jury" | "unit";

/**
 * The scale of a catalogue benchmark's main metric. Every open-ended MedHELM benchmark is
 * scored by the jury and every closed one on 0-1, so `openEnded` decides; an unknown id throws
 * because guessing would silently skew the macro-average.
 */
export function catalogueScale(benchmark: string): MetricScale {
  const entry = catalogueEntry(benchmark);
  if (!entry) throw new Error(`unknown benchmark: ${benchmark}`);
  return entry.openEnded ? "jury" : "unit";
}

/**
 * A score mapped to 0-1 as in the paper's final analysis: jury scores by `(x - 1) / 4` (the
 * 1-5 scale's minimum becomes 0), everything else unchanged. The earlier `x / 5` rule of the
 * analysis repo is deliberately not offered, so that one rule is used throughout.
 */
export function normalizeScore(value: number, scale: MetricScale): number {
  return scale === "jury" ? (value - 1) / 4 : value;
}

/** A grid built from cells; models and benchmarks keep their order of first appearance, and a repeated cell throws. */
export function gridFromCells(cells: readonly ScoreCell[]): ScoreGrid {
  const models: string[] = [];
  const benchmarks: string[] = [];
  for (const {model, benchmark} of cells) {
    if (!models.includes(model)) models.push(model);
    if (!benchmarks.includes(benchmark)) benchmarks.push(benchmark);
  }
  const values: Array<Array<number | null>> = models.map(() => benchmarks.map(() => null));
  const seen = new Set<string>();
  for (const {model, benchmark, value} of cells) {
    const key = `${model}\u0000${benchmark}`;
    if (seen.has(key)) throw new Error(`duplicate cell: ${model} on ${benchmark}`);
    seen.add(key);
    values[models.indexOf(model)][benchmarks.indexOf(benchmark)] = value;
  }
  return {models, benchmarks, values};
}

/** The grid with every score normalized to 0-1 according to `scaleOf` (the catalogue by default). */
export function normalizeGrid(grid: ScoreGrid, scaleOf: (benchmark: string) => MetricScale = catalogueScale): ScoreGrid {
  const scales = grid.benchmarks.map(scaleOf);
  return {
    ...grid,
    values: grid.values.map((row) => row.map((v, b) => (v === null ? null : normalizeScore(v, scales[b]))))
  };
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Sample standard deviation (ddof 1), null for fewer than two values. */
function sampleSd(xs: readonly number[]): number | null {
  if (xs.length < 2) return null;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

/** The grid restricted to the benchmarks that `keep` accepts, in their original order. */
function selectBenchmarks(grid: ScoreGrid, keep: (benchmark: string) => boolean): ScoreGrid {
  const idx = grid.benchmarks.map((b, i) => (keep(b) ? i : -1)).filter((i) => i >= 0);
  return {
    models: grid.models,
    benchmarks: idx.map((i) => grid.benchmarks[i]),
    values: grid.values.map((row) => idx.map((i) => row[i]))
  };
}

/**
 * The grid as a win-rate table. Every MedHELM main metric is higher-is-better, so that is the
 * default; pass `lowerIsBetter` for other metrics (null ignores a column).
 */
export function scoreTable(grid: ScoreGrid, lowerIsBetter: (benchmark: string) => boolean | null = () => false): ScoreTable {
  return {values: grid.values, lowerIsBetter: grid.benchmarks.map(lowerIsBetter)};
}

/** One row of the paper's Table 1. */
export interface SummaryRow {
  model: string;
  /** HELM mean win rate over all benchmark columns. */
  win_rate: number | null;
  /** Population SD of the pairwise win fractions against each rival. */
  win_sd: number | null;
  /** Mean of the normalized (0-1) scores. */
  macro_avg: number | null;
  /** Sample SD of the normalized scores. */
  sd: number | null;
}

/** Macro-average and sample SD of each model's normalized scores over its non-null benchmarks. */
export function macroAverages(grid: ScoreGrid, scaleOf: (benchmark: string) => MetricScale = catalogueScale): Array<{model: string; macro_avg: number | null; sd: number | null}> {
  const normalized = normalizeGrid(grid, scaleOf);
  return grid.models.map((model, m) => {
    const xs = normalized.values[m].filter((v): v is number => v !== null);
    return {model, macro_avg: xs.length ? mean(xs) : null, sd: sampleSd(xs)};
  });
}

/**
 * The paper's Table 1: win rate, Win SD, macro-average and SD per model, sorted by win rate
 * (highest first; ties and nulls keep grid order, nulls last). Win SD compares normalized
 * scores as the paper does; normalization is strictly increasing, so raw scores give the same.
 */
export function summaryTable(grid: ScoreGrid, scaleOf: (benchmark: string) => MetricScale = catalogueScale): SummaryRow[] {
  // Win rates use the raw cells, exactly like HELM's leaderboard; Win SD uses normalized ones like the paper.
  const wins = meanWinRates(scoreTable(grid));
  const sds = winSd(scoreTable(normalizeGrid(grid, scaleOf)));
  const macro = macroAverages(grid, scaleOf);
  const rows = grid.models.map((model, m) => ({model, win_rate: wins[m], win_sd: sds[m], macro_avg: macro[m].macro_avg, sd: macro[m].sd}));
  return rows
    .map((row, i) => ({row, i}))
    .sort((a, b) => (b.row.win_rate ?? -Infinity) - (a.row.win_rate ?? -Infinity) || a.i - b.i)
    .map(({row}) => row);
}

/** A model's score or win rate on one group of benchmarks (a category or a subcategory). */
export interface GroupValue {
  model: string;
  group: string;
  value: number | null;
}

/**
 * Per model and group: the mean of the normalized scores of the group's benchmarks where the
 * model has a value (null if none). Groups are reported in `order`, skipping groups with no
 * benchmark in the grid.
 */
export function groupScores(grid: ScoreGrid, groupOf: (benchmark: string) => string, order: readonly string[], scaleOf: (benchmark: string) => MetricScale = catalogueScale): GroupValue[] {
  const normalized = normalizeGrid(grid, scaleOf);
  const out: GroupValue[] = [];
  for (const group of order) {
    const part = selectBenchmarks(normalized, (b) => groupOf(b) === group);
    if (!part.benchmarks.length) continue;
    part.models.forEach((model, m) => {
      const xs = part.values[m].filter((v): v is number => v !== null);
      out.push({model, group, value: xs.length ? mean(xs) : null});
    });
  }
  return out;
}

/**
 * Per model and group: HELM's mean win rate computed on the group's columns only, as in HELM's
 * per-category leaderboard tables. Groups follow `order`, skipping groups with no benchmark.
 */
export function groupWinRates(grid: ScoreGrid, groupOf: (benchmark: string) => string, order: readonly string[], lowerIsBetter: (benchmark: string) => boolean | null = () => false): GroupValue[] {
  const out: GroupValue[] = [];
  for (const group of order) {
    const part = selectBenchmarks(grid, (b) => groupOf(b) === group);
    if (!part.benchmarks.length) continue;
    const wins = meanWinRates(scoreTable(part, lowerIsBetter));
    part.models.forEach((model, m) => out.push({model, group, value: wins[m]}));
  }
  return out;
}

const subcategoryOf = (benchmark: string): string => {
  const entry = catalogueEntry(benchmark);
  if (!entry) throw new Error(`unknown benchmark: ${benchmark}`);
  return entry.subcategory;
};
const categoryOrder = categories.map((c) => c.id);
const subcategoryOrder = subcategories.map((s) => s.id);

/** Category scores of catalogue benchmarks (mean normalized score per model and category, taxonomy order). */
export function categoryScores(grid: ScoreGrid): Array<{model: string; category: string; score: number | null}> {
  return groupScores(grid, categoryOf, categoryOrder).map(({model, group, value}) => ({model, category: group, score: value}));
}

/** Subcategory scores of catalogue benchmarks (mean normalized score per model and subcategory, taxonomy order). */
export function subcategoryScores(grid: ScoreGrid): Array<{model: string; subcategory: string; score: number | null}> {
  return groupScores(grid, subcategoryOf, subcategoryOrder).map(({model, group, value}) => ({model, subcategory: group, score: value}));
}

/** Category win rates of catalogue benchmarks (HELM mean win rate on each category's columns). */
export function categoryWinRates(grid: ScoreGrid): Array<{model: string; category: string; win_rate: number | null}> {
  return groupWinRates(grid, categoryOf, categoryOrder).map(({model, group, value}) => ({model, category: group, win_rate: value}));
}

/** Subcategory win rates of catalogue benchmarks (HELM mean win rate on each subcategory's columns). */
export function subcategoryWinRates(grid: ScoreGrid): Array<{model: string; subcategory: string; win_rate: number | null}> {
  return groupWinRates(grid, subcategoryOf, subcategoryOrder).map(({model, group, value}) => ({model, subcategory: group, win_rate: value}));
}
