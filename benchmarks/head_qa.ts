/**
 * HeadQA: multiple-choice questions from the Spanish public exams for specialised healthcare
 * training (medicine, nursing, pharmacology, biology, chemistry, psychology), in English.
 * Source: HEAD-QA `HEAD_EN.json` (MIT), the 2016 and 2017 exams that form the official test split,
 * text-only questions as in HELM: 2,675. Scored by exact match on the chosen letter.
 */
import {readFile} from "node:fs/promises";
import {join} from "node:path";
import {defineBenchmark} from "../data-loaders/benchmark/registry.ts";
import {exactMatch, quasiExactMatch} from "../data-loaders/metrics/metrics.ts";
import type {Instance} from "../data-loaders/benchmark/types.ts";

const FILE = "HEAD_EN.json";
/** The official test split is the 2016 and 2017 exam sessions. */
const TEST_YEARS = new Set(["2016", "2017"]);

interface Question {
  qid: string;
  qtext: string;
  ra: string;
  answers: {aid: number; atext: string}[];
  image: string | null;
}

interface Exam {
  name: string;
  category: string;
  year: string;
  data: Question[];
}

export default defineBenchmark({
  id: "head_qa",
  version: 1,
  description: "Healthcare specialisation exam questions with four options, testing knowledge across the health sciences.",
  data: {location: "shipped", files: [FILE], dataset: "HEAD-QA, English (Vilares & Gómez-Rodríguez, 2019)", license: "MIT", url: "https://github.com/aghie/head-qa"},
  async load(dir) {
    const file = join(dir, FILE);
    const json = JSON.parse(await readFile(file, "utf8")) as {exams?: Record<string, Exam>};
    if (!json.exams || typeof json.exams !== "object") throw new Error(`${file}: expected {"exams": {...}}`);
    const out: Instance[] = [];
    for (const [key, exam] of Object.entries(json.exams)) {
      if (!TEST_YEARS.has(String(exam.year))) continue;
      if (!Array.isArray(exam.data)) throw new Error(`${file}: exams.${key}.data is not an array`);
      for (const [i, q] of exam.data.entries()) {
        const where = `${file}: exams.${key}.data[${i}]`;
        // HELM evaluates text only; questions that refer to an image are skipped (the file stores "" for no image).
        if (q.image) continue;
        if (!q.qtext || !Array.isArray(q.answers) || !q.answers.length) throw new Error(`${where} lacks qtext or answers`);
        const answers = [...q.answers].sort((a, b) => a.aid - b.aid);
        const correct = answers.find((a) => String(a.aid) === String(q.ra));
        if (!correct) throw new Error(`${where}: ra ${JSON.stringify(q.ra)} matches no answer aid`);
        out.push({id: `${key}/${q.qid}`, input: q.qtext, choices: answers.map((a) => a.atext), gold: [correct.atext], extra: {category: exam.category, year: String(exam.year)}});
      }
    }
    return out;
  },
  prompt: {
    kind: "multiple_choice_joint",
    instructions: "Answer this exam question from the health sciences by choosing the best of the options. Reply with only the letter of your choice (A, B, C or D).",
    inputNoun: "Question",
    outputNoun: "Answer"
  },
  maxTokens: 1,
  stop: ["\n"],
  metrics: [exactMatch(), quasiExactMatch()],
  mainMetric: "exact_match"
});
