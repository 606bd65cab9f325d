/**
 * The statistics behind the site's tables, as pure functions: bootstrap CIs of every leaderboard
 * cell, mean win rates with CIs and rank intervals, paired comparisons of every pair of
 * leaderboard entries, metric-vs-metric and judge-vs-judge correlations, jury agreement
 * (Krippendorff's alpha) and the paper's tables on our own runs. The resampling statistics read
 * the columns of `stat-columns.ts` (the `...Of` functions; the row forms wrap them for tests and
 * small inputs) and keep per-column results in the memo they are given. `archive.ts` reads the
 * values from DuckDB and writes the results back; nothing here does I/O.
 *
 * An "entry" is one row of the leaderboard: a model from one source (native runs, imported HELM
 * runs, ...), named by its `label`. Instance-level values of one entry are already averaged over
 * the runs that evaluated the same instance.
 */
import {createHash} from "node:crypto";
import {minimumDetectableEffect, winRateIntervals, type ResampledBenchmark} from "../stats/bootstrap.ts";
import {columnSums, comparePair, drawResamples, meansOf, pairColumn, percentileInterval, type ColumnSums, type InstanceResamples} from "../stats/shared-resamples.ts";
import {seededFor} from "../stats/random.ts";
import {kendallTauB, pearson, spearman} from "../stats/correlation.ts";
import {krippendorffAlpha} from "../stats/krippendorff.ts";
import {categoryScores, categoryWinRates, subcategoryScores, summaryTable, type ScoreGrid} from "../paper/leaderboard.ts";
import {catalogueEntry} from "../benchmark/taxonomy.ts";
import {columnsFromRows, type BenchmarkColumns, type StatColumn, type StatRow} from "./stat-columns.ts";

/** Settings shared by every resampling statistic of the site. */
export interface SiteStatsOptions {
  /** Base seed; each benchmark derives its own stream from it (0 by default). */
  seed?: number;
  /** Bootstrap resamples (1000 by default). */
  resamples?: number;
}

/**
 * Where the statistics keep per-column results between builds: returns what is stored under
 * `key` in `namespace`, or stores and returns `compute()`. Keys are column content keys
 * (`StatColumn.key`) or hashes of them; the caller's cache must also key on the options. By
 * default nothing is kept.
 */
export type StatsMemo = <T>(namespace: string, key: string, compute: () => T) => T;

/** Options of the statistics over columns: the settings, and where per-column results are kept. */
export type ColumnStatsOptions = SiteStatsOptions & {memo?: StatsMemo};

const computeOnly: StatsMemo = (_namespace, _key, compute) => compute();

/** One entry's value of one metric on one instance. */
export interface InstanceValue {
  label: string;
  benchmark: string;
  metric: string;
  instance_id: string;
  value: number | null;
  value_normalized: number | null;
}

/** Groups items by a string key, keeping first-appearance order. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

const present = (x: number | null | undefined): x is number => x !== null && x !== undefined && Number.isFinite(x);
const finiteOrNull = (x: number | null | undefined): number | null => (present(x) ? x : null);

/** The bootstrap interval of one leaderboard cell, on the metric's scale and normalized to 0-1. */
export interface CellInterval {
  label: string;
  benchmark: string;
  metric: string;
  ci_low: number | null;
  ci_high: number | null;
  ci_low_normalized: number | null;
  ci_high_normalized: number | null;
  /** Minimum detectable effect against a rival of the same variance, on the 0-1 scale (MedHELM's analysis). */
  mde_normalized: number | null;
}

/** A cell's interval figures, without its identity (what the cache keeps per column). */
type CellFigures = Omit<CellInterval, "label" | "benchmark" | "metric">;

const NO_INTERVAL: CellFigures = {ci_low: null, ci_high: null, ci_low_normalized: null, ci_high_normalized: null, mde_normalized: null};

/**
 * The resamples of one benchmark's `n` instances (sorted by id), shared by its cell intervals,
 * its win-rate resamples and its paired comparisons: one random stream per benchmark, derived
 * from the base seed and the benchmark id, so a benchmark's draws do not depend on the others.
 */
