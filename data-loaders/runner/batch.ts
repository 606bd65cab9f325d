/**
 * Batch mode: a run's uncached requests go through the provider's batch API (OpenAI's Batch API
 * and the providers that copy its shape) at batch prices instead of one synchronous call each.
 *
 * A round (the answers, then the judges' verdicts) writes one JSONL file per model (a batch
 * carries one model's requests, as OpenAI requires), uploads it (`POST /files`, purpose `batch`,
 * multipart), records the submission with its cache keys in the ledger (batch-ledger.ts), creates
 * the batch (`POST /batches`, window 24 h) and records its id, then polls every batch of the round
 * with backoff until each ends. The output and error files are saved beside the ledger, every
 * answer is stored in the response cache at once (marked as billed at the batch price), and the
 * round's answers and failures are handed to the runner (`Deliveries`), which scores, judges and
 * writes them exactly as synchronous answers.
 *
 * Never paying twice: a request covered by a batch still in flight (a previous run was killed, or
 * stopped on purpose while waiting) is never sent again; the run waits for that batch instead. A
 * request answered by a batch whose result was saved but not yet cached is taken from the saved
 * file. A submission recorded without a batch id (killed between upload and creation) is looked up
 * at the provider by the id it carries in its metadata before anything is sent.
 */
import {randomUUID} from "node:crypto";
import OpenAI, {toFile} from "openai";
import type {Batch} from "openai/resources/batches";
import type {ResponseCache} from "../cache/cache.ts";
import type {TokenCounter} from "../cost/costs.ts";
import {chatCompletionBody, publicUrl, sdkClient, type Endpoint} from "../models/openai.ts";
import {batchRates, costUsd, type Price} from "../cost/prices.ts";
import type {Deliveries, Delivered} from "./run.ts";
import type {Model} from "../benchmark/types.ts";
import {inFlight, unresolved, type BatchCounts, type BatchRound, type Ledger, type LedgerBatch} from "./batch-ledger.ts";
import type {PlannedRequest} from "./batch-plan.ts";
import {readResultFile, type BatchResults} from "./batch-results.ts";

/** OpenAI's limits per batch: 50,000 requests and a 200 MB input file (kept under, with room). */
export const MAX_BATCH_REQUESTS = 50_000;
export const MAX_BATCH_BYTES = 190 * 1024 * 1024;

/** States after which a batch changes no more. */
const TERMINAL = new Set(["completed", "failed", "expired", "cancelled"]);

/** How often batches are polled: from `initialMs`, growing by half each time, up to `maxMs`. */
export interface PollPolicy {
  initialMs: number;
  maxMs: number;
}

/** Two seconds at first, then up to a minute: a batch takes minutes to hours. */
export const defaultPoll: PollPolicy = {initialMs: 2000, maxMs: 60_000};

/** What a waiting round reports after each poll, one entry per batch still running. */
export interface BatchWait {
  batchId: string;
  model: string;
  round: BatchRound;
  status: string;
  counts: BatchCounts | null;
  /** Since the batch was submitted. */
  waitedMs: number;
}

/** What batch mode needs. */
export interface BatchContext {
  /** The configured endpoints (their keys stay in these objects). */
  endpoints: Endpoint[];
  cache: ResponseCache;
  ledger: Ledger;
  log: (message: string) => void;
  /** Called after each poll with the batches still running. */
  onWait?: (waiting: BatchWait[]) => void;
  priceOf: (modelId: string) => Price | null;
  /** Counts prompt tokens for a batch's expected cost (loaded on first use: a tokenizer is megabytes). */
  count: () => Promise<TokenCounter>;
  poll?: PollPolicy;
  /** Waits; injectable so tests need not sleep. */
  sleep?: (ms: number) => Promise<void>;
}

/** The answers and failures batches delivered to this run, for the runner (`RunPlan.delivered`). */
export class BatchDeliveries implements Deliveries {
  private readonly answers = new Map<string, Delivered>();

  /** Records a request's result (a success is not replaced by a later failure). */
  set(key: string, delivered: Delivered): void {
    const known = this.answers.get(key);
    if (known && !("error" in known)) return;
    this.answers.set(key, delivered);
  }

