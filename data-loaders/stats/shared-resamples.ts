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

const scoredValue = (x: number | null | undefined): x is number => x !== null && x !== undefined && Number.isFinite(x);

function scoredOf(column: ArrayLike<number | null>, n: number): Scored {
  if (column.length !== n) throw new Error(`a column has ${column.length} values, the resamples ${n} instances`);
  let m = 0;
  for (let k = 0; k < n; k++) if (scoredValue(column[k])) m++;
  const index = new Int32Array(m);
  const value = new Float64Array(m);
  for (let k = 0, t = 0; k < n; k++) {
    const x = column[k];
    if (scoredValue(x)) {
      index[t] = k;
      value[t++] = x;
    }
  }
  return {index, value};
}

/**
 * One column's sums under a set of resamples: what its resampled mean and every paired
 * comparison it takes part in are computed from, and what the site caches per column.
 */
export interface ColumnSums {
  /** Per resample: the count-weighted sum of the column's scored values. */
  sum: Float64Array;
  /**
   * Per resample: how many of the column's scored instances were drawn. Null for a complete
   * column, whose every resample draws n of them.
   */
  weight: Float64Array | null;
}

/**
 * The sums of one column (`column[k]` = the value on instance k; null, NaN or infinite when
 * unscored) under `draws`: one pass over its scored instances per resample.
 */
export function columnSums(column: ArrayLike<number | null>, draws: InstanceResamples): ColumnSums {
  const {index, value} = scoredOf(column, draws.n);
  const {resamples, counts} = draws;
  const sum = new Float64Array(resamples);
  const complete = index.length === draws.n;
  const weight = complete ? null : new Float64Array(resamples);
  for (let t = 0; t < index.length; t++) {
    const base = index[t] * resamples;
    const x = value[t];
    if (weight) {
      for (let r = 0; r < resamples; r++) {
        const c = counts[base + r];
        sum[r] += c * x;
        weight[r] += c;
      }
    } else for (let r = 0; r < resamples; r++) sum[r] += counts[base + r] * x;
  }
  return {sum, weight};
}

/** The resampled means of a column from its sums over `n` instances: NaN where a resample drew none of its scored instances. */
export function meansOf({sum, weight}: ColumnSums, n: number): Float64Array {
  const out = new Float64Array(sum.length);
  for (let r = 0; r < sum.length; r++) {
    const w = weight ? weight[r] : n;
    out[r] = w ? sum[r] / w : NaN;
  }
  return out;
}

/**
 * Resampled means of one column (`column[k]` = the value on instance k, null when unscored):
 * one per resample, NaN where the resample drew none of its scored instances.
 */
export function resampledMeans(column: ArrayLike<number | null>, draws: InstanceResamples): Float64Array {
  return meansOf(columnSums(column, draws), draws.n);
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

/** A column prepared for paired comparisons: its values, its unscored instances and its sums. */
export interface PairColumn {
  /** Value per instance, NaN where unscored. */
  dense: Float64Array;
  /** The instances it has no score for, ascending (usually few). */
  missing: Int32Array;
  /** Its scored instances and the sum of their values (in instance order). */
  scored: number;
  total: number;
  sums: ColumnSums;
}

/** A column (null, NaN or infinite = unscored) prepared for `comparePair`, with its sums under the benchmark's resamples. */
export function pairColumn(column: ArrayLike<number | null>, sums: ColumnSums): PairColumn {
  const n = column.length;
  const dense = new Float64Array(n);
  const missing: number[] = [];
  let total = 0;
  for (let k = 0; k < n; k++) {
    const x = column[k];
    if (scoredValue(x)) {
      dense[k] = x;
      total += x;
    } else {
      dense[k] = NaN;
      missing.push(k);
    }
  }
  return {dense, missing: Int32Array.from(missing), scored: n - missing.length, total, sums};
}

/**
 * The paired bootstrap comparison of columns A and B under one set of resamples, on the
 * instances both have a score for: the resampled difference is the difference of the two
 * columns' weighted sums over those instances, divided by their drawn count. For complete
 * columns that is `(sum_A - sum_B) / n`, read off the columns' own sums, so a pair costs one pass
 * over the resamples; where a column misses instances, the sums are corrected over the instances
 * only one of the two has (or summed over the shared ones directly, whichever is shorter), for
 * which `draws` is called. Null when they share fewer than two instances: one instance
 * resampled is only itself. The CI is the percentile interval; the p-value is the
 * shifted-bootstrap test of `pairedBootstrap`, over the resamples that drew a shared instance.
 */
export function comparePair(a: PairColumn, b: PairColumn, resamples: number, draws: () => InstanceResamples, level = 0.95): SharedPairedComparison | null {
  const n = a.dense.length;
  const x = a.dense;
  const y = b.dense;
  // Instances only A has a score for (B misses them), and only B has.
  const onlyA: number[] = [];
  const onlyB: number[] = [];
  for (const k of b.missing) if (x[k] === x[k]) onlyA.push(k);
  for (const k of a.missing) if (y[k] === y[k]) onlyB.push(k);
  const shared = a.scored - onlyA.length;
  if (shared < 2) return null;
  let totalA = a.total;
  let totalB = b.total;
  for (const k of onlyA) totalA -= x[k];
  for (const k of onlyB) totalB -= y[k];
  const observed = (totalA - totalB) / shared;
  const replicates = new Float64Array(resamples);
  const weight = new Float64Array(resamples);
  if (shared <= onlyA.length + onlyB.length) {
    // Few shared instances: sum the differences over them directly.
    const {counts} = draws();
    for (let k = 0; k < n; k++) {
      if (x[k] !== x[k] || y[k] !== y[k]) continue;
      const d = x[k] - y[k];
      const base = k * resamples;
      for (let r = 0; r < resamples; r++) {
        const c = counts[base + r];
        replicates[r] += c * d;
        weight[r] += c;
      }
    }
  } else {
    // Mostly shared: both columns' sums, less what only one of them has.
    const sa = a.sums;
    const sb = b.sums;
    for (let r = 0; r < resamples; r++) {
      replicates[r] = sa.sum[r] - sb.sum[r];
      weight[r] = sa.weight ? sa.weight[r] : n;
    }
    if (onlyA.length || onlyB.length) {
      const {counts} = draws();
      for (const k of onlyA) {
        const v = x[k];
        const base = k * resamples;
        for (let r = 0; r < resamples; r++) {
          const c = counts[base + r];
          replicates[r] -= c * v;
          weight[r] -= c;
        }
      }
      for (const k of onlyB) {
        const v = y[k];
        const base = k * resamples;
        for (let r = 0; r < resamples; r++) replicates[r] += counts[base + r] * v;
      }
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
  return {n: shared, difference: observed, lower, upper, p_value: (1 + extreme) / (valid + 1)};
}

/**
 * Paired bootstrap comparisons of every pair of columns (i < j, in the order (0,1), (0,2), ...,
 * (1,2), ...) under one set of resamples (`comparePair` for each). Each column is summed once.
 */
export function pairedComparisonsShared(columns: ReadonlyArray<ArrayLike<number | null>>, draws: InstanceResamples, level = 0.95): Array<SharedPairedComparison | null> {
  const prepared = columns.map((c) => pairColumn(c, columnSums(c, draws)));
  const out: Array<SharedPairedComparison | null> = [];
  for (let i = 0; i < prepared.length; i++) {
    for (let j = i + 1; j < prepared.length; j++) out.push(comparePair(prepared[i], prepared[j], draws.resamples, () => draws, level));
  }
  return out;
}
