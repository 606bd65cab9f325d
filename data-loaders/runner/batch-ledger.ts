/**
 * The batch ledger: a durable record, next to the response cache, of every batch a run submitted
 * to a provider's batch API, so that no request is ever paid for twice.
 *
 * **File.** `<cache>/batches/ledger.jsonl`, append-only, one JSON record per line, each written
 * with a single `write` and flushed to disk (fsync) before the call returns. Batches are few, so
 * the flush costs nothing that matters, and a process killed at any moment leaves at most a torn
 * last line, which reading skips.
 *
 * **Order of events.** A submission is recorded with the cache keys it covers after the file is
 * uploaded and *before* the batch is created (`submitted`); the batch id follows the moment the
 * provider returns it (`created`). A run killed between the two leaves a submission without an
 * id, which the next run looks up among the provider's batches by the submission id it put in the
 * batch's metadata, so even that window cannot pay twice. Status changes, the download of the
 * result files (`downloaded`, the files saved beside the ledger) and cancellations follow.
 */
import {closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync} from "node:fs";
import {join} from "node:path";

/** Which requests a batch carries: the evaluated models' answers, or the judges' verdicts. */
export type BatchRound = "answers" | "judges";

/** Request counts as a provider reports them. */
export interface BatchCounts {
  total: number;
  completed: number;
  failed: number;
}

/** One line of the ledger. */
export type LedgerRecord =
  | {
      type: "submitted";
      /** Our id of the submission, also sent as the batch's `metadata.medhelm_submission`. */
      submission: string;
      /** Endpoint name (the model id prefix) and its public base URL. */
      endpoint: string;
      baseURL: string;
      /** The model id (`<endpoint>/<name>`); a batch carries one model's requests. */
      model: string;
      round: BatchRound;
      inputFileId: string;
      /** The cache keys of the requests, which are also their `custom_id`s. */
      keys: string[];
      /** Upper bound of the batch's cost at batch prices (every answer at max_tokens); null when unpriced. */
      expectedUsd: number | null;
      at: string;
    }
  | {type: "created"; submission: string; batchId: string; at: string}
  | {type: "status"; batchId: string; status: string; counts: BatchCounts; at: string}
  | {
      type: "downloaded";
      batchId: string;
      status: string;
      counts: BatchCounts;
      /** File names (in the ledger's folder) of the saved output and error files, null when the provider gave none. */
      output: string | null;
      errors: string | null;
      /** Requests answered, failed, and without any result line. */
      results: {ok: number; failed: number; missing: number};
      /** USD charged for the answered requests at batch prices; null when unpriced. */
      chargedUsd: number | null;
      /** What was wrong with the provider's files (malformed lines, unknown custom_ids, a file that never arrived). */
      anomalies: string[];
      at: string;
    }
  | {type: "abandoned"; submission: string; reason: string; at: string}
  | {type: "cancel_requested"; batchId: string; at: string};

/** A batch as the ledger knows it: its submission and everything since. */
export interface LedgerBatch {
  submission: string;
  endpoint: string;
  baseURL: string;
  model: string;
  round: BatchRound;
  inputFileId: string;
  keys: string[];
  expectedUsd: number | null;
  submittedAt: string;
  /** Null until the provider returned the batch's id. */
  batchId: string | null;
  /** The last status seen (`submitting` before the batch exists). */
  status: string;
  counts: BatchCounts | null;
  downloaded: Extract<LedgerRecord, {type: "downloaded"}> | null;
  /** Why the submission was given up (it never became a batch), or null. */
  abandoned: string | null;
  cancelRequested: boolean;
}

/** Whether a batch's requests may still be answered by the provider (created, results not yet collected). */
export const inFlight = (b: LedgerBatch) => b.batchId !== null && b.downloaded === null && b.abandoned === null;

/** Whether a submission's batch may exist at the provider without the ledger knowing its id. */
export const unresolved = (b: LedgerBatch) => b.batchId === null && b.abandoned === null;

/** The folder of a cache's ledger and saved batch files. */
export const ledgerDir = (cacheDir: string) => join(cacheDir, "batches");

