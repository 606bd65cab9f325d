import {describe, expect, it} from "vitest";
import {
  bootstrapMeanCi,
  bootstrapWinRates,
  minimumDetectableEffect,
  pairedBootstrap,
  pairedBootstrapAll,
  quantile,
  ranks,
  type InstanceScores
} from "../data-loaders/stats/bootstrap.ts";

const noisy = [0, 1, 1, 0, 1, 1, 1, 0, 1, 0, 0.5, 0.25, 0.75, 1, 0, 1, 1, 1, 0, 1];

describe("quantile", () => {
  it("interpolates linearly between order statistics like numpy", () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantile([7], 0.975)).toBe(7);
  });
});

describe("bootstrapMeanCi", () => {
  it("gives a zero-width interval for a constant vector", () => {
    expect(bootstrapMeanCi([0.4, 0.4, 0.4, 0.4])).toEqual({estimate: 0.4, lower: 0.4, upper: 0.4});
  });

  it("brackets the sample mean", () => {
    const ci = bootstrapMeanCi(noisy);
    expect(ci.lower).toBeLessThan(ci.estimate);
    expect(ci.upper).toBeGreaterThan(ci.estimate);
    expect(ci.lower).toBeGreaterThanOrEqual(0);
    expect(ci.upper).toBeLessThanOrEqual(1);
  });

  it("is identical for the same seed and differs for another", () => {
    expect(bootstrapMeanCi(noisy, {seed: 7})).toEqual(bootstrapMeanCi(noisy, {seed: 7}));
    expect(bootstrapMeanCi(noisy, {seed: 7})).not.toEqual(bootstrapMeanCi(noisy, {seed: 8}));
  });

  it("narrows at a lower confidence level", () => {
    const wide = bootstrapMeanCi(noisy, {level: 0.95});
    const narrow = bootstrapMeanCi(noisy, {level: 0.5});
    expect(narrow.upper - narrow.lower).toBeLessThan(wide.upper - wide.lower);
  });

  it("rejects empty input and bad settings", () => {
    expect(() => bootstrapMeanCi([])).toThrow("no instance values to bootstrap");
    expect(() => bootstrapMeanCi(noisy, {resamples: 0})).toThrow("bad resample count: 0");
    expect(() => bootstrapMeanCi(noisy, {level: 1})).toThrow("bad confidence level: 1");
  });
});

describe("ranks", () => {
  it("gives tied values the better shared rank and skips nulls", () => {
    expect(ranks([0.5, 0.9, 0.5, null, 0.1])).toEqual([2, 1, 2, null, 4]);
  });
});

describe("bootstrapWinRates", () => {
  const input: InstanceScores = {
    models: ["strong", "weak", "mixed"],
    benchmarks: [
      {id: "x", scores: [[1, 1, 1, 1], [0, 0, 0, 0], [0.6, 0.4, 0.6, 0.4]]},
      {id: "y", scores: [[0.9, 0.8, 0.9], [0.1, 0.2, 0.1], [0.5, null, 0.4]]}
    ]
  };

  it("gives a model that wins on every instance a win rate of 1 and rank 1 in every resample", () => {
    const [strong] = bootstrapWinRates(input, {resamples: 200});
    expect(strong).toEqual({model: "strong", win_rate: 1, lower: 1, upper: 1, rank: 1, rank_lower: 1, rank_upper: 1});
  });

  it("widens the intervals of models whose order depends on the instances drawn", () => {
    const tight: InstanceScores = {
      models: ["p", "q"],
      benchmarks: [{id: "z", scores: [[1, 0, 1, 0, 1, 0], [0, 1, 0, 1, 0, 1]]}]
    };
    const [p] = bootstrapWinRates(tight, {resamples: 500});
    expect(p.win_rate).toBe(0.5);
    expect(p.lower).toBe(0);
    expect(p.upper).toBe(1);
    expect([p.rank_lower, p.rank_upper]).toEqual([1, 2]);
  });

  it("is reproducible for a seed", () => {
    expect(bootstrapWinRates(input, {seed: 3, resamples: 100})).toEqual(bootstrapWinRates(input, {seed: 3, resamples: 100}));
  });

  it("rejects misaligned instance arrays", () => {
    const bad: InstanceScores = {models: ["a", "b"], benchmarks: [{id: "x", scores: [[1, 0], [1]]}]};
    expect(() => bootstrapWinRates(bad)).toThrow("benchmark x: model b has 1 instances, expected 2");
  });
});

