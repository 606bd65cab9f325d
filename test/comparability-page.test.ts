// The comparability helpers of the leaderboard and Explore pages (src/components/comparability.js):
// which cells "comparable cells only" keeps, each cell's badge, and HELM's win rate over kept cells.
import {describe, expect, it} from "vitest";
// @ts-expect-error: a plain browser module without type declarations.
import {cellBadge, keepsComparable, pointWinRates} from "../src/components/comparability.js";
import {meanWinRates} from "../data-loaders/stats/winrate.ts";

describe("comparability on the pages", () => {
  it("keeps the paper's cells and the runs' comparable cells, and drops differing and unassessed ones", () => {
    expect(keepsComparable({source: "medhelm-paper", comparable: true})).toBe(true);
    expect(keepsComparable({source: "native", comparable: true})).toBe(true);
    expect(keepsComparable({source: "native", comparable: false})).toBe(false);
    expect(keepsComparable({source: "helm-import", comparable: null})).toBe(false);
  });

  it("badges a differing cell with its reasons and leaves unassessed cells unbadged", () => {
    expect(cellBadge({source: "native", comparable: false, comparability: "subset: 40 of the paper's 1000 instances (--limit 40)"})).toEqual({
      kind: "differs", text: "≠", title: "subset: 40 of the paper's 1000 instances (--limit 40)"
    });
    expect(cellBadge({source: "native", comparable: true}).kind).toBe("comparable");
    expect(cellBadge({source: "medhelm-paper", comparable: true}).kind).toBe("published");
    expect(cellBadge({source: "helm-import", comparable: null})).toBeNull();
  });

  it("computes HELM's mean win rate over the kept cells, as the engine does", () => {
    const cells = [
      {label: "a", benchmark: "x", value: 0.9}, {label: "b", benchmark: "x", value: 0.5}, {label: "c", benchmark: "x", value: 0.5},
      {label: "a", benchmark: "y", value: 1}, {label: "b", benchmark: "y", value: 3},
      {label: "c", benchmark: "z", value: 2}
    ];
    const rows = pointWinRates(cells);
    const engine = meanWinRates({values: [[0.9, 1, null], [0.5, 3, null], [0.5, null, 2]], lowerIsBetter: [false, false, false]});
    expect(Object.fromEntries(rows.map((r: {label: string; win_rate: number}) => [r.label, r.win_rate]))).toEqual({a: engine[0], b: engine[1], c: engine[2]});
    // a: (1 + 0) / 2, b: (0.25 + 1) / 2, c: 0.25 over x only (z has no rival).
    expect(rows.map((r: {label: string; rank: number; n_benchmarks: number}) => [r.label, r.rank, r.n_benchmarks])).toEqual([["b", 1, 2], ["a", 2, 2], ["c", 3, 1]]);
  });
});