/** Parses ledger text into its records, skipping a torn or damaged line (at most the last one written). */
export function parseLedger(text: string): {records: LedgerRecord[]; skipped: number} {
  const records: LedgerRecord[] = [];
  let skipped = 0;
  const lines = text.split("\n");
  // Text after the last newline is a record whose write was cut short.
  const last = lines.pop();
  if (last) skipped++;
  for (const line of lines) {
    if (!line.trim()) continue;
    try {
      const record = JSON.parse(line) as LedgerRecord;
      if (record && typeof record === "object" && typeof record.type === "string") records.push(record);
      else skipped++;
    } catch {
      skipped++;
    }
  }
  return {records, skipped};
}

/** Folds records into batches, in submission order. */
export function foldLedger(records: readonly LedgerRecord[]): LedgerBatch[] {
  const bySubmission = new Map<string, LedgerBatch>();
  const byId = new Map<string, LedgerBatch>();
  for (const r of records) {
    if (r.type === "submitted") {
      bySubmission.set(r.submission, {
        submission: r.submission, endpoint: r.endpoint, baseURL: r.baseURL, model: r.model, round: r.round, inputFileId: r.inputFileId, keys: r.keys,
        expectedUsd: r.expectedUsd, submittedAt: r.at, batchId: null, status: "submitting", counts: null, downloaded: null, abandoned: null, cancelRequested: false
      });
      continue;
    }
    if (r.type === "created" || r.type === "abandoned") {
      const b = bySubmission.get(r.submission);
      if (!b) continue;
      if (r.type === "created") {
        b.batchId = r.batchId;
        b.status = "validating";
        byId.set(r.batchId, b);
      } else b.abandoned = r.reason;
      continue;
    }
    const b = byId.get(r.batchId);
    if (!b) continue;
    if (r.type === "status") {
      b.status = r.status;
      b.counts = r.counts;
    } else if (r.type === "downloaded") {
      b.status = r.status;
      b.counts = r.counts;
      b.downloaded = r;
    } else if (r.type === "cancel_requested") b.cancelRequested = true;
  }
  return [...bySubmission.values()];
}

/** A cache's batch ledger, opened for reading and appending. */
export interface Ledger {
  /** The folder holding the ledger and the saved result files. */
  readonly dir: string;
  /** Every batch recorded so far (read afresh from the file). */
  batches(): LedgerBatch[];
  /** Appends a record and flushes it to disk before returning. */
  append(record: LedgerRecord): void;
  /** Saves a result file durably beside the ledger; returns its file name. */
  save(name: string, text: string): string;
  /** The text of a saved result file, or null when it is gone. */
  read(name: string): string | null;
}

/** Opens the ledger of the cache in `cacheDir` (the folder is created on the first write). */
export function openLedger(cacheDir: string): Ledger {
  const dir = ledgerDir(cacheDir);
  const file = join(dir, "ledger.jsonl");
  const ensureDir = () => {
    if (existsSync(dir)) return;
    mkdirSync(dir, {recursive: true});
    syncDir(cacheDir);
  };
  return {
    dir,
    batches: () => (existsSync(file) ? foldLedger(parseLedger(readFileSync(file, "utf8")).records) : []),
    append(record) {
      ensureDir();
      const created = !existsSync(file);
      const line = Buffer.from(`${JSON.stringify(record)}\n`);
      const fd = openSync(file, "a");
      try {
        let written = 0;
        while (written < line.length) written += writeSync(fd, line, written, line.length - written);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      if (created) syncDir(dir);
    },
    save(name, text) {
      ensureDir();
      // Written aside and renamed, so a saved file is either whole or absent.
      const target = join(dir, name);
      const temporary = `${target}.${process.pid}.tmp`;
      const fd = openSync(temporary, "w");
      try {
        const data = Buffer.from(text);
        let written = 0;
        while (written < data.length) written += writeSync(fd, data, written, data.length - written);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temporary, target);
      syncDir(dir);
      return name;
    },
    read: (name) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), "utf8") : null)
  };
}

/** Makes a folder's entries (a new or renamed file) durable. */
function syncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
