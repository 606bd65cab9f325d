/**
 * MedDialog: summarise a patient-doctor conversation in one sentence. Source: the English
 * MedDialog test splits prepared for BioBART (HealthCareMagic and iCliniq, `<subset>/test.json`
 * with `src` dialogue and `tgt` summary); public, but the dialogues' copyright stays with the two
 * sites, so not shipped: bring your own copy. Scored by the LLM jury (accuracy, completeness,
 * clarity); ROUGE-1/2/L secondary, BERTScore unscored. The two subsets are MedHELM sub-runs,
 * each capped at 1,000, and the score is their mean.
 */
import {readFile} from "node:fs/promises";
import {join} from "node:path";
import {bertScore} from "../data-loaders/metrics/bertscore.ts";
import {contentId, uniqueIds} from "../data-loaders/benchmark/instance-id.ts";
import {rouge} from "../data-loaders/metrics/metrics.ts";
import {defineBenchmark} from "../data-loaders/benchmark/registry.ts";
import {capEachSubset} from "../data-loaders/benchmark/subsets.ts";
import type {Instance} from "../data-loaders/benchmark/types.ts";

const SUBSETS = ["healthcaremagic", "icliniq"];
const PER_SUBSET = 1000;

export default defineBenchmark({
  id: "med_dialog",
  version: 1,
  description: "Condensing an online patient-doctor exchange into the one sentence a clinician needs.",
  data: {location: "local", files: SUBSETS.map((s) => `${s}/test.json`), dataset: "MedDialog (English), HealthCareMagic and iCliniq test splits as prepared for BioBART", license: "Copyright of healthcaremagic.com and icliniq.com; not redistributed", url: "https://github.com/UCSD-AI4H/Medical-Dialogue-System"},
  async load(dir) {
    const out: Instance[] = [];
    for (const subset of SUBSETS) {
      const file = join(dir, subset, "test.json");
      let json: unknown;
      try {
        json = JSON.parse(await readFile(file, "utf8"));
      } catch (error) {
        throw new Error(`${file}: not valid JSON: ${(error as Error).message}`);
      }
      // The bundle wraps the examples as {"data": [...]}; a bare array is accepted too.
      const rows = Array.isArray(json) ? json : (json as {data?: unknown}).data;
      if (!Array.isArray(rows)) throw new Error(`${file}: expected {"data": [...]} or an array`);
      const instances = rows.map((row: {src?: unknown; tgt?: unknown; id?: unknown}, i): Instance => {
        if (typeof row?.src !== "string" || !row.src.trim()) throw new Error(`${file}: data[${i}].src is missing or empty`);
        if (typeof row.tgt !== "string" || !row.tgt.trim()) throw new Error(`${file}: data[${i}].tgt is missing or empty`);
        const id = row.id !== undefined && row.id !== null ? String(row.id) : contentId(row.src, row.tgt);
        return {id: `${subset}/${id}`, input: row.src.trim(), gold: [row.tgt.trim()], subset};
      });
      out.push(...uniqueIds(instances));
    }
    return capEachSubset(out, PER_SUBSET, "med_dialog");
  },
  prompt: {
    kind: "generation",
    instructions: "Summarise this conversation between a patient and a doctor in one sentence.",
    inputNoun: "Patient-Doctor",
    outputNoun: "Summary"
  },
  maxTokens: 80,
  metrics: [rouge("1"), rouge("2"), rouge("L"), ...bertScore()],
  mainMetric: "med_dialog_accuracy",
  maxEvalInstances: SUBSETS.length * PER_SUBSET,
  rubric: {
    role: "a medical expert",
    subject: "a one-sentence summary of a patient-doctor conversation",
    inputTag: "conversation",
    showGold: true,
    scale: [1, 5],
    version: 1,
    criteria: {
      accuracy: "Does the summary state the patient's main medical issue correctly?",
      completeness: "Does it include all the medically important information of the conversation?",
      clarity: "Is it concise and easy to use in clinical practice?"
    }
  }
});