export function benchmarkResamples(benchmark: string, n: number, {seed = 0, resamples = 1000}: SiteStatsOptions = {}): InstanceResamples {
  return drawResamples(n, resamples, seededFor(seed, `resamples\u0000${benchmark}`));
}

/** The draws of each benchmark's columns, made once per settings and only when a statistic needs them. */
const drawn = new WeakMap<BenchmarkColumns, Map<string, InstanceResamples>>();

function drawsOf(b: BenchmarkColumns, options: SiteStatsOptions): () => InstanceResamples {
  return () => {
    const setting = `${options.seed ?? 0}/${options.resamples ?? 1000}`;
    let bySetting = drawn.get(b);
    if (!bySetting) drawn.set(b, (bySetting = new Map()));
    let draws = bySetting.get(setting);
    if (!draws) bySetting.set(setting, (draws = benchmarkResamples(b.benchmark, b.instances.length, options)));
    return draws;
  };
}

/**
 * One column's interval: the percentile interval of its resampled means, and its image on the
 * normalized scale by the affine map read off the column's values (normalization is linear per
 * metric; with fewer than two distinct values every replicate is the single value anyway).
 */
function cellFigures(column: StatColumn, draws: () => InstanceResamples): CellFigures {
  const {value, normalized} = column;
  const n = value.length;
  let scored = 0;
  for (let k = 0; k < n; k++) if (value[k] === value[k]) scored++;
  // One instance gives no interval (resampling it only repeats it), so a CI needs two.
  if (scored < 2) return NO_INTERVAL;
  const cell: CellFigures = {...NO_INTERVAL};
  const ci = percentileInterval(meansOf(columnSums(value, draws()), n), 0.95);
  // The normalized values of the scored instances, and the first two distinct raw values with one.
  const scaled: number[] = [];
  let first = -1;
  let other = -1;
  for (let k = 0; k < n; k++) {
    if (value[k] !== value[k] || normalized[k] !== normalized[k]) continue;
    scaled.push(normalized[k]);
    if (first < 0) first = k;
    else if (other < 0 && value[k] !== value[first]) other = k;
  }
  if (ci) {
    [cell.ci_low, cell.ci_high] = ci;
    if (other >= 0) {
      const slope = (normalized[other] - normalized[first]) / (value[other] - value[first]);
      cell.ci_low_normalized = normalized[first] + slope * (ci[0] - value[first]);
      cell.ci_high_normalized = normalized[first] + slope * (ci[1] - value[first]);
    } else {
      const single = first >= 0 ? normalized[first] : null;
      cell.ci_low_normalized = single;
      cell.ci_high_normalized = single;
    }
  }
  if (scaled.length >= 2 && scaled.some((x) => x !== scaled[0])) cell.mde_normalized = finiteOrNull(minimumDetectableEffect(scaled));
  return cell;
}

/**
 * Percentile bootstrap 95 % CIs of every (entry, benchmark, metric) cell, from the benchmark's
 * shared resamples (`benchmarkResamples`: instances resampled, each cell the mean over the drawn
 * instances it has a score for). The normalized interval is the affine image of the raw one: the
 * same resamples, rescaled. Cells with fewer than two scored instances, and the cells of point
 * entries (published or imported leaderboard-only results), get none. Each column's figures are
 * kept in `memo` under its content key.
 */
export function cellIntervalsOf(benchmarks: readonly BenchmarkColumns[], options: ColumnStatsOptions = {}): CellInterval[] {
  const memo = options.memo ?? computeOnly;
  const out: CellInterval[] = [];
  for (const b of benchmarks) {
    const draws = drawsOf(b, options);
    for (const column of b.columns) {
      const figures = memo("cell-interval", column.key, () => cellFigures(column, draws));
      out.push({label: column.label, benchmark: b.benchmark, metric: column.metric, ...figures});
    }
    for (const p of b.points) out.push({label: p.label, benchmark: b.benchmark, metric: p.metric, ...NO_INTERVAL});
  }
  return out;
}

/**
 * `cellIntervalsOf` on rows: the instance union of each benchmark is over every row of the entries
 * not in `points`.
 */
