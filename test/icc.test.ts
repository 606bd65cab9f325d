import {describe, it, expect} from "vitest";
import {icc, meanSquares, zscoreColumns} from "../data-loaders/stats/icc.ts";

// Shrout & Fleiss (1979), Table 2: 6 targets rated by 4 judges.
const shroutFleiss = [
  [9, 2, 5, 8],
  [6, 1, 3, 2],
  [8, 4, 6, 8],
  [7, 1, 2, 6],
  [10, 5, 6, 9],
  [6, 2, 4, 7]
];

describe("icc", () => {
  const result = icc(shroutFleiss);

  it("meanSquares() reproduces Shrout & Fleiss 1979 BMS = 11.24, WMS = 6.26, JMS = 32.49, EMS = 1.02", () => {
    const ms = meanSquares(shroutFleiss);
    expect(ms.rows).toBeCloseTo(11.24, 2);
    expect(ms.within).toBeCloseTo(6.26, 2);
    expect(ms.columns).toBeCloseTo(32.49, 2);
    expect(ms.error).toBeCloseTo(1.02, 2);
  });

  it("icc() reproduces Shrout & Fleiss 1979: ICC(1,1) = .17, ICC(2,1) = .29, ICC(3,1) = .71, ICC(1,4) = .44, ICC(2,4) = .62, ICC(3,4) = .91", () => {
    expect(result.icc1.value).toBeCloseTo(0.17, 2);
    expect(result.icc2.value).toBeCloseTo(0.29, 2);
    expect(result.icc3.value).toBeCloseTo(0.71, 2);
    expect(result.icc1k.value).toBeCloseTo(0.44, 2);
    expect(result.icc2k.value).toBeCloseTo(0.62, 2);
    expect(result.icc3k.value).toBeCloseTo(0.91, 2);
    expect(result.n).toBe(6);
    expect(result.k).toBe(4);
  });

  it("icc() reports F = BMS/EMS = 11.03 on (5, 15) df for the two-way forms and BMS/WMS = 1.79 on (5, 18) df for the one-way forms", () => {
    expect(result.icc3k.f).toBeCloseTo(11.027, 3);
    expect([result.icc3k.df1, result.icc3k.df2]).toEqual([5, 15]);
    expect(result.icc1.f).toBeCloseTo(1.7947, 4);
    expect([result.icc1.df1, result.icc1.df2]).toEqual([5, 18]);
    // Upper-tail p-values as scipy.stats.f.sf gives them.
    expect(result.icc3k.p).toBeCloseTo(0.00013457, 7);
    expect(result.icc1.p).toBeCloseTo(0.164769, 5);
  });

  it("icc() gives the ICC(3,k) interval of the closed form 1 - F_crit/F, 1 - 1/(F·F_crit') = [.676, .986]", () => {
    // By hand: F = 11.0272 on (5, 15) df; F_.975(5, 15) = 3.5764 and F_.975(15, 5) = 6.4277
    // (statistical tables), so the bounds are 1 - 3.5764/11.0272 = .6757 and
    // 1 - 1/(11.0272 · 6.4277) = .9859.
    expect(result.icc3k.ci_low).toBeCloseTo(0.6757, 4);
    expect(result.icc3k.ci_high).toBeCloseTo(0.9859, 4);
  });

  it("icc() intervals match pingouin's formulas evaluated with scipy.stats.f for the Shrout & Fleiss data", () => {
    // Reference values: pingouin 0.5 `intraclass_corr` formulas computed with scipy 1.17
    // (pingouin itself rounds its CI95% column to two decimals).
    const expected = {
      icc1: [-0.132932, 0.72256],
      icc2: [0.018787, 0.761084],
      icc3: [0.342465, 0.945858],
      icc1k: [-0.884442, 0.912415],
      icc2k: [0.071137, 0.927232],
      icc3k: [0.675675, 0.985892]
    } as const;
    for (const [form, [low, high]] of Object.entries(expected) as [keyof typeof expected, readonly [number, number]][]) {
      expect(result[form].ci_low, form).toBeCloseTo(low, 5);
      expect(result[form].ci_high, form).toBeCloseTo(high, 5);
    }
  });

  it("icc() intervals contain their estimates and have lower < upper", () => {
    for (const form of ["icc1", "icc2", "icc3", "icc1k", "icc2k", "icc3k"] as const) {
      const {value, ci_low, ci_high} = result[form];
      expect(ci_low, form).toBeLessThan(value);
      expect(value, form).toBeLessThan(ci_high);
    }
  });

  it("icc() drops rows with a missing value and counts them", () => {
    const withGaps = [...shroutFleiss, [3, null, 4, 5], [NaN, 1, 1, 1]];
    const gapped = icc(withGaps);
    expect(gapped.dropped).toBe(2);
    expect(gapped.n).toBe(6);
    expect(gapped.icc3k.value).toBeCloseTo(result.icc3k.value, 12);
  });

  it("icc() with zscore gives ICC(3,k) = 2r/(1+r) for two raters, r being their Pearson correlation", () => {
    // Two standardized columns have BMS = 1 + r and EMS = 1 - r, so (BMS - EMS)/BMS = 2r/(1 + r).
    const rows = [[1, 10], [2, 30], [3, 20], [4, 50], [5, 40]];
    const r = 0.8; // Pearson of (1..5) with (10, 30, 20, 50, 40): 80 / sqrt(10 · 1000).
    const z = icc(rows, {zscore: true});
    expect(z.icc3k.value).toBeCloseTo((2 * r) / (1 + r), 12);
    expect(z.icc3.value).toBeCloseTo(r, 12);
  });

  it("icc() with zscore leaves consistency forms unchanged by a rater's shift but not by a rater's scale", () => {
    const shifted = shroutFleiss.map(([a, b, c, d]) => [a, b + 3, c, d]);
    expect(icc(shifted).icc3k.value).toBeCloseTo(result.icc3k.value, 12);
    const scaled = shroutFleiss.map(([a, b, c, d]) => [a, b * 10, c, d]);
    expect(icc(scaled, {zscore: true}).icc3k.value).toBeCloseTo(icc(shroutFleiss, {zscore: true}).icc3k.value, 12);
    expect(icc(scaled).icc3k.value).not.toBeCloseTo(result.icc3k.value, 2);
  });

  it("zscoreColumns() standardizes each column to mean 0 and sample SD 1", () => {
    const z = zscoreColumns(shroutFleiss);
    for (let j = 0; j < 4; j++) {
      const col = z.map((row) => row[j]);
      const mean = col.reduce((s, x) => s + x, 0) / col.length;
      const variance = col.reduce((s, x) => s + (x - mean) ** 2, 0) / (col.length - 1);
      expect(mean).toBeCloseTo(0, 12);
      expect(variance).toBeCloseTo(1, 12);
    }
  });

  it("icc() gives ICC(3,k) = 1 with an undefined F test when the raters agree perfectly", () => {
    const perfect = icc([[1, 1], [2, 2], [3, 3]]);
    expect(perfect.icc3k.value).toBe(1);
    expect(perfect.icc3k.p).toBe(0);
  });

  it("icc() rejects ragged rows, a single rater and fewer than two complete rows", () => {
    expect(() => icc([[1, 2], [3]])).toThrow("icc: row 2 has 1 values, expected 2");
    expect(() => icc([[1], [2]])).toThrow("at least 2 raters");
    expect(() => icc([[1, 2], [3, null]])).toThrow("at least 2 complete rows, got 1");
  });
});
