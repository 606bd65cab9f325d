/**
 * An SQLite file opened in a worker thread, queried with a time limit per query. sql.js runs a
 * statement synchronously to the end, so a runaway query (a huge cross join, a recursive CTE
 * without an end) would block the thread it runs on forever; in a worker it blocks only the
 * worker, which the parent terminates when the limit passes, answering that query with a stop.
 * The next query starts a fresh worker, which loads the file again.
 *
 * One worker serves every query on its file, one query at a time, so the database is loaded once
 * (not once per query) and a query's time limit counts only its own execution, never the wait
 * behind other queries. While it is idle the worker does not keep the process alive, so a
 * command exits after its run without having to close it; `close()` ends it explicitly.
 */
import type {Worker} from "node:worker_threads";
import {tsWorker} from "../concurrency/ts-worker.ts";
import type {Rows} from "./sqljs.ts";

/** The outcome of running one query: its rows, the engine's error message, or a stop (time limit reached, worker lost). */
export type QueryOutcome = {rows: Rows} | {error: string; stopped?: true};

/** A query sent to the worker. */
export interface QueryRequest {
  id: number;
  sql: string;
}

/** What the worker sends back. */
export type WorkerMessage =
  | {kind: "ready"}
  | {kind: "failed"; message: string}
  | {kind: "result"; id: number; rows: Rows}
  | {kind: "result"; id: number; error: string};

interface Job {
  id: number;
  sql: string;
  timeLimitMs: number;
  resolve: (outcome: QueryOutcome) => void;
  reject: (error: Error) => void;
}

/** The text of a query stopped at its time limit. */
export const timeLimitMessage = (timeLimitMs: number) => `stopped at the ${timeLimitMs} ms time limit`;

const entry = new URL("./sql-worker-thread.ts", import.meta.url);

/** Starts a worker on the SQLite file at `path`, its JavaScript heap capped at `heapLimitMb`. */
function spawn(path: string, heapLimitMb: number): Worker {
  return tsWorker(entry, {workerData: {path}, resourceLimits: {maxOldGenerationSizeMb: heapLimitMb}});
}

/**
 * Queries sent to the worker ahead of the one it is running. The worker then never waits for
 * the parent between queries, which keeps the round trip of a message out of the throughput of
 * quick queries; the few queries waiting in the worker are sent again to its successor if it is
 * stopped, since it never started them.
 */
const PIPELINE_DEPTH = 4;

/** An SQLite file served by one worker thread; see the module comment. */
export class SqlWorker {
  /** The SQLite file. */
  readonly path: string;
  /**
   * The worker's JavaScript heap cap. Result rows live there until they are sent, so a query
   * that returns rows faster than its time limit can stop it (a cross join of two large tables)
   * ends the worker when it reaches the cap, as a lost worker, instead of exhausting the
   * machine's memory. The database itself is WebAssembly memory, outside this cap.
   */
  readonly heapLimitMb: number;
  /** Workers started so far (the first, then one per stop); lets tests and benchmarks see respawns. */
  spawned = 0;
  private worker: Worker | null = null;
  private starting: Promise<Worker> | null = null;
  /** Settles when the last terminated worker is gone, so two copies of a large database are never loaded at once. */
  private retiring: Promise<unknown> = Promise.resolve();
  /** Queries not yet sent. */
  private queue: Job[] = [];
  /** Queries sent to the current worker, in order; the first is the one it runs. */
  private sent: Job[] = [];
  /** The time limit of `sent[0]`. */
  private timer: NodeJS.Timeout | null = null;
  private pumping = false;
  private nextId = 0;
  private closed = false;

  constructor(path: string, {heapLimitMb = 2048}: {heapLimitMb?: number} = {}) {
    this.path = path;
    this.heapLimitMb = heapLimitMb;
  }

  /** Loads the database in a worker if none is loaded; rejects with the reason when the file cannot be opened. */
  async open(): Promise<void> {
    await this.start();
  }

  /**
   * Runs one statement with a time limit on its execution. Resolves to the rows, to the engine's
   * error, or to a stop when the limit passes (or the worker dies); rejects only when the
   * database cannot be loaded or the worker was closed, which are not the query's fault.
   */
  query(sql: string, timeLimitMs: number): Promise<QueryOutcome> {
    if (this.closed) return Promise.reject(new Error(`sql worker for ${this.path} is closed`));
    return new Promise((resolve, reject) => {
      this.queue.push({id: this.nextId++, sql, timeLimitMs, resolve, reject});
      void this.pump();
    });
  }

