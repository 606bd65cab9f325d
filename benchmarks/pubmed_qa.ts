/**
 * PubMedQA (PQA-L): answer a biomedical research question as yes, no or maybe from the labelled
 * sections of a PubMed abstract. Source: pubmedqa/pubmedqa `ori_pqal.json` (MIT); HELM uses all
 * 1,000 expert-labelled items as its test split. Scored by exact match on the chosen letter
 * (multiple-choice-joint layout, one output token).
 */
import {readFile} from "node:fs/promises";
import {join} from "node:path";
import {defineBenchmark} from "../data-loaders/benchmark/registry.ts";
import {exactMatch, quasiExactMatch} from "../data-loaders/metrics/metrics.ts";
import type {Instance} from "../data-loaders/benchmark/types.ts";

interface Item {
  QUESTION: string;
  CONTEXTS: string[];
  LABELS: string[];
  final_decision: "yes" | "no" | "maybe";
}

export default defineBenchmark({
  id: "pubmed_qa",
  version: 1,
  description: "Reading comprehension of biomedical abstracts: does the evidence answer the question yes, no or maybe?",
  data: {location: "shipped", files: ["ori_pqal.json"], dataset: "PubMedQA PQA-L (Jin et al., 2019)", license: "MIT", url: "https://github.com/pubmedqa/pubmedqa"},
  async load(dir) {
    const items = JSON.parse(await readFile(join(dir, "ori_pqal.json"), "utf8")) as Record<string, Item>;
    return Object.entries(items).map(([pmid, item]): Instance => {
      const context = item.CONTEXTS.map((text, i) => `${item.LABELS[i] ?? "CONTEXT"}: ${text}`).join("\n");
      return {id: pmid, input: `Context: ${context}\n\nQuestion: ${item.QUESTION}`, choices: ["yes", "no", "maybe"], gold: [item.final_decision]};
    });
  },
  prompt: {
    kind: "multiple_choice_joint",
    instructions: "Decide whether the abstract's evidence supports the answer to the research question. Answer A for yes, B for no or C for maybe. Output only the letter on a single line.",
    inputNoun: null,
    outputNoun: "Answer"
  },
  maxTokens: 1,
  stop: ["\n"],
  metrics: [exactMatch(), quasiExactMatch()],
  mainMetric: "exact_match"
});
