/**
 * The shared resamples behind the site's intervals, win rates and pairs: each function is
 * checked against a direct computation from the drawn indices, written out longhand here.
 */
import {describe, expect, it} from "vitest";
import {bootstrapMeanCi, quantile} from "../data-loaders/stats/bootstrap.ts";
import {seeded} from "../data-loaders/stats/random.ts";
import {drawResamples, pairedComparisonsShared, percentileInterval, resampledMeans} from "../data-loaders/stats/shared-resamples.ts";

/** The indices of every resample, drawn from the same stream the way drawResamples draws them. */
function indexDraws(n: number, resamples: number, seed: number): number[][] {
  const random = seeded(seed);
  return Array.from({length: resamples}, () => Array.from({length: n}, () => random.int(n)));
}

describe("drawResamples", () => {
  it("counts the same draws a one-column bootstrap makes, n per resample", () => {
    const draws = drawResamples(7, 20, seeded(11));
    const indices = indexDraws(7, 20, 11);
    for (let r = 0; r < 20; r++) {
      const counts = Array.from({length: 7}, (_, k) => draws.counts[k * 20 + r]);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(7);
      expect(counts).toEqual(Array.from({length: 7}, (_, k) => indices[r].filter((i) => i === k).length));
    }
  });

  it("rejects a resample count that is not a positive integer", () => {
    expect(() => drawResamples(3, 0, seeded(1))).toThrow("bad resample count: 0");
  });
});

describe("resampledMeans", () => {
  it("gives a complete integer column exactly the replicates of bootstrapMeanCi with the same stream", () => {
    const values = [3, 1, 4, 1, 5, 9, 2, 6];
    const reps = resampledMeans(values, drawResamples(values.length, 500, seeded(2)));
    const interval = percentileInterval(reps, 0.95)!;
    const expected = bootstrapMeanCi(values, {seed: 2, resamples: 500});
    expect(interval).toEqual([expected.lower, expected.upper]);
  });

  it("averages only the drawn instances a column has a score for, and is NaN when it drew none", () => {
    const column = [1, null, 0, null, 1];
    const resamples = 300;
    const reps = resampledMeans(column, drawResamples(column.length, resamples, seeded(5)));
    indexDraws(column.length, resamples, 5).forEach((drawn, r) => {
      const scored = drawn.map((k) => column[k]).filter((x): x is number => x !== null);
      if (scored.length) expect(reps[r]).toBeCloseTo(scored.reduce((a, b) => a + b, 0) / scored.length, 12);
      else expect(reps[r]).toBeNaN();
    });
  });
});

describe("percentileInterval", () => {
  it("selects the type-7 quantiles a sort gives, ignoring NaN replicates", () => {
    const xs = Float64Array.from([0.5, NaN, 0.1, 0.9, 0.3]);
    const interval = percentileInterval(xs, 0.9)!;
    expect(interval[0]).toBeCloseTo(quantile([0.1, 0.3, 0.5, 0.9], 0.05), 12);
    expect(interval[1]).toBeCloseTo(quantile([0.1, 0.3, 0.5, 0.9], 0.95), 12);
    expect(percentileInterval(Float64Array.from([NaN, NaN]), 0.5)).toBeNull();
  });

  it("equals the sorted quantiles on replicates of every size, with and without ties", () => {
    const random = seeded(3);
    for (let trial = 0; trial < 300; trial++) {
      const size = 1 + random.int(trial < 150 ? 12 : 1200);
      const levels = [2, 5, 40, 1e9][trial % 4];
      const reps = Array.from({length: size}, () => Math.floor(random.next() * levels) / levels);
      for (const level of [0.5, 0.9, 0.95]) {
        const tail = (1 - level) / 2;
        expect(percentileInterval(Float64Array.from(reps), level)).toEqual([quantile(reps, tail), quantile(reps, 1 - tail)]);
      }
    }
  });
});

describe("pairedComparisonsShared", () => {
  // Column 0 is complete; 1 misses one instance (the corrected sums are used); 2 has three
  // scores, so its pairs are summed over the shared instances directly; 3 shares one instance with 2.
  const columns: Array<Array<number | null>> = [
    [1, 0, 1, 1, 0, 1, 1, 0, 1, 1],
    [0, 0, 1, null, 1, 1, 0, 0, 1, 0],
    [null, 1, null, null, 0, null, 1, null, null, null],
    [1, null, 1, 0, null, 0, null, 1, 1, 0]
  ];
  const resamples = 400;
  const seed = 8;

  /** The pair's comparison computed longhand from the drawn indices. */
  function longhand(a: Array<number | null>, b: Array<number | null>) {
    const shared = a.map((x, k) => (x !== null && b[k] !== null ? k : -1)).filter((k) => k >= 0);
    if (shared.length < 2) return null;
    const observed = shared.reduce((s, k) => s + a[k]! - b[k]!, 0) / shared.length;
    const reps: number[] = [];
    for (const drawn of indexDraws(a.length, resamples, seed)) {
      const hits = drawn.filter((k) => a[k] !== null && b[k] !== null);
      if (hits.length) reps.push(hits.reduce((s, k) => s + a[k]! - b[k]!, 0) / hits.length);
    }
    const extreme = reps.filter((d) => Math.abs(d - observed) >= Math.abs(observed)).length;
    return {n: shared.length, difference: observed, lower: quantile(reps, 0.025), upper: quantile(reps, 0.975), p_value: (1 + extreme) / (reps.length + 1)};
  }

  it("gives every pair, complete or not, the bootstrap over the drawn instances both have a score for", () => {
    const results = pairedComparisonsShared(columns, drawResamples(10, resamples, seeded(seed)));
    const order = [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]];
    expect(results).toHaveLength(order.length);
    order.forEach(([i, j], p) => {
      const expected = longhand(columns[i], columns[j]);
      if (!expected) {
        expect(results[p]).toBeNull();
        return;
      }
      const got = results[p]!;
      expect(got.n).toBe(expected.n);
      expect(got.difference).toBeCloseTo(expected.difference, 12);
      expect(got.lower).toBeCloseTo(expected.lower, 12);
      expect(got.upper).toBeCloseTo(expected.upper, 12);
      expect(got.p_value).toBeCloseTo(expected.p_value, 12);
    });
    // The pair (2, 3) shares a single instance, which cannot be resampled into an interval.
    expect(results[5]).toBeNull();
  });

  it("gives identical columns a zero difference and a p-value of 1", () => {
    const [same] = pairedComparisonsShared([columns[1], columns[1]], drawResamples(10, 100, seeded(1)));
    expect(same).toMatchObject({difference: 0, lower: 0, upper: 0, p_value: 1});
  });
});
