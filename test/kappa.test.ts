import {describe, it, expect} from "vitest";
import {cohenKappa, cohenKappaInterval, fleissKappa, fleissKappaFromCounts, percentileInterval} from "../data-loaders/stats/kappa.ts";

/** Paired ratings from a contingency table given as [a, b, count] cells. */
function fromTable<T>(cells: [T, T, number][]): [T[], T[]] {
  const a: T[] = [];
  const b: T[] = [];
  for (const [x, y, count] of cells) {
    for (let i = 0; i < count; i++) {
      a.push(x);
      b.push(y);
    }
  }
  return [a, b];
}

// Wikipedia, "Cohen's kappa", worked example: 50 grant proposals, 20 yes-yes, 5 yes-no,
// 10 no-yes, 15 no-no; po = .7, pe = .5, kappa = .4.
const [grantA, grantB] = fromTable<string>([["yes", "yes", 20], ["yes", "no", 5], ["no", "yes", 10], ["no", "no", 15]]);

// A 3-category table small enough to weight by hand (rows rater a, columns rater b):
//        1  2  3
//   1 [  3  1  0 ]   row totals 4, 4, 2; column totals 4, 3, 3; n = 10
//   2 [  1  2  1 ]
//   3 [  0  0  2 ]
const [ordinalA, ordinalB] = fromTable<number>([[1, 1, 3], [1, 2, 1], [2, 1, 1], [2, 2, 2], [2, 3, 1], [3, 3, 2]]);

describe("kappa", () => {
  it("cohenKappa() reproduces the Wikipedia 50-proposal example: kappa = .4", () => {
    expect(cohenKappa(grantA, grantB, ["yes", "no"])).toBeCloseTo(0.4, 12);
  });

  it("cohenKappa() unweighted on the 3x3 table is (.7 - .34)/(1 - .34) = 6/11", () => {
    expect(cohenKappa(ordinalA, ordinalB, [1, 2, 3])).toBeCloseTo(6 / 11, 12);
  });

  it("cohenKappa() with linear weights on the 3x3 table is 1 - .15/.43 = 28/43", () => {
    // Observed disagreement: three off-by-one ratings x 1/2, over 10 = .15. Expected: off-by-one
    // cells (12 + 16 + 12 + 6)/100 x 1/2 plus off-by-two cells (12 + 8)/100 x 1 = .43.
    expect(cohenKappa(ordinalA, ordinalB, [1, 2, 3], "linear")).toBeCloseTo(28 / 43, 12);
  });

  it("cohenKappa() with quadratic weights on the 3x3 table is 1 - .075/.315 = 16/21", () => {
    // Off-by-one weight 1/4, off-by-two weight 1: observed 3/4 / 10 = .075, expected .115 + .2 = .315.
    expect(cohenKappa(ordinalA, ordinalB, [1, 2, 3], "quadratic")).toBeCloseTo(16 / 21, 12);
  });

  it("cohenKappa() weights by position in the explicit category list, so an unused middle category changes weighted kappa", () => {
    // Appending an unused end category rescales every weight alike, which cancels.
    expect(cohenKappa(ordinalA, ordinalB, [1, 2, 3, 4], "quadratic")).toBeCloseTo(16 / 21, 12);
    // An unused category between 2 and 3 moves 3 further away from 1 and 2.
    expect(cohenKappa(ordinalA, ordinalB, [1, 2, 2.5, 3], "quadratic")).not.toBeCloseTo(16 / 21, 3);
  });

  it("cohenKappa() is NaN when both raters use one category throughout", () => {
    expect(cohenKappa([1, 1, 1], [1, 1, 1], [1, 2])).toBeNaN();
  });

  it("cohenKappa() rejects a value outside the category list and unpaired ratings", () => {
    expect(() => cohenKappa([1, 6], [1, 2], [1, 2, 3, 4, 5])).toThrow("kappa: 6 is not in the category list");
    expect(() => cohenKappa([1, 2], [1], [1, 2])).toThrow("cohenKappa: raters differ in length (2 vs 1)");
  });

  it("cohenKappaInterval() is reproducible for a seed, brackets the estimate and defaults to 1000 resamples", () => {
    const first = cohenKappaInterval(grantA, grantB, ["yes", "no"], {seed: 7});
    const again = cohenKappaInterval(grantA, grantB, ["yes", "no"], {seed: 7});
    const other = cohenKappaInterval(grantA, grantB, ["yes", "no"], {seed: 8});
    expect(again).toEqual(first);
    expect(other.ci_low).not.toBe(first.ci_low);
    expect(first.value).toBeCloseTo(0.4, 12);
    expect(first.resamples).toBe(1000);
    expect(first.ci_low).toBeLessThan(0.4);
    expect(first.ci_high).toBeGreaterThan(0.4);
    // The large-sample SE of this kappa is about .13, so a 95 % interval spans roughly ±.25.
    expect(first.ci_high - first.ci_low).toBeGreaterThan(0.35);
    expect(first.ci_high - first.ci_low).toBeLessThan(0.65);
  });

  it("percentileInterval() interpolates between order statistics like numpy.percentile", () => {
    // numpy.percentile([1, 2, 3, 4, 5], [2.5, 97.5]) = [1.1, 4.9].
    const [low, high] = percentileInterval([5, 1, 4, 2, 3]);
    expect(low).toBeCloseTo(1.1, 12);
    expect(high).toBeCloseTo(4.9, 12);
  });

  // Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters, 5 categories;
  // P-bar = .378, P-bar_e = .213, kappa = .210.
  const fleissCounts = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7]
  ];

  it("fleissKappaFromCounts() reproduces the Wikipedia 10 x 14-rater example: kappa = .210", () => {
    expect(fleissKappaFromCounts(fleissCounts)).toBeCloseTo(0.20993, 5);
  });

  it("fleissKappa() on the same example as an items x raters label matrix gives the same .210", () => {
    const labels = fleissCounts.map((row) => row.flatMap((count, j) => Array<number>(count).fill(j + 1)));
    expect(fleissKappa(labels, [1, 2, 3, 4, 5])).toBeCloseTo(0.20993, 5);
  });

  it("fleissKappaFromCounts() rejects items with different numbers of raters", () => {
    expect(() => fleissKappaFromCounts([[1, 1], [2, 1]])).toThrow("fleissKappa: item 2 has 3 ratings, expected 2 like item 1");
  });
});
