/**
 * Known answers for the MIMIC-IV Billing Code metrics: code extraction (HELM's pattern and ours),
 * the canonical spelling of undotted codes, and set precision, recall and F1.
 */
import {describe, expect, it} from "vitest";
import {billingMetric, canonicalCode, codeScores, extractCodes} from "../data-loaders/metrics/billing.ts";
import {scoreAnswer} from "../data-loaders/metrics/metrics.ts";
import type {Instance} from "../data-loaders/benchmark/types.ts";

const instance: Instance = {id: "n1", input: "note", gold: ["E11.22, I10, N18.3"]};
const score = async (which: "f1" | "precision" | "recall", answer: string, helmCompat = false) =>
  (await scoreAnswer(billingMetric(which), {output: answer, answer, instance}, {helmCompat, resources: {}})).value;

describe("extractCodes", () => {
  it("with helmCompat reproduces HELM's pattern: dotted codes, a trailing dot removed, bold markers dropped, duplicates removed", () => {
    expect(extractCodes("**E11.22**, I10., E11.22 and Z79.4", true)).toEqual(["E11.22", "I10", "Z79.4"]);
  });

  it("with helmCompat misses undotted codes longer than four characters and cuts a letter extension down to the category, as HELM does", () => {
    expect(extractCodes("E1122, S72.001A, I10", true)).toEqual(["S72", "I10"]);
  });

  it("by default reads undotted codes and letter extensions and writes them in one canonical form", () => {
    expect(extractCodes("E1122, E11.22, S72001A, T36.0X1A, I10.")).toEqual(["E11.22", "S72.001A", "T36.0X1A", "I10"]);
  });

  it("by default does not take lab names such as A1C or hormone names such as T4 for codes", () => {
    expect(extractCodes("HbA1c 7.2, A1C, T4 normal")).toEqual([]);
  });

  it("canonicalCode inserts the dot after the category and strips a trailing one", () => {
    expect(canonicalCode("E1122")).toBe("E11.22");
    expect(canonicalCode("E11.22.")).toBe("E11.22");
    expect(canonicalCode("I10")).toBe("I10");
  });
});

describe("codeScores", () => {
  it("computes set precision, recall and F1", () => {
    const s = codeScores(["A00", "B00", "C00"], ["A00", "D00"]);
    expect(s.precision).toBeCloseTo(1 / 3, 12);
    expect(s.recall).toBeCloseTo(1 / 2, 12);
    expect(s.f1).toBeCloseTo(0.4, 12);
  });

  it("gives 0, not NaN, when nothing is predicted or nothing matches (zero_division=0)", () => {
    expect(codeScores([], ["A00"])).toEqual({precision: 0, recall: 0, f1: 0});
    expect(codeScores(["B00"], ["A00"])).toEqual({precision: 0, recall: 0, f1: 0});
  });
});

describe("billing metrics", () => {
  it("score an exact answer 1 on F1, precision and recall", async () => {
    expect(await score("f1", "E11.22, I10, N18.3")).toBe(1);
  });

  it("score an undotted answer 1 by default, and under helmCompat only its short codes count, undotted (N183 is not N18.3)", async () => {
    expect(await score("f1", "E1122, I10, N183")).toBe(1);
    expect(await score("recall", "E1122, I10, N183", true)).toBeCloseTo(1 / 3, 12);
    expect(await score("precision", "E1122, I10, N183", true)).toBe(0.5);
  });

  it("score a partial answer with known precision, recall and F1", async () => {
    expect(await score("precision", "E11.22, J45.909")).toBe(0.5);
    expect(await score("recall", "E11.22, J45.909")).toBeCloseTo(1 / 3, 12);
    expect(await score("f1", "E11.22, J45.909")).toBeCloseTo(0.4, 12);
  });

  it("score an empty answer 0", async () => {
    expect(await score("f1", "")).toBe(0);
  });

  it("leave an instance whose reference has no code unscored, and score it 0 under helmCompat", async () => {
    const bare: Instance = {id: "n2", input: "note", gold: ["none"]};
    const options = (helmCompat: boolean) => ({helmCompat, resources: {}});
    const result = await scoreAnswer(billingMetric("f1"), {output: "I10", answer: "I10", instance: bare}, options(false));
    expect(result).toEqual({value: null, reason: "the reference holds no ICD-10 code"});
    expect((await scoreAnswer(billingMetric("f1"), {output: "I10", answer: "I10", instance: bare}, options(true))).value).toBe(0);
  });
});
