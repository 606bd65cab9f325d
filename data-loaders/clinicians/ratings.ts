/**
 * Human ratings of model responses, as in MedHELM's clinician study: one CSV row per (rater,
 * response) with 1-5 scores for accuracy, completeness and clarity, and optionally the LLM jury's
 * mean scores for the same response (`llm_*`). This module parses and validates such files and
 * can fill the `llm_*` columns from the jury verdicts of our own runs.
 */
import {readFile} from "node:fs/promises";
import {parseDelimitedRows} from "../formats/csv.ts";

/** The three criteria clinicians and the jury scored. */
export const CRITERIA = ["accuracy", "completeness", "clarity"] as const;

/** One of {@link CRITERIA}. */
export type Criterion = (typeof CRITERIA)[number];

/** One rater's scores of one response. */
export interface Rating {
  rater_id: string;
  instance_id: string;
  /** The benchmark (HELM run-group name, e.g. `aci_bench`, `medi_qa`). */
  dataset_name: string;
  /** The evaluated model, as `provider_model` (HELM's model name with "/" replaced by "_"). */
  model_key: string;
  accuracy: number;
  completeness: number;
  clarity: number;
  /** The jury's mean accuracy score of the response, or null when not available. */
  llm_accuracy: number | null;
  llm_completeness: number | null;
  llm_clarity: number | null;
  /** 1-based line of the row in its file (0 for rows not read from a file). */
  line: number;
}

/** One valid jury verdict of our own runs: one judge's score of one criterion of one response. */
export interface JuryVerdict {
  /** Our benchmark id (the HELM run-group name). */
  benchmark: string;
  instance_id: string;
  /** Our model id, e.g. `openai/gpt-4o-2024-05-13`. */
  model: string;
  criterion: string;
  /** A 1-5 score. */
  score: number;
}

const REQUIRED = ["rater_id", "instance_id", "dataset_name", "model_key", ...CRITERIA] as const;
const OPTIONAL = ["llm_accuracy", "llm_completeness", "llm_clarity"] as const;
const MAX_REPORTED = 20;

/**
 * Parses and validates a ratings CSV. Every problem is collected; if there are any, one Error is
 * thrown listing up to 20 of them, each naming the file, the 1-based line and the column, e.g.
 * `ratings.csv line 7, column accuracy: "six" is not a number from 1 to 5`. Scores may be
 * fractional but must lie in [1, 5]; `llm_*` columns are optional and may be empty. A rater may
 * rate a response only once. Blank lines are skipped.
 */
