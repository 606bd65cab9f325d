/**
 * MedMCQA: four-option questions from Indian medical entrance exams (AIIMS, NEET PG) across 21
 * subjects. Source: medmcqa/medmcqa `dev.json` (JSON lines, 4,183 questions; MedHELM evaluates
 * the validation split because the test answers are hidden); MIT licensed but distributed only
 * through Google Drive, so not shipped: bring your own copy. Scored by exact match on the letter.
 */
import {join} from "node:path";
import {exactMatch, quasiExactMatch} from "../data-loaders/metrics/metrics.ts";
import {readJsonl, requireText} from "../data-loaders/formats/jsonl.ts";
import {defineBenchmark} from "../data-loaders/benchmark/registry.ts";
import type {Instance} from "../data-loaders/benchmark/types.ts";

const FILE = "dev.json";
const OPTIONS = ["opa", "opb", "opc", "opd"] as const;

export default defineBenchmark({
  id: "med_mcqa",
  version: 1,
  description: "Broad medical knowledge tested by postgraduate entrance exam questions with four options.",
  data: {location: "local", files: [FILE], dataset: "MedMCQA (Pal et al., 2022), validation split", license: "MIT", url: "https://github.com/medmcqa/medmcqa"},
  async load(dir) {
    return (await readJsonl(join(dir, FILE))).map(({row, where}): Instance => {
      requireText(row, ["id", "question", ...OPTIONS], where);
      // The original release numbers the correct option 1-4 (the Hugging Face copy uses 0-3; convert it first).
      const cop = Number(row.cop);
      if (!Number.isInteger(cop) || cop < 1 || cop > 4) throw new Error(`${where}: field cop is ${JSON.stringify(row.cop)}, expected 1-4`);
      const choices = OPTIONS.map((o) => (row[o] as string).trim());
      return {id: row.id as string, input: (row.question as string).trim(), choices, gold: [choices[cop - 1]], split: "valid", extra: {subject: row.subject_name ?? null}};
    });
  },
  prompt: {kind: "multiple_choice_joint", instructions: "Give a letter answer among A, B, C or D.", inputNoun: "Question", outputNoun: "Answer"},
  maxTokens: 1,
  stop: ["\n"],
  metrics: [exactMatch(), quasiExactMatch()],
  mainMetric: "exact_match"
});
