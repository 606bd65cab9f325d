/**
 * Medbullets: USMLE Step 2/3 style clinical vignettes with five options. Source:
 * HanjieChen/ChallengeClinicalQA `medbullets/medbullets_op5.csv` (308 questions, as HELM reads
 * it); public but without a license (medbullets.com content), so not shipped: bring your own
 * copy. Scored by exact match on the chosen letter (multiple-choice-joint, one output token).
 */
import {join} from "node:path";
import {readDelimited, requiredField} from "../data-loaders/formats/csv.ts";
import {contentId} from "../data-loaders/benchmark/instance-id.ts";
import {exactMatch, quasiExactMatch} from "../data-loaders/metrics/metrics.ts";
import {LETTERS} from "../data-loaders/benchmark/prompt.ts";
import {defineBenchmark} from "../data-loaders/benchmark/registry.ts";
import type {Instance} from "../data-loaders/benchmark/types.ts";

const FILE = "medbullets_op5.csv";

// Releases of the file name the option columns either `opa`..`ope` or `answerA`..`answerE`.
const OPTION_COLUMNS = [["opa", "opb", "opc", "opd", "ope"], ["answerA", "answerB", "answerC", "answerD", "answerE"]];

export default defineBenchmark({
  id: "medbullets",
  version: 1,
  description: "Clinical knowledge and reasoning on board-exam vignettes written for the USMLE Step 2 and 3.",
  data: {location: "local", files: [FILE], dataset: "Medbullets (Chen et al., 2024), five-option version", license: "No license stated; not redistributed", url: "https://github.com/HanjieChen/ChallengeClinicalQA"},
  async load(dir) {
    const file = join(dir, FILE);
    const records = await readDelimited(file, {required: ["question", "answer_idx"]});
    const columns = OPTION_COLUMNS.find((names) => records.length === 0 || names.every((n) => n in records[0].fields));
    if (!columns) throw new Error(`${file}: missing option columns (expected ${OPTION_COLUMNS.map((c) => c.join(",")).join(" or ")})`);
    return records.map((record): Instance => {
      const question = requiredField(record, "question", file).trim();
      const choices = columns.map((c) => requiredField(record, c, file).trim());
      const letter = requiredField(record, "answer_idx", file).trim();
      const index = LETTERS.indexOf(letter);
      if (letter.length !== 1 || index < 0 || index >= choices.length) throw new Error(`${file} line ${record.line}: column answer_idx is ${JSON.stringify(letter)}, expected a letter A-E`);
      return {id: contentId(question, ...choices), input: question, choices, gold: [choices[index]]};
    });
  },
  prompt: {
    kind: "multiple_choice_joint",
    instructions: "This is a clinical question in the style of the USMLE Step 2 and Step 3 exams. Answer with only the letter of the correct option (A, B, C, D, or E).",
    inputNoun: "Clinical Scenario",
    outputNoun: "Answer"
  },
  maxTokens: 1,
  stop: ["\n"],
  metrics: [exactMatch(), quasiExactMatch()],
  mainMetric: "exact_match"
});
