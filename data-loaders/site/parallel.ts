/**
 * Runs the site's resampling statistics on every CPU core. A full suite has thousands of
 * bootstrap cells and paired comparisons, each seeded by its own key, so splitting them into
 * parts and computing the parts in worker threads gives exactly the rows one thread would.
 * Workers load the TypeScript module through tsx's API; where that is not possible (a test
 * runner with its own module loader, a single core) the parts run in this thread.
 */
import {availableParallelism} from "node:os";
import {Worker} from "node:worker_threads";
import * as stats from "./stats.ts";

/** The functions of `site-stats.ts` that may run in a worker. */
export type ParallelFunction = "cellIntervals" | "pairComparisons";

/** The module the workers import, and tsx's registration API, as absolute URLs (null when unresolvable). */
function workerUrls(): {module: string; tsx: string} | null {
  try {
    const resolve = (import.meta as {resolve?: (s: string) => string}).resolve;
    if (typeof resolve !== "function") return null;
    return {module: new URL("./stats.ts", import.meta.url).href, tsx: resolve("tsx/esm/api")};
  } catch {
    return null;
  }
}

// The worker is plain JavaScript (Node refuses a .ts entry point); it registers tsx, imports the
// statistics module and answers one call per message.
const WORKER_SOURCE = `
const {parentPort, workerData} = require("node:worker_threads");
import(workerData.tsx)
  .then(({register}) => { register(); return import(workerData.module); })
  .then((mod) => parentPort.on("message", ({fn, args}) => {
    try { parentPort.postMessage({result: mod[fn](...args)}); } catch (error) { parentPort.postMessage({error: String(error && error.stack || error)}); }
  }))
  .catch((error) => parentPort.postMessage({error: String(error && error.stack || error)}));
`;

/** Calls `stats[fn](...args)` in a fresh worker. */
function callInWorker(urls: {module: string; tsx: string}, fn: ParallelFunction, args: unknown[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {eval: true, workerData: urls});
    worker.once("message", (m: {result?: unknown; error?: string}) => {
      void worker.terminate();
      if (m.error) reject(new Error(`site worker ${fn}: ${m.error}`));
      else resolve(m.result);
    });
    worker.once("error", (e) => reject(e));
    worker.postMessage({fn, args});
  });
}

/**
 * Splits `items` into at most `parts` groups of whole keys (largest groups first, each to the
 * currently smallest part), so that every group of a key lands in one part.
 */
export function partitionByKey<T>(items: readonly T[], key: (item: T) => string, parts: number): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const g = groups.get(k);
    if (g) g.push(item);
    else groups.set(k, [item]);
  }
  const out: T[][] = Array.from({length: Math.max(1, parts)}, () => []);
  for (const g of [...groups.values()].sort((a, b) => b.length - a.length)) {
    out.reduce((small, part) => (part.length < small.length ? part : small), out[0]).push(...g);
  }
  return out.filter((p) => p.length);
}

/** How many parts to split work of `size` items into: one per core, or one when the work is small. */
export function partsFor(size: number, minimum = 20_000): number {
  return size < minimum ? 1 : Math.max(1, availableParallelism());
}

/**
 * Runs `fn` on every part (each with the same trailing `options`) and returns the results in
 * part order: in worker threads when there are several parts and workers can load the module,
 * otherwise in this thread.
 */
export async function runParts<R>(fn: ParallelFunction, parts: unknown[][], options: unknown, log: (m: string) => void = () => {}): Promise<R[]> {
  const inline = () => parts.map((part) => (stats[fn] as (a: unknown, o: unknown) => R)(part, options));
  const urls = parts.length > 1 ? workerUrls() : null;
  if (!urls) return inline();
  try {
    return (await Promise.all(parts.map((part) => callInWorker(urls, fn, [part, options])))) as R[];
  } catch (error) {
    log(`site: worker threads unavailable (${(error as Error).message.split("\n")[0]}); computing ${fn} in one thread`);
    return inline();
  }
}
