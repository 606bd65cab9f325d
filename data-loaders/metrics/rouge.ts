/**
 * ROUGE-1, ROUGE-2 and ROUGE-L F1 as HELM computes them through Google's `rouge_score` with
 * stemming: lowercase, non-alphanumerics become spaces, tokens longer than three characters are
 * Porter-stemmed. Written here because the npm ROUGE packages are unmaintained and tokenize
 * differently; the Porter stemmer comes from the maintained `stemmer` package.
 */
import {stemmer} from "stemmer";

/** rouge_score's default tokenization with stemming. */
export function rougeTokens(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .split(" ")
    .filter(Boolean)
    .map((t) => (t.length > 3 ? stemmer(t) : t));
}

function f1(overlap: number, predicted: number, reference: number): number {
  if (!overlap || !predicted || !reference) return 0;
  const precision = overlap / predicted;
  const recall = overlap / reference;
  return (2 * precision * recall) / (precision + recall);
}

function ngramCounts(tokens: string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const gram = tokens.slice(i, i + n).join(" ");
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}

/** ROUGE-N F1 between a prediction and a reference. */
export function rougeN(prediction: string, reference: string, n: number): number {
  const p = ngramCounts(rougeTokens(prediction), n);
  const r = ngramCounts(rougeTokens(reference), n);
  let overlap = 0;
  for (const [gram, count] of p) overlap += Math.min(count, r.get(gram) ?? 0);
  const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  return f1(overlap, total(p), total(r));
}

/** Length of the longest common subsequence, in O(n*m) time and O(m) memory. */
export function lcsLength(a: string[], b: string[]): number {
  let prev = new Array(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const row = new Array(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) row[j] = a[i - 1] === b[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], row[j - 1]);
    prev = row;
  }
  return prev[b.length];
}

/** ROUGE-L F1 (sentence-level LCS over the whole text, as `rougeL`). */
export function rougeL(prediction: string, reference: string): number {
  const p = rougeTokens(prediction);
  const r = rougeTokens(reference);
  return f1(lcsLength(p, r), p.length, r.length);
}
