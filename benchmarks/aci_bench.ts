/**
 * ACI-Bench: write a clinical note (history, exam, results, assessment and plan) from a
 * doctor-patient conversation. Source: wyim/aci-bench, the three MEDIQA 2023 test files HELM uses
 * (120 dialogues, CC BY 4.0). Scored by the LLM jury on accuracy, completeness and clarity
 * against the clinician-written note; ROUGE-1/2/L and BERTScore
 * (when an embedding server is configured) are secondary metrics.
 */
import {readFile} from "node:fs/promises";
import {join} from "node:path";
import {defineBenchmark} from "../data-loaders/benchmark/registry.ts";
import {bertScore} from "../data-loaders/metrics/bertscore.ts";
import {rouge} from "../data-loaders/metrics/metrics.ts";
import type {Instance} from "../data-loaders/benchmark/types.ts";

const FILES = ["clinicalnlp_taskB_test1_full.json", "clinicalnlp_taskC_test2_full.json", "clef_taskC_test3_full.json"];

export default defineBenchmark({
  id: "aci_bench",
  version: 1,
  description: "Ambient clinical documentation: turning a recorded visit conversation into a structured clinical note.",
  data: {location: "shipped", files: FILES, dataset: "ACI-Bench (Yim et al., 2023)", license: "CC BY 4.0", url: "https://github.com/wyim/aci-bench"},
  async load(dir) {
    const out: Instance[] = [];
    for (const name of FILES) {
      const file = join(dir, name);
      const json = JSON.parse(await readFile(file, "utf8")) as {data?: {src: string; tgt: string; file: string}[]};
      if (!Array.isArray(json.data)) throw new Error(`${file}: expected {"data": [...]}`);
      const set = name.replace("_full.json", "");
      json.data.forEach((row, i) => {
        if (!row.src || !row.tgt) throw new Error(`${file}: data[${i}] lacks src or tgt`);
        // HELM loads the three test files as one run, so they are not sub-runs (no `subset`).
        out.push({id: `${set}/${row.file}`, input: row.src, gold: [row.tgt]});
      });
    }
    return out;
  },
  prompt: {
    kind: "generation",
    instructions: "Write the clinical note for this visit from the conversation, with four sections: HISTORY OF PRESENT ILLNESS, PHYSICAL EXAM, RESULTS, ASSESSMENT AND PLAN.",
    inputNoun: "Conversation",
    outputNoun: "Clinical Note"
  },
  maxTokens: 768,
  metrics: [rouge("1"), rouge("2"), rouge("L"), ...bertScore()],
  mainMetric: "aci_bench_accuracy",
  rubric: {
    role: "a medical expert",
    subject: "a clinical note written from a doctor-patient conversation",
    inputTag: "conversation",
    showGold: true,
    scale: [1, 5],
    version: 1,
    criteria: {
      accuracy: "Does the note record the clinical information of the conversation correctly, without invented or wrong facts?",
      completeness: "Does the note capture every clinically important detail discussed?",
      clarity: "Is the note clear and organised in a standard clinical format a clinician can use?"
    }
  }
});
