/**
 * MedQA: USMLE-style multiple-choice questions with four options (US subset, English).
 * Source: MedQA `data_clean/questions/US/4_options/phrases_no_exclude_test.jsonl` (MIT), the 1,273
 * test questions HELM uses. Added to MedHELM after the paper. Scored by exact match on the chosen
 * letter (multiple-choice-joint layout, one output token).
 */
import {join} from "node:path";
import {readJsonl} from "../data-loaders/formats/jsonl.ts";
import {defineBenchmark} from "../data-loaders/benchmark/registry.ts";
import {exactMatch, quasiExactMatch} from "../data-loaders/metrics/metrics.ts";
import type {Instance} from "../data-loaders/benchmark/types.ts";

const FILE = "phrases_no_exclude_test.jsonl";
const LETTERS = ["A", "B", "C", "D"];

/** HELM drops a trailing double quote and whitespace from option texts. */
const cleanOption = (text: string) => text.replace(/"+$/, "").trimEnd();

export default defineBenchmark({
  id: "med_qa",
  version: 1,
  description: "Medical licensing exam questions (USMLE style) with four options, testing clinical and basic-science knowledge.",
  data: {location: "shipped", files: [FILE], dataset: "MedQA, US 4-option test set (Jin et al., 2020)", license: "MIT", url: "https://github.com/jind11/MedQA"},
  async load(dir) {
    return (await readJsonl(join(dir, FILE))).map(({row: raw, line, where}): Instance => {
      const row = raw as {question?: string; options?: Record<string, string>; answer_idx?: string};
      const options = row.options ?? {};
      if (!row.question) throw new Error(`${where}: question is empty`);
      if (Object.keys(options).join() !== LETTERS.join()) throw new Error(`${where}: options are ${JSON.stringify(Object.keys(options))}, expected A-D`);
      if (!row.answer_idx || !LETTERS.includes(row.answer_idx)) throw new Error(`${where}: answer_idx is ${JSON.stringify(row.answer_idx)}`);
      const choices = LETTERS.map((l) => cleanOption(options[l]));
      // The file has no question ids; the line number is stable because the file is shipped unchanged.
      return {id: `test-${line}`, input: row.question, choices, gold: [choices[LETTERS.indexOf(row.answer_idx)]]};
    });
  },
  prompt: {
    kind: "multiple_choice_joint",
    instructions: "Answer this medical licensing exam question. Give a letter answer among A, B, C or D.",
    inputNoun: "Question",
    outputNoun: "Answer"
  },
  maxTokens: 1,
  stop: ["\n"],
  metrics: [exactMatch(), quasiExactMatch()],
  mainMetric: "exact_match"
});