export function cellIntervals(values: readonly InstanceValue[], options: SiteStatsOptions & {points?: Iterable<string>} = {}): CellInterval[] {
  return cellIntervalsOf(columnsFromRows(values, options.points), options);
}

/** One entry's main-metric value on one instance, with the benchmark's category. */
export interface MainValue {
  label: string;
  benchmark: string;
  category: string;
  instance_id: string;
  value: number | null;
}

/** Main-metric rows as the rows of columns: the value is the normalized value, every row main. */
function mainRows(values: readonly MainValue[]): StatRow[] {
  return values.map((r) => ({...r, metric: "main", value_normalized: r.value, is_main: true}));
}

/** A mean win rate with its CI and rank interval, over all benchmarks (`scope` = "all") or one category. */
export interface WinRateRow {
  scope: string;
  label: string;
  win_rate: number | null;
  win_rate_low: number | null;
  win_rate_high: number | null;
  rank: number | null;
  rank_low: number | null;
  rank_high: number | null;
  /** Benchmarks of the scope where the entry has a score. */
  n_benchmarks: number;
  /** The entry has no instances (a published result): its win rate and rank are point values without intervals. */
  point_value: boolean;
}

/** The main-metric sums of a column (normalized values) under its benchmark's resamples, kept in `memo` per column. */
function mainSums(column: StatColumn, draws: () => InstanceResamples, memo: StatsMemo): ColumnSums {
  return memo("main-sums", column.key, () => columnSums(column.normalized, draws()));
}

/** The main-metric columns and point values of each benchmark that has any. */
function mainParts(benchmarks: readonly BenchmarkColumns[]) {
  return benchmarks
    .map((b) => ({b, columns: b.columns.filter((c) => c.main), points: b.points.filter((p) => p.main)}))
    .filter((m) => m.columns.length || m.points.length);
}

/**
 * HELM mean win rates of every entry with bootstrap CIs and rank intervals, over all benchmarks
 * and within each category, on normalized main-metric values. Each benchmark is resampled once
 * (`benchmarkResamples`, the draws its cell intervals and pairs use) and every scope reads the
 * same resamples, so a category's resamples are those of the whole leaderboard restricted to
 * it. Point entries (published benchmark means, no instances) take part with fixed cells: they
 * are ranked among the others in every resample, but get point values only, since nothing of
 * theirs can be resampled. The columns' sums and the whole result are kept in `memo`.
 */
export function winRateRowsOf(benchmarks: readonly BenchmarkColumns[], options: ColumnStatsOptions = {}): WinRateRow[] {
  const memo = options.memo ?? computeOnly;
  const parts = mainParts(benchmarks);
  const key = createHash("sha256")
    .update(JSON.stringify(parts.map(({b, columns, points}) => [b.benchmark, b.category, columns.map((c) => c.key), points.map((p) => [p.label, p.normalized])])))
    .digest("hex");
  return memo("win-rates", key, () => {
    const {resamples = 1000} = options;
    const points = new Set(parts.flatMap((m) => m.points.map((p) => p.label)));
    const labels = [...new Set(parts.flatMap((m) => [...m.columns.map((c) => c.label), ...m.points.map((p) => p.label)]))].sort();
    const index = new Map(labels.map((l, e) => [l, e]));
    const absent = new Float64Array(resamples).fill(NaN);
    // Per benchmark: each entry's observed cell and replicates, and whether it has a score.
    const resampled = parts.map(({b, columns, points: fixed}) => {
      const draws = drawsOf(b, options);
      const observed = labels.map((): number | null => null);
      const replicates = labels.map((label): Float64Array | null => (points.has(label) ? null : absent));
      const scored = labels.map(() => false);
      for (const p of fixed) {
        observed[index.get(p.label)!] = p.normalized;
        scored[index.get(p.label)!] = p.normalized !== null;
      }
      for (const c of columns) {
        const e = index.get(c.label)!;
        let sum = 0;
        let count = 0;
        for (const x of c.normalized) {
          if (x === x) {
            sum += x;
            count++;
          }
        }
        observed[e] = count ? sum / count : null;
        scored[e] = count > 0;
        replicates[e] = meansOf(mainSums(c, draws, memo), b.instances.length);
      }
      return {category: b.category, scored, resampled: {id: b.benchmark, observed, replicates} as ResampledBenchmark};
    });
    // A benchmark without a category (known only from results that recorded none) counts in "all" only.
    const scopes = ["all", ...new Set(resampled.map((r) => r.category).filter((c) => c !== ""))];
    const out: WinRateRow[] = [];
    for (const scope of scopes) {
      const part = resampled.filter((r) => scope === "all" || r.category === scope);
      const counts = labels.map((_, e) => part.filter((r) => r.scored[e]).length);
      const rows = winRateIntervals(labels, part.map((r) => r.resampled), {resamples});
      // Entries with no score in the scope are left out rather than listed without a rate.
      rows.forEach((r, e) => {
        if (!counts[e]) return;
        const point = points.has(r.model);
        out.push({
          scope, label: r.model, win_rate: r.win_rate, win_rate_low: point ? null : r.lower, win_rate_high: point ? null : r.upper,
          rank: r.rank, rank_low: point ? null : r.rank_lower, rank_high: point ? null : r.rank_upper, n_benchmarks: counts[e], point_value: point
        });
      });
    }
    return out;
  });
}

