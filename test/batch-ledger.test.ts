import {appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, describe, expect, it} from "vitest";
import {loadConfig} from "../data-loaders/runner/config.ts";
import {batchSetting} from "../data-loaders/runner/batch-mode.ts";
import {foldLedger, inFlight, openLedger, parseLedger, unresolved, type LedgerRecord} from "../data-loaders/runner/batch-ledger.ts";

const dir = mkdtempSync(join(tmpdir(), "medhelm-ledger-"));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

const at = "2026-01-01T00:00:00.000Z";
const submitted = (submission: string, keys: string[]): LedgerRecord => ({
  type: "submitted", submission, endpoint: "openai", baseURL: "https://api.example/v1", model: "openai/m", round: "answers", inputFileId: `file-${submission}`, keys, expectedUsd: 0.5, at
});

describe("the batch ledger", () => {
  it("folds a submission, its batch id, status changes and the download into one batch", () => {
    const [b] = foldLedger([
      submitted("s1", ["k1", "k2"]),
      {type: "created", submission: "s1", batchId: "batch_1", at},
      {type: "status", batchId: "batch_1", status: "in_progress", counts: {total: 2, completed: 1, failed: 0}, at}
    ]);
    expect(b).toMatchObject({batchId: "batch_1", status: "in_progress", counts: {completed: 1}, keys: ["k1", "k2"], downloaded: null});
    expect(inFlight(b)).toBe(true);
    const [done] = foldLedger([
      submitted("s1", ["k1"]),
      {type: "created", submission: "s1", batchId: "batch_1", at},
      {type: "downloaded", batchId: "batch_1", status: "expired", counts: {total: 1, completed: 0, failed: 1}, output: null, errors: "batch_1.errors.jsonl", results: {ok: 0, failed: 1, missing: 0}, chargedUsd: 0, anomalies: [], at}
    ]);
    expect(done.status).toBe("expired");
    expect(inFlight(done)).toBe(false);
  });

  it("tells a submission without a batch id (unresolved) from one given up (abandoned)", () => {
    const [open, gone] = foldLedger([submitted("s1", ["k1"]), submitted("s2", ["k2"]), {type: "abandoned", submission: "s2", reason: "creation failed: HTTP 400", at}]);
    expect(unresolved(open)).toBe(true);
    expect(inFlight(open)).toBe(false);
    expect(unresolved(gone)).toBe(false);
    expect(gone.abandoned).toBe("creation failed: HTTP 400");
  });

  it("skips a torn last line, as a kill mid-write leaves it, and keeps every whole record", () => {
    const text = `${JSON.stringify(submitted("s1", ["k1"]))}\n${JSON.stringify({type: "created", submission: "s1", batchId: "b", at})}\n{"type":"status","batchId":"b","sta`;
    const {records, skipped} = parseLedger(text);
    expect(records.map((r) => r.type)).toEqual(["submitted", "created"]);
    expect(skipped).toBe(1);
  });

  it("appends records durably and saves result files whole, next to the cache", () => {
    const ledger = openLedger(join(dir, "cache"));
    ledger.append(submitted("s1", ["k1"]));
    ledger.append({type: "created", submission: "s1", batchId: "batch_9", at});
    expect(ledger.dir).toBe(join(dir, "cache", "batches"));
    expect(ledger.batches()).toHaveLength(1);
    expect(ledger.batches()[0].batchId).toBe("batch_9");
    // A torn tail written by a killed process does not hide what came before it.
    appendFileSync(join(ledger.dir, "ledger.jsonl"), '{"type":"sta');
    expect(ledger.batches()[0].batchId).toBe("batch_9");
    expect(ledger.save("batch_9.output.jsonl", "line\n")).toBe("batch_9.output.jsonl");
    expect(readFileSync(join(ledger.dir, "batch_9.output.jsonl"), "utf8")).toBe("line\n");
    expect(ledger.read("batch_9.output.jsonl")).toBe("line\n");
    expect(ledger.read("missing.jsonl")).toBeNull();
  });
});

describe("the batch setting of an endpoint", () => {
  const configIn = (endpoints: unknown) => {
    const project = mkdtempSync(join(dir, "config-"));
    writeFileSync(join(project, "medhelm.config.json"), JSON.stringify({endpoints}));
    return () => loadConfig({cwd: project, env: {}});
  };

  it("reads true, false and \"prefer\", and names the endpoint when the value is anything else", () => {
    const config = configIn({a: {baseURL: "http://a/v1", batch: true}, b: {baseURL: "http://b/v1", batch: "prefer"}, c: {baseURL: "http://c/v1"}})();
    expect(config.endpoints.map((e) => e.batch)).toEqual([true, "prefer", undefined]);
    expect(configIn({x: {baseURL: "http://x/v1", batch: "yes"}})).toThrow('endpoints.x.batch must be true, false or "prefer", got "yes"');
  });

  it("lets --batch turn batches on everywhere while an endpoint that prefers them keeps its fallback", () => {
    const endpoint = (batch?: boolean | "prefer") => ({name: "e", baseURL: "http://e/v1", apiKey: undefined, concurrency: 1, timeoutMs: 1, maxRetries: 0, jsonMode: true, batch});
    expect(batchSetting(endpoint(), true)).toBe(true);
    expect(batchSetting(endpoint(false), true)).toBe(true);
    expect(batchSetting(endpoint("prefer"), true)).toBe("prefer");
    expect(batchSetting(endpoint(), undefined)).toBe(false);
    expect(batchSetting(endpoint(true), undefined)).toBe(true);
  });
});
