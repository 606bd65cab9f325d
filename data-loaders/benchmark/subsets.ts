/**
 * MedHELM runs some benchmarks as several HELM runs (CLEAR's 13 conditions, EHRSHOT's and
 * N2C2's 3 subjects, MedDialog's 2 subsets), and HELM caps each *run* at its own
 * `max_eval_instances`. Our runner caps a benchmark as a whole, so those benchmarks cap each
 * subset inside `load()` with this function. `load()` receives no run seed, so the per-subset
 * draw uses a fixed seed (0, as HELM's `np.random.seed(0)`); the runner's seeded sample then
 * applies on top, with the benchmark's `maxEvalInstances` set to subsets x cap so that it keeps
 * everything.
 */
import {sampleInstances} from "./sampling.ts";
import type {Instance} from "./types.ts";

/** The seed of per-subset caps; fixed because loading must not depend on the run. */
export const SUBSET_CAP_SEED = 0;

/** Keeps at most `max` instances of each subset (a seeded sample, dataset order preserved); subsets stay in first-seen order. */
export function capEachSubset(instances: Instance[], max: number, benchmark: string): Instance[] {
  const groups = new Map<string, Instance[]>();
  for (const instance of instances) {
    const key = instance.subset ?? "";
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(instance);
  }
  return [...groups].flatMap(([subset, group]) => sampleInstances(group, {benchmark: `${benchmark}/${subset}`, seed: SUBSET_CAP_SEED, max}));
}
