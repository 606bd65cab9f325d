/**
 * N2C2-CT Matching: decide whether a patient's longitudinal record meets a clinical-trial
 * eligibility criterion (abdominal surgery history, advanced coronary disease, raised creatinine).
 * Source: n2c2 2018 Shared Task Track 1 test set (86 patient XML files with `met`/`not met` tags);
 * gated behind the n2c2 data use agreement. Scored by exact match on the letter; as in MedHELM
 * each criterion is a sub-run and the benchmark score is the mean over the three.
 */
import {readdir, readFile} from "node:fs/promises";
import {join} from "node:path";
import {exactMatch, quasiExactMatch} from "../data-loaders/metrics/metrics.ts";
import {defineBenchmark} from "../data-loaders/benchmark/registry.ts";
import {capEachSubset} from "../data-loaders/benchmark/subsets.ts";
import type {Instance} from "../data-loaders/benchmark/types.ts";
import {childText, elements, parseXml} from "../data-loaders/formats/xml.ts";

const FOLDER = "test";

/** The three criteria MedHELM evaluates, with their meaning restated from the n2c2 2018 task definitions. */
export const CRITERIA: Record<string, string> = {
  ABDOMINAL: "The patient has a history of intra-abdominal surgery, a resection of the small or large intestine, or a small bowel obstruction.",
  "ADVANCED-CAD": "The patient has advanced coronary artery disease, meaning at least two of: two or more medications taken for coronary artery disease; a past myocardial infarction; current angina; past or present ischemia.",
  CREATININE: "The patient's serum creatinine is above the upper limit of normal."
};

/** HELM's default per-run cap; each criterion has 86 test patients, so it never binds on the official set. */
const PER_CRITERION = 1000;

export default defineBenchmark({
  id: "n2c2_ct_matching",
  version: 1,
  description: "Clinical trial screening: checking a patient's notes against a single eligibility criterion.",
  data: {location: "local", files: [FOLDER], dataset: "n2c2 2018 Track 1, cohort selection for clinical trials (test set)", license: "n2c2 data use agreement (Harvard DBMI portal); not redistributable", url: "https://portal.dbmi.hms.harvard.edu/projects/n2c2-nlp/"},
  async load(dir) {
    const folder = join(dir, FOLDER);
    const files = (await readdir(folder)).filter((f) => f.endsWith(".xml")).sort();
    if (!files.length) throw new Error(`${folder}: no patient .xml files`);
    const out: Instance[] = [];
    for (const criterion of Object.keys(CRITERIA)) {
      for (const name of files) {
        const file = join(folder, name);
        const xml = parseXml(await readFile(file, "utf8"), file);
        const text = childText(xml, "TEXT");
        const [tag] = elements(xml, criterion);
        if (!text?.trim()) throw new Error(`${file}: element TEXT is missing or empty`);
        const met = tag?.attributes.met;
        if (met !== "met" && met !== "not met") throw new Error(`${file}: element ${criterion} has met=${JSON.stringify(met ?? null)}, expected "met" or "not met"`);
        out.push({
          id: `${criterion}/${name.replace(/\.xml$/, "")}`,
          input: `Patient records:\n${text.trim()}\n\nCriterion: ${CRITERIA[criterion]}\n\nDoes the patient meet this criterion? Answer 'A' for yes or 'B' for no.`,
          choices: ["A", "B"],
          gold: [met === "met" ? "A" : "B"],
          subset: criterion
        });
      }
    }
    return capEachSubset(out, PER_CRITERION, "n2c2_ct_matching");
  },
  prompt: {kind: "multiple_choice_joint", instructions: "Answer A for yes, B for no.", inputNoun: "", outputNoun: ""},
  maxTokens: 1,
  stop: ["\n"],
  metrics: [exactMatch(), quasiExactMatch()],
  mainMetric: "exact_match",
  maxEvalInstances: Object.keys(CRITERIA).length * PER_CRITERION
});
