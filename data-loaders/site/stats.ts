/**
 * The statistics behind the site's tables, as pure functions over plain rows: bootstrap CIs of
 * every leaderboard cell, mean win rates with CIs and rank intervals, paired comparisons of every
 * pair of leaderboard entries, metric-vs-metric and judge-vs-judge correlations, jury agreement
 * (Krippendorff's alpha) and the paper's tables on our own runs. `site.ts` reads the rows from
 * DuckDB and writes the results back; nothing here does I/O.
 *
 * An "entry" is one row of the leaderboard: a model from one source (native runs, imported HELM
 * runs, ...), named by its `label`. Instance-level values of one entry are already averaged over
 * the runs that evaluated the same instance.
 */
import {minimumDetectableEffect, observedMean, winRateIntervals, type ResampledBenchmark} from "../stats/bootstrap.ts";
import {drawResamples, pairedComparisonsShared, percentileInterval, resampledMeans, type InstanceResamples} from "../stats/shared-resamples.ts";
import {seededFor} from "../stats/random.ts";
import {kendallTauB, pearson, spearman} from "../stats/correlation.ts";
import {krippendorffAlpha} from "../stats/krippendorff.ts";
import {categoryScores, categoryWinRates, subcategoryScores, summaryTable, type ScoreGrid} from "../paper/leaderboard.ts";
import {catalogueEntry} from "../benchmark/taxonomy.ts";

/** Settings shared by every resampling statistic of the site. */
export interface SiteStatsOptions {
  /** Base seed; each cell, scope or pair derives its own stream from it (0 by default). */
  seed?: number;
  /** Bootstrap resamples (1000 by default). */
  resamples?: number;
}

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

/**
 * The affine map from a metric's own scale to its normalized scale, read off the cell's values
 * (normalization is linear per metric). Null when the cell has fewer than two distinct values,
 * in which case every bootstrap replicate equals the single value anyway.
 */
function affineMap(rows: readonly InstanceValue[]): ((x: number) => number) | null {
  const pairs = rows.filter((r) => present(r.value) && present(r.value_normalized));
  const first = pairs[0];
  const other = first && pairs.find((r) => r.value !== first.value);
  if (!first || !other) return null;
  const slope = (other.value_normalized! - first.value_normalized!) / (other.value! - first.value!);
  return (x) => first.value_normalized! + slope * (x - first.value!);
}

/**
 * The resamples of one benchmark's `n` instances (sorted by id), shared by its cell intervals,
 * its win-rate resamples and its paired comparisons: one random stream per benchmark, derived
 * from the base seed and the benchmark id, so a benchmark's draws do not depend on the others.
 */
export function benchmarkResamples(benchmark: string, n: number, {seed = 0, resamples = 1000}: SiteStatsOptions = {}): InstanceResamples {
  return drawResamples(n, resamples, seededFor(seed, `resamples\u0000${benchmark}`));
}

/** Sorted instance ids of a benchmark's rows, leaving out the rows of point entries (no instances). */
function instanceUnion(rows: ReadonlyArray<{label: string; instance_id: string}>, points: ReadonlySet<string>): string[] {
  return [...new Set(rows.filter((r) => !points.has(r.label)).map((r) => r.instance_id))].sort();
}

/**
 * Percentile bootstrap 95 % CIs of every (entry, benchmark, metric) cell, from the benchmark's
 * shared resamples (`benchmarkResamples`: instances resampled, each cell the mean over the drawn
 * instances it has a score for). The normalized interval is the affine image of the raw one: the
 * same resamples, rescaled. Cells with fewer than two scored instances (e.g. published or
 * imported leaderboard-only results, listed in `points`) get none.
 */
