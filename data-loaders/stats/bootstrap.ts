/**
 * Uncertainty of leaderboard numbers from per-instance scores: percentile bootstrap CIs of a
 * benchmark score, CIs and rank intervals of mean win rates (instances resampled within each
 * benchmark), a paired bootstrap comparison of two models, and the minimum detectable effect
 * of MedHELM's analysis (`src/medhelm/minimum_detectable_error.py`). Every resampling function
 * is seeded, so the same inputs and seed give identical output.
 */
import jStat from "jstat";
import {seeded, seededFor} from "./random.ts";
import {drawResamples, pairedComparisonsShared, resampledMeans} from "./shared-resamples.ts";
import {meanWinRates} from "./winrate.ts";

/** Resampling settings shared by every bootstrap here. */
export interface BootstrapOptions {
  /** Number of bootstrap resamples; 1000 by default. */
  resamples?: number;
  /** PRNG seed; 0 by default. */
  seed?: number;
  /** Confidence level of the intervals; 0.95 by default. */
  level?: number;
}

/** A point estimate with a percentile interval. */
export interface Interval {
  estimate: number;
  lower: number;
  upper: number;
}

const normalQuantile = (p: number): number => jStat.normal.inv(p, 0, 1);

function settings(options: BootstrapOptions): Required<BootstrapOptions> {
  const {resamples = 1000, seed = 0, level = 0.95} = options;
  if (!Number.isInteger(resamples) || resamples < 1) throw new Error(`bad resample count: ${resamples}`);
  if (!(level > 0 && level < 1)) throw new Error(`bad confidence level: ${level}`);
  return {resamples, seed, level};
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * The p-quantile of numbers by linear interpolation between order statistics (Hyndman-Fan
 * type 7, numpy's default), so intervals match the Python analysis code.
 */
export function quantile(values: readonly number[], p: number): number {
  if (!values.length) throw new Error("quantile of an empty list");
  const sorted = values.slice().sort((a, b) => a - b);
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** The percentile interval of bootstrap replicates at a confidence level. */
function percentileBounds(replicates: readonly number[], level: number): [number, number] {
  const tail = (1 - level) / 2;
  return [quantile(replicates, tail), quantile(replicates, 1 - tail)];
}

/**
 * Percentile bootstrap CI of a benchmark score (the mean of per-instance values), resampling
 * instances with replacement.
 */
export function bootstrapMeanCi(values: readonly number[], options: BootstrapOptions = {}): Interval {
  const {resamples, seed, level} = settings(options);
  if (!values.length) throw new Error("no instance values to bootstrap");
  const random = seeded(seed);
  const replicates: number[] = [];
  for (let b = 0; b < resamples; b++) {
    // Summing as the indices are drawn saves an array per resample.
    let sum = 0;
    for (let k = 0; k < values.length; k++) sum += values[random.int(values.length)];
    replicates.push(sum / values.length);
  }
  const [lower, upper] = percentileBounds(replicates, level);
  return {estimate: mean(values), lower, upper};
}

/**
 * Per-instance scores of several models on several benchmarks. For each benchmark,
 * `scores[m][k]` is the score of `models[m]` on the benchmark's k-th instance: the arrays of
 * one benchmark are aligned by instance (same length, same instance at the same index), and
 * null marks an instance the model has no score for.
 */
export interface InstanceScores {
  models: string[];
  benchmarks: Array<{
    id: string;
    /** Orders the benchmark's column; false (higher is better) by default. */
    lowerIsBetter?: boolean;
    scores: Array<Array<number | null>>;
    /**
     * Benchmark means known without instances (a published leaderboard cell), by model index:
     * `fixed[m]`, when a number, is model m's cell in every resample; its `scores[m]` is ignored.
     */
    fixed?: Array<number | null>;
  }>;
}

/** A model's mean win rate with its CI and its rank with a rank interval. */
export interface WinRateUncertainty {
  model: string;
  /** Mean win rate on the full data, with the percentile interval over resamples. */
  win_rate: number | null;
  lower: number | null;
  upper: number | null;
  /** Competition rank on the full data (1 = best; tied models share the best rank). */
  rank: number | null;
  /** 2.5th and 97.5th percentiles (at level 0.95) of the model's rank over resamples. */
  rank_lower: number | null;
  rank_upper: number | null;
}

/**
 * Competition ranks ("1224"): one plus the number of strictly higher values; null stays null.
 * Ties share the better rank so that a rank interval never suggests a difference a tie hides.
 */
export function ranks(values: ReadonlyArray<number | null>): Array<number | null> {
  return values.map((v) => (v === null ? null : 1 + values.filter((u) => u !== null && u > v).length));
}

/** One benchmark's resampled cells: the observed cell of each model and its resampled values. */
export interface ResampledBenchmark {
  id: string;
  /** Orders the benchmark's column; false (higher is better) by default. */
  lowerIsBetter?: boolean;
  /** Each model's cell on the full data (null: no score). */
  observed: Array<number | null>;
  /**
   * Each model's cell in every resample (NaN where a resample drew none of its scored
   * instances), or null for a model whose cell is fixed: it keeps `observed` in every resample.
   */
  replicates: Array<Float64Array | null>;
}

/**
 * Mean win rates with percentile CIs and rank intervals from resampled cells: resample r
 * recomputes HELM's mean win rates over every benchmark's r-th cells and the ranks they imply.
 * Callers that need the win rates of several subsets of benchmarks (categories) resample each
 * benchmark once and pass the subsets here.
 */
export function winRateIntervals(models: readonly string[], benchmarks: readonly ResampledBenchmark[], options: BootstrapOptions = {}): WinRateUncertainty[] {
  const {resamples, level} = settings(options);
  const lowerIsBetter = benchmarks.map((b) => b.lowerIsBetter ?? false);
  const full = meanWinRates({values: models.map((_, m) => benchmarks.map((b) => b.observed[m])), lowerIsBetter});
  const fullRanks = ranks(full);
  const rateSamples: number[][] = models.map(() => []);
  const rankSamples: number[][] = models.map(() => []);
  for (let r = 0; r < resamples; r++) {
    const values = models.map((_, m) =>
      benchmarks.map((b) => {
        const reps = b.replicates[m];
        if (!reps) return b.observed[m];
        const x = reps[r];
        return x === x ? x : null;
      })
    );
    const rates = meanWinRates({values, lowerIsBetter});
    const rs = ranks(rates);
    rates.forEach((rate, m) => {
      if (rate !== null) rateSamples[m].push(rate);
      const rank = rs[m];
      if (rank !== null) rankSamples[m].push(rank);
    });
  }
  return models.map((model, m) => {
    const [lower, upper] = rateSamples[m].length ? percentileBounds(rateSamples[m], level) : [null, null];
    const [rankLower, rankUpper] = rankSamples[m].length ? percentileBounds(rankSamples[m], level) : [null, null];
    return {model, win_rate: full[m], lower, upper, rank: fullRanks[m], rank_lower: rankLower, rank_upper: rankUpper};
  });
}

/** The observed cell of one model's instance scores: the mean of the non-null values, null when there is none. */
export function observedMean(scores: ReadonlyArray<number | null>): number | null {
  let sum = 0;
  let count = 0;
  for (const v of scores) {
    if (v !== null) {
      sum += v;
      count++;
    }
  }
  return count ? sum / count : null;
}

/**
 * CIs of mean win rates and rank intervals. Each resample draws, independently per benchmark,
 * the benchmark's instance indices with replacement (the same draw for every model, which keeps
 * the pairing), recomputes each cell as the mean over the drawn instances and recomputes HELM's
 * mean win rates and the ranks they imply. Each benchmark has its own random stream derived
 * from the seed and its id, so adding a benchmark does not change the draws of the others.
 * A fixed cell (a published mean without instances) keeps its value in every resample, so it
 * ranks against the resampled cells of the others but has no sampling uncertainty of its own.
 */
export function bootstrapWinRates(input: InstanceScores, options: BootstrapOptions = {}): WinRateUncertainty[] {
  const {resamples, seed} = settings(options);
  const benchmarks = input.benchmarks.map(({id, scores, fixed, lowerIsBetter}): ResampledBenchmark => {
    if (scores.length !== input.models.length) throw new Error(`benchmark ${id} has ${scores.length} score rows, expected ${input.models.length}`);
    const n = scores[0]?.length ?? 0;
    scores.forEach((row, m) => {
      if (row.length !== n) throw new Error(`benchmark ${id}: model ${input.models[m]} has ${row.length} instances, expected ${n}`);
    });
    const draws = drawResamples(n, resamples, seededFor(seed, id));
    const isFixed = (m: number) => fixed?.[m] !== null && fixed?.[m] !== undefined;
    return {
      id, lowerIsBetter,
      observed: scores.map((row, m) => (isFixed(m) ? fixed![m] : observedMean(row))),
      replicates: scores.map((row, m) => (isFixed(m) ? null : resampledMeans(row, draws)))
    };
  });
  return winRateIntervals(input.models, benchmarks, options);
}

/** The result of a paired comparison of model A against model B on shared instances. */
export interface PairedComparison {
  /** Number of instances where both models have a score. */
  n: number;
  /** Mean of A minus mean of B over those instances, with its percentile interval. */
  difference: number;
  lower: number;
  upper: number;
  /** Two-sided paired bootstrap p-value for "no difference". */
  p_value: number;
}

/** Pairs of instance scores where both are present; throws on arrays of different length. */
function pairs(a: ReadonlyArray<number | null>, b: ReadonlyArray<number | null>): number[] {
  if (a.length !== b.length) throw new Error(`paired scores differ in length: ${a.length} vs ${b.length}`);
  const diffs: number[] = [];
  a.forEach((x, i) => {
    const y = b[i];
    if (x !== null && y !== null) diffs.push(x - y);
  });
  return diffs;
}

/**
 * Paired bootstrap comparison of two models on the same instances (index-aligned; instances
 * missing for either model are dropped). Instances are resampled with replacement and the mean
 * difference d* recomputed. The CI is the percentile interval of d*. The p-value is the
 * shifted-bootstrap test (Efron & Tibshirani 1993, section 16.4): centering d* on the observed
 * difference d imposes the null, and p = (1 + #{|d* - d| >= |d|}) / (B + 1); the +1 keeps p
 * above zero, and identical models give p = 1.
 */
export function pairedBootstrap(a: ReadonlyArray<number | null>, b: ReadonlyArray<number | null>, options: BootstrapOptions = {}): PairedComparison {
  const {resamples, seed, level} = settings(options);
  const diffs = pairs(a, b);
  if (!diffs.length) throw new Error("no instance scored for both models");
  const observed = mean(diffs);
  const random = seeded(seed);
  const replicates: number[] = [];
  let extreme = 0;
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let k = 0; k < diffs.length; k++) sum += diffs[random.int(diffs.length)];
    const d = sum / diffs.length;
    replicates.push(d);
    if (Math.abs(d - observed) >= Math.abs(observed)) extreme++;
  }
  const [lower, upper] = percentileBounds(replicates, level);
  return {n: diffs.length, difference: observed, lower, upper, p_value: (1 + extreme) / (resamples + 1)};
}

/**
 * Paired bootstrap comparisons of every pair of complete columns (`columns[i]` and `columns[j]`
 * for i < j: per-instance scores of two models, index-aligned, no missing value) with one set of
 * resampled instances shared by all pairs (see shared-resamples.ts), which costs
 * O(resamples x n x M) for M columns instead of O(resamples x n x M^2) pair by pair. With the
 * same seed, the draws are exactly those `pairedBootstrap` makes for a single pair, so results
 * agree with it up to the order of floating-point additions (exactly, for integer scores).
 * Returns the comparisons in pair order: (0,1), (0,2), ..., (1,2), ...
 */
export function pairedBootstrapAll(columns: ReadonlyArray<ArrayLike<number>>, options: BootstrapOptions = {}): PairedComparison[] {
  const {resamples, seed, level} = settings(options);
  const n = columns[0]?.length ?? 0;
  if (columns.length < 2) return [];
  if (!n) throw new Error("no instance scored for both models");
  columns.forEach((c, i) => {
    if (c.length !== n) throw new Error(`paired scores differ in length: ${c.length} vs ${n} (column ${i})`);
  });
  return pairedComparisonsShared(columns, drawResamples(n, resamples, seeded(seed)), level).map((c) => {
    if (!c) throw new Error("a complete column has fewer than two instances");
    return c;
  });
}

/** Settings of a minimum-detectable-effect computation. */
export interface MdeOptions {
  /** Two-sided significance level; 0.05 by default (z = 1.96). */
  alpha?: number;
  /** Power; 0.8 by default (z = 0.84). */
  power?: number;
}

/** Sample standard deviation (ddof 1). */
function sampleSd(xs: readonly number[]): number {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}

/**
 * Minimum detectable effect of a benchmark, as in MedHELM's analysis:
 * `(z_{1-alpha/2} + z_{power}) * SD(d) / sqrt(n)`, where d are the paired per-instance
 * differences of models A and B (sample SD, ddof 1). Without `b`, the single-model version
 * stands in `SD(a) * sqrt(2)` for SD(d): the SD of the difference of two independent models
 * with A's variance, which overstates the MDE when real rivals are positively correlated.
 */
export function minimumDetectableEffect(a: ReadonlyArray<number | null>, b?: ReadonlyArray<number | null>, options: MdeOptions = {}): number {
  const {alpha = 0.05, power = 0.8} = options;
  if (!(alpha > 0 && alpha < 1)) throw new Error(`bad alpha: ${alpha}`);
  if (!(power > 0 && power < 1)) throw new Error(`bad power: ${power}`);
  const xs = b ? pairs(a, b) : a.filter((x): x is number => x !== null);
  if (xs.length < 2) throw new Error(`need at least 2 instances, got ${xs.length}`);
  const sd = b ? sampleSd(xs) : sampleSd(xs) * Math.SQRT2;
  return ((normalQuantile(1 - alpha / 2) + normalQuantile(power)) * sd) / Math.sqrt(xs.length);
}
