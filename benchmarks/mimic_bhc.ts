/**
 * MIMIC-IV-BHC: summarise a patient's clinical notes into the brief hospital course of a
 * discharge summary. Source: MIMIC-IV-Ext-BHC (Aali et al., 2024), read as JSON lines with
 * `input` (preprocessed notes) and `target` (the brief hospital course); gated (PhysioNet
 * credentialed access). Scored by the LLM jury (accuracy, completeness, clarity) against the
 * written course; ROUGE-1/2/L secondary, BERTScore unscored.
 */
import {join} from "node:path";
import {bertScore} from "../data-loaders/metrics/bertscore.ts";
import {contentId, uniqueIds} from "../data-loaders/benchmark/instance-id.ts";
import {rouge} from "../data-loaders/metrics/metrics.ts";
import {readJsonl, requireText} from "../data-loaders/formats/jsonl.ts";
import {defineBenchmark} from "../data-loaders/benchmark/registry.ts";
import type {Instance} from "../data-loaders/benchmark/types.ts";

const FILE = "data.jsonl";

export default defineBenchmark({
  id: "mimic_bhc",
  version: 1,
  description: "Hospital course summarisation: turning a stay's clinical notes into the brief hospital course clinicians read at discharge.",
  data: {location: "local", files: [FILE], dataset: "MIMIC-IV-Ext-BHC (Aali et al., 2024)", license: "PhysioNet Credentialed Health Data License 1.5.0", url: "https://physionet.org/content/labelled-notes-hospital-course/"},
  async load(dir) {
    const out = (await readJsonl(join(dir, FILE))).map(({row, where}): Instance => {
      requireText(row, ["input", "target"], where);
      const input = (row.input as string).trim();
      const id = typeof row.note_id === "string" || typeof row.note_id === "number" ? String(row.note_id) : contentId(input);
      return {id, input, gold: [(row.target as string).trim()]};
    });
    return uniqueIds(out);
  },
  prompt: {
    kind: "generation",
    instructions: "Summarise the clinical note below into a brief hospital course.",
    inputNoun: "Clinical Note",
    outputNoun: "Brief Hospital Course"
  },
  maxTokens: 1024,
  metrics: [rouge("1"), rouge("2"), rouge("L"), ...bertScore()],
  mainMetric: "mimic_bhc_accuracy",
  rubric: {
    role: "an evaluator of clinical summaries",
    subject: "a brief hospital course summarised from a patient's clinical notes",
    inputTag: "user_request",
    showGold: true,
    scale: [1, 5],
    version: 1,
    criteria: {
      accuracy: "Does the summary reflect the key clinical details of the notes correctly?",
      completeness: "Does it include every important detail of the hospital stay?",
      clarity: "Is it clear and easy for a clinician to understand?"
    }
  }
});
