import prand from "pure-rand";
import {describe, expect, it} from "vitest";
import {seeded, seededFor, shuffled} from "../data-loaders/stats/random.ts";

describe("seeded generators", () => {
  it("draw exactly the floats pure-rand's uniform distributions give for the same seed", () => {
    for (const seed of [0, 1, 42, 0xffffffff]) {
      const reference = prand.xoroshiro128plus(seed);
      const ours = seeded(seed);
      for (let i = 0; i < 20_000; i++) {
        const hi = prand.unsafeUniformIntDistribution(0, 0x1fffff, reference);
        const lo = prand.unsafeUniformIntDistribution(0, 0xffffffff, reference);
        expect(ours.next()).toBe((hi * 0x100000000 + lo) / 2 ** 53);
      }
    }
  });

  it("give floats in [0, 1) and integers in [0, n)", () => {
    const random = seeded(7);
    for (let i = 0; i < 10_000; i++) {
      const x = random.next();
      expect(x >= 0 && x < 1).toBe(true);
      const k = random.int(13);
      expect(Number.isInteger(k) && k >= 0 && k < 13).toBe(true);
    }
  });

  it("repeat a sequence for a seed and a label, and differ between labels", () => {
    const draw = (label: string) => Array.from({length: 5}, ((r) => () => r.int(1000))(seededFor(3, label)));
    expect(draw("pubmed_qa")).toEqual(draw("pubmed_qa"));
    expect(draw("pubmed_qa")).not.toEqual(draw("med_qa"));
  });

  it("shuffle a copy, keeping every item", () => {
    const items = Array.from({length: 50}, (_, i) => i);
    const out = shuffled(items, seeded(5));
    expect(out).not.toEqual(items);
    expect([...out].sort((a, b) => a - b)).toEqual(items);
  });
});