/** `winRateRowsOf` on main-metric rows (values normalized), with the labels of point entries in `points`. */
export function winRateRows(values: readonly MainValue[], options: SiteStatsOptions & {points?: Iterable<string>} = {}): WinRateRow[] {
  return winRateRowsOf(columnsFromRows(mainRows(values), options.points), options);
}

/** A paired comparison of two entries on one benchmark: A minus B on normalized main scores. */
export interface PairDifference {
  benchmark: string;
  label_a: string;
  label_b: string;
  n: number;
  difference: number;
  difference_low: number;
  difference_high: number;
  p_value: number;
}

/** An instance where two entries disagree, with both normalized main scores. */
export interface PairDisagreement {
  benchmark: string;
  label_a: string;
  label_b: string;
  instance_id: string;
  value_a: number;
  value_b: number;
  difference: number;
}

/**
 * Paired bootstrap comparisons of every pair of entries with instances (A before B
 * alphabetically) on every benchmark where both scored at least two shared instances, on
 * normalized main-metric values, from the benchmark's shared resamples (`comparePair`, which
 * also says how pairs where an entry misses instances are compared), and the `top` instances of
 * each pair where their scores differ most (largest absolute difference, ties by instance id).
 * Point entries have no instances to compare. Each column is summed once (kept in `memo`).
 */
export function pairComparisonsOf(benchmarks: readonly BenchmarkColumns[], options: ColumnStatsOptions & {top?: number} = {}): {differences: PairDifference[]; disagreements: PairDisagreement[]} {
  const {top = 10, resamples = 1000} = options;
  const memo = options.memo ?? computeOnly;
  const parts = mainParts(benchmarks).filter((m) => m.columns.length);
  const labels = [...new Set(parts.flatMap((m) => m.columns.map((c) => c.label)))].sort();
  const differences: PairDifference[] = [];
  const disagreements: PairDisagreement[] = [];
  for (const {b, columns} of parts) {
    const draws = drawsOf(b, options);
    const byLabel = new Map(columns.map((c) => [c.label, pairColumn(c.normalized, mainSums(c, draws, memo))]));
    const prepared = labels.map((l) => byLabel.get(l));
    for (let i = 0; i < labels.length; i++) {
      const a = prepared[i];
      if (!a) continue;
      for (let j = i + 1; j < labels.length; j++) {
        const c = prepared[j];
        const cmp = c && comparePair(a, c, resamples, draws);
        if (!c || !cmp) continue;
        differences.push({
          benchmark: b.benchmark, label_a: labels[i], label_b: labels[j], n: cmp.n,
          difference: cmp.difference, difference_low: cmp.lower, difference_high: cmp.upper, p_value: cmp.p_value
        });
        for (const k of largestDifferences(a.dense, c.dense, b.instances, top)) {
          const x = a.dense[k];
          const y = c.dense[k];
          disagreements.push({benchmark: b.benchmark, label_a: labels[i], label_b: labels[j], instance_id: b.instances[k], value_a: x, value_b: y, difference: x - y});
        }
      }
    }
  }
  return {differences, disagreements};
}

