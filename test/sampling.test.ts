/** The seeded instance sample: reproducible, prefix-stable under --limit, capped, and strict about ids. */
import {describe, expect, it} from "vitest";
import {sampleInstances} from "../data-loaders/benchmark/sampling.ts";
import type {Instance} from "../data-loaders/benchmark/types.ts";

const instances: Instance[] = Array.from({length: 50}, (_, i) => ({id: `q${i}`, input: `question ${i}`, gold: ["a"]}));
const ids = (xs: Instance[]) => xs.map((x) => x.id);

describe("sampleInstances", () => {
  it("draws the same sample for the same seed and benchmark", () => {
    const a = sampleInstances(instances, {benchmark: "b", seed: 7, max: 20});
    const b = sampleInstances(instances, {benchmark: "b", seed: 7, max: 20});
    expect(ids(a)).toEqual(ids(b));
  });

  it("draws a different sample for another seed or another benchmark", () => {
    const base = ids(sampleInstances(instances, {benchmark: "b", seed: 7, max: 20}));
    expect(ids(sampleInstances(instances, {benchmark: "b", seed: 8, max: 20}))).not.toEqual(base);
    expect(ids(sampleInstances(instances, {benchmark: "c", seed: 7, max: 20}))).not.toEqual(base);
  });

  it("keeps at most max instances, in dataset order", () => {
    const sample = sampleInstances(instances, {benchmark: "b", seed: 1, max: 20});
    expect(sample).toHaveLength(20);
    const positions = sample.map((x) => instances.indexOf(x));
    expect(positions).toEqual([...positions].sort((p, q) => p - q));
  });

  it("keeps everything when the dataset is smaller than max", () => {
    expect(ids(sampleInstances(instances, {benchmark: "b", seed: 1, max: 1000}))).toEqual(ids(instances));
  });

  it("takes with a limit a subset of the full sample, so a limited run shares the full run's instances", () => {
    const full = new Set(ids(sampleInstances(instances, {benchmark: "b", seed: 3, max: 20})));
    const limited = sampleInstances(instances, {benchmark: "b", seed: 3, max: 20, limit: 5});
    expect(limited).toHaveLength(5);
    for (const id of ids(limited)) expect(full.has(id)).toBe(true);
    const smaller = new Set(ids(sampleInstances(instances, {benchmark: "b", seed: 3, max: 20, limit: 3})));
    for (const id of smaller) expect(ids(limited)).toContain(id);
  });

  it("rejects duplicate instance ids, naming the id and the benchmark", () => {
    const dup = [...instances.slice(0, 3), {...instances[1]}];
    expect(() => sampleInstances(dup, {benchmark: "b", seed: 0, max: 10})).toThrow("duplicate instance id q1 in b");
  });
});
