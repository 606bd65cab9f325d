/**
 * One set of bootstrap resamples of a benchmark's instances, shared by every statistic drawn
 * from it: the interval of each leaderboard cell, the win-rate resamples and the paired
 * comparison of every pair of entries. A resample is stored as how often each instance was
 * drawn, so that a column's resampled mean is a weighted sum and nothing is copied per column.
 *
 * Sharing the draws is what keeps a leaderboard of dozens of entries cheap: the draws cost
 * resamples x n once per benchmark, and each column costs one pass over its scored instances
 * per resample, instead of a fresh random stream per cell and per pair. It also keeps the
 * statistics of one benchmark consistent with each other (common random numbers): a cell's
 * interval and the win rates come from the same resampled benchmarks.
 *
 * Missing values: a column's resampled mean is the mean over the drawn instances it has a score
 * for (the ratio estimator sum(count x value) / sum(count)), which is how a resampled
 * leaderboard cell averages its instances. A resample that draws none of a column's scored
 * instances has no mean for that column (NaN) and is left out of its interval.
 */
import type {Random} from "./random.ts";

/** `resamples` draws of `n` instance indices with replacement, as per-instance counts. */
export interface InstanceResamples {
  /** Instances of the benchmark. */
  n: number;
  /** Number of resamples. */
  resamples: number;
  /**
   * `counts[k * resamples + r]`: how often instance k was drawn in resample r (each resample sums
   * to n). Instance-major, so that the loops over one instance's resamples read memory in order.
   */
  counts: Int32Array;
}

/**
 * Draws `resamples` resamples of `n` instances. Resample r takes its n indices from `random` in
 * order, as `random.int(n)` n times: the same draws a one-column bootstrap with that stream makes,
 * so a single complete column gives exactly the replicates of resampling it alone.
 */
export function drawResamples(n: number, resamples: number, random: Random): InstanceResamples {
  if (!Number.isInteger(n) || n < 0) throw new Error(`bad instance count: ${n}`);
  if (!Number.isInteger(resamples) || resamples < 1) throw new Error(`bad resample count: ${resamples}`);
  const counts = new Int32Array(resamples * n);
  for (let r = 0; r < resamples; r++) {
    for (let k = 0; k < n; k++) counts[random.int(n) * resamples + r]++;
  }
  return {n, resamples, counts};
}

/** A column as the indices of its scored instances and their values, ready for weighted sums. */
interface Scored {
  index: Int32Array;
  value: Float64Array;
}

function scoredOf(column: ArrayLike<number | null>, n: number): Scored {
  if (column.length !== n) throw new Error(`a column has ${column.length} values, the resamples ${n} instances`);
  const index: number[] = [];
  const value: number[] = [];
  for (let k = 0; k < n; k++) {
    const x = column[k];
    if (x !== null && x !== undefined && Number.isFinite(x)) {
      index.push(k);
      value.push(x);
    }
  }
  return {index: Int32Array.from(index), value: Float64Array.from(value)};
}

/**
 * Resampled means of one column (`column[k]` = the value on instance k, null when unscored):
 * one per resample, NaN where the resample drew none of its scored instances.
 */
export function resampledMeans(column: ArrayLike<number | null>, draws: InstanceResamples): Float64Array {
  const {index, value} = scoredOf(column, draws.n);
  const {sum, weight} = weightedSums(index, value, draws);
  for (let r = 0; r < sum.length; r++) sum[r] = weight[r] ? sum[r] / weight[r] : NaN;
  return sum;
}

/** Per resample: the count-weighted sum of a column's scored values, and the count of its drawn scored instances. */
function weightedSums(index: Int32Array, value: Float64Array, {resamples, counts}: InstanceResamples): {sum: Float64Array; weight: Float64Array} {
  const sum = new Float64Array(resamples);
  const weight = new Float64Array(resamples);
  for (let t = 0; t < index.length; t++) {
    const base = index[t] * resamples;
    const x = value[t];
    for (let r = 0; r < resamples; r++) {
      const c = counts[base + r];
      sum[r] += c * x;
      weight[r] += c;
    }
  }
  return {sum, weight};
}

/**
 * Moves the k-th smallest of `values[left..right]` to position k, smaller ones before it and
 * larger ones after (Hoare's selection with a median-of-three pivot). Written here rather than
 * taken from d3-array: its generic `quickselect` calls a comparator per comparison, which on
 * tens of thousands of intervals cost as much as sorting them.
 */