export function cellIntervals(values: readonly InstanceValue[], options: SiteStatsOptions & {points?: Iterable<string>} = {}): CellInterval[] {
  const points = new Set(options.points ?? []);
  const out: CellInterval[] = [];
  for (const [benchmark, rows] of groupBy(values, (r) => r.benchmark)) {
    const instances = instanceUnion(rows, points);
    const position = new Map(instances.map((id, k) => [id, k]));
    let draws: InstanceResamples | undefined;
    for (const cellRows of groupBy(rows, (r) => `${r.label}\u0000${r.metric}`).values()) {
      const {label, metric} = cellRows[0];
      const scored = cellRows.filter((r) => present(r.value));
      const cell: CellInterval = {label, benchmark, metric, ci_low: null, ci_high: null, ci_low_normalized: null, ci_high_normalized: null, mde_normalized: null};
      // One instance gives no interval (resampling it only repeats it), so a CI needs two.
      if (scored.length >= 2 && !points.has(label)) {
        const column = new Array<number | null>(instances.length).fill(null);
        for (const r of scored) column[position.get(r.instance_id)!] = r.value;
        draws ??= benchmarkResamples(benchmark, instances.length, options);
        const ci = percentileInterval(resampledMeans(column, draws), 0.95);
        if (ci) {
          [cell.ci_low, cell.ci_high] = ci;
          const map = affineMap(scored);
          const single = scored.find((r) => present(r.value_normalized))?.value_normalized ?? null;
          cell.ci_low_normalized = map ? map(ci[0]) : single;
          cell.ci_high_normalized = map ? map(ci[1]) : single;
        }
        const normalized = scored.map((r) => r.value_normalized).filter(present);
        const spread = normalized.some((x) => x !== normalized[0]);
        if (normalized.length >= 2 && spread) cell.mde_normalized = finiteOrNull(minimumDetectableEffect(normalized));
      }
      out.push(cell);
    }
  }
  return out;
}

/** One entry's main-metric value on one instance, with the benchmark's category. */
export interface MainValue {
  label: string;
  benchmark: string;
  category: string;
  instance_id: string;
  value: number | null;
}

/** Instance-aligned main-metric scores of one benchmark: `scores[e][k]` for `labels[e]` on `instances[k]`. */
interface AlignedBenchmark {
  benchmark: string;
  category: string;
  instances: string[];
  scores: Array<Array<number | null>>;
  /** Benchmark means of point entries, by entry index (null for entries with instances). */
  fixed: Array<number | null>;
}

/**
 * Aligns every benchmark's instances (the union over entries, sorted) for the entries in `labels`.
 * The rows of `points` entries (published means without instances) are not instances: each is
 * the entry's benchmark mean, kept in `fixed` and left out of the instance union.
 */
