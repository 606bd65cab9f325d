// The margins that let the site's charts draw on narrow pages (src/components/labelMargin.js).
import {describe, expect, it} from "vitest";
// @ts-expect-error: plain browser modules without type declarations.
import {gridWidth, labelMargin} from "../src/components/labelMargin.js";

describe("labelMargin", () => {
  it("keeps the wanted margin on a wide page and gives way to 40 % of a narrow one", () => {
    expect(labelMargin(1200, 440)).toBe(440);
    expect(labelMargin(360, 440)).toBe(144);
    expect(labelMargin(undefined, 440)).toBe(440);
    expect(labelMargin(0, 200)).toBe(0);
  });
});

describe("gridWidth", () => {
  it("is the page's width when the cells fit, and wide enough for them when they do not", () => {
    expect(gridWidth(1200, 12, 460)).toBe(1200);
    expect(gridWidth(360, 12, 460)).toBe(460 + 12 * 18);
    expect(gridWidth(360, 12, 220, 8)).toBe(360);
    expect(gridWidth(undefined, 12, 460)).toBeUndefined();
  });
});
