/**
 * MedicationQA: answer consumers' questions about medicines. Source: Ben Abacha et al. (MedInfo
 * 2019), `MedInfo2019-QA-Medications.xlsx` (690 rows; HELM keeps those with an answer); public but
 * without a license statement, so not shipped: bring your own copy. Scored by the LLM jury
 * (accuracy, completeness, clarity) against the curated answer; ROUGE-1/2/L are secondary,
 * BERTScore unscored.
 */
import {join} from "node:path";
import {bertScore} from "../data-loaders/metrics/bertscore.ts";
import {rouge} from "../data-loaders/metrics/metrics.ts";
import {defineBenchmark} from "../data-loaders/benchmark/registry.ts";
import type {Instance} from "../data-loaders/benchmark/types.ts";
import {readSheetRecords} from "../data-loaders/formats/xlsx.ts";

const FILE = "MedInfo2019-QA-Medications.xlsx";

export default defineBenchmark({
  id: "medication_qa",
  version: 1,
  description: "Consumer medication questions (dosing, interactions, side effects, usage) answered in plain language.",
  data: {location: "local", files: [FILE], dataset: "MedicationQA (Ben Abacha et al., MedInfo 2019)", license: "No license stated; not redistributed", url: "https://github.com/abachaa/Medication_QA_MedInfo2019"},
  async load(dir) {
    const file = join(dir, FILE);
    const out: Instance[] = [];
    for (const record of await readSheetRecords(file, {required: ["Question", "Answer"]})) {
      const question = record.fields.Question.trim();
      const answer = record.fields.Answer.trim();
      // HELM keeps only rows that have an answer.
      if (!question || !answer) continue;
      // The workbook has no id column; its row number is the record's only identity.
      out.push({id: `row${record.row}`, input: question, gold: [answer], extra: {focus: record.fields["Focus (Drug)"] ?? "", type: record.fields["Question Type"] ?? ""}});
    }
    return out;
  },
  prompt: {kind: "generation", instructions: "Answer the consumer health question below.", inputNoun: null, outputNoun: "Answer"},
  maxTokens: 512,
  metrics: [rouge("1"), rouge("2"), rouge("L"), ...bertScore()],
  mainMetric: "medication_qa_accuracy",
  rubric: {
    role: "a medical expert",
    subject: "an answer to a consumer's question about a medication",
    inputTag: "medication_question",
    showGold: true,
    scale: [1, 5],
    version: 1,
    criteria: {
      accuracy: "Is every medical statement in the answer factually correct?",
      completeness: "Does the answer address the whole question?",
      clarity: "Can a lay reader easily understand the answer?"
    }
  }
});
