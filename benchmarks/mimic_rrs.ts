/**
 * MIMIC-RRS: write the impression of a radiology report from its findings. Source: the
 * radiology report summarisation set of Chen et al. (2023) built from MIMIC-III, test split as
 * aligned line files `test.findings.tok` and `test.impression.tok`; gated (PhysioNet credentialed
 * access). Scored by the LLM jury (accuracy, completeness, clarity) against the radiologist's
 * impression; ROUGE-1/2/L secondary, BERTScore unscored.
 */
import {readFile} from "node:fs/promises";
import {join} from "node:path";
import {bertScore} from "../data-loaders/metrics/bertscore.ts";
import {rouge} from "../data-loaders/metrics/metrics.ts";
import {defineBenchmark} from "../data-loaders/benchmark/registry.ts";
import type {Instance} from "../data-loaders/benchmark/types.ts";

const FINDINGS = "test.findings.tok";
const IMPRESSIONS = "test.impression.tok";

/** The lines of a `.tok` file (one report section per line), without a final empty line. */
async function lines(file: string): Promise<string[]> {
  const all = (await readFile(file, "utf8")).replace(/\r\n?/g, "\n").split("\n");
  if (all.at(-1) === "") all.pop();
  return all;
}

export default defineBenchmark({
  id: "mimic_rrs",
  version: 1,
  description: "Radiology reporting: condensing a report's findings into the impression a referring clinician reads.",
  data: {location: "local", files: [FINDINGS, IMPRESSIONS], dataset: "MIMIC-RRS radiology report summarisation (Chen et al., 2023), MIMIC-III test split", license: "PhysioNet Credentialed Health Data License 1.5.0", url: "https://physionet.org/content/mimiciii/"},
  async load(dir) {
    const findings = await lines(join(dir, FINDINGS));
    const impressions = await lines(join(dir, IMPRESSIONS));
    if (findings.length !== impressions.length) throw new Error(`${join(dir, IMPRESSIONS)}: ${impressions.length} lines, but ${FINDINGS} has ${findings.length}`);
    const out: Instance[] = [];
    findings.forEach((finding, i) => {
      if (!finding.trim()) throw new Error(`${join(dir, FINDINGS)} line ${i + 1}: empty findings`);
      if (!impressions[i].trim()) throw new Error(`${join(dir, IMPRESSIONS)} line ${i + 1}: empty impression`);
      // The release has no report ids: the line number in the fixed test file is each report's identity.
      out.push({id: `test-${i + 1}`, input: finding.trim(), gold: [impressions[i].trim()]});
    });
    return out;
  },
  prompt: {
    kind: "generation",
    instructions: "Write the impression section of this radiology report from its findings. Be as concise as possible.",
    inputNoun: "Findings",
    outputNoun: "Impression"
  },
  maxTokens: 128,
  metrics: [rouge("1"), rouge("2"), rouge("L"), ...bertScore()],
  mainMetric: "mimic_rrs_accuracy",
  rubric: {
    role: "an evaluator of radiology reports",
    subject: "the impression section of a radiology report written from its findings",
    inputTag: "user_request",
    showGold: true,
    scale: [1, 5],
    version: 1,
    criteria: {
      accuracy: "Does the impression reflect the key findings correctly?",
      completeness: "Does it include every important finding?",
      clarity: "Is it clear and easy for the referring clinician to understand?"
    }
  }
});