/** `pairComparisonsOf` on main-metric rows (values normalized), leaving out the entries in `points`. */
export function pairComparisons(values: readonly MainValue[], options: SiteStatsOptions & {top?: number; points?: Iterable<string>} = {}): {differences: PairDifference[]; disagreements: PairDisagreement[]} {
  return pairComparisonsOf(columnsFromRows(mainRows(values), options.points), options);
}

/**
 * Indices of the `top` instances where two entries' scores differ most (both present, difference
 * not zero), largest absolute difference first and ties by instance id. A bounded insertion keeps
 * this linear in the instances, since it runs for every pair of a leaderboard.
 */
function largestDifferences(a: Float64Array, b: Float64Array, ids: readonly string[], top: number): number[] {
  const best: number[] = [];
  const size = (k: number) => Math.abs(a[k] - b[k]);
  const before = (k: number, l: number) => size(k) > size(l) || (size(k) === size(l) && ids[k] < ids[l]);
  for (let k = 0; k < a.length; k++) {
    const x = a[k];
    const y = b[k];
    if (x !== x || y !== y || x === y || top <= 0) continue;
    if (best.length === top && !before(k, best[top - 1])) continue;
    let at = best.length === top ? top - 1 : best.length;
    best[at] = k;
    while (at > 0 && before(best[at], best[at - 1])) {
      [best[at], best[at - 1]] = [best[at - 1], best[at]];
      at--;
    }
  }
  return best;
}

/** A correlation between two paired samples, with Spearman's Fisher-z interval. */
export interface Correlation {
  n: number;
  spearman: number | null;
  spearman_low: number | null;
  spearman_high: number | null;
  kendall_tau_b: number | null;
  pearson: number | null;
}

/** Above this many pairs Kendall's tau-b (quadratic time) is not computed and reads null. */
export const KENDALL_MAX_PAIRS = 5000;

/** Correlations of paired samples; null where a statistic is undefined (fewer than 3 pairs, no variance). */
export function correlate(x: readonly number[], y: readonly number[]): Correlation {
  const n = x.length;
  const none: Correlation = {n, spearman: null, spearman_low: null, spearman_high: null, kendall_tau_b: null, pearson: null};
  const varies = (xs: readonly number[]) => xs.some((v) => v !== xs[0]);
  if (n < 3 || !varies(x) || !varies(y)) return none;
  const s = spearman(x, y);
  return {
    n,
    spearman: finiteOrNull(s.rho),
    spearman_low: finiteOrNull(s.ci_low),
    spearman_high: finiteOrNull(s.ci_high),
    kendall_tau_b: n <= KENDALL_MAX_PAIRS ? finiteOrNull(kendallTauB(x, y)) : null,
    pearson: finiteOrNull(pearson(x, y))
  };
}

/** A metric's value on one answer (entry x instance) of an open-ended benchmark, named by its role. */
export interface MetricValue {
  benchmark: string;
  label: string;
  instance_id: string;
  /** The jury's main score is `jury_score` on every benchmark, so that benchmarks can be pooled. */
  metric: string;
  value: number | null;
}

/** The correlation of two metrics over the answers of one benchmark (or "all" pooled). */
export interface MetricCorrelation extends Correlation {
  benchmark: string;
  metric_x: string;
  metric_y: string;
}

/**
 * Correlations between every pair of metrics per benchmark and pooled over benchmarks ("all",
 * when there are several), each over the answers (entry x instance) where both metrics have a
 * value, taken in benchmark, entry and instance order. The main metric's column is named
 * `mainAs` when given (the site names the jury's main score `jury_score` everywhere, so that
 * benchmarks pool). Point entries have no answers and take no part.
 */
