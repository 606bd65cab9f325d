import {mkdtempSync, readdirSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join, resolve} from "node:path";
import {afterAll, describe, expect, it} from "vitest";
import {siteFiles} from "../../data-loaders/site/archive.ts";
import {cachedGroups, contentKey, directoryStatsCache} from "../../data-loaders/site/stats-cache.ts";
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

describe("cachedGroups", () => {
  it("computes only the groups it has not seen, and keeps only this build's entries on disk", async () => {
    const dir = tempDir();
    const square = (calls: string[][]) => async (missing: Map<string, number[]>) => {
      calls.push([...missing.keys()]);
      return new Map([...missing].map(([k, xs]) => [k, xs.map((x) => x * x)]));
    };
    const first: string[][] = [];
    const one = directoryStatsCache(dir, "code v1");
    const a = await cachedGroups(one, "squares", new Map([["a", [1, 2]], ["b", [3]]]), [], square(first), []);
    one.save();
    expect([...a]).toEqual([["a", [1, 4]], ["b", [9]]]);
    expect(first).toEqual([["a", "b"]]);

    // A new group and a changed one are computed; the unchanged one comes from disk.
    const second: string[][] = [];
    const two = directoryStatsCache(dir, "code v1");
    const b = await cachedGroups(two, "squares", new Map([["a", [1, 2]], ["b", [4]], ["c", [-0]]]), [], square(second), []);
    two.save();
    expect([...b]).toEqual([["a", [1, 4]], ["b", [16]], ["c", [0]]]);
    expect(Object.is(b.get("c")![0], 0)).toBe(true);
    expect(second).toEqual([["b", "c"]]);
    expect(two.stats).toEqual({hits: 1, misses: 2});

    // Edited code misses everything; the old group b = [3] was dropped when the second build saved.
    const third = directoryStatsCache(dir, "code v2");
    expect(await cachedGroups(third, "squares", new Map([["a", [1, 2]]]), [], async () => new Map([["a", [0]]]), [])).toEqual(new Map([["a", [0]]]));
    const fourth = directoryStatsCache(dir, "code v1");
    await cachedGroups(fourth, "squares", new Map([["b", [3]]]), [], async (m) => new Map([...m].map(([k]) => [k, [-1]])), []);
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
