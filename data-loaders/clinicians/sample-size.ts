/**
 * How many responses clinicians must rate for the jury-clinician ICC to be estimated precisely
 * enough: Zou's (2012) sample size for the confidence interval of an intraclass correlation,
 * with a finite-population correction, as the MedHELM analysis sized its clinician study
 * (`1_req_sample_size.py` in som-shahlab/medhelm: an expected ICC of 0.75, an interval 0.3
 * wide, 80 % assurance, two "raters" per response: the clinicians' mean and the jury).
 */
import jStat from "jstat";

/** The design of the precision target. */
export interface ZouDesign {
  /** The ICC expected in the study (MedHELM: 0.75). */
  expectedIcc: number;
  /** The full width of the 95 % interval aimed for (MedHELM: 0.3). */
  width: number;
  /** Probability that the interval is no wider than `width` (MedHELM: 0.8). */
  assurance: number;
  /** Ratings per response (2: the clinicians' mean and the jury). */
  k: number;
  /** One minus the confidence of the interval (0.05). */
  alpha: number;
}

/** MedHELM's design; with it Zou's formula asks for 47 responses from an unbounded population. */
export const MEDHELM_DESIGN: ZouDesign = {expectedIcc: 0.75, width: 0.3, assurance: 0.8, k: 2, alpha: 0.05};

/**
 * Zou's (2012, eq. 5) number of responses for an ICC interval of the given width with the given
 * assurance, rounded up. The formula works with the half-width; `|B|` carries how the variance of
 * the ICC estimate changes with the ICC itself.
 */
export function zouSampleSize(design: ZouDesign = MEDHELM_DESIGN): number {
  const {expectedIcc: rho, width, assurance, k, alpha} = design;
  if (!(rho > 0 && rho < 1)) throw new Error(`expected ICC must lie between 0 and 1, got ${rho}`);
  if (!(width > 0 && width < 2)) throw new Error(`interval width must lie between 0 and 2, got ${width}`);
  if (!(assurance > 0 && assurance < 1)) throw new Error(`assurance must lie between 0 and 1, got ${assurance}`);
  if (!(Number.isInteger(k) && k >= 2)) throw new Error(`k must be an integer of at least 2, got ${k}`);
  const zAlpha = jStat.normal.inv(1 - alpha / 2, 0, 1);
  const zBeta = jStat.normal.inv(assurance, 0, 1);
  const half = width / 2;
  const a = (1 - rho) * (1 + (k - 1) * rho);
  const b = Math.abs(k - 2 + 2 * rho - 2 * k * rho);
  const root = (a * zAlpha + Math.sqrt(a * a * zAlpha * zAlpha + 4 * half * zAlpha * zBeta * a * b)) / (half * Math.sqrt(2 * k * (k - 1)));
  return Math.ceil(1 + root * root);
}

/**
 * The finite-population correction `N n / (N + n - 1)`, rounded up; the whole population when
 * `n` exceeds it (a study cannot rate more responses than exist).
 */
export function finitePopulation(n: number, population: number): number {
  if (population <= 0) return 0;
  if (n > population) return population;
  return Math.ceil((population * n) / (population + n - 1));
}

/** Responses to rate from a population of `population` jury-scored responses under `design`. */
export function requiredResponses(population: number, design: ZouDesign = MEDHELM_DESIGN): number {
  return finitePopulation(zouSampleSize(design), population);
}
