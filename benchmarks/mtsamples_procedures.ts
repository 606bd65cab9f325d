/**
 * MTSamples Procedures: write the plan that follows a procedure from the rest of a transcribed
 * procedure report. Source: the `mtsample_procedure/*.txt` reports HELM reads (origin
 * mtsamples.com); public but without a license, so not shipped: bring your own copy. The reference
 * is the report's PLAN section. Scored by the LLM jury (accuracy, completeness, clarity); ROUGE-1/2/L
 * are secondary, BERTScore unscored.
 */
import {join} from "node:path";
import {bertScore} from "../data-loaders/metrics/bertscore.ts";
import {rouge} from "../data-loaders/metrics/metrics.ts";
import {loadReports} from "./families/mtsamples.ts";
import {defineBenchmark} from "../data-loaders/benchmark/registry.ts";

const FOLDER = "mtsample_procedure";

export default defineBenchmark({
  id: "mtsamples_procedures",
  version: 1,
  description: "Procedure documentation: writing the plan of care that follows a procedure from its report.",
  data: {location: "local", files: [FOLDER], dataset: "MTSamples procedure reports (mtsamples.com), HELM's processed copy", license: "No license stated; not redistributed", url: "https://mtsamples.com"},
  load: (dir) => loadReports(join(dir, FOLDER), ["PLAN"]),
  prompt: {
    kind: "generation",
    instructions: "Below is information about a patient's procedure. Write a reasonable plan for the patient's care.",
    inputNoun: "Patient Notes",
    outputNoun: "Answer"
  },
  maxTokens: 512,
  metrics: [rouge("1"), rouge("2"), rouge("L"), ...bertScore()],
  mainMetric: "mtsamples_procedures_accuracy",
  rubric: {
    role: "a medical expert",
    subject: "a care plan written from a procedure report",
    inputTag: "user_request",
    showGold: true,
    scale: [1, 5],
    version: 1,
    criteria: {
      accuracy: "Is the plan medically correct and consistent with accepted guidelines?",
      completeness: "Does the plan address every aspect of the patient's care after the procedure?",
      clarity: "Is the plan easy to follow?"
    }
  }
});
