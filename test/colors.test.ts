// The site-wide model colours (src/components/modelColors.js): one colour per model, stable,
// distinct among the models of a site, greys for baselines.
import {describe, expect, it} from "vitest";
// @ts-expect-error: a plain browser module without type declarations.
import {MODEL_PALETTE, assignModelColors, baselineGrey, hashString, modelOfLabel, modelRegistry, oklchHex, overflowColor} from "../src/components/modelColors.js";

const grey = (hex: string) => hex.slice(1, 3) === hex.slice(3, 5) && hex.slice(3, 5) === hex.slice(5, 7);

const paper = [
  {model: "deepseek-ai/deepseek-r1", name: "DeepSeek R1"},
  {model: "openai/o3-mini-2025-01-31", name: "o3-mini (2025-01-31)"},
  {model: "openai/gpt-4o-2024-05-13", name: "GPT-4o (2024-05-13)"},
  {model: "meta/llama-3.3-70b-instruct", name: "Llama 3.3 Instruct (70B)"}
];
const entries = [
  {label: "fixture/alpha", model: "fixture/alpha", source: "native", model_kind: "llm"},
  {label: "openai/gpt-4o-2024-05-13", model: "openai/gpt-4o-2024-05-13", source: "native", model_kind: "llm"},
  {label: "openai/gpt-4o-2024-05-13 [helm-import]", model: "openai/gpt-4o-2024-05-13", source: "helm-import", model_kind: "llm"},
  {label: "baseline/lead (baseline)", model: "baseline/lead", source: "native", model_kind: "baseline"},
  {label: "baseline/random-choice (baseline)", model: "baseline/random-choice", source: "native", model_kind: "baseline"}
];

describe("hashString", () => {
  it("is 32-bit FNV-1a", () => {
    expect(hashString("")).toBe(0x811c9dc5);
    expect(hashString("a")).toBe(0xe40c292c);
    expect(hashString("foobar")).toBe(0xbf9cf968);
  });
});

describe("oklchHex", () => {
  it("maps OKLCH to sRGB hex, white, black and red included, and clips to the gamut", () => {
    expect(oklchHex(1, 0, 0)).toBe("#ffffff");
    expect(oklchHex(0, 0, 0)).toBe("#000000");
    expect(oklchHex(0.627955, 0.257683, 29.2339)).toBe("#ff0000");
    expect(oklchHex(0.9, 0.4, 140)).toMatch(/^#[0-9a-f]{6}$/);
  });
});

describe("assignModelColors", () => {
  it("gives every model of a site its own colour, from the palette first and then from overflow hues", () => {
    const models = Array.from({length: 40}, (_, i) => `vendor/model-${i}`);
    const colors = assignModelColors(models);
    expect(new Set(colors.values()).size).toBe(40);
    const fromPalette = [...colors.values()].filter((c) => MODEL_PALETTE.includes(c));
    expect(fromPalette).toHaveLength(MODEL_PALETTE.length);
    expect(colors.get("vendor/model-39")).toBe(overflowColor(40 - MODEL_PALETTE.length - 1));
  });

  it("puts a model in the palette slot of its hash when that slot is free", () => {
    const colors = assignModelColors(["a/x"]);
    expect(colors.get("a/x")).toBe(MODEL_PALETTE[hashString("a/x") % MODEL_PALETTE.length]);
  });

  it("keeps the colours of earlier models whatever models follow", () => {
    const first = assignModelColors(["a/x", "b/y", "c/z"]);
    const more = assignModelColors(["a/x", "b/y", "c/z", "d/1", "e/2", "f/3"]);
    for (const model of ["a/x", "b/y", "c/z"]) expect(more.get(model)).toBe(first.get(model));
  });

  it("draws baselines in distinct greys that no language model gets", () => {
    const colors = assignModelColors(["baseline/random-choice", "openai/gpt-4o", "baseline/first-choice", "baseline/lead"]);
    const greys = ["baseline/first-choice", "baseline/lead", "baseline/random-choice"].map((m) => colors.get(m));
    expect(greys).toEqual([baselineGrey(0, 3), baselineGrey(1, 3), baselineGrey(2, 3)]);
    expect(greys.every(grey)).toBe(true);
    expect(new Set(greys).size).toBe(3);
    expect(grey(colors.get("openai/gpt-4o"))).toBe(false);
    expect(MODEL_PALETTE.some(grey)).toBe(false);
  });

  it("counts a model as a baseline when the given predicate says so", () => {
    const colors = assignModelColors(["local/constant", "openai/gpt-4o"], {baseline: (m: string) => m === "local/constant"});
    expect(colors.get("local/constant")).toBe(baselineGrey(0, 1));
  });
});

describe("modelRegistry", () => {
  const registry = modelRegistry({paper, entries});

  it("gives a model one colour under its id, its entry labels and its published name", () => {
    const color = registry.color("openai/gpt-4o-2024-05-13");
    expect(registry.color("GPT-4o (2024-05-13)")).toBe(color);
    expect(registry.color("openai/gpt-4o-2024-05-13 [helm-import]")).toBe(color);
    expect(registry.model("GPT-4o (2024-05-13)")).toBe("openai/gpt-4o-2024-05-13");
  });

  it("gives different models different colours and baselines greys", () => {
    const keys = [...paper.map((p) => p.name), "fixture/alpha"];
    expect(new Set(keys.map(registry.color)).size).toBe(keys.length);
    expect(grey(registry.color("baseline/lead (baseline)"))).toBe(true);
    expect(registry.color("baseline/lead (baseline)")).not.toBe(registry.color("baseline/random-choice (baseline)"));
  });

  it("fixes the published models' colours whatever runs the site holds", () => {
    const alone = modelRegistry({paper});
    for (const p of paper) expect(registry.color(p.name)).toBe(alone.color(p.name));
  });

  it("outlines imported results: no fill, the model's colour as outline", () => {
    expect(registry.imported("openai/gpt-4o-2024-05-13 [helm-import]")).toBe(true);
    expect(registry.fill("openai/gpt-4o-2024-05-13 [helm-import]")).toBe("none");
    expect(registry.imported("openai/gpt-4o-2024-05-13")).toBe(false);
    expect(registry.fill("openai/gpt-4o-2024-05-13")).toBe(registry.color("openai/gpt-4o-2024-05-13"));
    expect(registry.imported("GPT-4o (2024-05-13)")).toBe(false);
  });

  it("colours a label missing from the site-wide list by its model id's hash, the same on every page", () => {
    const other = modelRegistry({paper: [], entries: []});
    expect(registry.color("x/unlisted [csv]")).toBe(MODEL_PALETTE[hashString("x/unlisted") % MODEL_PALETTE.length]);
    expect(other.color("x/unlisted [csv]")).toBe(registry.color("x/unlisted [csv]"));
    expect(registry.imported("x/unlisted [csv]")).toBe(true);
    expect(grey(registry.color("baseline/new (baseline)"))).toBe(true);
  });
});

describe("modelOfLabel", () => {
  it("drops the baseline and source marks of an entry label", () => {
    expect(modelOfLabel("baseline/lead (baseline)")).toBe("baseline/lead");
    expect(modelOfLabel("openai/gpt-4o [helm-import]")).toBe("openai/gpt-4o");
    expect(modelOfLabel("baseline/lead (baseline) [synthetic]")).toBe("baseline/lead");
    expect(modelOfLabel("local/llama3.1:8b")).toBe("local/llama3.1:8b");
  });
});
