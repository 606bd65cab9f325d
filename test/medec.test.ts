import {describe, expect, it} from "vitest";
import {scoreAnswer} from "../data-loaders/metrics/metrics.ts";
import {
  medecErrorFlagAccuracy, medecErrorSentenceAccuracy, medecReference, parseMedecGold, parseMedecPrediction
} from "../data-loaders/metrics/medec.ts";
import type {Instance} from "../data-loaders/benchmark/types.ts";

const options = {helmCompat: false, resources: {}};
const withError: Instance = {id: "e", input: "0 A.\n1 B.", gold: ["3 The patient was given amoxicillin."]};
const correct: Instance = {id: "c", input: "0 A.\n1 B.", gold: ["CORRECT"]};

async function scores(output: string, instance: Instance) {
  const answer = {output, answer: output.trim() || null, instance};
  return [
    (await scoreAnswer(medecErrorFlagAccuracy(), answer, options)).value,
    (await scoreAnswer(medecErrorSentenceAccuracy(), answer, options)).value
  ];
}

describe("Medec references", () => {
  it("medecReference joins the sentence id and corrected sentence for an error row", () => {
    expect(medecReference("1", "10", " Symptoms are due to Schistosoma mansoni. ")).toBe("10 Symptoms are due to Schistosoma mansoni.");
  });
  it("medecReference gives CORRECT for error-free rows and for rows whose correction is NA or id is -1", () => {
    expect(medecReference("0", "-1", "NA")).toBe("CORRECT");
    expect(medecReference("1", "4", "NA")).toBe("CORRECT");
    expect(medecReference("1", "-1", "Fixed.")).toBe("CORRECT");
  });
  it("parseMedecGold removes periods before reading CORRECT and reads the leading sentence id otherwise", () => {
    expect(parseMedecGold("CORRECT.")).toEqual({flag: 0, sentenceId: null});
    expect(parseMedecGold("12 Give 5.5 mg.")).toEqual({flag: 1, sentenceId: 12});
  });
  it("parseMedecPrediction accepts only the exact word CORRECT as 'no error'", () => {
    expect(parseMedecPrediction("  CORRECT\n")).toEqual({flag: 0, sentenceId: null});
    expect(parseMedecPrediction("CORRECT.")).toEqual({flag: 1, sentenceId: null});
    expect(parseMedecPrediction("correct")).toEqual({flag: 1, sentenceId: null});
  });
  it("parseMedecPrediction reads leading digits as the flagged sentence and anything else as an error in no valid sentence", () => {
    expect(parseMedecPrediction("7 The dose is 5 mg.")).toEqual({flag: 1, sentenceId: 7});
    expect(parseMedecPrediction("Sentence 7 is wrong")).toEqual({flag: 1, sentenceId: null});
  });
});

describe("Medec metrics", () => {
  it("a correct text answered CORRECT scores 1 on flag and sentence accuracy", async () => {
    expect(await scores("CORRECT", correct)).toEqual([1, 1]);
  });
  it("a correct text answered with a sentence id scores 0 on both", async () => {
    expect(await scores("1 B is wrong.", correct)).toEqual([0, 0]);
  });
  it("the right sentence id scores 1 on both, whatever the correction says", async () => {
    expect(await scores("3 The patient was given penicillin.", withError)).toEqual([1, 1]);
  });
  it("a wrong sentence id gets the flag right and the sentence wrong", async () => {
    expect(await scores("2 Something else.", withError)).toEqual([1, 0]);
  });
  it("prose that names no id counts as flagging an error: flag right, sentence wrong", async () => {
    expect(await scores("The error is in sentence 3.", withError)).toEqual([1, 0]);
  });
  it("CORRECT for a text with an error scores 0 on both", async () => {
    expect(await scores("CORRECT", withError)).toEqual([0, 0]);
  });
  it("'CORRECT.' with a period for a correct text scores 0, as in HELM", async () => {
    expect(await scores("CORRECT.", correct)).toEqual([0, 0]);
  });
  it("an instance without a reference is unscored with a reason", async () => {
    const result = await scoreAnswer(medecErrorFlagAccuracy(), {output: "CORRECT", answer: "CORRECT", instance: {id: "x", input: "", gold: []}}, options);
    expect(result).toEqual({value: null, reason: "no reference text"});
  });
});

import {medecErrorFlagAccuracy as flagMetric} from "../data-loaders/metrics/medec.ts";

describe("medec empty answers", () => {
  const instance = {id: "t", input: "", gold: ["3 The patient has pneumonia."]};
  it("an empty answer scores 0 on flag accuracy by default", async () => {
    expect(await flagMetric().score({output: "  ", answer: null, instance}, {helmCompat: false, resources: {}})).toBe(0);
  });
  it("an empty answer counts as flagging an error in HELM compatibility mode, as HELM scores it", async () => {
    expect(await flagMetric().score({output: "", answer: null, instance}, {helmCompat: true, resources: {}})).toBe(1);
  });
});