function select(values: Float64Array, k: number): void {
  let left = 0;
  let right = values.length - 1;
  while (right > left) {
    const mid = (left + right) >>> 1;
    // Order left, mid and right, and take the middle one as the pivot.
    if (values[mid] < values[left]) swap(values, mid, left);
    if (values[right] < values[left]) swap(values, right, left);
    if (values[right] < values[mid]) swap(values, right, mid);
    const pivot = values[mid];
    let i = left;
    let j = right;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        swap(values, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return;
  }
}

function swap(values: Float64Array, i: number, j: number): void {
  const t = values[i];
  values[i] = values[j];
  values[j] = t;
}

/**
 * The p-quantile (Hyndman-Fan type 7, numpy's default, as `quantile` in bootstrap.ts) of the
 * numbers in `values`, found by selection rather than sorting: a leaderboard asks for tens of
 * thousands of intervals, and two selections cost a fraction of a sort. Reorders `values`.
 */
function selectQuantile(values: Float64Array, p: number): number {
  const m = values.length;
  const h = (m - 1) * p;
  const lo = Math.floor(h);
  select(values, lo);
  // After the selection everything above position lo is at least values[lo]: the next order
  // statistic is their minimum.
  let next = values[lo];
  if (lo + 1 < m) {
    next = values[lo + 1];
    for (let i = lo + 2; i < m; i++) if (values[i] < next) next = values[i];
  }
  return values[lo] + (h - lo) * (next - values[lo]);
}

/**
 * The percentile interval at `level` of replicates, NaNs (resamples without a value) left out;
 * null when every replicate is NaN. Reorders `replicates`.
 */
export function percentileInterval(replicates: Float64Array, level: number): [number, number] | null {
  let m = 0;
  for (let r = 0; r < replicates.length; r++) {
    const x = replicates[r];
    if (x === x) replicates[m++] = x;
  }
  if (!m) return null;
  const valid = replicates.subarray(0, m);
  const tail = (1 - level) / 2;
  return [selectQuantile(valid, tail), selectQuantile(valid, 1 - tail)];
}

/** A paired comparison of two columns under shared resamples. */
export interface SharedPairedComparison {
  /** Instances both columns have a score for. */
  n: number;
  /** Mean of A minus B over those instances, with its percentile interval. */
  difference: number;
  lower: number;
  upper: number;
  /** Two-sided shifted-bootstrap p-value, as `pairedBootstrap` in bootstrap.ts. */
  p_value: number;
}

/**
 * Paired bootstrap comparisons of every pair of columns (i < j, in the order (0,1), (0,2), ...,
 * (1,2), ...) under one set of resamples. A pair is compared on the instances both have a score
 * for; its resampled difference is the difference of the two columns' weighted sums over those
 * instances, divided by their drawn count. For complete columns that is
 * `(sum_i - sum_j) / n`, so each column is summed once per resample and a pair costs nothing
 * more; where a column misses instances, the pair's sums are corrected over the instances only
 * one of the two has (or summed over the shared ones directly, whichever is shorter).
 * A pair with fewer than two shared instances gets null: one instance resampled is only itself.
 * The CI is the percentile interval; the p-value is the shifted-bootstrap test of
 * `pairedBootstrap`, over the resamples that drew a shared instance.
 */
export function pairedComparisonsShared(columns: ReadonlyArray<ArrayLike<number | null>>, draws: InstanceResamples, level = 0.95): Array<SharedPairedComparison | null> {
  const {n, resamples, counts} = draws;
  const m = columns.length;
  const scored = columns.map((c) => scoredOf(c, n));
  // Dense copies (NaN = unscored) make the lookups below index reads; `missing` lists each
  // column's unscored instances, usually few, from which a pair's corrections are found.
  const dense = columns.map((c) => {
    const d = new Float64Array(n).fill(NaN);
    for (let k = 0; k < n; k++) {
      const x = c[k];
      if (x !== null && x !== undefined && Number.isFinite(x)) d[k] = x;
    }
    return d;
  });
  const missing = dense.map((d) => {
    const out: number[] = [];
    for (let k = 0; k < n; k++) if (d[k] !== d[k]) out.push(k);
    return out;
  });
  const totals = scored.map(({value}) => value.reduce((a, b) => a + b, 0));
  // Per column and resample: the weighted sum over its scored instances and their drawn count.
  const sums = scored.map(({index, value}) => weightedSums(index, value, draws));
  const replicates = new Float64Array(resamples);
  const weight = new Float64Array(resamples);
  const out: Array<SharedPairedComparison | null> = [];
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) {
      const a = dense[i];
      const b = dense[j];
      // Instances only i has a score for (j misses them), and only j has.
      const onlyI = missing[j].filter((k) => a[k] === a[k]);
      const onlyJ = missing[i].filter((k) => b[k] === b[k]);
      const shared = scored[i].index.length - onlyI.length;
      if (shared < 2) {
        out.push(null);
        continue;
      }
      let totalI = totals[i];
      let totalJ = totals[j];
      for (const k of onlyI) totalI -= a[k];
      for (const k of onlyJ) totalJ -= b[k];
      const observed = (totalI - totalJ) / shared;
      if (shared <= onlyI.length + onlyJ.length) {
        // Few shared instances: sum the differences over them directly.
        replicates.fill(0);
        weight.fill(0);
        for (let k = 0; k < n; k++) {
          if (a[k] !== a[k] || b[k] !== b[k]) continue;
          const d = a[k] - b[k];
          const base = k * resamples;
          for (let r = 0; r < resamples; r++) {
            const c = counts[base + r];
            replicates[r] += c * d;
            weight[r] += c;
          }
        }
      } else {
        // Mostly shared: both columns' sums, less what only one of them has.
        const si = sums[i];
        const sj = sums[j];
        for (let r = 0; r < resamples; r++) {
          replicates[r] = si.sum[r] - sj.sum[r];
          weight[r] = si.weight[r];
        }
        for (const k of onlyI) {
          const x = a[k];
          const base = k * resamples;
          for (let r = 0; r < resamples; r++) {
            const c = counts[base + r];
            replicates[r] -= c * x;
            weight[r] -= c;
          }
        }
        for (const k of onlyJ) {
          const y = b[k];
          const base = k * resamples;
          for (let r = 0; r < resamples; r++) replicates[r] += counts[base + r] * y;
        }
      }
      let extreme = 0;
      let valid = 0;
      for (let r = 0; r < resamples; r++) {
        if (!weight[r]) {
          replicates[r] = NaN;
          continue;
        }
        const d = replicates[r] / weight[r];
        replicates[r] = d;
        valid++;
        if (Math.abs(d - observed) >= Math.abs(observed)) extreme++;
      }
      const [lower, upper] = percentileInterval(replicates, level) ?? [observed, observed];
      out.push({n: shared, difference: observed, lower, upper, p_value: (1 + extreme) / (valid + 1)});
    }
  }
  return out;
}
