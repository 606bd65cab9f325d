// The pure browser helpers behind the paper and agreement pages (src/components/paper*.js).
import {describe, expect, it} from "vitest";
import {icc} from "../data-loaders/stats/icc.ts";
// @ts-expect-error: plain browser modules without type declarations.
import {paretoFrontier} from "../src/components/paperPareto.js";
// @ts-expect-error: plain browser modules without type declarations.
import {icc3kZ} from "../src/components/paperIcc.js";
// @ts-expect-error: plain browser modules without type declarations.
import {icicle} from "../src/components/paperIcicle.js";

describe("paretoFrontier", () => {
  it("keeps the models that no cheaper model matches, cheapest first", () => {
    const points = [
      {name: "a", cost: 800, score: 0.39}, {name: "b", cost: 815, score: 0.42}, {name: "c", cost: 940, score: 0.3},
      {name: "d", cost: 1400, score: 0.57}, {name: "e", cost: 1400, score: 0.5}, {name: "f", cost: 1500, score: 0.57}, {name: "g", cost: null, score: 0.9}
    ];
    expect(paretoFrontier(points).map((d: {name: string}) => d.name)).toEqual(["a", "b", "d"]);
  });

  it("reads cost and score through accessors", () => {
    const frontier = paretoFrontier([{c: 0, w: 0.6}, {c: 0, w: 0.4}], {cost: (d: {c: number}) => d.c, score: (d: {w: number}) => d.w});
    expect(frontier).toEqual([{c: 0, w: 0.6}]);
  });
});

describe("icc3kZ", () => {
  it("agrees with the engine's ICC(3,k) on z-scored columns", () => {
    const pairs = [[4.8, 4.2], [4.7, 4.6], [3.2, 4.1], [4.0, 4.3], [2.5, 3.0], [4.9, 4.8]];
    expect(icc3kZ(pairs)).toBeCloseTo(icc(pairs, {zscore: true}).icc3k.value, 12);
  });

  it("is undefined for fewer than three responses or a constant column", () => {
    expect(icc3kZ([[1, 2], [2, 3]])).toBeNull();
    expect(icc3kZ([[1, 2], [2, 2], [3, 2]])).toBeNull();
  });
});

describe("icicle", () => {
  it("stacks benchmarks under their subcategory and category with data counts", () => {
    const taxonomy = {
      categories: [{id: "c1", name: "C1"}, {id: "c2", name: "C2"}, {id: "c3", name: "C3"}],
      subcategories: [{id: "s1", name: "S1", category: "c1"}, {id: "s2", name: "S2", category: "c1"}, {id: "s3", name: "S3", category: "c2"}]
    };
    const benchmarks = [
      {id: "b1", name: "B1", category: "c1", subcategory: "s1", coverage: "available"},
      {id: "b2", name: "B2", category: "c1", subcategory: "s2", coverage: "no_data"},
      {id: "b3", name: "B3", category: "c1", subcategory: "s2", coverage: "available"},
      {id: "b4", name: "B4", category: "c2", subcategory: "s3", coverage: "not_implemented"}
    ];
    const blocks = icicle(benchmarks, taxonomy);
    const pick = (depth: number) => blocks.filter((b: {depth: number}) => b.depth === depth).map(({id, y0, y1, n, with_data}: Record<string, unknown>) => ({id, y0, y1, n, with_data}));
    expect(pick(0)).toEqual([{id: "c1", y0: 0, y1: 3, n: 3, with_data: 2}, {id: "c2", y0: 3, y1: 4, n: 1, with_data: 0}]);
    expect(pick(1)).toEqual([{id: "s1", y0: 0, y1: 1, n: 1, with_data: 1}, {id: "s2", y0: 1, y1: 3, n: 2, with_data: 1}, {id: "s3", y0: 3, y1: 4, n: 1, with_data: 0}]);
    expect(pick(2).map((b: {id: unknown}) => b.id)).toEqual(["b1", "b2", "b3", "b4"]);
  });
});
