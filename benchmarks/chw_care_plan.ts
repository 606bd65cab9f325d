/**
 * NoteExtract: restructure a community health worker's free-text note into a fixed care-plan
 * format (chief complaint and the elements of the history of present illness). Source: a
 * private Stanford CSV whose `MO Note` column holds the notes; there is no reference answer.
 * Scored only by the LLM jury on accuracy, structure and clarity, with the original note and the
 * required format as the judges' input (no gold response, so no ROUGE or BERTScore).
 */
import {join} from "node:path";
import {readDelimited, requiredField} from "../data-loaders/formats/csv.ts";
import {contentId, uniqueIds} from "../data-loaders/benchmark/instance-id.ts";
import {defineBenchmark} from "../data-loaders/benchmark/registry.ts";

const FILE = "data.csv";
const COLUMN = "MO Note";

/** The task text around each note: the target format, item by item. */
export function carePlanRequest(note: string): string {
  return [
    "Rewrite the patient note below into this format, using only information from the note:",
    "Chief Complaint:",
    "History of Present Illness:",
    "- Onset:",
    "- Provoking or palliating factors:",
    "- Quality:",
    "- Region and radiation:",
    "- Severity:",
    "- Timing:",
    "- Related symptoms:",
    "Write \"Not mentioned\" for any item the note does not cover.",
    "",
    `Note: ${note}`
  ].join("\n");
}

export default defineBenchmark({
  id: "chw_care_plan",
  version: 1,
  description: "Care-plan documentation: reorganising a community health worker's narrative note into a structured history.",
  data: {location: "local", files: [FILE], dataset: "Stanford community health worker notes (MedHELM NoteExtract)", license: "Private: Stanford data, not distributed"},
  async load(dir) {
    const file = join(dir, FILE);
    const records = await readDelimited(file, {required: [COLUMN]});
    return uniqueIds(
      records.map((record) => {
        const note = requiredField(record, COLUMN, file).trim();
        return {id: contentId(note), input: carePlanRequest(note), gold: []};
      })
    );
  },
  prompt: {
    kind: "generation",
    instructions: "Follow the instructions below to convert a patient note into the requested format.",
    inputNoun: "",
    outputNoun: ""
  },
  maxTokens: 768,
  metrics: [],
  mainMetric: "chw_care_plan_accuracy",
  rubric: {
    role: "a medical expert",
    subject: "a patient note converted into a structured care-plan format",
    inputTag: "user_request",
    showGold: false,
    scale: [1, 5],
    version: 1,
    criteria: {
      accuracy: "Is everything in the response factually correct with respect to the original note?",
      structure: "Does the response contain every part of the required format?",
      clarity: "Is the response clear and easy for a clinician to read?"
    }
  }
});
