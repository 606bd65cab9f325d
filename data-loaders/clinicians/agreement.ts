/**
 * The clinician-agreement analysis of MedHELM (paper section on validating the LLM jury;
 * `src/medhelm/open-ended-evals/4_calculate_icc.py` in som-shahlab/medhelm): how well the jury's
 * scores of model responses agree with clinicians' scores of the same responses, and how well
 * clinicians agree with each other, as a yardstick.
 *
 * The unit of analysis is one response (instance x evaluated model), scored by the composite
 * mean(accuracy, completeness, clarity). The human score of a response is the mean composite over
 * the clinicians who rated it; the LLM score is the composite of the jury's per-criterion means.
 */
import {icc} from "../stats/icc.ts";
import {spearman, type SpearmanResult} from "../stats/correlation.ts";
import {cohenKappaInterval, percentileInterval} from "../stats/kappa.ts";
import {seededFor, type Random} from "../stats/random.ts";
import type {Rating} from "./ratings.ts";

/** The label of the pooled result over all selected datasets. */
export const COMBINED = "combined";

/** Bootstrap resamples for the kappa and clinician-pair intervals, as in MedHELM. */
export const DEFAULT_RESAMPLES = 1000;

/** Default seed of the bootstrap streams. */
export const DEFAULT_SEED = 42;

/** One rated response with its human and LLM scores. */
export interface RatedResponse {
  dataset_name: string;
  instance_id: string;
  model_key: string;
  /** Composite score given by each clinician who rated the response. */
  raters: Record<string, number>;
  /** Mean composite over the clinicians. */
  human: number;
  /** Composite of the jury's per-criterion means; null when any `llm_*` value is missing. */
  llm: number | null;
}

/** An ICC estimate with its F-distribution interval and the number of responses it used. */
export interface IccSummary {
  value: number;
  ci_low: number;
  ci_high: number;
  n: number;
}

/** The clinician-vs-clinician ICC: mean over rater pairs with a bootstrap interval over pairs. */
export interface PairSummary {
  value: number;
  ci_low: number;
  ci_high: number;
  /** Rater pairs whose ICC entered the mean. */
  pairs: number;
}

/** ICC(3,k) on z-scores for one pair of clinicians over the responses both rated. */
export interface PairIcc {
  raters: [string, string];
  shared: number;
  /** `NaN` or `-Infinity` when undefined (e.g. a rater gave the same composite throughout). */
  icc3k_z: number;
}

/** Quadratic-weighted kappa with its bootstrap interval. */
export interface KappaSummary {
  value: number;
  ci_low: number;
  ci_high: number;
}

/** A per-response score of an automated metric (e.g. ROUGE-L F1 against the gold reference). */
export interface LexicalScore {
  dataset_name: string;
  instance_id: string;
  model_key: string;
  /** Metric name, e.g. `rouge_l`. */
  metric: string;
  value: number;
}

/** The agreement figures of one dataset, or of the combined selection. */
export interface AgreementResult {
  /** Dataset name, or {@link COMBINED}. */
  dataset: string;
  /** The datasets pooled into this result (one, except for the combined result). */
  datasets: string[];
  /** Distinct responses rated. */
  responses: number;
  /** Rating rows (rater x response). */
  ratings: number;
  /** LLM jury vs clinician mean: ICC(3,k=2) on z-scored columns with the F interval. */
  icc3k_z: IccSummary | null;
  /** Clinician vs clinician: mean ICC(3,k=2) on z-scores over rater pairs. */
  clinician_icc3k_z: PairSummary | null;
  /** Spearman's rho between clinician mean and jury composites, with the Fisher-z interval. */
  spearman: SpearmanResult | null;
  /** Quadratic-weighted Cohen's kappa on composites rounded to 1-5. */
  kappa_quadratic: KappaSummary | null;
  /** Automated metric vs clinician mean: ICC(3,k=2) on z-scores, per metric name. */
  lexical_icc3k_z: Record<string, IccSummary | null>;
}

