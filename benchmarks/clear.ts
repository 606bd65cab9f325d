/**
 * CLEAR: decide from a clinical note whether the patient has a history of a condition (13
 * conditions, from alcohol dependence to unemployment), answering yes, no or uncertain. Source:
 * Stanford's private CLEAR annotations, one `<condition>.xlsx` per condition (`text`,
 * `result_human`); bring your own copy. Scored by exact match on the letter; as in MedHELM each
 * condition is a sub-run capped at 100 notes and the benchmark score is the mean over conditions.
 */
import {join} from "node:path";
import {contentId, uniqueIds} from "../data-loaders/benchmark/instance-id.ts";
import {exactMatch, quasiExactMatch} from "../data-loaders/metrics/metrics.ts";
import {defineBenchmark} from "../data-loaders/benchmark/registry.ts";
import {capEachSubset} from "../data-loaders/benchmark/subsets.ts";
import type {Instance} from "../data-loaders/benchmark/types.ts";
import {readSheetRecords} from "../data-loaders/formats/xlsx.ts";

/** The 13 conditions of MedHELM's CLEAR runs, as file names. */
export const CONDITIONS = [
  "alcohol_dependence", "attention_deficit_hyperactivity_disorder", "bipolar_disorder", "chronic_pain", "homelessness",
  "liver_disease", "major_depression", "personality_disorder", "post_traumatic_stress_disorder", "substance_use_disorder",
  "suicidal_behavior", "tobacco_dependence", "unemployment"
];

/** MedHELM caps every CLEAR condition at 100 instances. */
const PER_CONDITION = 100;

/** `result_human` codes, as HELM's scenario maps them: 1 has a history, 0 has none, 2 uncertain. */
const LETTER_OF: Record<string, string> = {"1": "A", "0": "B", "2": "C"};

export default defineBenchmark({
  id: "clear",
  version: 1,
  description: "Reading a clinical note to tell whether the patient has a history of a given condition, with uncertainty as an explicit answer.",
  data: {location: "local", files: CONDITIONS.map((c) => `${c}.xlsx`), dataset: "CLEAR (Stanford), 13 condition workbooks", license: "Private: Stanford data, not distributed"},
  async load(dir) {
    const out: Instance[] = [];
    for (const condition of CONDITIONS) {
      const file = join(dir, `${condition}.xlsx`);
      const name = condition.replace(/_/g, " ");
      for (const record of await readSheetRecords(file, {required: ["text", "result_human"]})) {
        const text = record.fields.text.trim();
        const code = record.fields.result_human.trim().replace(/\.0$/, "");
        // HELM skips rows without a note or a label; an unknown label is a data error.
        if (!text || !code) continue;
        const letter = LETTER_OF[code];
        if (!letter) throw new Error(`${file} row ${record.row}: column result_human is ${JSON.stringify(code)}, expected 0, 1 or 2`);
        out.push({
          id: `${condition}/${contentId(text)}`,
          input: `Does this patient have a history of ${name}? Answer 'A' if the note shows a history of ${name}, 'B' if it shows no history of ${name}, or 'C' if it is uncertain.\n\nNote: ${text}`,
          choices: ["A", "B", "C"],
          gold: [letter],
          subset: condition
        });
      }
    }
    return capEachSubset(uniqueIds(out), PER_CONDITION, "clear");
  },
  prompt: {kind: "multiple_choice_joint", instructions: "Answer A, B, or C.", inputNoun: "", outputNoun: ""},
  maxTokens: 1,
  stop: ["\n"],
  metrics: [exactMatch(), quasiExactMatch()],
  mainMetric: "exact_match",
  maxEvalInstances: CONDITIONS.length * PER_CONDITION
});
