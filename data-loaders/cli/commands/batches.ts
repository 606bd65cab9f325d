/**
 * `medhelm batches`: the batches runs submitted to providers' batch APIs (from the ledger beside
 * the response cache), with their status, counts, expected and charged cost; `cancel ID` cancels
 * one. Batches still running are asked for their current status unless `--offline` is given.
 */
import {resolve} from "node:path";
import {parseFlags, UsageError, type Command, type CommandIO} from "../command.ts";
import {loadConfig} from "../../runner/config.ts";
import type {Endpoint} from "../../models/openai.ts";
import {batchClient} from "../../runner/batch.ts";
import {inFlight, openLedger, type Ledger, type LedgerBatch} from "../../runner/batch-ledger.ts";
import {textTable} from "../text-table.ts";

const usage = `usage: medhelm batches [cancel ID] [options]

  medhelm batches
      Lists the batches runs submitted (pending and finished): id, endpoint, model, round
      (answers or judges), status, requests, completed and failed counts, the expected cost (upper
      bound at batch prices) and what was charged. Running batches are asked for their status.
  medhelm batches cancel ID
      Cancels a running batch. The next \`medhelm run\` collects what it finished; the requests it
      did not answer become failure rows, sent again by a later run (or with --retry-errors).

  --cache DIR      response cache folder holding the ledger (default: config, else .medhelm/cache)
  --config FILE    configuration file (endpoints and their keys, to reach the providers)
  --offline        list what the ledger knows without asking any provider
  --format json    machine-readable output`;

/** One listed batch. */
export interface BatchRow {
  batch_id: string | null;
  submission: string;
  endpoint: string;
  model: string;
  round: string;
  status: string;
  requests: number;
  completed: number | null;
  failed: number | null;
  expected_usd: number | null;
  charged_usd: number | null;
  submitted_at: string;
  /** Why a submission never became a batch, and what was wrong with its files. */
  notes: string[];
}

function row(b: LedgerBatch): BatchRow {
  const notes = [...(b.abandoned ? [b.abandoned] : []), ...(b.downloaded?.anomalies ?? [])];
  if (b.cancelRequested && !b.downloaded) notes.push("cancel requested");
  if (b.downloaded && b.downloaded.results.missing) notes.push(`${b.downloaded.results.missing} request(s) without a result`);
  return {
    batch_id: b.batchId, submission: b.submission, endpoint: b.endpoint, model: b.model, round: b.round,
    status: b.abandoned ? "abandoned" : b.downloaded ? `${b.status} (collected)` : b.status,
    requests: b.keys.length, completed: b.counts?.completed ?? null, failed: b.counts?.failed ?? null,
    expected_usd: b.expectedUsd, charged_usd: b.downloaded?.chargedUsd ?? null, submitted_at: b.submittedAt, notes
  };
}

/** Asks the providers for the status of batches still running and records it; failures are noted, not fatal. */
async function refresh(ledger: Ledger, endpoints: Endpoint[], io: CommandIO): Promise<void> {
  for (const b of ledger.batches().filter(inFlight)) {
    const endpoint = endpoints.find((e) => e.name === b.endpoint);
    if (!endpoint) {
      io.stderr(`batch ${b.batchId}: endpoint ${b.endpoint} is not configured here; showing its last known status\n`);
      continue;
    }
    try {
      const remote = await batchClient(endpoint).batches.retrieve(b.batchId!);
      const counts = {total: remote.request_counts?.total ?? b.keys.length, completed: remote.request_counts?.completed ?? 0, failed: remote.request_counts?.failed ?? 0};
      ledger.append({type: "status", batchId: b.batchId!, status: remote.status, counts, at: new Date().toISOString()});
    } catch (error) {
      io.stderr(`batch ${b.batchId}: cannot ask ${b.endpoint} for its status (${(error as Error).message}); showing its last known status\n`);
    }
  }
}

const usd = (v: number | null) => (v === null ? "?" : `$${v.toFixed(4)}`);

const command: Command = {
  name: "batches",
  summary: "list the batches runs submitted to providers' batch APIs, or cancel one",
  usage,
  async run(args, io) {
    const {values, positionals} = parseFlags({
      args, allowPositionals: true,
      options: {cache: {type: "string"}, config: {type: "string"}, offline: {type: "boolean"}, format: {type: "string"}}
    });
    if (values.format && !["json", "table"].includes(values.format)) throw new UsageError(`unknown format: ${values.format}`);
    const config = loadConfig({cwd: io.cwd, env: io.env, file: values.config});
    const ledger = openLedger(values.cache ? resolve(io.cwd, values.cache) : config.cacheDir);
    const [action, id, ...extra] = positionals;
    if (action === "cancel") {
      if (!id || extra.length) throw new UsageError("usage: medhelm batches cancel ID");
      const b = ledger.batches().find((x) => x.batchId === id);
      if (!b) throw new UsageError(`no batch ${id} in the ledger of ${ledger.dir} (see medhelm batches)`);
      if (!inFlight(b)) throw new UsageError(`batch ${id} has ended (${b.status}); nothing to cancel`);
      const endpoint = config.endpoints.find((e) => e.name === b.endpoint);
      if (!endpoint) throw new UsageError(`batch ${id} was sent to endpoint ${b.endpoint}, which is not configured here`);
      const remote = await batchClient(endpoint).batches.cancel(id);
      ledger.append({type: "cancel_requested", batchId: id, at: new Date().toISOString()});
      ledger.append({type: "status", batchId: id, status: remote.status, counts: {total: remote.request_counts?.total ?? b.keys.length, completed: remote.request_counts?.completed ?? 0, failed: remote.request_counts?.failed ?? 0}, at: new Date().toISOString()});
      if (values.format === "json") io.stdout(`${JSON.stringify({batch_id: id, status: remote.status})}\n`);
      else io.stdout(`batch ${id}: ${remote.status}. The next medhelm run collects what it finished; its other requests become failure rows, sent again by a later run.\n`);
      return 0;
    }
    if (action !== undefined) throw new UsageError(`unknown action: ${action} (expected cancel)`);
    if (!values.offline) await refresh(ledger, config.endpoints, io);
    const rows = ledger.batches().map(row);
    if (values.format === "json") {
      io.stdout(`${JSON.stringify({ledger: ledger.dir, batches: rows})}\n`);
      return 0;
    }
    if (!rows.length) {
      io.stdout(`no batches in ${ledger.dir}\n`);
      return 0;
    }
    const head = ["batch", "endpoint", "model", "round", "status", "requests", "done", "failed", "expected", "charged", "submitted"];
    const body = rows.map((r) => [
      r.batch_id ?? `(${r.submission.slice(0, 8)})`, r.endpoint, r.model, r.round, r.status, String(r.requests), r.completed === null ? "?" : String(r.completed),
      r.failed === null ? "?" : String(r.failed), usd(r.expected_usd), usd(r.charged_usd), r.submitted_at.slice(0, 19).replace("T", " ")
    ]);
    io.stdout(`${textTable(head, body, {labels: 5, rule: false})}\n`);
    const notes = rows.filter((r) => r.notes.length);
    for (const r of notes) io.stdout(`${r.batch_id ?? r.submission}: ${r.notes.join("; ")}\n`);
    io.stdout(`\nexpected = upper bound at batch prices (every answer at max_tokens); charged = recorded tokens at batch prices; "?" = unknown or unpriced.\n`);
    return 0;
  }
};

export default command;
