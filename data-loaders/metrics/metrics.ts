/**
 * Deterministic metrics with MedHELM's semantics (HELM `evaluate_reference_metrics.py` and the
 * MedHELM metric files), as factories returning `Metric`s. Each scorer returns a value, or null
 * with a reason when the answer cannot be scored; never a silent zero for a failed call.
 */
import {rougeL, rougeN} from "./rouge.ts";
import type {Answer, Metric, MetricValue} from "../benchmark/types.ts";

const best = (golds: string[], score: (gold: string) => number) => (golds.length ? Math.max(...golds.map(score)) : 0);

/** HELM's exact match: the stripped (mapped) answer equals a stripped gold answer. */
export function exactMatch(): Metric {
  return {
    name: "exact_match",
    range: [0, 1],
    score: ({answer, instance}) => (answer === null ? 0 : best(instance.gold, (g) => Number(answer.trim() === g.trim())))
  };
}

/** HELM's normalization for quasi-exact match: lowercase, no punctuation, no articles, single spaces. */
export function normalizeText(text: string): string {
  return text
    .toLowerCase()
    .replace(/[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g, "")
    .replace(/\b(a|an|the)\b/g, " ")
    .split(/\s+/)
    .filter(Boolean)
    .join(" ");
}

/** HELM's quasi-exact match: exact match after `normalizeText`. */
export function quasiExactMatch(): Metric {
  return {
    name: "quasi_exact_match",
    range: [0, 1],
    score: ({answer, instance}) => (answer === null ? 0 : best(instance.gold, (g) => Number(normalizeText(answer) === normalizeText(g))))
  };
}

/** ROUGE-1/2/L F1 of the raw output against the best gold reference (`rouge_1`, `rouge_2`, `rouge_l`). */
export function rouge(kind: "1" | "2" | "L"): Metric {
  const fn = kind === "L" ? rougeL : (p: string, r: string) => rougeN(p, r, Number(kind));
  return {
    name: `rouge_${kind.toLowerCase()}`,
    range: [0, 1],
    score: ({output, instance}): MetricValue => {
      if (!instance.gold.length) return {value: null, reason: "no reference text"};
      return {value: best(instance.gold, (g) => fn(output, g))};
    }
  };
}

/** Scores an `Answer`, normalizing the number shorthand. */
export async function scoreAnswer(metric: Metric, answer: Answer, options: Parameters<Metric["score"]>[1]): Promise<MetricValue> {
  try {
    const result = await metric.score(answer, options);
    if (typeof result === "number") return Number.isFinite(result) ? {value: result} : {value: null, reason: `${metric.name} produced ${result}`};
    return result;
  } catch (error) {
    return {value: null, reason: `${metric.name} failed: ${(error as Error).message}`};
  }
}
