/**
 * MedAlign: carry out a clinician's instruction (a question or task) over one patient's full
 * electronic health record. Source: Stanford's MedAlign release (Fleming et al., 2024),
 * `clinician-instruction-responses.tsv` plus one EHR XML per patient; gated (research data use
 * agreement). Scored by the LLM jury (accuracy, completeness, clarity) against the clinician's
 * written response; ROUGE-1/2/L secondary, BERTScore unscored.
 */
import {readFile} from "node:fs/promises";
import {join} from "node:path";
import {bertScore} from "../data-loaders/metrics/bertscore.ts";
import {readDelimited, requiredField} from "../data-loaders/formats/csv.ts";
import {rouge} from "../data-loaders/metrics/metrics.ts";
import {defineBenchmark} from "../data-loaders/benchmark/registry.ts";
import type {Instance} from "../data-loaders/benchmark/types.ts";

const TSV = "clinician-instruction-responses.tsv";
const EHRS = "ehrs";

/**
 * MedHELM trims each EHR to a 100k-token context. We have no model tokenizer at load time, so we
 * keep the most recent 400,000 characters (about 100k tokens at four characters per token).
 */
export const MAX_EHR_CHARS = 400_000;

export default defineBenchmark({
  id: "medalign",
  version: 1,
  description: "Instruction following over a whole patient record: answering the questions and tasks clinicians actually pose about their patients.",
  data: {location: "local", files: [TSV, EHRS], dataset: "MedAlign (Fleming et al., 2024)", license: "Stanford research data use agreement; not redistributable"},
  async load(dir) {
    const file = join(dir, TSV);
    const records = await readDelimited(file, {delimiter: "\t", required: ["instruction_id", "person_id", "question", "clinician_response"]});
    const byId = new Map<string, Instance>();
    const ehrs = new Map<string, string>();
    for (const record of records) {
      const response = record.fields.clinician_response.trim();
      // Instructions that no clinician answered have no reference and are skipped, as in HELM.
      if (!response) continue;
      const id = requiredField(record, "instruction_id", file).trim();
      const existing = byId.get(id);
      if (existing) {
        // Several clinicians may answer one instruction: every answer is a reference.
        existing.gold.push(response);
        continue;
      }
      const person = requiredField(record, "person_id", file).trim();
      if (!ehrs.has(person)) {
        const ehrFile = join(dir, EHRS, `${person}.xml`);
        let ehr: string;
        try {
          ehr = await readFile(ehrFile, "utf8");
        } catch {
          throw new Error(`${file} line ${record.line}: person_id ${person} has no EHR file ${ehrFile}`);
        }
        ehrs.set(person, ehr.length > MAX_EHR_CHARS ? ehr.slice(-MAX_EHR_CHARS) : ehr);
      }
      const question = requiredField(record, "question", file).trim();
      byId.set(id, {id, input: `Electronic health record:\n${ehrs.get(person)!.trim()}\n\nInstruction: ${question}`, gold: [response], extra: {personId: person}});
    }
    return [...byId.values()];
  },
  prompt: {
    kind: "generation",
    instructions: "Carry out the clinician's instruction using the patient's electronic health record below.",
    inputNoun: null,
    outputNoun: null
  },
  maxTokens: 256,
  metrics: [rouge("1"), rouge("2"), rouge("L"), ...bertScore()],
  mainMetric: "medalign_accuracy",
  rubric: {
    role: "a medical expert",
    subject: "a response to a clinician's instruction about a patient's electronic health record",
    inputTag: "user_request",
    showGold: true,
    scale: [1, 5],
    version: 1,
    criteria: {
      accuracy: "Is the response correct according to the patient's record and medical guidelines?",
      completeness: "Does it fully address the instruction?",
      clarity: "Is it clear and useful for a clinician?"
    }
  }
});
