/**
 * MIMIC-IV Billing Code metrics: ICD-10 codes are pulled out of the model's answer and out of the
 * reference, and compared as sets (precision, recall and F1 of one instance, 0 when undefined, as
 * scikit-learn's `zero_division=0`). HELM's extraction (`mimiciv_billing_code_metrics.py`)
 * drops `**`, matches `\b[A-Z]\d{1,3}(?:\.\d{1,4})?\.?\b`, strips a trailing dot and removes
 * duplicates. That pattern misses codes written without their dot once they are longer than four
 * characters (`E1122` for E11.22) and codes with a letter after the category (`S72.001A`), so a
 * model that writes codes the way billing systems store them loses credit. By default we match
 * both spellings and compare them in one canonical form (category, dot, extension); with
 * `helmCompat` the exact HELM pattern is used.
 */
import type {Metric, MetricValue, ScoringOptions} from "../benchmark/types.ts";

/** HELM's code pattern, verbatim. */
export const HELM_CODE_PATTERN = /\b[A-Z]\d{1,3}(?:\.\d{1,4})?\.?\b/g;

/**
 * Our code pattern: a letter and two digits (the ICD-10-CM category), then optionally an extension
 * of one to four digits or capital letters, with or without the dot. Two digits are required so
 * that words like "A1C" or "T4" are not taken for codes.
 */
export const CODE_PATTERN = /\b[A-Z]\d{2}(?:\.?[0-9A-Z]{1,4})?\.?(?![0-9A-Za-z])/g;

/** The canonical spelling of a code: no trailing dot, and a dot after the three-character category when an extension follows. */
export function canonicalCode(code: string): string {
  const bare = code.replace(/\./g, "");
  return bare.length > 3 ? `${bare.slice(0, 3)}.${bare.slice(3)}` : bare;
}

/** The distinct ICD-10 codes in a text, in order of first appearance. */
export function extractCodes(text: string, helmCompat = false): string[] {
  const clean = text.replace(/\*\*/g, "");
  const found = helmCompat
    ? [...clean.matchAll(HELM_CODE_PATTERN)].map((m) => m[0].replace(/\.$/, ""))
    : [...clean.matchAll(CODE_PATTERN)].map((m) => canonicalCode(m[0]));
  return [...new Set(found)];
}

/** Set precision, recall and F1 of predicted against gold codes; each is 0 when its denominator is 0. */
export function codeScores(predicted: string[], gold: string[]): {precision: number; recall: number; f1: number} {
  const goldSet = new Set(gold);
  const predictedSet = new Set(predicted);
  let hits = 0;
  for (const code of predictedSet) if (goldSet.has(code)) hits++;
  const precision = predictedSet.size ? hits / predictedSet.size : 0;
  const recall = goldSet.size ? hits / goldSet.size : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return {precision, recall, f1};
}

/**
 * One of the three billing metrics (`mimiciv_billing_code_f1`, `_precision`, `_recall`). A reference
 * without any code cannot be scored; HELM scores it 0, which `helmCompat` reproduces.
 */
export function billingMetric(which: "f1" | "precision" | "recall"): Metric {
  return {
    name: `mimiciv_billing_code_${which}`,
    range: [0, 1],
    score: ({answer, instance}, options: ScoringOptions): MetricValue => {
      const gold = extractCodes(instance.gold.join("\n"), options.helmCompat);
      if (!gold.length && !options.helmCompat) return {value: null, reason: "the reference holds no ICD-10 code"};
      return {value: codeScores(extractCodes(answer ?? "", options.helmCompat), gold)[which]};
    }
  };
}
