/**
 * Rank correlations between two paired samples: Spearman's rho (Pearson correlation of average
 * ranks, so ties are handled as scipy's `spearmanr` does) with a Fisher-z confidence interval,
 * and Kendall's tau-b. MedHELM's clinician study reports Spearman rho with the Fisher-z CI.
 *
 * simple-statistics has `sampleRankCorrelation` but no interval, and its `probit` is only
 * accurate to about three decimals, so the quantile comes from jstat.
 */
import jStat from "jstat";

const normalInv = jStat.normal.inv;

/** Spearman's rho with its Fisher-z interval. */
export interface SpearmanResult {
  rho: number;
  /** Lower end of the Fisher-z interval; `NaN` when n < 4 (the standard error needs n - 3 > 0). */
  ci_low: number;
  ci_high: number;
  n: number;
}

/**
 * 1-based ranks of `values`, with tied values all given the mean of the ranks they span
 * (e.g. `[10, 20, 20, 30]` ranks as `[1, 2.5, 2.5, 4]`).
 */
export function averageRanks(values: readonly number[]): number[] {
  // A numeric sort of the values themselves (no comparator calls) and, for each value, the run
  // of equal values found by binary search: the same ranks as sorting indices by value, several
  // times faster on the site's hundred-thousand-value samples. `<` treats -0 and 0 as equal, as
  // the index sort did.
  const sorted = Float64Array.from(values).sort();
  const ranks = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    const start = lo;
    hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (v < sorted[mid]) hi = mid;
      else lo = mid + 1;
    }
    // Rows start..lo-1 (0-based) hold v: their mean 1-based rank.
    ranks[i] = (start + lo - 1) / 2 + 1;
  }
  return ranks;
}

/** Pearson's product-moment correlation; `NaN` when either sample has no variance. */
export function pearson(x: readonly number[], y: readonly number[]): number {
  checkPaired(x, y, "pearson");
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/**
 * Spearman's rank correlation of paired samples `x` and `y`, with the Fisher-z interval
 * `tanh(atanh(rho) ± z_{1-α/2} / sqrt(n - 3))`. A perfect correlation gives the degenerate
 * interval [rho, rho].
 */
export function spearman(x: readonly number[], y: readonly number[], confidence = 0.95): SpearmanResult {
  checkPaired(x, y, "spearman");
  const n = x.length;
  const rho = pearson(averageRanks(x), averageRanks(y));
  const [ci_low, ci_high] = fisherInterval(rho, n, confidence);
  return {rho, ci_low, ci_high, n};
}

/** The Fisher-z confidence interval of a correlation `r` from `n` pairs; `[NaN, NaN]` when n < 4. */
export function fisherInterval(r: number, n: number, confidence = 0.95): [number, number] {
  if (!(confidence > 0 && confidence < 1)) throw new Error(`fisherInterval: confidence ${confidence} is not between 0 and 1`);
  if (n < 4 || Number.isNaN(r)) return [NaN, NaN];
  const z = Math.atanh(r);
  const half = normalInv(1 - (1 - confidence) / 2, 0, 1) / Math.sqrt(n - 3);
  return [Math.tanh(z - half), Math.tanh(z + half)];
}

/**
 * Kendall's tau-b of paired samples, `(C - D) / sqrt((n0 - Tx)(n0 - Ty))`, which corrects tau
 * for ties in either sample (as scipy's `kendalltau` default). Knight's algorithm (1966) counts
 * in O(n log n): after sorting the pairs by x (then y), every discordant pair is an inversion of
 * the y sequence, which a merge sort counts, and the pairs tied in x, in y and in both come from
 * runs of equal values. Every count is an integer below 2^53, so the result is the same double
 * as counting all n(n-1)/2 pairs one by one.
 */
export function kendallTauB(x: readonly number[], y: readonly number[]): number {
  checkPaired(x, y, "kendallTauB");
  const n = x.length;
  const order = Array.from({length: n}, (_, i) => i).sort((a, b) => x[a] - x[b] || y[a] - y[b]);
  const ys = Float64Array.from(order, (i) => y[i]);
  // Pairs tied in x (Tx) and tied in both (Txy), from runs of the (x, y)-sorted sequence.
  let tiesX = 0;
  let tiesBoth = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && x[order[end]] === x[order[start]]) end++;
    tiesX += tiedPairs(end - start);
    for (let run = start; run < end; ) {
      let stop = run + 1;
      while (stop < end && ys[stop] === ys[run]) stop++;
      tiesBoth += tiedPairs(stop - run);
      run = stop;
    }
    start = end;
  }
  // Within a run of equal x the y values are ascending, so only pairs that differ in both count as
  // inversions, and a pair equal in y is never one: the inversions are exactly the discordant pairs.
  const discordant = inversions(ys);
  // The merge sort left ys sorted, so the pairs tied in y (Ty) are its runs.
  let tiesY = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && ys[end] === ys[start]) end++;
    tiesY += tiedPairs(end - start);
    start = end;
  }
  const pairs = tiedPairs(n);
  const concordant = pairs - tiesX - tiesY + tiesBoth - discordant;
  return (concordant - discordant) / Math.sqrt((pairs - tiesX) * (pairs - tiesY));
}

/** The number of pairs among `k` items, k(k-1)/2. */
function tiedPairs(k: number): number {
  return (k * (k - 1)) / 2;
}

/**
 * Sorts `values` ascending in place (bottom-up merge sort) and returns how many pairs i < j had
 * values[i] > values[j]: each element taken from the right half passes all that remain on the left.
 */
function inversions(values: Float64Array): number {
  const n = values.length;
  let from = values;
  let to: Float64Array = new Float64Array(n);
  let count = 0;
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if (from[j] < from[i]) {
          count += mid - i;
          to[k++] = from[j++];
        } else to[k++] = from[i++];
      }
      while (i < mid) to[k++] = from[i++];
      while (j < hi) to[k++] = from[j++];
    }
    [from, to] = [to, from];
  }
  if (from !== values) values.set(from);
  return count;
}

function checkPaired(x: readonly number[], y: readonly number[], name: string): void {
  if (x.length !== y.length) throw new Error(`${name}: samples differ in length (${x.length} vs ${y.length})`);
  if (x.length < 2) throw new Error(`${name}: need at least 2 pairs, got ${x.length}`);
  // A loop rather than spreading both samples into one array: correlate() checks every pair of
  // samples three times, and at the site's sizes the copies cost more than the statistics.
  for (const sample of [x, y]) for (const v of sample) if (!Number.isFinite(v)) throw new Error(`${name}: ${v} is not a finite number`);
}