/** Options for {@link analyzeAgreement}. */
export interface AgreementOptions {
  /** Datasets to analyse and pool; default all datasets in the ratings, sorted by name. */
  datasets?: readonly string[];
  /** Seed of the bootstrap streams; default {@link DEFAULT_SEED}. */
  seed?: number;
  /** Bootstrap resamples; default {@link DEFAULT_RESAMPLES}. */
  resamples?: number;
  /** Per-response automated metric values to compare with the clinicians the same way. */
  lexical?: readonly LexicalScore[];
}

const SCALE = [1, 2, 3, 4, 5];

/** The composite score of one rating: the mean of its three criteria. */
export function composite(accuracy: number, completeness: number, clarity: number): number {
  return (accuracy + completeness + clarity) / 3;
}

/**
 * Groups rating rows into responses (dataset, instance, model). The LLM composite of a response
 * is the mean over its rows, which all carry the same `llm_*` values in MedHELM's file; it is
 * null when any row lacks one.
 */
export function ratedResponses(ratings: readonly Rating[]): RatedResponse[] {
  const groups = new Map<string, Rating[]>();
  for (const r of ratings) {
    const key = responseKey(r);
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.values()].map((rows) => {
    const raters: Record<string, number> = {};
    for (const r of rows) raters[r.rater_id] = composite(r.accuracy, r.completeness, r.clarity);
    const composites = Object.values(raters);
    const llms = rows.map((r) =>
      r.llm_accuracy === null || r.llm_completeness === null || r.llm_clarity === null ? null : composite(r.llm_accuracy, r.llm_completeness, r.llm_clarity)
    );
    return {
      dataset_name: rows[0].dataset_name,
      instance_id: rows[0].instance_id,
      model_key: rows[0].model_key,
      raters,
      human: mean(composites),
      llm: llms.some((x) => x === null) ? null : mean(llms as number[])
    };
  });
}

/**
 * Runs the whole analysis: one result per selected dataset (in the order given) and a final
 * {@link COMBINED} result pooling them. Z-scores are taken within each analysed set, so the
 * combined ICC standardizes over the pooled responses. Bootstrap streams are derived from the
 * seed and the result's label, so a dataset's figures do not depend on which others are selected.
 */
export function analyzeAgreement(ratings: readonly Rating[], options: AgreementOptions = {}): AgreementResult[] {
  const present = [...new Set(ratings.map((r) => r.dataset_name))].sort();
  if (present.includes(COMBINED)) throw new Error(`agreement: dataset name "${COMBINED}" is reserved for the pooled result`);
  const selected = options.datasets ? [...new Set(options.datasets)] : present;
  const unknown = selected.filter((d) => !present.includes(d));
  if (unknown.length > 0) throw new Error(`agreement: unknown dataset ${unknown.join(", ")} (the ratings have ${present.join(", ") || "none"})`);
  if (selected.length === 0) throw new Error("agreement: no datasets to analyse");
  return analyzeRated(ratedResponses(ratings), selected, options);
}

/**
 * The analysis of {@link analyzeAgreement} on responses whose composites are already known (e.g.
 * rubrics with other criteria than the paper's three): one result per dataset in `selected`
 * and a final {@link COMBINED} result pooling them.
 */
export function analyzeRated(responses: readonly RatedResponse[], selected: readonly string[], options: AgreementOptions = {}): AgreementResult[] {
  const seed = options.seed ?? DEFAULT_SEED;
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const lexical = indexLexical(options.lexical ?? []);

  const analyse = (label: string, datasets: string[]): AgreementResult => {
    const chosen = responses.filter((r) => datasets.includes(r.dataset_name));
    const withLlm = chosen.filter((r) => r.llm !== null);
    const human = withLlm.map((r) => r.human);
    const llm = withLlm.map((r) => r.llm as number);
    const lexical_icc3k_z: Record<string, IccSummary | null> = {};
    for (const [metric, values] of lexical) {
      const rows = chosen.filter((r) => values.has(responseKey(r))).map((r) => [r.human, values.get(responseKey(r)) as number]);
      lexical_icc3k_z[metric] = icc3kZ(rows);
    }
    return {
      dataset: label,
      datasets,
      responses: chosen.length,
      ratings: chosen.reduce((s, r) => s + Object.keys(r.raters).length, 0),
      icc3k_z: icc3kZ(withLlm.map((r) => [r.human, r.llm as number])),
      clinician_icc3k_z: clinicianAgreement(chosen, seededFor(seed, `${label}/clinician-pairs`), resamples),
      spearman: human.length >= 2 ? spearman(human, llm) : null,
      kappa_quadratic: human.length >= 1 ? roundedKappa(human, llm, seededFor(seed, `${label}/kappa`).int(0x100000000), resamples) : null,
      lexical_icc3k_z
    };
  };

  return [...selected.map((d) => analyse(d, [d])), analyse(COMBINED, [...selected])];
}