export function parseRatings(text: string, file = "ratings.csv"): Rating[] {
  const parsed = parseDelimitedRows(text);
  const rows = parsed.map((r) => r.values);
  const lines = parsed.map((r) => r.line);
  const header = (rows[0] ?? []).map((h) => h.trim());
  const missing = REQUIRED.filter((name) => !header.includes(name));
  if (rows.length === 0 || missing.length > 0) {
    const what = rows.length === 0 ? "the file is empty" : missing.map((m) => `missing column ${m}`).join(", ");
    throw new Error(`${file} line 1: ${what}`);
  }
  const column = new Map(header.map((h, i) => [h, i]));
  const errors: string[] = [];
  const seen = new Map<string, number>();
  const ratings: Rating[] = [];

  for (let r = 1; r < rows.length; r++) {
    const fields = rows[r];
    const line = lines[r];
    if (fields.every((f) => f.trim() === "")) continue;
    const fail = (name: string, message: string) => errors.push(`${file} line ${line}, column ${name}: ${message}`);
    const get = (name: string): string | undefined => {
      const i = column.get(name);
      return i === undefined ? undefined : fields[i]?.trim();
    };
    const text = (name: (typeof REQUIRED)[number]): string => {
      const value = get(name);
      if (value === undefined) fail(name, "missing value (the row has too few fields)");
      else if (value === "") fail(name, "empty value");
      return value ?? "";
    };
    const score = (name: string, optional: boolean): number | null => {
      const value = get(name);
      if (value === undefined) {
        if (!optional || column.has(name)) fail(name, "missing value (the row has too few fields)");
        return null;
      }
      if (value === "" && optional) return null;
      const x = Number(value);
      if (value === "" || !Number.isFinite(x) || x < 1 || x > 5) {
        fail(name, `${JSON.stringify(value)} is not a number from 1 to 5`);
        return null;
      }
      return x;
    };
    const rating: Rating = {
      rater_id: text("rater_id"),
      instance_id: text("instance_id"),
      dataset_name: text("dataset_name"),
      model_key: text("model_key"),
      accuracy: score("accuracy", false) ?? NaN,
      completeness: score("completeness", false) ?? NaN,
      clarity: score("clarity", false) ?? NaN,
      llm_accuracy: score("llm_accuracy", true),
      llm_completeness: score("llm_completeness", true),
      llm_clarity: score("llm_clarity", true),
      line
    };
    if (fields.length > header.length) errors.push(`${file} line ${line}: ${fields.length} fields, but the header has ${header.length}`);
    const key = [rating.rater_id, rating.dataset_name, rating.instance_id, rating.model_key].join("\u0000");
    const first = seen.get(key);
    if (first !== undefined) errors.push(`${file} line ${line}, column rater_id: ${rating.rater_id} already rated this response on line ${first}`);
    else seen.set(key, line);
    ratings.push(rating);
  }

  if (errors.length > 0) {
    const shown = errors.slice(0, MAX_REPORTED);
    const more = errors.length > MAX_REPORTED ? `\n  ... and ${errors.length - MAX_REPORTED} more` : "";
    throw new Error(`${file}: ${errors.length} invalid ${errors.length === 1 ? "value" : "values"}\n  ${shown.join("\n  ")}${more}`);
  }
  return ratings;
}

/** Reads and validates the ratings CSV at `path` (see {@link parseRatings}); messages name `path`. */
export async function readRatings(path: string): Promise<Rating[]> {
  return parseRatings(await readFile(path, "utf8"), path);
}

/**
 * The `model_key` under which the ratings file names our model id: HELM's model name with "/"
 * replaced by "_" (e.g. `openai/gpt-4o-mini-2024-07-18` -> `openai_gpt-4o-mini-2024-07-18`).
 */
export function ratingModelKey(model: string): string {
  return model.replaceAll("/", "_");
}

/**
 * Fills the `llm_*` columns of `ratings` from the jury verdicts of our own runs. A verdict matches
 * a rating when its `benchmark` equals `dataset_name`, its `instance_id` is equal, and its `model`
 * equals `model_key` either as-is or with "/" replaced by "_". For each matched rating and
 * criterion, `llm_<criterion>` becomes the mean verdict score over judges; criteria without a
 * matching verdict keep the value from the file. Verdicts for other criteria are ignored, since
 * some benchmarks' juries score different criteria. Returns new rows; the input is not changed.
 */
export function joinJury(ratings: readonly Rating[], verdicts: readonly JuryVerdict[]): Rating[] {
  const sums = new Map<string, {sum: number; count: number}>();
  verdicts.forEach((v, i) => {
    if (!(CRITERIA as readonly string[]).includes(v.criterion)) return;
    if (!(Number.isFinite(v.score) && v.score >= 1 && v.score <= 5)) {
      throw new Error(`jury verdict ${i + 1} (${v.benchmark} ${v.instance_id} ${v.model} ${v.criterion}): score ${v.score} is not from 1 to 5`);
    }
    // Index under both spellings of the model so either form in the ratings file matches.
    for (const model of new Set([v.model, ratingModelKey(v.model)])) {
      const key = [v.benchmark, v.instance_id, model, v.criterion].join("\u0000");
      const entry = sums.get(key) ?? {sum: 0, count: 0};
      entry.sum += v.score;
      entry.count++;
      sums.set(key, entry);
    }
  });
  return ratings.map((rating) => {
    const out = {...rating};
    for (const criterion of CRITERIA) {
      const entry = sums.get([rating.dataset_name, rating.instance_id, rating.model_key, criterion].join("\u0000"));
      if (entry) out[`llm_${criterion}`] = entry.sum / entry.count;
    }
    return out;
  });
}

