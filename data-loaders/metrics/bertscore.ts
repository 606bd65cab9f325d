/**
 * BERTScore (Zhang et al., ICLR 2020), which HELM computes for every open-ended MedHELM
 * benchmark. Each token of the answer is matched to its most similar token of the reference by
 * the cosine of their contextual embeddings: precision averages over the answer's tokens, recall
 * over the reference's, and F1 is their harmonic mean. Like HELM (bert_score's defaults) there is
 * no idf weighting and no baseline rescaling; with several references the best F1 counts.
 *
 * The embeddings come from a configured token-embedding server (embeddings.ts). Without one the
 * metric is unscored with its reason, never approximated. Values are comparable only between runs
 * that used the same embedding model, which is why the model's name is recorded in the manifest
 * and enters the cache key: HELM's numbers come from layer 5 of `distilbert-base-uncased`, and an
 * embedding server returns its model's last layer.
 */
import {keyWithText, type CacheKeyFields, type ResponseCache} from "../cache/cache.ts";
import type {TokenEmbedder} from "../models/embeddings.ts";
import {promiseMemo} from "../concurrency/promise-memo.ts";
import type {Metric} from "../benchmark/types.ts";

/** Why a BERTScore value is null when no embedding server is configured. */
export const BERTSCORE_UNAVAILABLE = "BERTScore needs a token-embedding model; none is configured (see README, \"BERTScore\")";

/** BERTScore of one answer against one reference. */
export interface BertScoreValue {
  precision: number;
  recall: number;
  f1: number;
}

/** Scores an answer against its references (the best F1 over references); embedding failures throw. */
export type BertScorer = (candidate: string, references: string[]) => Promise<BertScoreValue>;

/** Bumped when the computation changes; part of the cache key of stored scores. */
const VERSION = "bertscore-v1";

/**
 * The vectors scaled to unit length, packed row after row into one array (a zero vector stays
 * zero and matches nothing). Contiguous rows make the dot products below faster than arrays of
 * vectors, which matters at hundreds of tokens of 768 dimensions per answer.
 */
function unitMatrix(rows: Float32Array[], width: number): Float64Array {
  const out = new Float64Array(rows.length * width);
  rows.forEach((row, i) => {
    let norm = 0;
    for (let k = 0; k < width; k++) norm += row[k] * row[k];
    norm = Math.sqrt(norm);
    if (norm > 0) for (let k = 0; k < width; k++) out[i * width + k] = row[k] / norm;
  });
  return out;
}

/**
 * Greedy matching of token embeddings: precision is the mean over candidate tokens of the best
 * cosine with a reference token, recall the mean over reference tokens of the best cosine with a
 * candidate token. An empty side scores 0, as bert_score does for empty sentences.
 */
export function greedyMatch(candidate: Float32Array[], reference: Float32Array[]): BertScoreValue {
  if (candidate.length === 0 || reference.length === 0) return {precision: 0, recall: 0, f1: 0};
  const width = candidate[0].length;
  for (const row of [...candidate, ...reference]) if (row.length !== width) throw new Error(`embedding sizes differ: ${width} vs ${row.length}`);
  const c = unitMatrix(candidate, width);
  const r = unitMatrix(reference, width);
  const bestForReference = new Float64Array(reference.length).fill(-Infinity);
  let precisionSum = 0;
  for (let i = 0; i < candidate.length; i++) {
    const ci = i * width;
    let best = -Infinity;
    for (let j = 0; j < reference.length; j++) {
      const rj = j * width;
      // Four partial sums let the engine overlap the multiplications (about 1.5 times faster).
      let d0 = 0;
      let d1 = 0;
      let d2 = 0;
      let d3 = 0;
      let k = 0;
      for (; k + 3 < width; k += 4) {
        d0 += c[ci + k] * r[rj + k];
        d1 += c[ci + k + 1] * r[rj + k + 1];
        d2 += c[ci + k + 2] * r[rj + k + 2];
        d3 += c[ci + k + 3] * r[rj + k + 3];
      }
      for (; k < width; k++) d0 += c[ci + k] * r[rj + k];
      let dot = d0 + d1 + d2 + d3;
      // Rounding can put the cosine of a vector with itself a hair above 1.
      if (dot > 1) dot = 1;
      if (dot > best) best = dot;
      if (dot > bestForReference[j]) bestForReference[j] = dot;
    }
    precisionSum += best;
  }
  const precision = precisionSum / candidate.length;
  let recallSum = 0;
  for (const best of bestForReference) recallSum += best;
  const recall = recallSum / reference.length;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return {precision, recall, f1};
}