  /** Ends the worker; queries not yet running are refused. */
  async close(): Promise<void> {
    this.closed = true;
    const closedError = new Error(`sql worker for ${this.path} is closed`);
    const [running, ...waiting] = this.sent.splice(0);
    for (const job of [...waiting, ...this.queue.splice(0)]) job.reject(closedError);
    this.retire();
    this.clearTimer();
    running?.resolve({error: "sql worker closed while the query ran", stopped: true});
    // A worker still loading becomes current when it is ready, and is retired here after that.
    await this.starting?.catch(() => undefined);
    this.retire();
    await this.retiring;
  }

  /** Sends queued queries while fewer than `PIPELINE_DEPTH` are in the worker. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length && this.sent.length < PIPELINE_DEPTH && !this.closed) {
        let worker: Worker;
        try {
          worker = await this.start();
        } catch (error) {
          // Every waiting query would fail to load the file the same way.
          for (const job of this.queue.splice(0)) job.reject(error as Error);
          return;
        }
        if (worker !== this.worker || this.closed) continue;
        const job = this.queue.shift()!;
        this.sent.push(job);
        worker.ref();
        worker.postMessage({id: job.id, sql: job.sql} satisfies QueryRequest);
        if (this.sent.length === 1) this.startTimer(job);
      }
    } finally {
      this.pumping = false;
    }
  }

  /**
   * Starts the limit of the query the worker runs now. The worker starts a query when it has
   * sent the result of the previous one, so the limit counts its execution only, never its wait.
   */
  private startTimer(job: Job): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      // Retired first, so that the queries sent after this one go to a new worker.
      this.retire();
      this.stopRunning(timeLimitMessage(job.timeLimitMs));
    }, job.timeLimitMs);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Answers the running query with a stop and queues the ones behind it again for the next worker. */
  private stopRunning(why: string): void {
    this.clearTimer();
    const [running, ...waiting] = this.sent.splice(0);
    this.queue.unshift(...waiting);
    running?.resolve({error: why, stopped: true});
    void this.pump();
  }

  /** The loaded worker, starting one (after the previous one is gone) when there is none. */
  private start(): Promise<Worker> {
    if (this.worker) return Promise.resolve(this.worker);
    if (this.closed) return Promise.reject(new Error(`sql worker for ${this.path} is closed`));
    if (!this.starting) {
      const starting = this.retiring.then(() => this.load());
      this.starting = starting;
      starting.then(
        (worker) => {
          if (this.starting === starting) this.starting = null;
          this.worker = worker;
        },
        () => {
          if (this.starting === starting) this.starting = null;
        }
      );
    }
    return this.starting;
  }

  /** Spawns a worker and waits for its report on loading the file. */
  private load(): Promise<Worker> {
    const worker = spawn(this.path, this.heapLimitMb);
    this.spawned++;
    return new Promise((resolve, reject) => {
      // Listeners are removed one by one: `removeAllListeners()` would also drop the ones Node's
      // Worker keeps for itself, after which no message arrives.
      const stopListening = () => {
        worker.off("error", fail);
        worker.off("exit", exited);
        worker.off("message", loaded);
      };
      const fail = (error: Error) => {
        stopListening();
        void worker.terminate();
        reject(error);
      };
      const exited = (code: number) => fail(new Error(`sql worker for ${this.path} exited with code ${code} while loading it`));
      const loaded = (message: WorkerMessage) => {
        if (message.kind !== "ready") return fail(new Error(message.kind === "failed" ? message.message : `sql worker for ${this.path} sent ${message.kind} before ready`));
        stopListening();
        worker.on("message", (m: WorkerMessage) => this.receive(worker, m));
        worker.on("error", (error) => this.lost(worker, error.message));
        worker.on("exit", (code) => this.lost(worker, `exited with code ${code}`));
        // Idle until a query is sent: an idle worker must not keep the process from exiting.
        worker.unref();
        resolve(worker);
      };
      worker.on("error", fail);
      worker.on("exit", exited);
      worker.on("message", loaded);
    });
  }

  private receive(worker: Worker, message: WorkerMessage): void {
    const job = this.sent[0];
    if (worker !== this.worker || !job || message.kind !== "result" || message.id !== job.id) return;
    this.clearTimer();
    this.sent.shift();
    if (this.sent.length) this.startTimer(this.sent[0]);
    else worker.unref();
    job.resolve("rows" in message ? {rows: message.rows} : {error: message.error});
    void this.pump();
  }

  /** The worker died by itself (out of memory, a crash): the running query is stopped and the rest go to a new worker. */
  private lost(worker: Worker, why: string): void {
    if (worker !== this.worker) return;
    this.worker = null;
    this.stopRunning(`sql worker stopped while the query ran: ${why}`);
  }

  /** Terminates the current worker (if any); the next query starts a new one once it is gone. */
  private retire(): void {
    const worker = this.worker;
    this.worker = null;
    if (!worker) return;
    const previous = this.retiring;
    this.retiring = Promise.all([previous, worker.terminate()]);
  }
}
