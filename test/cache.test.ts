/**
 * The response cache: what the key covers, the append-only log's crash safety (torn and damaged
 * records are skipped, nothing else is lost), concurrent writers, and `medhelm cache explain`.
 */
import {spawnSync} from "node:child_process";
import {appendFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {
  cacheHealth, cacheKey, canonicalJson, fileCache, keyText, segmentsDir, summarizeFields, type CacheEntry, type CacheKeyFields
} from "../data-loaders/cache/cache.ts";
import {diffSummaries} from "../data-loaders/cache/cache-explain.ts";
import type {CommandIO} from "../data-loaders/cli/command.ts";
import cacheCommand from "../data-loaders/cli/commands/cache.ts";
import {loadConfig} from "../data-loaders/runner/config.ts";
import {resolveModel} from "../data-loaders/runner/resolve-models.ts";
import {loadRegistry, selectBenchmarks} from "../data-loaders/benchmark/registry.ts";
import {answerRequest, evaluatedInstances, keyFields} from "../data-loaders/runner/run.ts";

const fields: CacheKeyFields = {
  endpoint: "http://127.0.0.1:8000/v1", model: "local/m", messages: [{role: "user", content: "Question?\nA. yes\nB. no\nAnswer:"}],
  maxTokens: 1, temperature: 0, stop: ["\n"], json: false, purpose: null
};
const entry = (f: CacheKeyFields, text = "A"): CacheEntry => ({
  key: cacheKey(f), fields: f, label: {benchmark: "b", instance: "i1", model: f.model}, text, inputTokens: 12, outputTokens: 1,
  finishReason: "stop", latencyMs: 3, storedAt: "2025-01-01T00:00:00.000Z"
});
const tmp = (name: string) => mkdtempSync(join(tmpdir(), `medhelm-${name}-`));
const segments = (dir: string) => readdirSync(segmentsDir(dir)).map((f) => join(segmentsDir(dir), f));

describe("cache key", () => {
  it("changes with every request field and with nothing else", () => {
    const base = cacheKey(fields);
    const changed: Partial<CacheKeyFields>[] = [
      {endpoint: "http://127.0.0.1:8001/v1"}, {model: "local/other"}, {messages: [{role: "user", content: "Question?"}]},
      {messages: [{role: "system", content: fields.messages[0].content}]}, {maxTokens: 2}, {temperature: 0.7}, {stop: []}, {json: true}, {purpose: "jury-v1"}
    ];
    const keys = changed.map((c) => cacheKey({...fields, ...c}));
    expect(new Set([base, ...keys]).size).toBe(changed.length + 1);
    // A fresh but equal request (new objects, same content) has the same key.
    expect(cacheKey(JSON.parse(JSON.stringify(fields)))).toBe(base);
  });

  it("is the SHA-256 of the canonical JSON of the key summary, whichever path computes it", () => {
    const summary = summarizeFields(fields);
    expect(keyText(summary)).toBe(canonicalJson(summary));
    const odd = {...summary, stop: ["\"quoted\"", "é"], endpoint: "http://x/v1?a=\"1\"", purpose: "jury-v2", temperature: 0.25};
    expect(keyText(odd)).toBe(canonicalJson(odd));
    expect(keyText(summary)).toContain(`"sha256":"${summary.messages[0].sha256}"`);
    expect(keyText(summary)).not.toContain("Question?");
  });
});

describe("segment log", () => {
  it("stores, reopens and replays entries, keeping only digests of the prompt", () => {
    const dir = tmp("cache");
    const cache = fileCache(dir);
    cache.put(entry(fields, "A"));
    cache.put(entry({...fields, maxTokens: 5}, "B"));
    expect(cache.get(cacheKey(fields))?.text).toBe("A");
    cache.close();
    const reopened = fileCache(dir);
    expect(reopened.health).toMatchObject({segments: 1, records: 2, entries: 2, torn: 0, corrupt: 0});
    expect(reopened.get(cacheKey({...fields, maxTokens: 5}))).toMatchObject({text: "B", inputTokens: 12, label: {instance: "i1"}});
    expect(reopened.get(cacheKey({...fields, maxTokens: 6}))).toBeUndefined();
    reopened.close();
    expect(readFileSync(segments(dir)[0], "utf8")).not.toContain("Question?");
  });

  it("skips a torn last record and keeps every complete one", () => {
    const dir = tmp("torn");
    const cache = fileCache(dir);
    cache.put(entry(fields));
    cache.close();
    const [segment] = segments(dir);
    const second = entry({...fields, temperature: 1});
    // A record cut short by a kill: the header and half of the JSON, no newline.
    appendFileSync(segment, `${second.key} 0badc0de {"text":"B","inputTo`);
    const reopened = fileCache(dir);
    expect(reopened.health).toMatchObject({records: 1, torn: 1, corrupt: 0});
    expect(reopened.get(cacheKey(fields))?.text).toBe("A");
    expect(reopened.get(second.key)).toBeUndefined();
    // New records go to a new segment, so the torn tail never sits in the middle of a file.
    reopened.put(second);
    reopened.close();
    expect(segments(dir)).toHaveLength(2);
    const again = fileCache(dir);
    expect(again.get(second.key)?.text).toBe("A");
    expect(again.health.torn).toBe(1);
    again.close();
  });

  it("skips a damaged record (bad checksum) without losing its neighbours", () => {
    const dir = tmp("damaged");
    const cache = fileCache(dir);
    const keys = [1, 2, 3].map((n) => {
      const e = entry({...fields, maxTokens: n}, `answer ${n}`);
      cache.put(e);
      return e.key;
    });
    cache.close();
    const [segment] = segments(dir);
    const lines = readFileSync(segment, "utf8").split("\n");
    lines[1] = lines[1].replace("answer 2", "answer X");
    writeFileSync(segment, lines.join("\n"));
    const reopened = fileCache(dir);
    expect(reopened.health).toMatchObject({records: 2, corrupt: 1, torn: 0});
    expect(reopened.get(keys[0])?.text).toBe("answer 1");
    expect(reopened.get(keys[1])).toBeUndefined();
    expect(reopened.get(keys[2])?.text).toBe("answer 3");
    reopened.close();
    expect(cacheHealth(dir).corrupt).toBe(1);
  });

  it("keeps concurrent writers apart: each writes its own segment and a reader sees both", () => {
    const dir = tmp("writers");
    const a = fileCache(dir);
    const b = fileCache(dir);
    for (let i = 0; i < 50; i++) {
      a.put(entry({...fields, maxTokens: i + 1}, `a${i}`));
      b.put(entry({...fields, maxTokens: 1000 + i}, `b${i}`));
    }
    a.close();
    b.close();
    expect(segments(dir)).toHaveLength(2);
    const reader = fileCache(dir);
    expect(reader.health).toMatchObject({entries: 100, torn: 0, corrupt: 0});
    expect(reader.get(cacheKey({...fields, maxTokens: 1049}))?.text).toBe("b49");
    reader.close();
  });

  it("keeps every record stored before a SIGKILL (no close, no flush)", () => {
    const dir = tmp("sigkill");
    const script = `
      import {fileCache, cacheKey} from ${JSON.stringify(new URL("../data-loaders/cache/cache.ts", import.meta.url).href)};
      const cache = fileCache(${JSON.stringify(dir)});
      const fields = ${JSON.stringify(fields)};
      for (let i = 0; i < 200; i++) {
        const f = {...fields, maxTokens: i + 1};
        cache.put({key: cacheKey(f), fields: f, text: "t" + i, inputTokens: 1, outputTokens: 1, finishReason: "stop", latencyMs: 1, storedAt: "x"});
      }
      process.kill(process.pid, "SIGKILL");`;
    const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {encoding: "utf8"});
    expect(child.signal).toBe("SIGKILL");
    const reopened = fileCache(dir);
    expect(reopened.health).toMatchObject({entries: 200, torn: 0, corrupt: 0});
    expect(reopened.get(cacheKey({...fields, maxTokens: 200}))?.text).toBe("t199");
    reopened.close();
  });
});

