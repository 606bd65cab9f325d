/**
 * MEDIQA: answer consumer health questions. Source: the MEDIQA 2019 question-answering test set
 * (Ben Abacha et al.), `MEDIQA2019-Task3-QA-TestSet-wLabels.xml` (150 questions); the reference
 * is the answer experts ranked first. Public but without a license statement, so not shipped:
 * bring your own copy. Scored by the LLM jury (accuracy, completeness, clarity); ROUGE-1/2/L are
 * secondary, BERTScore unscored.
 */
import {readFile} from "node:fs/promises";
import {join} from "node:path";
import {bertScore} from "../data-loaders/metrics/bertscore.ts";
import {rouge} from "../data-loaders/metrics/metrics.ts";
import {defineBenchmark} from "../data-loaders/benchmark/registry.ts";
import type {Instance} from "../data-loaders/benchmark/types.ts";
import {childText, elements, parseXml} from "../data-loaders/formats/xml.ts";

const FILE = "MEDIQA2019-Task3-QA-TestSet-wLabels.xml";

export default defineBenchmark({
  id: "medi_qa",
  version: 1,
  description: "Consumer health questions answered accurately and in words a lay reader understands.",
  data: {location: "local", files: [FILE], dataset: "MEDIQA 2019 Task 3 question answering, test set with labels", license: "No license stated; not redistributed", url: "https://github.com/abachaa/MEDIQA2019"},
  async load(dir) {
    const file = join(dir, FILE);
    const xml = parseXml(await readFile(file, "utf8"), file);
    const out: Instance[] = [];
    try {
      for (const question of elements(xml, "Question")) {
        const qid = question.attributes.QID;
        if (!qid) throw new Error("a Question element has no QID attribute");
        const text = childText(question, "QuestionText")?.trim();
        if (!text) throw new Error(`question ${qid}: QuestionText is missing or empty`);
        // The reference is the answer the experts ranked first (HELM's rule); questions without one are skipped.
        const best = elements(question, "Answer").find((a) => a.attributes.ReferenceRank === "1");
        const answer = best ? childText(best, "AnswerText")?.trim() : null;
        if (!answer) continue;
        out.push({id: qid, input: text, gold: [answer]});
      }
    } catch (error) {
      throw new Error(`${file}: ${(error as Error).message}`);
    }
    return out;
  },
  prompt: {kind: "generation", instructions: "Answer the following consumer health question.", inputNoun: null, outputNoun: "Answer"},
  maxTokens: 1024,
  metrics: [rouge("1"), rouge("2"), rouge("L"), ...bertScore()],
  mainMetric: "medi_qa_accuracy",
  rubric: {
    role: "a medical expert",
    subject: "an answer to a consumer's health question",
    inputTag: "question",
    showGold: true,
    scale: [1, 5],
    version: 1,
    criteria: {
      accuracy: "Is the medical information in the answer correct?",
      completeness: "Does the answer address the question fully, with the relevant details?",
      clarity: "Is the answer easy for a consumer without medical training to understand?"
    }
  }
});
