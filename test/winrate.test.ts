import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {parseLeaderboard} from "../data-loaders/paper/recomputed.ts";
import {columnWinRates, meanWinRates, pairwiseWinFractions, winSd} from "../data-loaders/stats/winrate.ts";

describe("columnWinRates", () => {
  it("counts a tie as half a win for each tied row", () => {
    expect(columnWinRates([1, 1, 0], false)).toEqual([0.75, 0.75, 0]);
  });

  it("gives every row one half when all values tie", () => {
    expect(columnWinRates([2, 2, 2], false)).toEqual([0.5, 0.5, 0.5]);
  });

  it("orders a lower-is-better column from highest to lowest", () => {
    expect(columnWinRates([1, 2, 3], true)).toEqual([1, 0.5, 0]);
  });

  it("leaves missing cells out of the denominator", () => {
    expect(columnWinRates([3, null, 1], false)).toEqual([1, null, 0]);
  });

  it("returns nulls for a column with fewer than two values", () => {
    expect(columnWinRates([5, null, null], false)).toEqual([null, null, null]);
  });
});

describe("meanWinRates", () => {
  it("averages per-column win rates over the columns where the row has a value", () => {
    const rates = meanWinRates({
      values: [
        [3, 0.9],
        [2, null],
        [1, 0.1]
      ],
      lowerIsBetter: [false, false]
    });
    // Row 0 wins both columns; row 1 only plays column 0; row 2 loses both.
    expect(rates).toEqual([1, 0.5, 0]);
  });

  it("skips single-value columns so that they do not inflate the lone row", () => {
    const rates = meanWinRates({
      values: [
        [1, 7],
        [2, null]
      ],
      lowerIsBetter: [false, false]
    });
    expect(rates).toEqual([0, 1]);
  });

  it("ignores columns without an ordering", () => {
    const rates = meanWinRates({
      values: [
        [1, 100],
        [2, 0]
      ],
      lowerIsBetter: [false, null]
    });
    expect(rates).toEqual([0, 1]);
  });

  it("respects lower-is-better columns", () => {
    const rates = meanWinRates({
      values: [
        [0.9, 10],
        [0.8, 20]
      ],
      lowerIsBetter: [false, true]
    });
    expect(rates).toEqual([1, 0]);
  });

  it("returns null for a row with no values", () => {
    const rates = meanWinRates({
      values: [
        [1, 2],
        [null, null],
        [2, 1]
      ],
      lowerIsBetter: [false, false]
    });
    expect(rates).toEqual([0.5, null, 0.5]);
  });

  it("compares values exactly, without rounding", () => {
    expect(meanWinRates({values: [[0.1 + 0.2], [0.3]], lowerIsBetter: [false]})).toEqual([1, 0]);
  });

  it("rejects ragged rows and non-finite values", () => {
    expect(() => meanWinRates({values: [[1, 2], [1]], lowerIsBetter: [false, false]})).toThrow("row 1 has 1 values, expected 2");
    expect(() => meanWinRates({values: [[NaN], [1]], lowerIsBetter: [false]})).toThrow("non-finite value NaN at row 0 column 0");
  });
});

describe("winSd", () => {
  it("is the population SD of the pairwise strict-win fractions", () => {
    const table = {
      values: [
        [3, 3],
        [2, 3],
        [1, 1]
      ],
      lowerIsBetter: [false, false] as boolean[]
    };
    // Row 0 beats row 1 in 1 of 2 columns (the tie is not a win) and row 2 in 2 of 2.
    expect(pairwiseWinFractions(table)[0]).toEqual([null, 0.5, 1]);
    expect(winSd(table)[0]).toBeCloseTo(0.25, 12);
  });

  it("respects lower-is-better and returns null without rivals", () => {
    expect(pairwiseWinFractions({values: [[1], [2]], lowerIsBetter: [true]})).toEqual([
      [null, 1],
      [0, null]
    ]);
    expect(winSd({values: [[1]], lowerIsBetter: [false]})).toEqual([null]);
  });
});

describe("win rates on the paper's 35-benchmark leaderboard", () => {
  const grid = parseLeaderboard(readFileSync(new URL("../reference/medhelm-paper/leaderboard-35.csv", import.meta.url), "utf8"));
  const rates = meanWinRates({values: grid.values, lowerIsBetter: grid.benchmarks.map(() => false)});
  const rateOf = (model: string) => rates[grid.models.indexOf(model)]!;

  it("lies in [0, 1] and sums to n/2, as it must when every cell is present", () => {
    for (const r of rates) {
      expect(r).toBeGreaterThanOrEqual(0);
      expect(r).toBeLessThanOrEqual(1);
    }
    expect(rates.reduce((a, b) => a! + b!, 0)).toBeCloseTo(4.5, 12);
  });

  it("ranks DeepSeek R1 above o3-mini above Claude 3.7 Sonnet at the top", () => {
    expect(rateOf("deepseek-ai/deepseek-r1")).toBeGreaterThan(rateOf("openai/o3-mini-2025-01-31"));
    expect(rateOf("openai/o3-mini-2025-01-31")).toBeGreaterThan(rateOf("anthropic/claude-3-7-sonnet-20250219"));
    expect(Math.max(...rates.map((r) => r!))).toBe(rateOf("deepseek-ai/deepseek-r1"));
  });

  it("matches the paper's headline win rates of the top three models", () => {
    // Published (arXiv v1): DeepSeek R1 0.66, o3-mini 0.64, Claude 3.7 Sonnet 0.64.
    expect(Math.abs(rateOf("deepseek-ai/deepseek-r1") - 0.66)).toBeLessThan(0.01);
    expect(Math.abs(rateOf("openai/o3-mini-2025-01-31") - 0.64)).toBeLessThan(0.01);
    expect(Math.abs(rateOf("anthropic/claude-3-7-sonnet-20250219") - 0.64)).toBeLessThan(0.01);
  });

  it("reproduces the recomputed values of every model", () => {
    // Pinned from this implementation: a change here means the algorithm changed.
    const expected: Record<string, number> = {
      "deepseek-ai/deepseek-r1": 0.6625,
      "openai/o3-mini-2025-01-31": 0.6411,
      "anthropic/claude-3-7-sonnet-20250219": 0.6357,
      "anthropic/claude-3-5-sonnet-20241022": 0.6357,
      "openai/gpt-4o-2024-05-13": 0.5696,
      "google/gemini-2.0-flash-001": 0.4196,
      "openai/gpt-4o-mini-2024-07-18": 0.3911,
      "meta/llama-3.3-70b-instruct": 0.3036,
      "google/gemini-1.5-pro-001": 0.2411
    };
    for (const [model, rate] of Object.entries(expected)) expect(Math.abs(rateOf(model) - rate)).toBeLessThan(0.0001);
  });
});
