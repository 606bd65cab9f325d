/**
 * MTSamples: propose a treatment plan from a transcribed medical report whose plan was removed.
 * Source: the `mtsamples_processed/*.txt` reports HELM reads (origin mtsamples.com); public but
 * without a license, so not shipped: bring your own copy. The reference is the report's PLAN
 * section, else SUMMARY, else FINDINGS (the input is the report without that section). Scored by
 * the LLM jury (accuracy, completeness, clarity); ROUGE-1/2/L are secondary, BERTScore unscored.
 */
import {join} from "node:path";
import {bertScore} from "../data-loaders/metrics/bertscore.ts";
import {rouge} from "../data-loaders/metrics/metrics.ts";
import {loadReports} from "./families/mtsamples.ts";
import {defineBenchmark} from "../data-loaders/benchmark/registry.ts";

const FOLDER = "mtsamples_processed";

export default defineBenchmark({
  id: "mtsamples_replicate",
  version: 1,
  description: "Treatment planning: proposing a plan of care from the rest of a patient's transcribed medical report.",
  data: {location: "local", files: [FOLDER], dataset: "MTSamples transcribed reports (mtsamples.com), HELM's processed copy", license: "No license stated; not redistributed", url: "https://mtsamples.com"},
  // HELM removes only the PLAN section; we remove whichever section is the reference, so the answer is never in the input.
  load: (dir) => loadReports(join(dir, FOLDER), ["PLAN", "SUMMARY", "FINDINGS"]),
  prompt: {
    kind: "generation",
    instructions: "Read the information about the patient below and propose a reasonable treatment plan.",
    inputNoun: null,
    outputNoun: "Answer"
  },
  maxTokens: 512,
  metrics: [rouge("1"), rouge("2"), rouge("L"), ...bertScore()],
  mainMetric: "mtsamples_replicate_accuracy",
  rubric: {
    role: "a medical expert",
    subject: "a treatment plan proposed from a patient's medical report",
    inputTag: "patient_information",
    showGold: true,
    scale: [1, 5],
    version: 1,
    criteria: {
      accuracy: "Is the proposed plan medically correct and consistent with current guidelines for this patient?",
      completeness: "Does the plan cover every clinically important part of the patient's care?",
      clarity: "Is the plan written clearly enough for a clinician to act on it?"
    }
  }
});
