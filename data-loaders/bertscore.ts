/**
 * BERTScore (HELM computes it for every open-ended MedHELM benchmark with `distilbert-base-uncased`)
 * compares contextual token embeddings, which needs a transformer model and a runtime to execute
 * it. The workbench ships neither, so the metric is recorded as unscored with its reason on every
 * answer instead of being approximated by something that is not BERTScore.
 */
import type {Metric} from "./types.ts";

/** Why every BERTScore value is null. */
export const BERTSCORE_UNAVAILABLE = "BERTScore needs a token-embedding model; none is configured";

/** `bertscore_f1`: always unscored, with the reason. */
export function bertScoreF1(): Metric {
  return {name: "bertscore_f1", range: [0, 1], score: () => ({value: null, reason: BERTSCORE_UNAVAILABLE})};
}
