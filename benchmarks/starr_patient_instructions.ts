/**
 * PatientInstruct: write personalised post-procedure instructions from a patient's diagnosis,
 * procedure, history and physical, and operative report. Source: a private Stanford STARR-OMOP
 * extract (CSV, rows that passed quality control); bring your own copy. Scored by the LLM jury
 * (accuracy, completeness, clarity) against the instructions the care team gave; ROUGE-1/2/L
 * secondary, BERTScore unscored.
 */
import {join} from "node:path";
import {bertScore} from "../data-loaders/metrics/bertscore.ts";
import {readDelimited, requiredField} from "../data-loaders/formats/csv.ts";
import {contentId, uniqueIds} from "../data-loaders/benchmark/instance-id.ts";
import {rouge} from "../data-loaders/metrics/metrics.ts";
import {defineBenchmark} from "../data-loaders/benchmark/registry.ts";
import type {Instance} from "../data-loaders/benchmark/types.ts";

const FILE = "data.csv";

/** The case columns we read, with the label each gets in the input; the reference is `patient_instructions`. */
const CASE: [column: string, label: string][] = [
  ["diagnosis", "Diagnosis"],
  ["procedure", "Procedure"],
  ["history_physical", "History and physical"],
  ["operative_report", "Operative report"]
];

export default defineBenchmark({
  id: "starr_patient_instructions",
  version: 1,
  description: "Personalised patient education: post-procedure instructions tailored to one patient's case.",
  data: {location: "local", files: [FILE], dataset: "Stanford STARR-OMOP post-procedure cases (MedHELM PatientInstruct)", license: "Private: Stanford data, not distributed"},
  async load(dir) {
    const file = join(dir, FILE);
    const records = await readDelimited(file, {required: [...CASE.map(([c]) => c), "patient_instructions", "QC"]});
    const out: Instance[] = [];
    for (const record of records) {
      // HELM keeps only the rows whose quality-control flag is TRUE.
      if (record.fields.QC.trim().toUpperCase() !== "TRUE") continue;
      const input = CASE.map(([column, label]) => `${label}: ${requiredField(record, column, file).trim()}`).join("\n\n");
      out.push({id: contentId(input), input, gold: [requiredField(record, "patient_instructions", file).trim()]});
    }
    return uniqueIds(out);
  },
  prompt: {
    kind: "generation",
    instructions: "You are a clinician writing instructions for a patient to follow after a procedure. Using the case details below, write clear instructions tailored to this patient's diagnosis, procedure and history.",
    inputNoun: null,
    outputNoun: "Patient instructions"
  },
  maxTokens: 256,
  metrics: [rouge("1"), rouge("2"), rouge("L"), ...bertScore()],
  mainMetric: "starr_patient_instructions_accuracy",
  rubric: {
    role: "a medical expert",
    subject: "post-procedure instructions written for one patient",
    inputTag: "case_details",
    showGold: true,
    scale: [1, 5],
    version: 1,
    criteria: {
      accuracy: "Are the instructions medically correct for this patient's case?",
      completeness: "Do they cover the care the patient needs after the procedure?",
      clarity: "Can the patient easily understand and follow them?"
    }
  }
});