describe("cache explain", () => {
  it("lists the key fields that differ from a stored entry", () => {
    const stored = summarizeFields(fields);
    const now = summarizeFields({...fields, maxTokens: 4, messages: [{role: "user", content: "Other"}]});
    expect(diffSummaries(now, stored).map((d) => d.field)).toEqual(["maxTokens", "messages[0]"]);
    expect(diffSummaries(stored, stored)).toEqual([]);
  });

  it("says hit for a cached answer, and for a miss names the changed endpoint", async () => {
    const dir = tmp("explain");
    const [pubmed] = selectBenchmarks(await loadRegistry(), ["pubmed_qa"]);
    const [instance] = (await evaluatedInstances(pubmed, {dataDir: "data", seed: 0, maxEvalInstances: 1000, limit: 1}))!;
    const envA = {OPENAI_BASE_URL: "http://127.0.0.1:9/v1", OPENAI_API_KEY: "sk-explain-test"};
    const model = resolveModel("openai/some-model", loadConfig({cwd: dir, env: envA}));
    const cache = fileCache(join(dir, "cache"));
    const f = keyFields(model, answerRequest(pubmed, instance), null);
    cache.put({...entry(f), label: {benchmark: "pubmed_qa", instance: instance.id, model: model.id}});
    cache.close();
    const explain = async (env: Record<string, string>) => {
      let out = "";
      const io: CommandIO = {stdout: (t) => void (out += t), stderr: () => {}, cwd: dir, env, isTTY: false};
      const code = await cacheCommand.run(["explain", "--benchmark", "pubmed_qa", "--instance", instance.id, "--model", "openai/some-model", "--cache", "cache", "--format", "json"], io);
      expect(code).toBe(0);
      return JSON.parse(out);
    };
    const hit = await explain(envA);
    expect(hit).toMatchObject({hit: true, key: cacheKey(f)});
    const miss = await explain({...envA, OPENAI_BASE_URL: "http://localhost:9/v1"});
    expect(miss.hit).toBe(false);
    expect(miss.nearest[0].differences).toEqual([{field: "endpoint", stored: "\"http://127.0.0.1:9/v1\"", current: "\"http://localhost:9/v1\""}]);
    // The key text names the endpoint and model but never the API key.
    expect(miss.key_text).not.toContain("sk-explain-test");
  });
});
