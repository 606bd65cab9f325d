/**
 * MedHallu: decide whether an answer to a biomedical research question is faithful to the
 * question's evidence or a hallucination. Source: HF `UTAustin-AIHealth/MedHallu`, config
 * `pqa_labeled` (MIT), as a `datasets` Arrow file; each of its 1,000 rows yields a factual and a
 * hallucinated instance (2,000). Scored by exact match of the output with "0" (factual) or "1".
 */
import {readFile} from "node:fs/promises";
import {join} from "node:path";
import {tableFromIPC} from "apache-arrow";
import {defineBenchmark} from "../data-loaders/benchmark/registry.ts";
import {exactMatch, quasiExactMatch} from "../data-loaders/metrics/metrics.ts";
import type {Instance} from "../data-loaders/benchmark/types.ts";

const FILE = "MedHallu_pqa_labeled/train/data-00000-of-00001.arrow";
const COLUMNS = ["Question", "Knowledge", "Ground Truth", "Hallucinated Answer", "Difficulty Level", "Category of Hallucination"] as const;

/** The instance text: the evidence, the question and the answer to judge. */
function medhalluInput(knowledge: string[], question: string, answer: string): string {
  // HELM prints the knowledge list with Python's list syntax; we give its passages one per line.
  return `World Knowledge: ${knowledge.join("\n")}\nQuestion: ${question}\nAnswer: ${answer}`;
}

export default defineBenchmark({
  id: "medhallu",
  version: 1,
  description: "Hallucination detection: telling a factual answer to a biomedical question from a plausible but unsupported one.",
  data: {location: "shipped", files: [FILE], dataset: "MedHallu, pqa_labeled (Pandit et al., 2025)", license: "MIT", url: "https://huggingface.co/datasets/UTAustin-AIHealth/MedHallu"},
  async load(dir) {
    const file = join(dir, FILE);
    // `datasets` writes the Arrow IPC stream format, which tableFromIPC reads.
    const table = tableFromIPC(await readFile(file));
    for (const column of COLUMNS) if (!table.getChild(column)) throw new Error(`${file}: column ${JSON.stringify(column)} is missing`);
    const out: Instance[] = [];
    for (let i = 0; i < table.numRows; i++) {
      const row = table.get(i)!;
      const text = (column: (typeof COLUMNS)[number]) => {
        const value = row[column];
        if (typeof value !== "string" || !value.trim()) throw new Error(`${file}: row ${i} column ${JSON.stringify(column)} is empty`);
        return value;
      };
      const knowledgeVector = row["Knowledge"];
      const knowledge: unknown[] = knowledgeVector ? Array.from(knowledgeVector as Iterable<unknown>) : [];
      if (!knowledge.length || knowledge.some((k) => typeof k !== "string")) throw new Error(`${file}: row ${i} column "Knowledge" is not a list of passages`);
      const question = text("Question");
      const extra = {difficulty: text("Difficulty Level"), hallucinationCategory: text("Category of Hallucination")};
      out.push({id: `row${i}/factual`, input: medhalluInput(knowledge as string[], question, text("Ground Truth")), gold: ["0"], extra});
      out.push({id: `row${i}/hallucinated`, input: medhalluInput(knowledge as string[], question, text("Hallucinated Answer")), gold: ["1"], extra});
    }
    return out;
  },
  prompt: {
    kind: "generation",
    instructions:
      "You are a medical expert judging answers to biomedical research questions. Using the world knowledge given, decide whether the answer is " +
      "factual or contains hallucinated content. Count an answer as hallucinated when it falls into any of these kinds: it misinterprets the " +
      "question (answers something else or drifts off topic); it gives incomplete information that leaves out what the knowledge says is essential; " +
      "it attributes an effect to the wrong mechanism or pathway; or it invents methods, statistics, studies or other evidence. " +
      "Return just an integer value, '0' if the answer is factual or '1' if it is hallucinated, with no letter, word or explanation.",
    inputNoun: null,
    outputNoun: "Your judgement"
  },
  maxTokens: 5,
  metrics: [exactMatch(), quasiExactMatch()],
  mainMetric: "exact_match"
});