  take(key: string): Delivered | undefined {
    const delivered = this.answers.get(key);
    if (delivered && !("error" in delivered)) this.answers.delete(key);
    return delivered;
  }

  /** Results delivered and not yet taken. */
  get size(): number {
    return this.answers.size;
  }
}

/** The endpoint name of a model id (`<endpoint>/<name>`). */
export const endpointNameOf = (modelId: string) => modelId.slice(0, modelId.indexOf("/"));

/** The model name an endpoint knows (`<endpoint>/<name>` without the prefix). */
const modelNameOf = (modelId: string) => modelId.slice(modelId.indexOf("/") + 1);

const clients = new WeakMap<Endpoint, OpenAI>();

/**
 * The SDK client batch work uses for an endpoint: the SDK's own fetch (which sends the multipart
 * upload) and its own retries of transient failures, since these few requests bypass the scheduler.
 */
export function batchClient(endpoint: Endpoint): OpenAI {
  let client = clients.get(endpoint);
  if (!client) clients.set(endpoint, (client = sdkClient(endpoint, {maxRetries: 4})));
  return client;
}

/** The path batch lines and the batch name: Azure OpenAI's batch API omits the `/v1`. */
const chatPath = (endpoint: Endpoint) => (endpoint.azureApiVersion ? "/chat/completions" : "/v1/chat/completions");

/** A short description of an SDK error. */
function describe(error: unknown): string {
  const e = error as {status?: number; message?: string};
  return `${typeof e?.status === "number" ? `HTTP ${e.status}: ` : ""}${e?.message ?? String(error)}`.slice(0, 500);
}

/** Whether an error says the route does not exist (the provider has no batch API). */
const absent = (error: unknown) => [404, 405].includes((error as {status?: number})?.status ?? 0);

/**
 * Asks whether an endpoint serves the batch API (`GET /batches`). Resolves to null when it does,
 * or to the reason it does not (404 or 405); other failures (unreachable, bad key) throw.
 */
export async function probeBatchApi(endpoint: Endpoint): Promise<string | null> {
  try {
    await batchClient(endpoint).batches.list({limit: 1});
    return null;
  } catch (error) {
    if (absent(error)) return `${describe(error)} on GET ${publicUrl(endpoint.baseURL)}/batches`;
    throw new Error(`cannot reach the batch API of endpoint ${endpoint.name} (${publicUrl(endpoint.baseURL)}): ${describe(error)}`);
  }
}

/**
 * A model whose requests must come from a batch: asked to call, it refuses instead of making a
 * synchronous request. The runner only asks for what no batch delivered, which the planner and
 * the runner agree never happens; if it does, the row says so rather than paying full price.
 */
export function batchOnly(model: Model): Model {
  return {
    ...model,
    generate: async () => {
      throw new Error(`not sent: ${model.id} runs in batch mode and no batch of this run carried this request (its answer was not available when the round was sent); run the same command again to send it`);
    }
  };
}

const usd = (v: number | null) => (v === null ? "unpriced" : `$${v.toFixed(4)}`);

/** Upper bound of a set of requests' cost at the model's batch price: prompts counted, every answer at max_tokens. */
function expectedUsd(requests: readonly PlannedRequest[], price: Price | null, count: TokenCounter): number | null {
  if (!price) return null;
  let input = 0;
  let output = 0;
  for (const r of requests) {
    for (const m of r.request.messages) input += count(m.content);
    output += r.request.maxTokens;
  }
  return costUsd({inputTokens: input, outputTokens: output}, batchRates(price));
}

