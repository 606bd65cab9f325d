import {describe, it, expect} from "vitest";
import {averageRanks, fisherInterval, kendallTauB, pearson, spearman} from "../data-loaders/stats/correlation.ts";
import {seeded} from "../data-loaders/stats/random.ts";

describe("correlation", () => {
  it("averageRanks() gives tied values the mean of the ranks they span", () => {
    expect(averageRanks([10, 20, 20, 30])).toEqual([1, 2.5, 2.5, 4]);
    expect(averageRanks([3, 1, 3, 3, 2])).toEqual([4, 1, 4, 4, 2]);
  });

  it("averageRanks() equals the ranks of an index sort on random samples with ties, -0 tying with 0", () => {
    const definition = (values: number[]) => {
      const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
      const ranks = new Array<number>(values.length);
      for (let start = 0; start < order.length; ) {
        let end = start;
        while (end + 1 < order.length && values[order[end + 1]] === values[order[start]]) end++;
        for (let i = start; i <= end; i++) ranks[order[i]] = (start + end) / 2 + 1;
        start = end + 1;
      }
      return ranks;
    };
    const random = seeded(11).next;
    for (let trial = 0; trial < 200; trial++) {
      const values = Array.from({length: 1 + Math.floor(random() * 200)}, () => (random() < 0.1 ? -0 : Math.floor(random() * (1 + trial % 9)) - 3 + (trial % 2 ? random() : 0)));
      expect(averageRanks(values), `trial ${trial}`).toEqual(definition(values));
    }
  });

  it("spearman() with ties is 6.5/sqrt(95) = .6669 on x = 10..50, y = 1 3 3 2 5 (hand-computed, as scipy's spearmanr)", () => {
    // Ranks of y are 1, 3.5, 3.5, 2, 5; deviations from 3 are (-2, .5, .5, -1, 2) against
    // (-2, -1, 0, 1, 2) for x, so the cross product is 6.5 and the sums of squares 9.5 and 10.
    const result = spearman([10, 20, 30, 40, 50], [1, 3, 3, 2, 5]);
    expect(result.rho).toBeCloseTo(6.5 / Math.sqrt(95), 12);
    expect(result.n).toBe(5);
  });

  it("spearman() gives the Fisher-z interval tanh(atanh(rho) ± 1.95996/sqrt(n-3)) = [-.5232, .9753] for that example", () => {
    const result = spearman([10, 20, 30, 40, 50], [1, 3, 3, 2, 5]);
    expect(result.ci_low).toBeCloseTo(-0.5232394, 6);
    expect(result.ci_high).toBeCloseTo(0.9753088, 6);
  });

  it("spearman() matches scipy on a sample with ties in both variables (rho = .91517, CI [.59277, .98477])", () => {
    const result = spearman([1, 2, 2, 3, 4, 5, 6, 6], [2, 1, 3, 3, 5, 4, 6, 8]);
    expect(result.rho).toBeCloseTo(0.9151683, 6);
    expect(result.ci_low).toBeCloseTo(0.5927683, 6);
    expect(result.ci_high).toBeCloseTo(0.9847692, 6);
  });

  it("spearman() of a monotone relation is 1 with the degenerate interval [1, 1]", () => {
    const result = spearman([1, 2, 3, 4, 5], [1, 4, 9, 16, 25]);
    expect(result).toEqual({rho: 1, ci_low: 1, ci_high: 1, n: 5});
  });

  it("fisherInterval() is undefined below four pairs", () => {
    expect(fisherInterval(0.5, 3)).toEqual([NaN, NaN]);
  });

  it("kendallTauB() is (C - D)/sqrt((n0 - Tx)(n0 - Ty)) = 5/sqrt(90) = .5270 on x = 10..50, y = 1 3 3 2 5", () => {
    // 10 pairs: 7 concordant, 2 discordant, 1 tied in y only.
    expect(kendallTauB([10, 20, 30, 40, 50], [1, 3, 3, 2, 5])).toBeCloseTo(5 / Math.sqrt(90), 12);
    expect(kendallTauB([1, 2, 2, 3, 4, 5, 6, 6], [2, 1, 3, 3, 5, 4, 6, 8])).toBeCloseTo(0.7925939, 6);
  });

  it("kendallTauB() equals the pair-by-pair definition on random samples with ties in x, in y and in both", () => {
    // The definition itself: every pair classified by the signs of its two differences.
    const definition = (x: number[], y: number[]) => {
      let concordant = 0;
      let discordant = 0;
      let tiesX = 0;
      let tiesY = 0;
      for (let i = 0; i < x.length; i++) {
        for (let j = i + 1; j < x.length; j++) {
          const dx = Math.sign(x[i] - x[j]);
          const dy = Math.sign(y[i] - y[j]);
          if (dx === 0) tiesX++;
          if (dy === 0) tiesY++;
          if (dx !== 0 && dy !== 0) {
            if (dx === dy) concordant++;
            else discordant++;
          }
        }
      }
      const pairs = (x.length * (x.length - 1)) / 2;
      return (concordant - discordant) / Math.sqrt((pairs - tiesX) * (pairs - tiesY));
    };
    const random = seeded(7).next;
    for (let trial = 0; trial < 300; trial++) {
      const n = 2 + Math.floor(random() * 120);
      // Few distinct values make ties in x, in y and in both frequent; some trials correlate y with x.
      const levels = 1 + Math.floor(random() * 8);
      const x = Array.from({length: n}, () => Math.floor(random() * levels) / 2 - 1);
      const y = x.map((v) => (trial % 3 === 0 ? v + Math.floor(random() * 3) : Math.floor(random() * levels) * 0.25));
      const expected = definition(x, y);
      // Exactly equal (NaN when a sample is constant): both count the same integers.
      expect(Object.is(kendallTauB(x, y), expected), `trial ${trial}`).toBe(true);
    }
  });

  it("pearson() is NaN when one sample is constant", () => {
    expect(pearson([1, 2, 3], [2, 2, 2])).toBeNaN();
  });

  it("spearman() rejects unpaired and non-finite samples", () => {
    expect(() => spearman([1, 2, 3], [1, 2])).toThrow("spearman: samples differ in length (3 vs 2)");
    expect(() => spearman([1, NaN, 3], [1, 2, 3])).toThrow("spearman: NaN is not a finite number");
  });
});
