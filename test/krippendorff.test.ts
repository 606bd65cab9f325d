import {describe, it, expect} from "vitest";
import {krippendorffAlpha} from "../data-loaders/stats/krippendorff.ts";

// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 coders x 12
// units with missing values. Unit 12 has a single value and is not pairable.
const _ = null;
const reliabilityData = [
  [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
  [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
  [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
  [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _]
];

describe("krippendorffAlpha", () => {
  it("reproduces Krippendorff 2011: nominal alpha = .743", () => {
    expect(krippendorffAlpha(reliabilityData, "nominal")).toBeCloseTo(0.743, 3);
  });

  it("reproduces Krippendorff 2011: ordinal alpha = .815", () => {
    expect(krippendorffAlpha(reliabilityData, "ordinal")).toBeCloseTo(0.815, 3);
  });

  it("reproduces Krippendorff 2011: interval alpha = .849", () => {
    expect(krippendorffAlpha(reliabilityData, "interval")).toBeCloseTo(0.849, 3);
  });

  it("reproduces Krippendorff 2011: ratio alpha = .797", () => {
    expect(krippendorffAlpha(reliabilityData, "ratio")).toBeCloseTo(0.797, 3);
  });

  it("nominal alpha is the same for string codes as for numbers", () => {
    const letters = reliabilityData.map((row) => row.map((v) => (v === null ? null : "abcde"[v - 1])));
    expect(krippendorffAlpha(letters, "nominal")).toBeCloseTo(krippendorffAlpha(reliabilityData, "nominal"), 12);
  });

  it("ordinal alpha follows an explicit order rather than the sort order of the codes", () => {
    const words = [["low", "mid", "high", "mid"], ["low", "high", "high", "mid"]];
    const ordered = krippendorffAlpha(words, "ordinal", {order: ["low", "mid", "high"]});
    const alphabetical = krippendorffAlpha(words, "ordinal");
    expect(ordered).not.toBeCloseTo(alphabetical, 3);
  });

  it("alpha is 1 for perfect agreement and NaN when every value is the same", () => {
    expect(krippendorffAlpha([[1, 2, 3], [1, 2, 3]], "interval")).toBe(1);
    expect(krippendorffAlpha([[2, 2, 2], [2, 2, 2]], "nominal")).toBeNaN();
  });

  it("rejects coders with different numbers of units and non-numeric interval data", () => {
    expect(() => krippendorffAlpha([[1, 2], [1]])).toThrow("krippendorffAlpha: coder 2 has 1 units, expected 2");
    expect(() => krippendorffAlpha([["a", "b"], ["a", "b"]], "interval")).toThrow("interval data must be numeric");
  });
});
