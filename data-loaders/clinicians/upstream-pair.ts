/**
 * The clinician-clinician baseline exactly as MedHELM's analysis script computes it
 * (`compute_stats` in `src/medhelm/open-ended-evals/4_calculate_icc.py`, som-shahlab/medhelm),
 * kept to show, on the released ratings, why the paper's clinician figures (ACI-Bench 0.458,
 * MEDIQA 0.52, combined 0.426) cannot be reproduced from that file (see
 * docs/clinician-ratings.md). Our own figure, the mean over every clinician pair, is in
 * `agreement.ts`.
 *
 * The script's rule, restated: count each rater's rows per instance id (ignoring the model);
 * take the pair of raters with the largest dot product of those counts, the first such pair in
 * row-major order of alphabetically sorted rater names; z-score each of the two raters'
 * composites over all of their rows in the set (sample standard deviation); average a rater's
 * rows that share an instance id; and take ICC(3,k) over the instance ids both rated. When a
 * rater has no spread, or the two did not rate the same instance ids, the pingouin call raises a
 * ValueError (its default `nan_policy` is "raise") and the script records NaN.
 */
import {icc} from "../stats/icc.ts";
import type {Rating} from "./ratings.ts";

/** The script's baseline for one set of ratings. */
export interface UpstreamPair {
  /** The chosen pair, or null when no two raters share an instance id. */
  raters: [string, string] | null;
  /** The dot product of their per-instance row counts. */
  overlap: number;
  /** ICC(3,k) on z-scores; NaN where the script records NaN. */
  icc3k_z: number;
}

const composite = (r: Rating) => (r.accuracy + r.completeness + r.clarity) / 3;

/** Runs the script's clinician-clinician rule on `ratings` (one dataset, or a pooled set). */
export function upstreamClinicianPair(ratings: readonly Rating[]): UpstreamPair {
  const raters = [...new Set(ratings.map((r) => r.rater_id))].sort();
  const counts = new Map(raters.map((r) => [r, new Map<string, number>()]));
  for (const r of ratings) counts.get(r.rater_id)!.set(r.instance_id, (counts.get(r.rater_id)!.get(r.instance_id) ?? 0) + 1);
  let best: [string, string] | null = null;
  let overlap = 0;
  for (const a of raters) {
    for (const b of raters) {
      if (a === b) continue;
      let dot = 0;
      for (const [id, n] of counts.get(a)!) dot += n * (counts.get(b)!.get(id) ?? 0);
      if (dot > overlap) [best, overlap] = [[a, b], dot];
    }
  }
  if (!best) return {raters: null, overlap: 0, icc3k_z: NaN};

  const cells = best.map((rater) => {
    const rows = ratings.filter((r) => r.rater_id === rater);
    const xs = rows.map(composite);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1));
    const byInstance = new Map<string, number[]>();
    rows.forEach((r, i) => byInstance.set(r.instance_id, [...(byInstance.get(r.instance_id) ?? []), (xs[i] - mean) / sd]));
    return new Map([...byInstance].map(([id, zs]) => [id, zs.reduce((s, z) => s + z, 0) / zs.length]));
  });
  const ids = [...new Set([...cells[0].keys(), ...cells[1].keys()])].sort();
  const matrix = ids.map((id) => [cells[0].get(id), cells[1].get(id)]);
  // Any missing or undefined cell makes the script's ICC call raise, which it records as NaN.
  if (matrix.some((row) => row.some((x) => x === undefined || !Number.isFinite(x)))) return {raters: best, overlap, icc3k_z: NaN};
  if (matrix.length < 2) return {raters: best, overlap, icc3k_z: NaN};
  return {raters: best, overlap, icc3k_z: icc(matrix as number[][]).icc3k.value};
}
