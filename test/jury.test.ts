import {describe, expect, it} from "vitest";
import {aggregateJury, extractJson, failedVerdict, judgePrompt, normalizeJury, parseVerdict} from "../data-loaders/runner/jury.ts";
import type {Rubric} from "../data-loaders/benchmark/types.ts";

const rubric: Rubric = {
  role: "a medical expert", subject: "a clinical note", inputTag: "conversation", showGold: true, scale: [1, 5], version: 1,
  criteria: {accuracy: "Is it correct?", completeness: "Is it complete?", clarity: "Is it clear?"}
};
const valid = JSON.stringify({accuracy: {score: 5, explanation: "right"}, completeness: {score: 4, explanation: "most"}, clarity: {score: 3, explanation: "ok"}});

describe("jury parsing", () => {
  it("parseVerdict accepts a valid JSON verdict and keeps every criterion's score and explanation", () => {
    const v = parseVerdict(valid, rubric);
    expect(v.valid).toBe(true);
    expect(v.criteria.map((c) => [c.criterion, c.score, c.explanation, c.status])).toEqual([
      ["accuracy", 5, "right", "ok"], ["completeness", 4, "most", "ok"], ["clarity", 3, "ok", "ok"]
    ]);
  });

  it("parseVerdict finds JSON wrapped in prose and code fences", () => {
    const v = parseVerdict(`Sure! Here is my rating:\n\`\`\`json\n${valid}\n\`\`\`\nHope this helps.`, rubric);
    expect(v.valid).toBe(true);
    expect(v.criteria[0].score).toBe(5);
  });

  it("parseVerdict rejects a verdict with a missing criterion and says which", () => {
    const v = parseVerdict(JSON.stringify({accuracy: {score: 5, explanation: "a"}, clarity: {score: 4, explanation: "c"}}), rubric);
    expect(v.valid).toBe(false);
    const missing = v.criteria.find((c) => c.criterion === "completeness")!;
    expect(missing.status).toBe("missing_criterion");
    expect(missing.reason).toBe("criterion completeness missing");
    expect(v.criteria.find((c) => c.criterion === "accuracy")!.status).toBe("verdict_rejected");
  });

  it("parseVerdict rejects an out-of-range score such as the template's 0", () => {
    const v = parseVerdict(JSON.stringify({accuracy: {score: 0, explanation: "a"}, completeness: {score: 4, explanation: "b"}, clarity: {score: 6, explanation: "c"}}), rubric);
    expect(v.valid).toBe(false);
    expect(v.criteria.map((c) => c.status)).toEqual(["out_of_range", "verdict_rejected", "out_of_range"]);
    expect(v.criteria[0].reason).toBe("score of accuracy is 0, outside 1-5");
  });

  it("parseVerdict marks garbage as invalid JSON on every criterion with a reason", () => {
    const v = parseVerdict("I refuse to grade this.", rubric);
    expect(v.valid).toBe(false);
    expect(v.criteria.every((c) => c.status === "invalid_json" && c.score === null)).toBe(true);
    expect(v.criteria[0].reason).toContain("no JSON object in judge reply");
  });

  it("parseVerdict marks a non-numeric score as invalid", () => {
    const v = parseVerdict(JSON.stringify({accuracy: {score: "high"}, completeness: {score: 4}, clarity: {score: 4}}), rubric);
    expect(v.criteria[0].status).toBe("invalid_score");
  });

  it("extractJson repairs a reply cut before its final brace, as HELM does", () => {
    expect(extractJson('{"accuracy": {"score": 4, "explanation": "x"}')).toEqual({accuracy: {score: 4, explanation: "x"}});
  });
});

describe("jury aggregation", () => {
  it("aggregateJury averages over valid judges x criteria and ignores invalid verdicts", () => {
    const a = parseVerdict(valid, rubric); // 5, 4, 3
    const b = parseVerdict(JSON.stringify({accuracy: {score: 3}, completeness: {score: 3}, clarity: {score: 3}}), rubric);
    const c = parseVerdict("garbage", rubric);
    const jury = aggregateJury([{judge: "a", verdict: a}, {judge: "b", verdict: b}, {judge: "c", verdict: c}], rubric);
    expect(jury.score).toBeCloseTo(21 / 6, 10);
    expect(jury.judges).toBe(2);
    expect(jury.perCriterion).toEqual({accuracy: 4, completeness: 3.5, clarity: 3});
  });

  it("aggregateJury leaves an answer with no valid verdict unscored with each judge's reason", () => {
    const jury = aggregateJury([{judge: "a", verdict: parseVerdict("nope", rubric)}, {judge: "b", verdict: failedVerdict(rubric, "call_failed", "judge call failed: HTTP 500")}], rubric);
    expect(jury.score).toBeNull();
    expect(jury.reason).toMatch(/^no valid verdict \(a: no JSON object.*; b: judge call failed: HTTP 500\)$/);
  });

  it("aggregateJury with no judges is unscored, not the scale minimum", () => {
    expect(aggregateJury([], rubric)).toMatchObject({score: null, reason: "no judges configured"});
  });

  it("aggregateJury in HELM compatibility mode truncates scores to integers", () => {
    const v = parseVerdict(JSON.stringify({accuracy: {score: 4.5}, completeness: {score: 4.9}, clarity: {score: 3.2}}), rubric);
    expect(aggregateJury([{judge: "a", verdict: v}], rubric, {helmCompat: true}).score).toBeCloseTo(11 / 3, 10);
    expect(aggregateJury([{judge: "a", verdict: v}], rubric).score).toBeCloseTo(12.6 / 3, 10);
  });

  it("normalizeJury maps 1-5 onto 0-1", () => {
    expect(normalizeJury(1)).toBe(0);
    expect(normalizeJury(5)).toBe(1);
    expect(normalizeJury(4)).toBe(0.75);
  });

  it("judgePrompt shows the gold response only when the rubric allows it", () => {
    const shown = judgePrompt(rubric, {input: "dialogue", response: "note", gold: "GOLD NOTE"});
    expect(shown).toContain("<gold_response>\nGOLD NOTE\n</gold_response>");
    expect(shown).toContain("- completeness: Is it complete?");
    expect(judgePrompt({...rubric, showGold: false}, {input: "dialogue", response: "note", gold: "GOLD NOTE"})).not.toContain("GOLD NOTE");
  });
});