/** Splits a model's requests into files within the provider's limits. */
function chunks(lines: {request: PlannedRequest; line: string}[]): {request: PlannedRequest; line: string}[][] {
  const out: {request: PlannedRequest; line: string}[][] = [];
  let current: {request: PlannedRequest; line: string}[] = [];
  let bytes = 0;
  for (const l of lines) {
    const size = Buffer.byteLength(l.line) + 1;
    if (current.length && (current.length >= MAX_BATCH_REQUESTS || bytes + size > MAX_BATCH_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(l);
    bytes += size;
  }
  if (current.length) out.push(current);
  return out;
}

/** Runs batch rounds against the ledger and the providers. */
export class BatchRunner {
  readonly deliveries = new BatchDeliveries();
  private readonly poll: PollPolicy;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly ctx: BatchContext) {
    this.poll = ctx.poll ?? defaultPoll;
    this.sleep = ctx.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  private endpoint(name: string): Endpoint {
    const endpoint = this.ctx.endpoints.find((e) => e.name === name);
    if (!endpoint) throw new Error(`batch mode: endpoint ${name} is not configured`);
    return endpoint;
  }

  /**
   * Sends one round's requests and waits for every batch that carries any of them; afterwards each
   * request has a delivered answer or failure. Requests already in flight are waited for, never sent.
   */
  async round(round: BatchRound, requests: PlannedRequest[]): Promise<void> {
    if (!requests.length) return;
    const needed = new Map(requests.map((r) => [r.key, r]));
    await this.resolveSubmissions(new Set(requests.map((r) => endpointNameOf(r.model.id))));
    const batches = this.ctx.ledger.batches().filter((b) => b.abandoned === null);
    const covering = new Map<string, LedgerBatch[]>();
    for (const b of batches) for (const key of b.keys) if (needed.get(key)?.model.id === b.model) (covering.get(key) ?? covering.set(key, []).get(key)!).push(b);

    // Answers a batch delivered but a killed run did not store: taken from the saved files.
    const harvested = new Set<string>();
    for (const b of batches.filter((x) => x.downloaded && x.keys.some((k) => covering.get(k)?.includes(x)))) {
      for (const key of this.deliver(b, this.savedResults(b), needed, {onlyAnswers: true})) harvested.add(key);
    }
    const waitFor = new Set<LedgerBatch>();
    const fresh: PlannedRequest[] = [];
    for (const r of requests) {
      // An unsettled submission may still be in flight (its failure is delivered): never sent again here.
      if (harvested.has(r.key) || covering.get(r.key)?.some(unresolved)) continue;
      const pending = covering.get(r.key)?.find(inFlight);
      if (pending) waitFor.add(pending);
      else fresh.push(r);
    }
    for (const b of waitFor) this.ctx.log(`batch ${b.batchId} (${b.model}, ${b.round}) submitted ${b.submittedAt} is still in flight: waiting for it instead of sending its ${b.keys.length} request(s) again`);

    const byModel = new Map<string, PlannedRequest[]>();
    for (const r of fresh) (byModel.get(r.model.id) ?? byModel.set(r.model.id, []).get(r.model.id)!).push(r);
    for (const [modelId, list] of byModel) for (const b of await this.submit(round, modelId, list)) waitFor.add(b);
    await this.wait([...waitFor], needed);
  }

  /** Uploads and creates the batches of one model's requests; returns those created. */
  private async submit(round: BatchRound, modelId: string, requests: PlannedRequest[]): Promise<LedgerBatch[]> {
    const endpoint = this.endpoint(endpointNameOf(modelId));
    const client = batchClient(endpoint);
    const url = chatPath(endpoint);
    const name = modelNameOf(modelId);
    const lines = requests.map((request) => ({request, line: JSON.stringify({custom_id: request.key, method: "POST", url, body: chatCompletionBody(endpoint, name, request.request)})}));
    const created: LedgerBatch[] = [];
    for (const chunk of chunks(lines)) {
      const keys = chunk.map((c) => c.request.key);
      const fail = (reason: string) => {
        for (const c of chunk) this.deliveries.set(c.request.key, {error: reason});
      };
      let fileId: string;
      try {
        const file = await client.files.create({file: await toFile(Buffer.from(`${chunk.map((c) => c.line).join("\n")}\n`), `medhelm-${round}-${name.replace(/[^\w.-]+/g, "_")}.jsonl`, {type: "application/jsonl"}), purpose: "batch"});
        fileId = file.id;
      } catch (error) {
        fail(`batch upload to ${endpoint.name} failed: ${describe(error)}`);
        this.ctx.log(`batch upload of ${chunk.length} ${round} request(s) for ${modelId} failed: ${describe(error)}`);
        continue;
      }
      const submission = randomUUID();
      const expected = expectedUsd(chunk.map((c) => c.request), this.ctx.priceOf(modelId), await this.ctx.count());
      // Recorded before the batch exists: from here on a rerun can find it rather than pay again.
      this.ctx.ledger.append({type: "submitted", submission, endpoint: endpoint.name, baseURL: publicUrl(endpoint.baseURL), model: modelId, round, inputFileId: fileId, keys, expectedUsd: expected, at: new Date().toISOString()});
      let batch: Batch;
      try {
        batch = await client.batches.create({
          input_file_id: fileId, endpoint: url as "/v1/chat/completions", completion_window: "24h",
          metadata: {medhelm_submission: submission, medhelm_round: round, medhelm_model: modelId.slice(0, 512)}
        });
      } catch (error) {
        this.ctx.ledger.append({type: "abandoned", submission, reason: `creation failed: ${describe(error)}`, at: new Date().toISOString()});
        fail(`batch creation on ${endpoint.name} failed: ${describe(error)}`);
        this.ctx.log(`creating the batch of ${chunk.length} ${round} request(s) for ${modelId} failed: ${describe(error)}`);
        continue;
      }
      this.ctx.ledger.append({type: "created", submission, batchId: batch.id, at: new Date().toISOString()});
      this.ctx.log(`batch ${batch.id} created: ${chunk.length} ${round} request(s) for ${modelId}, expected at most ${usd(expected)} at batch prices`);
      const recorded = this.ctx.ledger.batches().find((b) => b.submission === submission);
      if (recorded) created.push(recorded);
    }
    return created;
  }

  /**
   * Settles submissions recorded without a batch id on the given endpoints: the provider's batch
   * carrying the submission's id in its metadata (or made from its file) is adopted; when there
   * is none, the submission never became a batch and is marked abandoned.
   */
  async resolveSubmissions(endpointNames: ReadonlySet<string>): Promise<void> {
    const open = this.ctx.ledger.batches().filter((b) => unresolved(b) && endpointNames.has(b.endpoint));
    if (!open.length) return;
    const byEndpoint = new Map<string, LedgerBatch[]>();
    for (const b of open) (byEndpoint.get(b.endpoint) ?? byEndpoint.set(b.endpoint, []).get(b.endpoint)!).push(b);
    for (const [name, list] of byEndpoint) {
      const remaining = new Map(list.map((b) => [b.submission, b]));
      let seen = 0;
      try {
        for await (const remote of batchClient(this.endpoint(name)).batches.list({limit: 100})) {
          const match = remote.metadata?.medhelm_submission ? remaining.get(remote.metadata.medhelm_submission) : [...remaining.values()].find((b) => b.inputFileId === remote.input_file_id);
          if (match) {
            this.ctx.ledger.append({type: "created", submission: match.submission, batchId: remote.id, at: new Date().toISOString()});
            this.ctx.log(`batch ${remote.id} (${match.model}, ${match.round}) was created by a run that stopped before recording it: adopted`);
            remaining.delete(match.submission);
          }
          // Batches are listed newest first; a submission older than this many is long gone.
          if (!remaining.size || ++seen >= 2000) break;
        }
      } catch (error) {
        this.ctx.log(`cannot list the batches of endpoint ${name} to settle ${remaining.size} unfinished submission(s): ${describe(error)}; their requests are not sent again until they are settled`);
        // Unsettled, these requests may be in flight: fail them for this run rather than pay twice.
        for (const b of remaining.values()) for (const key of b.keys) this.deliveries.set(key, {error: `a previous submission of this request (${b.submission}) may still be in flight; it could not be checked: ${describe(error)}`});
        continue;
      }
      for (const b of remaining.values()) {
        this.ctx.ledger.append({type: "abandoned", submission: b.submission, reason: `no batch was created from file ${b.inputFileId} (the run stopped between upload and creation)`, at: new Date().toISOString()});
      }
    }
  }

  /** Polls batches with backoff until each has ended and its results are collected. */
  private async wait(batches: LedgerBatch[], needed: ReadonlyMap<string, PlannedRequest>): Promise<void> {
    let pending = batches.filter((b) => b.batchId !== null);
    if (!pending.length) return;
    // Ctrl-C while waiting is a way to come back tomorrow: the ledger already holds everything.
    const onInterrupt = () => {
      this.ctx.log(`stopped while ${pending.length} batch(es) run at the provider (${pending.map((b) => b.batchId).join(", ")}); run the same command again to collect them, nothing will be sent twice`);
      process.exit(130);
    };
    process.once("SIGINT", onInterrupt);
    try {
      await this.pollUntilEnded(pending, needed, (still) => (pending = still));
    } finally {
      process.off("SIGINT", onInterrupt);
    }
  }

  private async pollUntilEnded(pending: LedgerBatch[], needed: ReadonlyMap<string, PlannedRequest>, remaining: (still: LedgerBatch[]) => void): Promise<void> {
    let interval = this.poll.initialMs;
    const last = new Map<string, string>();
    while (pending.length) {
      const still: LedgerBatch[] = [];
      const waits: BatchWait[] = [];
      for (const b of pending) {
        const client = batchClient(this.endpoint(b.endpoint));
        let remote: Batch;
        try {
          remote = await client.batches.retrieve(b.batchId!);
        } catch (error) {
          if (absent(error)) {
            // The provider no longer knows the batch: nothing more will come of it.
            this.finish(b, {status: "lost", counts: b.counts ?? {total: b.keys.length, completed: 0, failed: 0}, output: null, errors: null}, [`the provider does not know batch ${b.batchId} (${describe(error)})`], needed);
            continue;
          }
          this.ctx.log(`polling batch ${b.batchId} failed (${describe(error)}); trying again`);
          still.push(b);
          continue;
        }
        const counts = {total: remote.request_counts?.total ?? b.keys.length, completed: remote.request_counts?.completed ?? 0, failed: remote.request_counts?.failed ?? 0};
        const state = `${remote.status} ${counts.completed} ${counts.failed}`;
        if (last.get(b.batchId!) !== state) {
          last.set(b.batchId!, state);
          this.ctx.ledger.append({type: "status", batchId: b.batchId!, status: remote.status, counts, at: new Date().toISOString()});
        }
        if (TERMINAL.has(remote.status)) await this.collect(b, remote, counts, needed);
        else {
          still.push(b);
          waits.push({batchId: b.batchId!, model: b.model, round: b.round, status: remote.status, counts, waitedMs: Date.now() - Date.parse(b.submittedAt)});
        }
      }
      pending = still;
      remaining(still);
      if (!pending.length) break;
      this.ctx.onWait?.(waits);
      await this.sleep(interval);
      interval = Math.min(this.poll.maxMs, Math.round(interval * 1.5));
    }
  }

  /** Downloads a file's text, trying a few times: a file can lag behind the batch's status. */
  private async download(endpoint: Endpoint, fileId: string): Promise<{text: string} | {error: string}> {
    let error: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        return {text: await (await batchClient(endpoint).files.content(fileId)).text()};
      } catch (e) {
        error = e;
        await this.sleep(this.poll.initialMs * 2 ** attempt);
      }
    }
    return {error: describe(error)};
  }

  /** Collects an ended batch: saves its files, stores its answers and delivers every needed request's result. */
  private async collect(b: LedgerBatch, remote: Batch, counts: BatchCounts, needed: ReadonlyMap<string, PlannedRequest>): Promise<void> {
    const endpoint = this.endpoint(b.endpoint);
    const anomalies: string[] = [];
    const files: {output: string | null; errors: string | null} = {output: null, errors: null};
    for (const [kind, fileId] of [["output", remote.output_file_id], ["errors", remote.error_file_id]] as const) {
      if (!fileId) continue;
      const got = await this.download(endpoint, fileId);
      if ("error" in got) anomalies.push(`the ${kind} file ${fileId} never arrived: ${got.error}`);
      else files[kind] = this.ctx.ledger.save(`${b.batchId}.${kind}.jsonl`, got.text);
    }
    if (!remote.output_file_id && counts.completed > 0) anomalies.push(`the batch reports ${counts.completed} completed request(s) but no output file`);
    if (remote.status === "failed") {
      const why = remote.errors?.data?.map((e) => `${e.code ? `${e.code}: ` : ""}${e.message ?? ""}${e.line ? ` (line ${e.line})` : ""}`).join("; ");
      anomalies.push(`the batch failed${why ? `: ${why}` : ""}`);
    }
    this.finish(b, {status: remote.status, counts, ...files}, anomalies, needed);
  }

  /** Records a batch's end in the ledger and delivers its results. */
  private finish(b: LedgerBatch, end: {status: string; counts: BatchCounts; output: string | null; errors: string | null}, anomalies: string[], needed: ReadonlyMap<string, PlannedRequest>): void {
    const results = this.savedResults({...b, downloaded: {type: "downloaded", batchId: b.batchId!, ...end, results: {ok: 0, failed: 0, missing: 0}, chargedUsd: null, anomalies: [], at: ""}});
    results.anomalies.unshift(...anomalies);
    let ok = 0;
    let failed = 0;
    let charged: number | null = 0;
    const price = this.ctx.priceOf(b.model);
    for (const result of results.results.values()) {
      if (!result.ok) {
        failed++;
        continue;
      }
      ok++;
      const g = result.generation;
      charged = charged === null || !price || g.inputTokens === null || g.outputTokens === null ? null : charged + costUsd({inputTokens: g.inputTokens, outputTokens: g.outputTokens}, batchRates(price));
    }
    const missing = b.keys.length - ok - failed;
    this.ctx.ledger.append({type: "downloaded", batchId: b.batchId!, ...end, results: {ok, failed, missing}, chargedUsd: charged, anomalies: results.anomalies, at: new Date().toISOString()});
    for (const a of results.anomalies) this.ctx.log(`batch ${b.batchId}: ${a}`);
    this.ctx.log(`batch ${b.batchId} (${b.model}, ${b.round}) ${end.status}: ${ok} answered, ${failed} failed, ${missing} without a result; charged ${usd(charged)}`);
    this.deliver({...b, status: end.status}, results, needed, {onlyAnswers: false});
  }

  /** The results in a batch's saved files (none when it has no saved files). */
  private savedResults(b: LedgerBatch): BatchResults {
    const into: BatchResults = {results: new Map(), anomalies: []};
    const known = new Set(b.keys);
    if (b.downloaded?.output) {
      const text = this.ctx.ledger.read(b.downloaded.output);
      if (text === null) into.anomalies.push(`the saved output file ${b.downloaded.output} is gone`);
      else readResultFile(text, "output", known, into);
    }
    if (b.downloaded?.errors) {
      const text = this.ctx.ledger.read(b.downloaded.errors);
      if (text !== null) readResultFile(text, "error", known, into);
    }
    return into;
  }

  /**
   * Stores a batch's answers to the requests this run needs in the cache and delivers them; with
   * `onlyAnswers` false, its failures and the requests it left without a result are delivered
   * as failures with the reason. Returns the keys delivered.
   */
  private deliver(b: LedgerBatch, found: BatchResults, needed: ReadonlyMap<string, PlannedRequest>, {onlyAnswers}: {onlyAnswers: boolean}): string[] {
    const price = this.ctx.priceOf(b.model);
    const delivered: string[] = [];
    const storedAt = new Date().toISOString();
    const why = found.anomalies.length ? ` (${found.anomalies.slice(0, 3).join("; ")}${found.anomalies.length > 3 ? `; ${found.anomalies.length - 3} more` : ""})` : "";
    for (const key of b.keys) {
      const request = needed.get(key);
      if (!request || request.model.id !== b.model) continue;
      const result = found.results.get(key);
      if (result?.ok) {
        const g = result.generation;
        if (!this.ctx.cache.has(key)) {
          this.ctx.cache.put({key, fields: request.fields, keyText: request.keyText, label: request.label, text: g.text, inputTokens: g.inputTokens, outputTokens: g.outputTokens, finishReason: g.finishReason, latencyMs: 0, storedAt, billing: "batch"});
        }
        const cost = price && g.inputTokens !== null && g.outputTokens !== null ? costUsd({inputTokens: g.inputTokens, outputTokens: g.outputTokens}, batchRates(price)) : null;
        this.deliveries.set(key, {generation: g, costUsd: cost});
        delivered.push(key);
      } else if (!onlyAnswers) {
        this.deliveries.set(key, {error: result ? `batch ${b.batchId} (${b.status}): ${result.error}` : `batch ${b.batchId} ended ${b.status} without a result for this request${why}`});
        delivered.push(key);
      }
    }
    return delivered;
  }
}
