/**
 * Batch mode for a configured run (`medhelm run --batch`, or `"batch"` on an endpoint): which
 * endpoints send their requests as batches, and the two rounds that run before the runner
 * (answers, then verdicts), whose results the runner takes as delivered answers.
 */
import type {ResponseCache} from "../cache/cache.ts";
import type {TokenCounter} from "../cost/costs.ts";
import type {Endpoint} from "../models/openai.ts";
import type {Price} from "../cost/prices.ts";
import type {ItemRef} from "./run.ts";
import type {Benchmark, Instance, Model} from "../benchmark/types.ts";
import {BatchRunner, batchOnly, endpointNameOf, probeBatchApi, type BatchDeliveries, type BatchWait, type PollPolicy} from "./batch.ts";
import {openLedger} from "./batch-ledger.ts";
import {answerRound, judgeRound} from "./batch-plan.ts";

/** How each endpoint sends requests in this run: `true` batches, `"prefer"` batches if it can, else synchronous. */
export function batchSetting(endpoint: Endpoint, flag: boolean | undefined): boolean | "prefer" {
  // `--batch` asks for batches everywhere; an endpoint that only prefers them keeps its fallback.
  if (flag) return endpoint.batch === "prefer" ? "prefer" : true;
  return endpoint.batch ?? false;
}

/**
 * The endpoints of `models` that send batches in this run. Each is asked whether it serves the
 * batch API first, so that a provider without one is an error before anything is sent (or, where
 * the user said `"prefer"`, a notice and synchronous calls).
 */
export async function batchedEndpoints(endpoints: Endpoint[], models: Model[], flag: boolean | undefined, log: (m: string) => void): Promise<Set<string>> {
  const used = new Set(models.filter((m) => m.kind !== "baseline").map((m) => endpointNameOf(m.id)));
  const batched = new Set<string>();
  for (const endpoint of endpoints.filter((e) => used.has(e.name))) {
    const setting = batchSetting(endpoint, flag);
    if (!setting) continue;
    const missing = await probeBatchApi(endpoint);
    if (missing === null) {
      batched.add(endpoint.name);
      continue;
    }
    if (setting === "prefer") {
      log(`endpoint ${endpoint.name} has no batch API (${missing}); its requests are sent one by one at list prices, as "batch": "prefer" allows`);
      continue;
    }
    throw new Error(
      `endpoint ${endpoint.name} has no batch API (${missing}). Run without --batch, or set "batch": "prefer" on endpoints.${endpoint.name} in medhelm.config.json to fall back to synchronous calls at list prices`
    );
  }
  return batched;
}

/** What the batch rounds of a run need. */
export interface BatchRoundsInput {
  benchmarks: {benchmark: Benchmark; instances: Instance[]}[];
  models: Model[];
  judges: Model[];
  seed: number;
  excludeSelfJudging: boolean;
  excludeSameVendorJudging: boolean;
  mayCall?: (item: ItemRef) => boolean;
  endpoints: Endpoint[];
  /** Endpoint names that send batches (from `batchedEndpoints`). */
  batched: ReadonlySet<string>;
  cache: ResponseCache;
  cacheDir: string;
  priceOf: (modelId: string) => Price | null;
  count: () => Promise<TokenCounter>;
  log: (m: string) => void;
  onWait?: (waiting: BatchWait[]) => void;
  poll?: PollPolicy;
}

/**
 * Runs the answer round, then the verdict round; returns what they delivered, for
 * `RunPlan.delivered`, and the models to give the runner (batched ones never call one by one).
 */
export async function runBatchRounds(input: BatchRoundsInput): Promise<{deliveries: BatchDeliveries; models: Model[]; judges: Model[]}> {
  const isBatched = (m: Model) => m.kind !== "baseline" && input.batched.has(endpointNameOf(m.id));
  const runner = new BatchRunner({
    endpoints: input.endpoints, cache: input.cache, ledger: openLedger(input.cacheDir), log: input.log, onWait: input.onWait,
    priceOf: input.priceOf, count: input.count, poll: input.poll
  });
  const plan = {...input, batched: isBatched};
  await runner.round("answers", answerRound(plan));
  await runner.round("judges", await judgeRound(plan));
  const wrap = (m: Model) => (isBatched(m) ? batchOnly(m) : m);
  return {deliveries: runner.deliveries, models: input.models.map(wrap), judges: input.judges.map(wrap)};
}
