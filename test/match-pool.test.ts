/**
 * BERTScore's matching pool: worker threads give exactly the in-thread greedy match, spread jobs
 * over the pool, report a bad job as a rejected promise, and let the process exit when idle.
 */
import {spawn} from "node:child_process";
import {createRequire} from "node:module";
import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {describe, expect, it} from "vitest";
import {greedyMatch} from "../data-loaders/metrics/bertscore.ts";
import {matchPool} from "../data-loaders/metrics/match-pool.ts";
import {seeded} from "../data-loaders/stats/random.ts";

/** `n` random token vectors of `width` dimensions. */
function tokens(n: number, width: number, seed: number): Float32Array[] {
  const random = seeded(seed);
  return Array.from({length: n}, () => Float32Array.from({length: width}, () => random.next() * 2 - 1));
}

describe("the matching pool", () => {
  it("gives exactly the in-thread greedy match for every job, jobs spread over two workers", async () => {
    const pool = matchPool(2);
    try {
      const pairs = Array.from({length: 12}, (_, i) => [tokens(20 + i, 64, i), tokens(30, 64, 100 + i)] as const);
      const pooled = await Promise.all(pairs.map(([c, r]) => pool.match(c, r)));
      expect(pooled).toEqual(pairs.map(([c, r]) => greedyMatch(c, r)));
    } finally {
      await pool.close();
    }
  });

  it("rejects a job the matching refuses, with its message, and keeps serving the next", async () => {
    const pool = matchPool(1);
    try {
      await expect(pool.match(tokens(2, 8, 1), tokens(2, 16, 2))).rejects.toThrow("embedding sizes differ: 8 vs 16");
      expect((await pool.match(tokens(3, 8, 3), tokens(3, 8, 3))).f1).toBeCloseTo(1, 12);
    } finally {
      await pool.close();
    }
  });

  it("refuses jobs once closed", async () => {
    const pool = matchPool(1);
    await pool.close();
    await expect(pool.match([], [])).rejects.toThrow("bertscore matching pool is closed");
  });

  it("lets a process that matched exit by itself: idle workers keep nothing alive", async () => {
    const dir = mkdtempSync(join(tmpdir(), "medhelm-pool-"));
    try {
      const script = join(dir, "exit-check.mts");
      const module = fileURLToPath(new URL("../data-loaders/metrics/match-pool.ts", import.meta.url));
      writeFileSync(script, `import {matchPool} from ${JSON.stringify(module)};
const v = await matchPool(2).match([Float32Array.of(1, 0)], [Float32Array.of(1, 0), Float32Array.of(0, 1)]);
console.log(JSON.stringify(v));
`);
      const tsx = createRequire(import.meta.url).resolve("tsx");
      const started = performance.now();
      const stdout = await new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ["--import", tsx, script], {stdio: ["ignore", "pipe", "inherit"]});
        let out = "";
        child.stdout.on("data", (d) => (out += d));
        const timer = setTimeout(() => {
          child.kill("SIGKILL");
          reject(new Error("the process did not exit within 20 s"));
        }, 20_000);
        child.on("exit", () => {
          clearTimeout(timer);
          resolve(out);
        });
      });
      expect(JSON.parse(stdout)).toEqual({precision: 1, recall: 0.5, f1: 2 / 3});
      expect(performance.now() - started).toBeLessThan(20_000);
    } finally {
      rmSync(dir, {recursive: true, force: true});
    }
  });
});