function alignBenchmarks(values: readonly MainValue[], labels: readonly string[], points: ReadonlySet<string> = new Set()): AlignedBenchmark[] {
  const index = new Map(labels.map((l, i) => [l, i]));
  const out: AlignedBenchmark[] = [];
  for (const rows of groupBy(values, (r) => r.benchmark).values()) {
    const instances = instanceUnion(rows, points);
    const position = new Map(instances.map((id, k) => [id, k]));
    const scores = labels.map(() => new Array<number | null>(instances.length).fill(null));
    const fixed = labels.map(() => null as number | null);
    for (const r of rows) {
      if (points.has(r.label)) fixed[index.get(r.label)!] = present(r.value) ? r.value : null;
      else scores[index.get(r.label)!][position.get(r.instance_id)!] = present(r.value) ? r.value : null;
    }
    out.push({benchmark: rows[0].benchmark, category: rows[0].category, instances, scores, fixed});
  }
  return out.sort((a, b) => (a.benchmark < b.benchmark ? -1 : a.benchmark > b.benchmark ? 1 : 0));
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

/**
 * HELM mean win rates of every entry with bootstrap CIs and rank intervals, over all benchmarks
 * and within each category. Each benchmark is resampled once (`benchmarkResamples`, the draws its
 * cell intervals and pairs use) and every scope reads the same resamples, so a category's
 * resamples are those of the whole leaderboard restricted to it. Entries in `points` (published
 * benchmark means, no instances) take part with fixed cells: they are ranked among the others in
 * every resample, but get point values only, since nothing of theirs can be resampled.
 */
export function winRateRows(values: readonly MainValue[], options: SiteStatsOptions & {points?: Iterable<string>} = {}): WinRateRow[] {
  const {resamples = 1000} = options;
  const points = new Set(options.points ?? []);
  const labels = [...new Set(values.map((r) => r.label))].sort();
  const aligned = alignBenchmarks(values, labels, points);
  const resampled = new Map(aligned.map((b): [string, ResampledBenchmark] => {
    const draws = benchmarkResamples(b.benchmark, b.instances.length, options);
    const observed = labels.map((_, e) => (points.has(labels[e]) ? b.fixed[e] : observedMean(b.scores[e])));
    return [b.benchmark, {id: b.benchmark, observed, replicates: labels.map((label, e) => (points.has(label) ? null : resampledMeans(b.scores[e], draws)))}];
  }));
  const scopes = ["all", ...new Set(aligned.map((b) => b.category))];
  const out: WinRateRow[] = [];
  for (const scope of scopes) {
    const part = aligned.filter((b) => scope === "all" || b.category === scope);
    const counts = labels.map((_, e) => part.filter((b) => b.fixed[e] !== null || b.scores[e].some((v) => v !== null)).length);
    const rows = winRateIntervals(labels, part.map((b) => resampled.get(b.benchmark)!), {resamples});
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
 * Paired bootstrap comparisons of every pair of entries (A before B alphabetically) on every
 * benchmark where both scored at least two shared instances, from the benchmark's shared
 * resamples (`benchmarkResamples`; see `pairedComparisonsShared` for pairs where an entry misses
 * instances), and the `top` instances of each pair where their scores differ most (largest
 * absolute difference, ties by instance id). Entries in `points` have no instances to compare.
 */
export function pairComparisons(values: readonly MainValue[], options: SiteStatsOptions & {top?: number; points?: Iterable<string>} = {}): {differences: PairDifference[]; disagreements: PairDisagreement[]} {
  const {top = 10} = options;
  const points = new Set(options.points ?? []);
  const labels = [...new Set(values.filter((r) => !points.has(r.label)).map((r) => r.label))].sort();
  const differences: PairDifference[] = [];
  const disagreements: PairDisagreement[] = [];
  for (const b of alignBenchmarks(values.filter((r) => !points.has(r.label)), labels)) {
    const comparisons = pairedComparisonsShared(b.scores, benchmarkResamples(b.benchmark, b.instances.length, options));
    let p = 0;
    for (let i = 0; i < labels.length; i++) {
      for (let j = i + 1; j < labels.length; j++) {
        const cmp = comparisons[p++];
        if (!cmp) continue;
        differences.push({
          benchmark: b.benchmark, label_a: labels[i], label_b: labels[j], n: cmp.n,
          difference: cmp.difference, difference_low: cmp.lower, difference_high: cmp.upper, p_value: cmp.p_value
        });
        for (const k of largestDifferences(b.scores[i], b.scores[j], b.instances, top)) {
          const a = b.scores[i][k]!;
          const c = b.scores[j][k]!;
          disagreements.push({benchmark: b.benchmark, label_a: labels[i], label_b: labels[j], instance_id: b.instances[k], value_a: a, value_b: c, difference: a - c});
        }
      }
    }
  }
  return {differences, disagreements};
}

/**
 * Indices of the `top` instances where two entries' scores differ most (both present, difference
 * not zero), largest absolute difference first and ties by instance id. A bounded insertion keeps
 * this linear in the instances, since it runs for every pair of a leaderboard.
 */
function largestDifferences(a: ReadonlyArray<number | null>, b: ReadonlyArray<number | null>, ids: readonly string[], top: number): number[] {
  const best: number[] = [];
  const size = (k: number) => Math.abs(a[k]! - b[k]!);
  const before = (k: number, l: number) => size(k) > size(l) || (size(k) === size(l) && ids[k] < ids[l]);
  for (let k = 0; k < a.length; k++) {
    const x = a[k];
    const y = b[k];
    if (x === null || y === null || x === y || top <= 0) continue;
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

/**
 * Correlations between every pair of metrics per benchmark and pooled over benchmarks ("all"),
 * each over the answers where both metrics have a value.
 */
export function metricCorrelations(values: readonly MetricValue[]): MetricCorrelation[] {
  const out: MetricCorrelation[] = [];
  const series = (rows: readonly MetricValue[]) => {
    const byMetric = new Map<string, Map<string, number>>();
    for (const r of rows) {
      if (!present(r.value)) continue;
      if (!byMetric.has(r.metric)) byMetric.set(r.metric, new Map());
      byMetric.get(r.metric)!.set(`${r.benchmark}\u0000${r.label}\u0000${r.instance_id}`, r.value);
    }
    return byMetric;
  };
  const emit = (benchmark: string, rows: readonly MetricValue[]) => {
    const byMetric = series(rows);
    const metrics = [...byMetric.keys()].sort();
    for (let i = 0; i < metrics.length; i++) {
      for (let j = i + 1; j < metrics.length; j++) {
        const [x, y] = pairUp(byMetric.get(metrics[i])!, byMetric.get(metrics[j])!);
        if (x.length) out.push({benchmark, metric_x: metrics[i], metric_y: metrics[j], ...correlate(x, y)});
      }
    }
  };
  const byBenchmark = groupBy(values, (r) => r.benchmark);
  for (const [benchmark, rows] of [...byBenchmark].sort(([a], [b]) => (a < b ? -1 : 1))) emit(benchmark, rows);
  if (byBenchmark.size > 1) emit("all", values);
  return out;
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