export function metricCorrelationsOf(benchmarks: readonly BenchmarkColumns[], {mainAs}: {mainAs?: string} = {}): MetricCorrelation[] {
  const out: MetricCorrelation[] = [];
  const pooled = new Map<string, {x: number[]; y: number[]}>();
  const sorted = [...benchmarks].sort((a, b) => (a.benchmark < b.benchmark ? -1 : a.benchmark > b.benchmark ? 1 : 0));
  let answered = 0;
  for (const b of sorted) {
    if (b.columns.some((c) => c.value.some((v) => v === v))) answered++;
    // Each entry's columns by metric name; the columns come sorted by label.
    const byLabel = new Map<string, Map<string, Float64Array>>();
    for (const c of b.columns) {
      if (!byLabel.has(c.label)) byLabel.set(c.label, new Map());
      byLabel.get(c.label)!.set(c.main && mainAs ? mainAs : c.metric, c.value);
    }
    const metrics = [...new Set([...byLabel.values()].flatMap((m) => [...m.keys()]))].sort();
    for (let i = 0; i < metrics.length; i++) {
      for (let j = i + 1; j < metrics.length; j++) {
        const x: number[] = [];
        const y: number[] = [];
        for (const columns of byLabel.values()) {
          const a = columns.get(metrics[i]);
          const c = columns.get(metrics[j]);
          if (!a || !c) continue;
          for (let k = 0; k < a.length; k++) {
            if (a[k] === a[k] && c[k] === c[k]) {
              x.push(a[k]);
              y.push(c[k]);
            }
          }
        }
        if (!x.length) continue;
        out.push({benchmark: b.benchmark, metric_x: metrics[i], metric_y: metrics[j], ...correlate(x, y)});
        const pool = pooled.get(`${metrics[i]}\u0000${metrics[j]}`) ?? {x: [], y: []};
        pooled.set(`${metrics[i]}\u0000${metrics[j]}`, pool);
        for (let t = 0; t < x.length; t++) {
          pool.x.push(x[t]);
          pool.y.push(y[t]);
        }
      }
    }
  }
  if (answered > 1) {
    for (const [pair, {x, y}] of [...pooled].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const [metric_x, metric_y] = pair.split("\u0000");
      out.push({benchmark: "all", metric_x, metric_y, ...correlate(x, y)});
    }
  }
  return out;
}

/** `metricCorrelationsOf` on rows (each answer's value of each metric). */
export function metricCorrelations(values: readonly MetricValue[]): MetricCorrelation[] {
  return metricCorrelationsOf(columnsFromRows(values.map((r) => ({...r, value_normalized: null}))));
}

/** Values of two keyed series where both are present, in key order. */
function pairUp(a: Map<string, number>, b: Map<string, number>): [number[], number[]] {
  const x: number[] = [];
  const y: number[] = [];
  for (const [key, v] of a) {
    const w = b.get(key);
    if (w !== undefined) {
      x.push(v);
      y.push(w);
    }
  }
  return [x, y];
}

/** One judge's composite score (mean over criteria of a fully valid verdict, 1-5) of one answer. */
export interface JudgeComposite {
  benchmark: string;
  run_id: string;
  label: string;
  instance_id: string;
  judge: string;
  composite: number | null;
}

/** Agreement of a benchmark's judges (Krippendorff's alpha over answers with two or more valid verdicts). */
export interface JudgeAgreementRow {
  benchmark: string;
  judges: string;
  alpha_interval: number | null;
  alpha_ordinal: number | null;
  n_units: number;
}

/** The correlation of two judges' composites over the answers both rated validly. */
export interface JudgeCorrelation extends Correlation {
  benchmark: string;
  judge_x: string;
  judge_y: string;
}

const unitKey = (r: JudgeComposite) => `${r.run_id}\u0000${r.label}\u0000${r.instance_id}`;

