/**
 * Chance-corrected agreement on categorical ratings: Cohen's kappa for two raters (unweighted,
 * or linear/quadratic weights over an ordered category list) with a seeded percentile-bootstrap
 * interval, and Fleiss' kappa for many raters. MedHELM reports quadratic-weighted Cohen's kappa
 * between rounded clinician and jury scores with a 1,000-resample bootstrap interval.
 *
 * No maintained npm package computes kappa, so this module implements it; it is checked against
 * the textbook examples of Cohen (1960) as told on Wikipedia and Fleiss (1971).
 */
import {seeded} from "./random.ts";

/** How disagreements are weighted: all alike, by distance, or by squared distance between categories. */
export type KappaWeights = "none" | "linear" | "quadratic";

/** A kappa estimate with its percentile-bootstrap interval. */
export interface KappaInterval {
  value: number;
  ci_low: number;
  ci_high: number;
  /** Bootstrap resamples whose kappa was defined (a resample with one category only has none). */
  resamples: number;
}

/** Options for {@link cohenKappaInterval}. */
export interface KappaIntervalOptions {
  weights?: KappaWeights;
  /** Bootstrap resamples; default 1000. */
  resamples?: number;
  /** Seed of the resampling stream; default 0. */
  seed?: number;
  /** Confidence level; default 0.95. */
  confidence?: number;
}

/**
 * Cohen's kappa between paired ratings `a` and `b`. Categories are given explicitly and in order,
 * because weights depend on the distance between category positions and a category nobody used
 * still counts in that distance (unlike scikit-learn, which weights by position among the
 * observed labels only). Returns `NaN` when chance disagreement is zero (e.g. both raters use
 * one category throughout).
 */
export function cohenKappa<T>(a: readonly T[], b: readonly T[], categories: readonly T[], weights: KappaWeights = "none"): number {
  if (a.length !== b.length) throw new Error(`cohenKappa: raters differ in length (${a.length} vs ${b.length})`);
  if (a.length === 0) throw new Error("cohenKappa: no ratings");
  if (categories.length < 2) throw new Error(`cohenKappa: need at least 2 categories, got ${categories.length}`);
  const index = new Map(categories.map((c, i) => [c, i]));
  const ia = a.map((v) => categoryIndex(index, v));
  const ib = b.map((v) => categoryIndex(index, v));
  return kappaFromIndices(ia, ib, categories.length, weights);
}

/**
 * Cohen's kappa with a percentile-bootstrap interval: items (pairs of ratings) are resampled with
 * replacement `resamples` times from a seeded generator, and the interval is the
 * (1-confidence)/2 and (1+confidence)/2 quantiles (linear interpolation, numpy's default) of the
 * resampled kappas. Resamples with undefined kappa are left out and counted.
 */
export function cohenKappaInterval<T>(a: readonly T[], b: readonly T[], categories: readonly T[], options: KappaIntervalOptions = {}): KappaInterval {
  const weights = options.weights ?? "none";
  const resamples = options.resamples ?? 1000;
  const confidence = options.confidence ?? 0.95;
  if (!(Number.isInteger(resamples) && resamples > 0)) throw new Error(`cohenKappaInterval: resamples ${resamples} is not a positive integer`);
  if (!(confidence > 0 && confidence < 1)) throw new Error(`cohenKappaInterval: confidence ${confidence} is not between 0 and 1`);
  const value = cohenKappa(a, b, categories, weights);
  const index = new Map(categories.map((c, i) => [c, i]));
  const ia = a.map((v) => categoryIndex(index, v));
  const ib = b.map((v) => categoryIndex(index, v));
  const random = seeded(options.seed ?? 0);
  const n = ia.length;
  const kappas: number[] = [];
  const sa = new Array<number>(n);
  const sb = new Array<number>(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) {
      const j = random.int(n);
      sa[i] = ia[j];
      sb[i] = ib[j];
    }
    const kappa = kappaFromIndices(sa, sb, categories.length, weights);
    if (Number.isFinite(kappa)) kappas.push(kappa);
  }
  const [ci_low, ci_high] = percentileInterval(kappas, confidence);
  return {value, ci_low, ci_high, resamples: kappas.length};
}