/**
 * ICC(3,k) on z-scored columns ("ICC3k-z") of an n x k matrix, with its F interval; null when
 * fewer than two complete rows exist.
 */
export function icc3kZ(rows: readonly (readonly number[])[]): IccSummary | null {
  if (rows.length < 2) return null;
  const result = icc(rows, {zscore: true});
  return {value: result.icc3k.value, ci_low: result.icc3k.ci_low, ci_high: result.icc3k.ci_high, n: result.n};
}

/**
 * ICC(3,k=2) on z-scores for every pair of clinicians who rated at least two common responses:
 * each rater's composites are z-scored over the responses the two share.
 */
export function clinicianPairs(responses: readonly RatedResponse[]): PairIcc[] {
  const raters = [...new Set(responses.flatMap((r) => Object.keys(r.raters)))].sort();
  const pairs: PairIcc[] = [];
  for (let i = 0; i < raters.length; i++) {
    for (let j = i + 1; j < raters.length; j++) {
      const [a, b] = [raters[i], raters[j]];
      const shared = responses.filter((r) => a in r.raters && b in r.raters).map((r) => [r.raters[a], r.raters[b]]);
      if (shared.length < 2) continue;
      pairs.push({raters: [a, b], shared: shared.length, icc3k_z: icc(shared, {zscore: true}).icc3k.value});
    }
  }
  return pairs;
}

/**
 * The mean clinician-pair ICC3k-z with a percentile-bootstrap interval over pairs (pairs resampled
 * with replacement). Pairs whose ICC is undefined (a rater with constant composites on the shared
 * responses, or no variance between responses) are left out, because one `NaN` or `-Infinity`
 * would make the mean meaningless. Null when no pair remains.
 */
export function clinicianAgreement(responses: readonly RatedResponse[], random: Random, resamples = DEFAULT_RESAMPLES): PairSummary | null {
  const values = clinicianPairs(responses).map((p) => p.icc3k_z).filter(Number.isFinite);
  if (values.length === 0) return null;
  const means: number[] = [];
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < values.length; i++) sum += values[random.int(values.length)];
    means.push(sum / values.length);
  }
  const [ci_low, ci_high] = percentileInterval(means);
  return {value: mean(values), ci_low, ci_high, pairs: values.length};
}

/**
 * Rounds half to even, as numpy and Python's `round` do, so that ties such as 4.5 fall as in the
 * Python analysis. Values within 1e-9 of a half count as ties, because composites such as
 * (13/3 + 14/3) / 2 carry floating-point noise.
 */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (Math.abs(diff - 0.5) < 1e-9) return floor % 2 === 0 ? floor : floor + 1;
  return Math.round(x);
}

function roundedKappa(human: readonly number[], llm: readonly number[], seed: number, resamples: number): KappaSummary {
  const clamp = (x: number) => Math.min(5, Math.max(1, roundHalfEven(x)));
  const {value, ci_low, ci_high} = cohenKappaInterval(human.map(clamp), llm.map(clamp), SCALE, {weights: "quadratic", seed, resamples});
  return {value, ci_low, ci_high};
}

function indexLexical(scores: readonly LexicalScore[]): Map<string, Map<string, number>> {
  const byMetric = new Map<string, Map<string, number>>();
  for (const s of scores) {
    if (!Number.isFinite(s.value)) continue;
    const values = byMetric.get(s.metric) ?? new Map<string, number>();
    values.set(responseKey(s), s.value);
    byMetric.set(s.metric, values);
  }
  return byMetric;
}

function responseKey(r: {dataset_name: string; instance_id: string; model_key: string}): string {
  return [r.dataset_name, r.instance_id, r.model_key].join("\u0000");
}

function mean(values: readonly number[]): number {
  return values.reduce((s, x) => s + x, 0) / values.length;
}
