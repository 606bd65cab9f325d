/**
 * BERTScore's greedy matching on worker threads. Matching a long answer takes tens of
 * milliseconds of CPU (about 49 ms for 300 x 300 tokens at 768 dimensions), which on the main
 * thread would hold up every model call and row the runner has in flight; a pool runs it beside
 * the runner and on the other cores. Workers start when first needed, and an idle worker does not
 * keep the process alive.
 */
import type {Worker} from "node:worker_threads";
import type {BertScoreValue} from "./bertscore.ts";
import {tsWorker} from "../concurrency/ts-worker.ts";

/** A matching job sent to a worker. */
export interface MatchRequest {
  id: number;
  candidate: Float32Array[];
  reference: Float32Array[];
}

/** A worker's answer. */
export type MatchReply = {id: number; value: BertScoreValue} | {id: number; error: string};

/** Greedy matching on a pool of workers. */
export interface MatchPool {
  match(candidate: Float32Array[], reference: Float32Array[]): Promise<BertScoreValue>;
  /** Ends the workers; jobs still running are rejected. */
  close(): Promise<void>;
}

const entry = new URL("./match-worker-thread.ts", import.meta.url);

interface Slot {
  worker: Worker;
  jobs: Map<number, {resolve: (v: BertScoreValue) => void; reject: (e: Error) => void}>;
}

/** A pool of at most `size` workers; each job goes to the worker with the fewest jobs. */
export function matchPool(size: number): MatchPool {
  if (!(Number.isInteger(size) && size >= 1)) throw new Error(`pool size must be a positive integer, got ${size}`);
  const slots: Slot[] = [];
  let nextId = 0;
  let closed = false;

  const fail = (slot: Slot, why: string) => {
    slots.splice(slots.indexOf(slot), 1);
    for (const job of slot.jobs.values()) job.reject(new Error(`bertscore matching worker ${why}`));
    slot.jobs.clear();
  };
  const spawn = (): Slot => {
    const slot: Slot = {worker: tsWorker(entry), jobs: new Map()};
    slot.worker.on("message", (reply: MatchReply) => {
      const job = slot.jobs.get(reply.id);
      if (!job) return;
      slot.jobs.delete(reply.id);
      if (slot.jobs.size === 0) slot.worker.unref();
      if ("value" in reply) job.resolve(reply.value);
      else job.reject(new Error(reply.error));
    });
    slot.worker.on("error", (error) => fail(slot, `failed: ${error.message}`));
    slot.worker.on("exit", (code) => {
      if (slots.includes(slot)) fail(slot, `exited with code ${code}`);
    });
    slot.worker.unref();
    slots.push(slot);
    return slot;
  };

  return {
    match(candidate, reference) {
      if (closed) return Promise.reject(new Error("bertscore matching pool is closed"));
      // A new worker until the pool is full, then the least busy one.
      const slot = slots.length < size && slots.every((s) => s.jobs.size > 0) ? spawn() : slots.reduce((a, b) => (b.jobs.size < a.jobs.size ? b : a), slots[0] ?? spawn());
      const id = nextId++;
      return new Promise((resolve, reject) => {
        slot.jobs.set(id, {resolve, reject});
        slot.worker.ref();
        slot.worker.postMessage({id, candidate, reference} satisfies MatchRequest);
      });
    },
    async close() {
      closed = true;
      const all = slots.splice(0);
      for (const slot of all) {
        for (const job of slot.jobs.values()) job.reject(new Error("bertscore matching pool closed"));
        slot.jobs.clear();
      }
      await Promise.all(all.map((s) => s.worker.terminate()));
    }
  };
}
