/**
 * MEDEC's two metrics with MedHELM's semantics (HELM `metrics/medec_metrics.py`): a clinical text
 * either is correct or has one wrong sentence, and the model answers `CORRECT` or
 * `<sentence id> <corrected sentence>`. Flag accuracy asks whether the model got "has an error"
 * right; sentence accuracy also asks whether it found the right sentence.
 */
import type {Answer, Metric, ScoringOptions} from "../benchmark/types.ts";

/** The error flag (0: the text is correct, 1: it has an error) and the wrong sentence's id (null when there is none or it could not be read). */
export interface MedecVerdict {
  flag: 0 | 1;
  sentenceId: number | null;
}

/** The reference text of a MEDEC row, as HELM builds it: `"<id> <corrected sentence>"` for an error, otherwise `CORRECT`. */
export function medecReference(errorFlag: string, errorSentenceId: string, correctedSentence: string): string {
  const id = errorSentenceId.trim();
  const corrected = correctedSentence.trim();
  return errorFlag.trim() === "1" && corrected !== "NA" && id !== "-1" ? `${id} ${corrected}` : "CORRECT";
}

/** Reads a gold reference: with every "." removed, `CORRECT` means no error; otherwise its leading integer is the sentence id. */
export function parseMedecGold(reference: string): MedecVerdict {
  const text = reference.replaceAll(".", "").trim();
  if (text === "CORRECT") return {flag: 0, sentenceId: null};
  const id = /^\d+/.exec(text);
  return {flag: 1, sentenceId: id ? Number(id[0]) : null};
}

/**
 * Reads a model answer as HELM does: exactly `CORRECT` (after trimming whitespace) means no
 * error; leading digits flag an error in that sentence; anything else, including `CORRECT.` or
 * prose, counts as flagging an error in no valid sentence.
 */
export function parseMedecPrediction(output: string): MedecVerdict {
  const text = output.trim();
  if (text === "CORRECT") return {flag: 0, sentenceId: null};
  const id = /^\d+/.exec(text);
  return {flag: 1, sentenceId: id ? Number(id[0]) : null};
}

/** 1 when the predicted flag equals the gold flag. */
export function medecFlagScore(prediction: MedecVerdict, gold: MedecVerdict): number {
  return Number(prediction.flag === gold.flag);
}

/** 1 when both say the text is correct, or both flag an error in the same (valid) sentence. */
export function medecSentenceScore(prediction: MedecVerdict, gold: MedecVerdict): number {
  if (prediction.flag === 0 && gold.flag === 0) return 1;
  return Number(prediction.flag === 1 && gold.flag === 1 && prediction.sentenceId !== null && prediction.sentenceId === gold.sentenceId);
}

function medecMetric(name: string, score: (prediction: MedecVerdict, gold: MedecVerdict) => number): Metric {
  return {
    name,
    range: [0, 1],
    score: ({output, instance}: Answer, options: ScoringOptions) => {
      if (!instance.gold.length) return {value: null, reason: "no reference text"};
      // HELM reads an empty output as "the text has an error", which credits silence on every
      // erroneous text; we score no answer as wrong unless HELM compatibility is asked for.
      if (!output.trim() && !options.helmCompat) return 0;
      return score(parseMedecPrediction(output), parseMedecGold(instance.gold[0]));
    }
  };
}

/** `medec_error_flag_accuracy`, MEDEC's main metric. */
export const medecErrorFlagAccuracy = (): Metric => medecMetric("medec_error_flag_accuracy", medecFlagScore);

/** `medec_error_sentence_accuracy`. */
export const medecErrorSentenceAccuracy = (): Metric => medecMetric("medec_error_sentence_accuracy", medecSentenceScore);