/** Krippendorff's alpha (interval and ordinal) of the judges of each benchmark on the jury composite per answer. */
export function judgeAgreement(composites: readonly JudgeComposite[]): JudgeAgreementRow[] {
  const out: JudgeAgreementRow[] = [];
  for (const [benchmark, rows] of groupBy(composites, (r) => r.benchmark)) {
    const judges = [...new Set(rows.map((r) => r.judge))].sort();
    const units = [...new Set(rows.map(unitKey))];
    const unitIndex = new Map(units.map((u, i) => [u, i]));
    const data = judges.map(() => new Array<number | null>(units.length).fill(null));
    for (const r of rows) if (present(r.composite)) data[judges.indexOf(r.judge)][unitIndex.get(unitKey(r))!] = r.composite;
    const nUnits = units.filter((_, u) => data.filter((row) => row[u] !== null).length >= 2).length;
    const alpha = (level: "interval" | "ordinal") => (nUnits ? finiteOrNull(krippendorffAlpha(data, level)) : null);
    out.push({benchmark, judges: judges.join(", "), alpha_interval: alpha("interval"), alpha_ordinal: alpha("ordinal"), n_units: nUnits});
  }
  return out;
}

/** Spearman, Kendall and Pearson correlations of every pair of judges per benchmark. */
export function judgeCorrelations(composites: readonly JudgeComposite[]): JudgeCorrelation[] {
  const out: JudgeCorrelation[] = [];
  for (const [benchmark, rows] of groupBy(composites, (r) => r.benchmark)) {
    const byJudge = new Map<string, Map<string, number>>();
    for (const r of rows) {
      if (!present(r.composite)) continue;
      if (!byJudge.has(r.judge)) byJudge.set(r.judge, new Map());
      byJudge.get(r.judge)!.set(unitKey(r), r.composite);
    }
    const judges = [...byJudge.keys()].sort();
    for (let i = 0; i < judges.length; i++) {
      for (let j = i + 1; j < judges.length; j++) {
        const [x, y] = pairUp(byJudge.get(judges[i])!, byJudge.get(judges[j])!);
        if (x.length) out.push({benchmark, judge_x: judges[i], judge_y: judges[j], ...correlate(x, y)});
      }
    }
  }
  return out;
}

/** One entry of the leaderboard with the identity its label stands for. */
export interface Entry {
  label: string;
  model: string;
  source: string;
  model_kind: string;
}

/** An entry's main-metric mean on one benchmark (the metric's own scale). */
export interface MainCell {
  label: string;
  benchmark: string;
  value: number | null;
}

/** The paper's tables (`reproducePaper()` row shapes) computed on the site's entries. */
export interface OwnTables {
  own_table1: Array<Record<string, unknown>>;
  own_category_scores: Array<Record<string, unknown>>;
  own_category_win_rates: Array<Record<string, unknown>>;
  own_subcategory_scores: Array<Record<string, unknown>>;
}

/**
 * Table 1, category and subcategory scores and category win rates of the MedHELM paper, computed
 * with `leaderboard.ts` on the entries' main-metric means over catalogue benchmarks. Rows keep the
 * paper's columns with `model` the model id, followed by the entry's `label`, `source` and
 * `model_kind` (an entry is a model from one source, so a model id can appear twice).
 */
export function ownTables(cells: readonly MainCell[], entries: readonly Entry[]): OwnTables {
  const known = cells.filter((c) => catalogueEntry(c.benchmark));
  const labels = [...new Set(known.map((c) => c.label))].sort();
  const benchmarks = [...new Set(known.map((c) => c.benchmark))].sort();
  const grid: ScoreGrid = {models: labels, benchmarks, values: labels.map(() => benchmarks.map(() => null))};
  for (const c of known) grid.values[labels.indexOf(c.label)][benchmarks.indexOf(c.benchmark)] = present(c.value) ? c.value : null;
  const byLabel = new Map(entries.map((e) => [e.label, e]));
  const identify = <T extends {model: string}>(row: T): Record<string, unknown> => {
    const e = byLabel.get(row.model);
    return {...row, model: e?.model ?? row.model, label: row.model, source: e?.source ?? null, model_kind: e?.model_kind ?? null};
  };
  if (!labels.length) return {own_table1: [], own_category_scores: [], own_category_win_rates: [], own_subcategory_scores: []};
  return {
    own_table1: summaryTable(grid).map(identify),
    own_category_scores: categoryScores(grid).map(identify),
    own_category_win_rates: categoryWinRates(grid).map(identify),
    own_subcategory_scores: subcategoryScores(grid).map(identify)
  };
}
