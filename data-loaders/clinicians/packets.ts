/**
 * Which responses clinicians rate, and who rates each: a sample stratified by benchmark and by
 * evaluated model, each sampled response sent to `overlap` distinct raters with the load spread
 * evenly, so that every rater does about the same work and clinician pairs share responses
 * (needed for the clinician-clinician agreement).
 */
import {seededFor, shuffled} from "../stats/random.ts";
import {responseId, type ResponseKey} from "./judged.ts";

/** One response to rate and the raters who get it. */
export interface Packet<R extends ResponseKey = ResponseKey> {
  /** Opaque id printed on the sheets (`P0001`, ...), in an order unrelated to benchmark or model. */
  packet_id: string;
  response: R;
  raters: string[];
}

/**
 * Draws `sizes[benchmark]` responses of each benchmark (all of them when fewer exist), spread as
 * evenly as possible over the benchmark's models: each model gets an equal share, and the
 * remainder goes to models chosen at random; a model with too few responses gives its unused
 * share to the others. Deterministic for a seed; each benchmark has its own random stream, so
 * its sample does not depend on which other benchmarks are sampled.
 */
export function stratifiedSample<R extends ResponseKey>(responses: readonly R[], sizes: Record<string, number>, seed: number): R[] {
  const out: R[] = [];
  for (const benchmark of Object.keys(sizes).sort()) {
    const random = seededFor(seed, `ratings/${benchmark}`);
    const byModel = new Map<string, R[]>();
    for (const r of responses.filter((x) => x.benchmark === benchmark)) byModel.set(r.model, [...(byModel.get(r.model) ?? []), r]);
    const pools = shuffled([...byModel.keys()].sort(), random).map((model) => shuffled(byModel.get(model)!, random));
    let wanted = Math.min(sizes[benchmark], pools.reduce((s, p) => s + p.length, 0));
    // Round-robin over models in a random order: shares differ by at most one response between
    // models that have enough, and an exhausted model simply drops out of the rotation.
    const taken = pools.map(() => 0);
    while (wanted > 0) {
      for (let m = 0; m < pools.length && wanted > 0; m++) {
        if (taken[m] < pools[m].length) {
          out.push(pools[m][taken[m]++]);
          wanted--;
        }
      }
    }
  }
  return out;
}

/**
 * Gives each response to `overlap` distinct raters: responses in a random order, each to the
 * raters with the fewest responses so far, and among those to the pair that has shared the
 * fewest responses (so clinician pairs overlap evenly), ties broken at random. Packet ids are
 * numbered in a random order so that they reveal neither benchmark nor model.
 */
export function assignPackets<R extends ResponseKey>(responses: readonly R[], raters: readonly string[], overlap: number, seed: number): Packet<R>[] {
  if (new Set(raters).size !== raters.length) throw new Error(`raters must be distinct, got ${raters.join(",")}`);
  if (!(Number.isInteger(overlap) && overlap >= 1)) throw new Error(`overlap must be a positive integer, got ${overlap}`);
  if (overlap > raters.length) throw new Error(`overlap ${overlap} needs at least ${overlap} raters, got ${raters.length}`);
  const random = seededFor(seed, "ratings/assignment");
  const load = new Map(raters.map((r) => [r, 0]));
  const shared = new Map<string, number>();
  const pair = (a: string, b: string) => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);
  const ordered = shuffled([...responses].sort((a, b) => (responseId(a) < responseId(b) ? -1 : 1)), random);
  const packets = ordered.map((response) => {
    const chosen: string[] = [];
    while (chosen.length < overlap) {
      const candidates = shuffled(raters.filter((r) => !chosen.includes(r)), random);
      const cost = (r: string) => [load.get(r)!, chosen.reduce((s, c) => s + (shared.get(pair(r, c)) ?? 0), 0)];
      candidates.sort((a, b) => {
        const [la, sa] = cost(a);
        const [lb, sb] = cost(b);
        return la - lb || sa - sb;
      });
      chosen.push(candidates[0]);
    }
    for (const r of chosen) load.set(r, load.get(r)! + 1);
    for (let i = 0; i < chosen.length; i++) for (let j = i + 1; j < chosen.length; j++) shared.set(pair(chosen[i], chosen[j]), (shared.get(pair(chosen[i], chosen[j])) ?? 0) + 1);
    return {response, raters: chosen.sort()};
  });
  const width = Math.max(4, String(packets.length).length);
  return shuffled(packets, random).map((p, i) => ({packet_id: `P${String(i + 1).padStart(width, "0")}`, ...p}));
}
