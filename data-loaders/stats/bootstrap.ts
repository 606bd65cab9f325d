/**
 * Uncertainty of leaderboard numbers from per-instance scores: percentile bootstrap CIs of a
 * benchmark score, CIs and rank intervals of mean win rates (instances resampled within each
 * benchmark), a paired bootstrap comparison of two models, and the minimum detectable effect
 * of MedHELM's analysis (`src/medhelm/minimum_detectable_error.py`). Every resampling function
 * is seeded, so the same inputs and seed give identical output.
 */
import jStat from "jstat";
import {seeded, seededFor, type Random} from "./random.ts";
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

/** Indices 0..n-1 drawn n times with replacement. */
function resampleIndices(n: number, random: Random): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = random.int(n);
  return out;
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
    // Summing as the indices are drawn (same draws as resampleIndices) saves an array per resample.
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

/** Mean of the non-null values at the given instance indices, null if there are none. */
function cellMean(scores: ReadonlyArray<number | null>, indices: readonly number[]): number | null {
  let sum = 0;
  let count = 0;
  for (const i of indices) {
    const v = scores[i];
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
  const {resamples, seed, level} = settings(options);
  const sizes = input.benchmarks.map(({id, scores}) => {
    if (scores.length !== input.models.length) throw new Error(`benchmark ${id} has ${scores.length} score rows, expected ${input.models.length}`);
    const n = scores[0]?.length ?? 0;
    scores.forEach((row, m) => {
      if (row.length !== n) throw new Error(`benchmark ${id}: model ${input.models[m]} has ${row.length} instances, expected ${n}`);
    });
    return n;
  });
  const lowerIsBetter = input.benchmarks.map((b) => b.lowerIsBetter ?? false);
  const winRatesFor = (draws: number[][]) =>
    meanWinRates({
      values: input.models.map((_, m) => input.benchmarks.map((b, j) => b.fixed?.[m] ?? cellMean(b.scores[m], draws[j]))),
      lowerIsBetter
    });

  const full = winRatesFor(sizes.map((n) => Array.from({length: n}, (_, i) => i)));
  const fullRanks = ranks(full);
  const streams = input.benchmarks.map((b) => seededFor(seed, b.id));
  const rateSamples: number[][] = input.models.map(() => []);
  const rankSamples: number[][] = input.models.map(() => []);
  for (let r = 0; r < resamples; r++) {
    const rates = winRatesFor(sizes.map((n, j) => resampleIndices(n, streams[j])));
    const rs = ranks(rates);
    rates.forEach((rate, m) => {
      if (rate !== null) rateSamples[m].push(rate);
      const rank = rs[m];
      if (rank !== null) rankSamples[m].push(rank);
    });
  }
  return input.models.map((model, m) => {
    const [lower, upper] = rateSamples[m].length ? percentileBounds(rateSamples[m], level) : [null, null];
    const [rankLower, rankUpper] = rankSamples[m].length ? percentileBounds(rankSamples[m], level) : [null, null];
    return {model, win_rate: full[m], lower, upper, rank: fullRanks[m], rank_lower: rankLower, rank_upper: rankUpper};
  });
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

/** The p-quantile (Hyndman-Fan type 7, as `quantile`) of numbers already sorted ascending. */
function sortedQuantile(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Paired bootstrap comparisons of every pair of complete columns (`columns[i]` and `columns[j]`
 * for i < j: per-instance scores of two models, index-aligned, no missing value) with one set of
 * resampled instances shared by all pairs. Each resample draws the n instance indices once,
 * counts how often each instance was drawn and sums every column with those counts; a pair's
 * resampled difference is then the difference of two sums. That makes the cost of M columns
 * O(resamples x n x M) instead of O(resamples x n x M^2) for pairs one at a time, with the
 * same test and interval as `pairedBootstrap` (common random numbers across pairs). With the
 * same seed, the draws are exactly those `pairedBootstrap` makes for a single pair, so results
 * agree with it up to the order of floating-point additions (exactly, for integer scores).
 * Returns the comparisons in pair order: (0,1), (0,2), ..., (1,2), ...
 */
export function pairedBootstrapAll(columns: ReadonlyArray<ArrayLike<number>>, options: BootstrapOptions = {}): PairedComparison[] {
  const {resamples, seed, level} = settings(options);
  const m = columns.length;
  const n = columns[0]?.length ?? 0;
  if (m < 2) return [];
  if (!n) throw new Error("no instance scored for both models");
  columns.forEach((c, i) => {
    if (c.length !== n) throw new Error(`paired scores differ in length: ${c.length} vs ${n} (column ${i})`);
  });
  const random = seeded(seed);
  const counts = new Int32Array(n);
  const sums = new Float64Array(m);
  const pairCount = (m * (m - 1)) / 2;
  const replicates = Array.from({length: pairCount}, () => new Float64Array(resamples));
  for (let r = 0; r < resamples; r++) {
    counts.fill(0);
    for (let k = 0; k < n; k++) counts[random.int(n)]++;
    for (let i = 0; i < m; i++) {
      const column = columns[i];
      let sum = 0;
      for (let k = 0; k < n; k++) if (counts[k]) sum += counts[k] * column[k];
      sums[i] = sum;
    }
    let p = 0;
    for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) replicates[p++][r] = (sums[i] - sums[j]) / n;
  }
  const tail = (1 - level) / 2;
  const out: PairedComparison[] = [];
  let p = 0;
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) {
      const a = columns[i];
      const b = columns[j];
      let total = 0;
      for (let k = 0; k < n; k++) total += a[k] - b[k];
      const observed = total / n;
      const reps = replicates[p++];
      let extreme = 0;
      for (let r = 0; r < resamples; r++) if (Math.abs(reps[r] - observed) >= Math.abs(observed)) extreme++;
      reps.sort();
      out.push({n, difference: observed, lower: sortedQuantile(reps, tail), upper: sortedQuantile(reps, 1 - tail), p_value: (1 + extreme) / (resamples + 1)});
    }
  }
  return out;
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
