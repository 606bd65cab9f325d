/**
 * DischargeMe: write either the discharge instructions or the brief hospital course of a
 * hospital stay from its discharge summary and radiology reports. Source: the BioNLP 2024
 * "Discharge Me!" shared task on PhysioNet (`discharge-me/1.3`, `test_phase_1/*.csv.gz`), one
 * instance per admission and target; gated (PhysioNet credentialed access). Scored by the LLM
 * jury (accuracy, completeness, clarity); ROUGE-1/2/L secondary, BERTScore unscored.
 */
import {readFile} from "node:fs/promises";
import {join} from "node:path";
import {gunzipSync} from "node:zlib";
import {bertScore} from "../data-loaders/metrics/bertscore.ts";
import {delimitedRecords, requiredField} from "../data-loaders/formats/csv.ts";
import {rouge} from "../data-loaders/metrics/metrics.ts";
import {defineBenchmark} from "../data-loaders/benchmark/registry.ts";
import type {Instance} from "../data-loaders/benchmark/types.ts";

const DIR = "test_phase_1";
const FILES = ["discharge.csv.gz", "radiology.csv.gz", "discharge_target.csv.gz"].map((f) => `${DIR}/${f}`);

/** The two target documents, with the column holding each and how the input names it. */
const TARGETS = [
  {key: "bhc", column: "brief_hospital_course", label: "Brief Hospital Course"},
  {key: "di", column: "discharge_instructions", label: "Discharge Instructions"}
];

async function records(file: string, required: string[]) {
  let text: string;
  try {
    text = gunzipSync(await readFile(file)).toString("utf8");
  } catch (error) {
    throw new Error(`${file}: not a gzip file: ${(error as Error).message}`);
  }
  return delimitedRecords(text.replace(/^\uFEFF/, ""), file, {required});
}

export default defineBenchmark({
  id: "dischargeme",
  version: 1,
  description: "Discharge documentation: the patient's discharge instructions or the clinicians' brief hospital course for one admission.",
  data: {location: "local", files: FILES, dataset: "Discharge Me! (BioNLP ACL'24 shared task), test phase 1", license: "PhysioNet Credentialed Health Data License 1.5.0", url: "https://physionet.org/content/discharge-me/1.3/"},
  async load(dir) {
    const [dischargeFile, radiologyFile, targetFile] = FILES.map((f) => join(dir, f));
    const discharge = new Map<string, string>();
    for (const r of await records(dischargeFile, ["hadm_id", "text"])) discharge.set(requiredField(r, "hadm_id", dischargeFile), requiredField(r, "text", dischargeFile).trim());
    const radiology = new Map<string, string[]>();
    for (const r of await records(radiologyFile, ["hadm_id", "text"])) {
      const hadm = requiredField(r, "hadm_id", radiologyFile);
      if (!radiology.has(hadm)) radiology.set(hadm, []);
      radiology.get(hadm)!.push(r.fields.text.trim());
    }
    const out: Instance[] = [];
    for (const r of await records(targetFile, ["hadm_id", ...TARGETS.map((t) => t.column)])) {
      const hadm = requiredField(r, "hadm_id", targetFile);
      const note = discharge.get(hadm);
      if (note === undefined) throw new Error(`${targetFile} line ${r.line}: hadm_id ${hadm} has no discharge note in ${dischargeFile}`);
      const reports = (radiology.get(hadm) ?? []).filter(Boolean).join("\n\n") || "(no radiology report)";
      for (const target of TARGETS) {
        out.push({
          id: `${hadm}/${target.key}`,
          input: `Target document: ${target.label}\n\nDischarge summary:\n${note}\n\nRadiology reports:\n${reports}`,
          gold: [requiredField(r, target.column, targetFile).trim()],
          extra: {target: target.key}
        });
      }
    }
    return out;
  },
  prompt: {
    kind: "generation",
    instructions: "From the discharge summary and radiology reports below, write the requested target document: discharge instructions addressed to the patient, or a brief hospital course for clinicians.",
    inputNoun: null,
    outputNoun: "Answer"
  },
  maxTokens: 300,
  metrics: [rouge("1"), rouge("2"), rouge("L"), ...bertScore()],
  mainMetric: "dischargeme_accuracy",
  rubric: {
    role: "a medical expert",
    subject: "a discharge document (discharge instructions for the patient or a brief hospital course for clinicians)",
    inputTag: "patient_information",
    showGold: true,
    scale: [1, 5],
    version: 1,
    criteria: {
      accuracy: "Is the content correct according to the discharge summary and radiology reports?",
      completeness: "Does it include all the information this type of document needs?",
      clarity: "Is it clear for its readers: the patient for discharge instructions, clinicians for a hospital course?"
    }
  }
});
