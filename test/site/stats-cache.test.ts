import {mkdtempSync, readdirSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import {afterAll, describe, expect, it} from "vitest";
import {siteFiles} from "../../data-loaders/site/archive.ts";
import {cacheMemo, contentKey, directoryStatsCache} from "../../data-loaders/site/stats-cache.ts";
import type {Benchmark} from "../../data-loaders/benchmark/types.ts";

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "medhelm-stats-cache-"));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, {recursive: true, force: true})));

describe("contentKey", () => {
  it("is the same for equal content and differs when any value changes", () => {
    expect(contentKey("cells", [{a: 1, b: 0.1 + 0.2}])).toBe(contentKey("cells", [{a: 1, b: 0.30000000000000004}]));
    expect(contentKey("cells", [{a: 1, b: 0.3}])).not.toBe(contentKey("cells", [{a: 1, b: 0.30000000000000004}]));
    expect(contentKey("cells", [1])).not.toBe(contentKey("pairs", [1]));
  });
});

describe("cacheMemo", () => {
  it("computes only the keys it has not seen, asks the cache once per key and build, and keeps only this build's entries on disk", () => {
    const dir = tempDir();
    const calls: string[] = [];
    const square = (key: string, x: number) => () => {
      calls.push(key);
      return x * x;
    };
    const one = directoryStatsCache(dir, "code v1");
    const memo = cacheMemo(one, {resamples: 10});
    expect([memo("squares", "a", square("a", 2)), memo("squares", "b", square("b", 3)), memo("squares", "a", square("a", 2))]).toEqual([4, 9, 4]);
    one.save();
    expect(calls).toEqual(["a", "b"]);
    expect(one.stats).toEqual({hits: 0, misses: 2});

    // A new key is computed; the unchanged one comes from disk, and -0 comes back as -0.
    calls.length = 0;
    const two = directoryStatsCache(dir, "code v1");
    const again = cacheMemo(two, {resamples: 10});
    expect(again("squares", "a", square("a", 2))).toBe(4);
    expect(Object.is(again("squares", "z", () => -0), -0)).toBe(true);
    two.save();
    expect(calls).toEqual([]);
    expect(two.stats).toEqual({hits: 1, misses: 1});
    const back = directoryStatsCache(dir, "code v1");
    expect(Object.is(cacheMemo(back, {resamples: 10})("squares", "z", () => 1), -0)).toBe(true);

    // Other options or edited code miss; b, unused by the second build, was dropped when it saved.
    const other = directoryStatsCache(dir, "code v1");
    cacheMemo(other, {resamples: 20})("squares", "a", () => 0);
    expect(other.stats).toEqual({hits: 0, misses: 1});
    const edited = directoryStatsCache(dir, "code v2");
    cacheMemo(edited, {resamples: 10})("squares", "a", () => 0);
    expect(edited.stats).toEqual({hits: 0, misses: 1});
    const fourth = directoryStatsCache(dir, "code v1");
    cacheMemo(fourth, {resamples: 10})("squares", "b", () => -1);
    expect(fourth.stats).toEqual({hits: 0, misses: 1});
    expect(readdirSync(dir)).toEqual(["squares.v8"]);
  });

  it("rejects a namespace that is not a plain file name", async () => {
    const cache = directoryStatsCache(tempDir());
    expect(() => cache.get("../x", "k")).toThrow("bad statistics cache namespace: ../x");
  });
});

describe("site tables with the statistics cache", () => {
  const fixture = resolve(import.meta.dirname, "..", "fixtures", "site-include", "jury-run");
  const registry = ["aci_bench", "mimic_rrs"].map((id) => ({id, description: id, data: {location: "local", files: ["missing"], dataset: id, license: "fixture"}}) as unknown as Benchmark);

  it("are byte-identical with no cache, a cold cache and a warm cache, and the warm build computes nothing", async () => {
    const cacheDir = tempDir();
    const logs: string[] = [];
    const input = {dirs: [fixture], registry, dataDir: tmpdir(), publishRestrictedText: false, seed: 0, resamples: 50};
    const plain = await siteFiles({...input, log: () => {}});
    const cold = await siteFiles({...input, statsCache: cacheDir, log: (m) => logs.push(m)});
    const warm = await siteFiles({...input, statsCache: cacheDir, log: (m) => logs.push(m)});
    expect(Object.keys(cold).sort()).toEqual(Object.keys(plain).sort());
    for (const name of Object.keys(plain)) {
      expect(Buffer.compare(Buffer.from(cold[name]), Buffer.from(plain[name])), name).toBe(0);
      expect(Buffer.compare(Buffer.from(warm[name]), Buffer.from(plain[name])), name).toBe(0);
    }
    const caches = logs.filter((m) => m.includes("statistics cache"));
    expect(caches[0]).toMatch(/statistics cache: 0 hits, [1-9]\d* misses/);
    expect(caches[1]).toMatch(/statistics cache: [1-9]\d* hits, 0 misses/);
  }, 120_000);
});