/** The cache fields of one stored score: the embedding model and the two texts. */
function scoreKey(embedder: TokenEmbedder, candidate: string, reference: string): CacheKeyFields {
  return {
    endpoint: embedder.endpoint, model: embedder.model, maxTokens: 0, temperature: 0, stop: [], json: false, purpose: VERSION,
    messages: [{role: "assistant", content: candidate}, {role: "user", content: reference}]
  };
}

/** Greedy matching as a function that may run elsewhere (match-pool.ts runs it on worker threads). */
export type Matcher = (candidate: Float32Array[], reference: Float32Array[]) => BertScoreValue | Promise<BertScoreValue>;

/**
 * A scorer over an embedder. Scores are stored in the response cache (a rerun embeds nothing),
 * and reference embeddings are kept in memory while in use, since every model's answer to an
 * instance is compared with the same reference. `match` does the matching (here, by default).
 */
export function bertScorer(embedder: TokenEmbedder, cache?: ResponseCache, {references = 4096, match = greedyMatch as Matcher} = {}): BertScorer {
  const referenceMemo = promiseMemo<Float32Array[]>(references);
  const referenceVectors = (text: string) => referenceMemo.get(text, () => embedder.embed([text]).then(([m]) => m));
  // The three metrics (precision, recall, F1) of an answer ask for the same pair in turn; the
  // pair's promise is kept a while so that they share one computation.
  const recent = promiseMemo<BertScoreValue>(1024);
  const compute = async (key: string, keyText: string, fields: CacheKeyFields, candidate: string, reference: string): Promise<BertScoreValue> => {
    const hit = cache?.get(key);
    if (hit) return JSON.parse(hit.text) as BertScoreValue;
    const started = Date.now();
    const [[c], r] = await Promise.all([embedder.embed([candidate]), referenceVectors(reference)]);
    const value = await match(c, r);
    cache?.put({key, fields, keyText, text: JSON.stringify(value), inputTokens: null, outputTokens: null, finishReason: null, latencyMs: Date.now() - started, storedAt: new Date().toISOString()});
    return value;
  };
  const one = (candidate: string, reference: string): Promise<BertScoreValue> => {
    if (!candidate.trim() || !reference.trim()) return Promise.resolve({precision: 0, recall: 0, f1: 0});
    const fields = scoreKey(embedder, candidate, reference);
    const {key, text} = keyWithText(fields);
    return recent.get(key, () => compute(key, text, fields, candidate, reference));
  };
  return async (candidate, references) => {
    if (references.length === 0) throw new Error("no reference to compare with");
    const values = await Promise.all(references.map((r) => one(candidate, r)));
    return values.reduce((best, v) => (v.f1 > best.f1 ? v : best));
  };
}

/**
 * `bertscore_precision`, `bertscore_recall` and `bertscore_f1` (HELM's BERTScore-P/R/F) of the
 * answer against the gold references, when an embedder is configured. With several references
 * all three come from the reference with the best F1.
 */
export function bertScore(): Metric[] {
  const part = (name: string, pick: (v: BertScoreValue) => number): Metric => ({
    name,
    range: [0, 1],
    // Synchronous when unscored, so runs without an embedder take the runner's fast path.
    score: ({output, instance}, options) => {
      if (!options.bertScore) return {value: null, reason: BERTSCORE_UNAVAILABLE};
      const references = instance.gold.filter((g) => g.trim());
      if (references.length === 0) return {value: null, reason: "no gold reference to compare with"};
      return options.bertScore(output, references).then((v) => ({value: pick(v)}));
    }
  });
  return [part("bertscore_precision", (v) => v.precision), part("bertscore_recall", (v) => v.recall), part("bertscore_f1", (v) => v.f1)];
}
