/**
 * The inside of an SQL worker (see sql-worker.ts): loads the SQLite file named in `workerData`
 * once, reports whether that worked, then answers one query message at a time. It holds no
 * timer of its own: a query that runs too long is stopped by the parent terminating the thread,
 * the only way to interrupt sql.js, whose `step()` does not return until SQLite yields a row.
 */
import {readFile} from "node:fs/promises";
import {parentPort, workerData} from "node:worker_threads";
import type {QueryRequest, WorkerMessage} from "./sql-worker.ts";
import {sqliteFromBytes, type SqlDatabase} from "./sqljs.ts";

const port = parentPort;
if (!port) throw new Error("sql-worker-thread.ts must run in a worker thread");
const {path} = workerData as {path: string};
const post = (message: WorkerMessage) => port.postMessage(message);

let db: SqlDatabase | null = null;
try {
  const bytes = await readFile(path).catch((error: Error) => {
    throw new Error(`cannot read ${path}: ${error.message}`);
  });
  db = await sqliteFromBytes(bytes, path);
} catch (error) {
  post({kind: "failed", message: (error as Error).message});
  // Closing the port lets the thread end by itself; the parent discards it.
  port.close();
}

if (db) {
  const database = db;
  port.on("message", ({id, sql}: QueryRequest) => {
    try {
      post({kind: "result", id, rows: database.query(sql)});
    } catch (error) {
      post({kind: "result", id, error: (error as Error).message});
    }
  });
  post({kind: "ready"});
}
