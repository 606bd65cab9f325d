/**
 * Seeded pseudo-random numbers for every sampled thing in the workbench (instance sampling,
 * bootstrap resamples, the random-choice baseline), so that a seed in the run manifest
 * reproduces a run exactly. Backed by pure-rand's xoroshiro128+, a well-tested generator.
 */
import prand from "pure-rand";

/** A stateful generator of uniform numbers in [0, 1) and integers, derived from one seed. */
export interface Random {
  /** A uniform float in [0, 1). */
  next(): number;
  /** A uniform integer in [0, n). */
  int(n: number): number;
}

/** A generator for `seed`; the same seed always yields the same sequence. */
export function seeded(seed: number): Random {
  // Draws mutate one generator instead of allocating a generator per draw, which matters in
  // bootstraps of hundreds of millions of draws. A 53-bit float (Math.random's resolution) takes
  // two 32-bit outputs, mapped exactly as pure-rand's `unsafeUniformIntDistribution(0, 2^21 - 1)`
  // and `(0, 2^32 - 1)` map them: shift the signed output by 2^31 and reduce modulo the range,
  // which for power-of-two ranges never rejects. Doing it inline is about four times faster than
  // the general distribution and yields the same sequence (test/random.test.ts compares them).
  const rng = prand.xoroshiro128plus(seed >>> 0);
  const next = () => {
    const hi = (rng.unsafeNext() + 0x80000000) % 0x200000;
    const lo = rng.unsafeNext() + 0x80000000;
    return (hi * 0x100000000 + lo) / 2 ** 53;
  };
  return {next, int: (n) => Math.floor(next() * n)};
}

/** The seed derived from a base seed and a string label (FNV-1a of the label mixed with the base), as `seededFor` uses it. */
export function derivedSeed(seed: number, label: string): number {
  let h = 2166136261 ^ seed;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** A generator whose seed is derived from a base seed and a string label (e.g. a benchmark id), so that streams are independent. */
export function seededFor(seed: number, label: string): Random {
  return seeded(derivedSeed(seed, label));
}

/** A Fisher-Yates shuffled copy of `items`. */
export function shuffled<T>(items: readonly T[], random: Random): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
