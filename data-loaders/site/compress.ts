/**
 * Gzip compression of the site's packed files in a worker thread. The instance-text chunks are
 * about 300 MB of JSON at 48 models, and compressing them took the loader's main thread five to
 * seven seconds during which DuckDB sat idle; in a worker the compression overlaps with the
 * next benchmark's queries. The worker runs fflate's `gzipSync` with the options the main thread
 * used, so the bytes are the same (and the same on every machine, fflate being plain JavaScript,
 * unlike node:zlib, whose output depends on the CPU it runs on).
 */
import {createRequire} from "node:module";
import {Worker} from "node:worker_threads";
import {gzipSync} from "fflate";

/** Gzips data off the main thread; `close` ends the worker. */
export interface Compressor {
  /** Gzips `data` (a string is encoded as UTF-8 first) at level 6 with mtime 0. */
  gzip(data: Uint8Array | string): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** Gzips `data` in this thread, exactly as the worker does. */
export function gzipHere(data: Uint8Array | string): Uint8Array {
  return gzipSync(typeof data === "string" ? new TextEncoder().encode(data) : data, {level: 6, mtime: 0});
}

// Plain CommonJS (a worker cannot start from TypeScript), loading the fflate build Node resolves.
const WORKER_SOURCE = `
const {parentPort, workerData} = require("node:worker_threads");
const {gzipSync} = require(workerData.fflate);
const encoder = new TextEncoder();
parentPort.on("message", ({id, data}) => {
  try {
    const out = gzipSync(typeof data === "string" ? encoder.encode(data) : data, {level: 6, mtime: 0});
    parentPort.postMessage({id, out}, [out.buffer]);
  } catch (error) {
    parentPort.postMessage({id, error: String((error && error.stack) || error)});
  }
});
`;

/**
 * A compressor with one worker thread (jobs run in the order given). When the worker cannot
 * start or fails, the remaining jobs are compressed in this thread, so a build never depends on
 * worker threads being available.
 */
export function compressor(): Compressor {
  let worker: Worker | null = null;
  try {
    worker = new Worker(WORKER_SOURCE, {eval: true, workerData: {fflate: createRequire(import.meta.url).resolve("fflate")}});
  } catch {
    worker = null;
  }
  const pending = new Map<number, {resolve: (out: Uint8Array) => void; data: Uint8Array | string}>();
  let next = 0;
  // A failed worker hands its jobs back to this thread rather than failing the build.
  const fallBack = () => {
    void worker?.terminate();
    worker = null;
    for (const [id, job] of pending) {
      pending.delete(id);
      job.resolve(gzipHere(job.data));
    }
  };
  worker?.on("message", ({id, out, error}: {id: number; out?: Uint8Array; error?: string}) => {
    const job = pending.get(id);
    if (!job) return;
    pending.delete(id);
    job.resolve(error || !out ? gzipHere(job.data) : out);
  });
  worker?.on("error", fallBack);
  return {
    gzip(data) {
      if (!worker) return Promise.resolve(gzipHere(data));
      const id = next++;
      return new Promise((resolve) => {
        pending.set(id, {resolve, data});
        worker!.postMessage({id, data});
      });
    },
    async close() {
      const running = worker;
      worker = null;
      if (running) await running.terminate();
    }
  };
}
