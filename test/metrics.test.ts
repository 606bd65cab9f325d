import {describe, expect, it} from "vitest";
import {exactMatch, normalizeText, quasiExactMatch, rouge, scoreAnswer} from "../data-loaders/metrics/metrics.ts";
import {medcalcAccuracy, parseUsDate, weeksDaysToDays} from "../data-loaders/metrics/medcalc.ts";
import {lcsLength, rougeL, rougeN, rougeTokens} from "../data-loaders/metrics/rouge.ts";
import type {Instance} from "../data-loaders/benchmark/types.ts";

const options = {helmCompat: false, resources: {}};
const mc: Instance = {id: "q", input: "", choices: ["yes", "no", "maybe"], gold: ["no"]};

function medcalc(gold: string, category: string, outputType: string, lower = gold, upper = gold): Instance {
  return {id: "m", input: "", gold: [gold], extra: {category, outputType, lowerLimit: lower, upperLimit: upper}};
}
const calc = (answer: string, instance: Instance, helmCompat = false) => medcalcAccuracy({output: answer, answer, instance}, helmCompat).value;

describe("exact match", () => {
  it("exactMatch scores 1 when the mapped choice equals the gold text", async () => {
    expect((await scoreAnswer(exactMatch(), {output: "B", answer: "no", instance: mc}, options)).value).toBe(1);
  });
  it("exactMatch scores 0 for a wrong choice and for no answer", async () => {
    expect((await scoreAnswer(exactMatch(), {output: "A", answer: "yes", instance: mc}, options)).value).toBe(0);
    expect((await scoreAnswer(exactMatch(), {output: "", answer: null, instance: mc}, options)).value).toBe(0);
  });
  it("normalizeText lowercases and drops punctuation, articles and extra spaces", () => {
    expect(normalizeText("The  Answer, is: A cat!")).toBe("answer is cat");
  });
  it("quasiExactMatch accepts case and punctuation differences", async () => {
    const instance: Instance = {id: "g", input: "", gold: ["Atrial fibrillation"]};
    expect((await scoreAnswer(quasiExactMatch(), {output: "", answer: "atrial fibrillation.", instance}, options)).value).toBe(1);
  });
});

describe("MedCalc accuracy", () => {
  it("medcalcAccuracy accepts decimals within the dataset's limits and rejects those outside", () => {
    const lab = medcalc("25.238", "lab", "decimal", "23.9761", "26.4999");
    expect(calc("25.0", lab)).toBe(1);
    expect(calc("26.6", lab)).toBe(0);
    expect(calc("24 mL/min", lab)).toBe(1);
  });
  it("medcalcAccuracy rounds integer scores", () => {
    expect(calc("4", medcalc("4", "risk", "integer"))).toBe(1);
    expect(calc("4.0", medcalc("4", "risk", "integer"))).toBe(1);
    expect(calc("5", medcalc("4", "risk", "integer"))).toBe(0);
  });
  it("medcalcAccuracy compares due dates exactly", () => {
    const due = medcalc("09/23/2014", "date", "date");
    expect(calc("09/23/2014", due)).toBe(1);
    expect(calc("9/23/2014", due)).toBe(1);
    expect(calc("09/24/2014", due)).toBe(0);
    expect(calc("2014-09-23", due)).toBe(0);
  });
  it("medcalcAccuracy compares gestational age as weeks and days", () => {
    const age = medcalc("('0 weeks', '6 days')", "date", "integer");
    expect(calc("('0 weeks', '6 days')", age)).toBe(1);
    expect(calc("('1 weeks', '0 days')", age)).toBe(0);
    expect(weeksDaysToDays("('4 weeks', '2 days')")).toBe(30);
  });
  it("medcalcAccuracy in HELM compatibility mode scores every lab and dosage row 0", () => {
    expect(calc("25.238", medcalc("25.238", "lab", "decimal", "23.9761", "26.4999"), true)).toBe(0);
    expect(calc("53.093", medcalc("53.093", "dosage", "decimal", "50", "55"), true)).toBe(0);
    expect(calc("100", medcalc("100", "physical", "decimal", "95", "105"), true)).toBe(1);
  });
  it("medcalcAccuracy in HELM compatibility mode needs exact strings for risk scores", () => {
    expect(calc("4", medcalc("4", "risk", "integer"), true)).toBe(1);
    expect(calc("4.0", medcalc("4", "risk", "integer"), true)).toBe(0);
  });
  it("parseUsDate rejects impossible dates", () => {
    expect(parseUsDate("02/30/2020")).toBeNull();
  });
});

describe("ROUGE", () => {
  it("rougeTokens lowercases, splits on non-alphanumerics and stems long tokens", () => {
    expect(rougeTokens("The patients were running!")).toEqual(["the", "patient", "were", "run"]);
  });
  it("lcsLength finds the longest common subsequence", () => {
    expect(lcsLength(["a", "b", "c", "d"], ["a", "c", "d", "b"])).toBe(3);
  });
  it("rougeL of identical texts is 1 and of disjoint texts 0", () => {
    expect(rougeL("knee pain for two weeks", "knee pain for two weeks")).toBe(1);
    expect(rougeL("knee pain", "cough")).toBe(0);
  });
  it("rougeL stems before matching, so 'killed' matches 'kill' (LCS 4 of 4 and 5 tokens: F1 = 8/9)", () => {
    expect(rougeL("police killed the gunman", "police kill the gunman today")).toBeCloseTo(8 / 9, 6);
  });
  it("rougeL without a shared stem counts only the common subsequence (LCS 3 of 4 and 5: F1 = 2/3)", () => {
    expect(rougeL("police shot the gunman", "police kill the gunman today")).toBeCloseTo(2 / 3, 6);
  });
  it("rougeN counts clipped n-gram overlap", () => {
    expect(rougeN("the cat the cat", "the cat", 1)).toBeCloseTo((2 * 0.5 * 1) / 1.5, 6);
    expect(rougeN("a b c", "a b d", 2)).toBeCloseTo(0.5, 6);
  });
  it("rouge metrics leave an instance without reference unscored with a reason", async () => {
    const result = await scoreAnswer(rouge("L"), {output: "x", answer: "x", instance: {id: "i", input: "", gold: []}}, options);
    expect(result).toEqual({value: null, reason: "no reference text"});
  });
});