describe("pairedBootstrap", () => {
  it("gives identical models a zero difference, a CI containing 0 and p = 1", () => {
    const result = pairedBootstrap(noisy, noisy);
    expect(result.difference).toBe(0);
    expect(result.lower).toBeLessThanOrEqual(0);
    expect(result.upper).toBeGreaterThanOrEqual(0);
    expect(result.p_value).toBe(1);
  });

  it("gives a constant shift the smallest possible p-value", () => {
    const shifted = noisy.map((x) => x + 1);
    const result = pairedBootstrap(shifted, noisy, {resamples: 999});
    expect(result.difference).toBeCloseTo(1, 12);
    expect(result.lower).toBeCloseTo(1, 12);
    expect(result.p_value).toBe(1 / 1000);
  });

  it("drops instances missing for either model", () => {
    expect(pairedBootstrap([1, null, 0], [0, 1, null]).n).toBe(1);
  });

  it("finds no evidence in a small noisy difference", () => {
    expect(pairedBootstrap([1, 0, 1, 0, 1], [0, 1, 1, 0, 1]).p_value).toBeGreaterThan(0.5);
  });

  it("is reproducible for a seed and rejects unequal lengths", () => {
    const other = noisy.slice().reverse();
    expect(pairedBootstrap(noisy, other, {seed: 5})).toEqual(pairedBootstrap(noisy, other, {seed: 5}));
    expect(() => pairedBootstrap([1, 2], [1])).toThrow("paired scores differ in length: 2 vs 1");
  });

describe("pairedBootstrapAll", () => {
  const columns = [
    [1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 1, 0],
    [0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0, 0],
    [1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 0],
    [0, 1, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1]
  ];

  it("gives every pair of integer scores exactly what pairedBootstrap gives it with the same seed", () => {
    const all = pairedBootstrapAll(columns, {seed: 9, resamples: 300});
    const expected = [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]].map(([i, j]) => pairedBootstrap(columns[i], columns[j], {seed: 9, resamples: 300}));
    expect(all).toEqual(expected);
  });

  it("returns nothing for one column and rejects columns of different lengths", () => {
    expect(pairedBootstrapAll([columns[0]])).toEqual([]);
    expect(() => pairedBootstrapAll([[1, 0], [1]])).toThrow("paired scores differ in length: 1 vs 2 (column 1)");
  });
});
});

describe("minimumDetectableEffect", () => {
  const z = 1.959963984540054 + 0.8416212335729143;

  it("is (z_0.975 + z_0.8) * SD(paired difference) / sqrt(n)", () => {
    // Differences [1, 0, 1, 0]: sample SD sqrt(1/3), n = 4.
    expect(minimumDetectableEffect([1, 0, 1, 0], [0, 0, 0, 0])).toBeCloseTo((z * Math.sqrt(1 / 3)) / 2, 9);
  });

  it("uses SD * sqrt(2) of the single model when no rival is given", () => {
    expect(minimumDetectableEffect([1, 0, 1, 0])).toBeCloseTo((z * Math.sqrt(1 / 3) * Math.SQRT2) / 2, 9);
  });

  it("is zero when the paired difference is constant", () => {
    expect(minimumDetectableEffect([1, 2, 3], [0, 1, 2])).toBe(0);
  });

  it("needs two instances", () => {
    expect(() => minimumDetectableEffect([1])).toThrow("need at least 2 instances, got 1");
  });
});