/**
 * The `(1 ± confidence) / 2` quantiles of `values` with linear interpolation between order
 * statistics (type 7 of Hyndman & Fan, numpy's default `percentile`); `[NaN, NaN]` when empty.
 */
export function percentileInterval(values: readonly number[], confidence = 0.95): [number, number] {
  if (values.length === 0) return [NaN, NaN];
  const sorted = values.slice().sort((x, y) => x - y);
  const quantile = (p: number) => {
    const h = (sorted.length - 1) * p;
    const lo = Math.floor(h);
    const hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  };
  return [quantile((1 - confidence) / 2), quantile((1 + confidence) / 2)];
}

/**
 * Fleiss' kappa from an items x categories table of counts: `counts[i][j]` raters put item i in
 * category j. Every item must have the same number of raters (at least 2).
 */
export function fleissKappaFromCounts(counts: readonly (readonly number[])[]): number {
  if (counts.length === 0) throw new Error("fleissKappa: no items");
  const m = counts[0].reduce((s, c) => s + c, 0);
  const q = counts[0].length;
  counts.forEach((row, i) => {
    if (row.length !== q) throw new Error(`fleissKappa: item ${i + 1} has ${row.length} categories, expected ${q}`);
    const total = row.reduce((s, c) => s + c, 0);
    if (total !== m) throw new Error(`fleissKappa: item ${i + 1} has ${total} ratings, expected ${m} like item 1`);
  });
  if (m < 2) throw new Error(`fleissKappa: need at least 2 raters per item, got ${m}`);
  const n = counts.length;
  const pj = Array.from({length: q}, (_, j) => counts.reduce((s, row) => s + row[j], 0) / (n * m));
  const pBar = counts.reduce((s, row) => s + (row.reduce((t, c) => t + c * c, 0) - m) / (m * (m - 1)), 0) / n;
  const pe = pj.reduce((s, p) => s + p * p, 0);
  return (pBar - pe) / (1 - pe);
}

/**
 * Fleiss' kappa for an items x raters matrix of category labels (each row: the labels the raters
 * gave that item). Categories default to the distinct labels seen; with an explicit list, a label
 * outside it is an error.
 */
export function fleissKappa<T>(ratings: readonly (readonly T[])[], categories?: readonly T[]): number {
  const cats = categories ?? [...new Set(ratings.flat())];
  const index = new Map(cats.map((c, i) => [c, i]));
  const counts = ratings.map((row) => {
    const out = new Array<number>(cats.length).fill(0);
    for (const v of row) out[categoryIndex(index, v)]++;
    return out;
  });
  return fleissKappaFromCounts(counts);
}

function categoryIndex<T>(index: Map<T, number>, value: T): number {
  const i = index.get(value);
  if (i === undefined) throw new Error(`kappa: ${JSON.stringify(value)} is not in the category list`);
  return i;
}

/** Weighted kappa `1 - Σ w·observed / Σ w·expected`; with 0/1 weights this is `(po - pe) / (1 - pe)`. */
function kappaFromIndices(ia: readonly number[], ib: readonly number[], q: number, weights: KappaWeights): number {
  const n = ia.length;
  const observed = Array.from({length: q}, () => new Array<number>(q).fill(0));
  const rowTotals = new Array<number>(q).fill(0);
  const colTotals = new Array<number>(q).fill(0);
  for (let i = 0; i < n; i++) {
    observed[ia[i]][ib[i]]++;
    rowTotals[ia[i]]++;
    colTotals[ib[i]]++;
  }
  const weight = (i: number, j: number) => {
    if (weights === "none") return i === j ? 0 : 1;
    const d = Math.abs(i - j) / (q - 1);
    return weights === "linear" ? d : d * d;
  };
  let disagreeObserved = 0;
  let disagreeExpected = 0;
  for (let i = 0; i < q; i++) {
    for (let j = 0; j < q; j++) {
      const w = weight(i, j);
      disagreeObserved += (w * observed[i][j]) / n;
      disagreeExpected += (w * rowTotals[i] * colTotals[j]) / (n * n);
    }
  }
  return disagreeExpected === 0 ? NaN : 1 - disagreeObserved / disagreeExpected;
}
