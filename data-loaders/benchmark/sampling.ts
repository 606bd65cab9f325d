/**
 * MedHELM evaluates at most `maxEvalInstances` (1000) instances per benchmark. We draw them with a
 * seeded shuffle keyed by the benchmark id and keep the dataset's order among the chosen ones, so
 * the same seed picks the same instances on every machine, and `--limit` takes a prefix of that
 * same sample (a limited run is a subset of the full run, and shares its cache entries).
 */
import {seededFor, shuffled} from "../stats/random.ts";
import type {Instance} from "./types.ts";

/** The evaluated instances: a seeded sample of at most `max`, then the first `limit` of those. */
export function sampleInstances(instances: Instance[], {benchmark, seed, max, limit}: {benchmark: string; seed: number; max: number; limit?: number | null}): Instance[] {
  const ids = new Set<string>();
  for (const instance of instances) {
    if (ids.has(instance.id)) throw new Error(`duplicate instance id ${instance.id} in ${benchmark}`);
    ids.add(instance.id);
  }
  const order = shuffled(instances.map((_, i) => i), seededFor(seed, benchmark));
  const chosen = order.slice(0, Math.min(max, instances.length));
  const limited = limit != null ? chosen.slice(0, limit) : chosen;
  return limited.sort((a, b) => a - b).map((i) => instances[i]);
}
