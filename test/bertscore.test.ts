/**
 * BERTScore: greedy matching on hand-checkable vectors, the two token-embedding APIs against the
 * loopback server (a real HTTP process), the cache, and a `medhelm run` that scores an open-ended
 * benchmark with it.
 */
import {mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {BERTSCORE_UNAVAILABLE, bertScore, bertScorer, greedyMatch} from "../data-loaders/metrics/bertscore.ts";
import {fileCache} from "../data-loaders/cache/cache.ts";
import {loadConfig} from "../data-loaders/runner/config.ts";
import {connectEmbedder, tokenMatrix, type EmbeddingEndpoint} from "../data-loaders/models/embeddings.ts";
import type {Instance} from "../data-loaders/benchmark/types.ts";
import {query} from "./parquet-read.ts";
import {medhelm} from "./cli.ts";
import {startFakeOpenAI, type FakeServer} from "./server.ts";

const vectors = (...rows: number[][]) => rows.map((r) => Float32Array.from(r));
let server: FakeServer;
let dir: string;

beforeAll(async () => {
  server = await startFakeOpenAI({FAKE_EMBED_MODEL: "fake-bert-uncased"});
  dir = mkdtempSync(join(tmpdir(), "medhelm-bertscore-"));
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, {recursive: true, force: true});
});

const endpoint = (over: Partial<EmbeddingEndpoint> = {}): EmbeddingEndpoint => ({
  api: "tei", baseURL: server.root, model: null, concurrency: 2, timeoutMs: 5000, maxRetries: 2, keepSpecialTokens: false, batchSize: 32, ...over
});

describe("greedy matching", () => {
  it("gives precision 1/2, recall 1 and F1 2/3 when the answer adds one unrelated token", () => {
    const s = greedyMatch(vectors([1, 0], [0, 1]), vectors([1, 0]));
    expect(s.precision).toBeCloseTo(0.5, 12);
    expect(s.recall).toBeCloseTo(1, 12);
    expect(s.f1).toBeCloseTo(2 / 3, 12);
  });

  it("scores the cosine 1/sqrt(2) on both sides for a token halfway between two reference tokens", () => {
    const s = greedyMatch(vectors([3, 3]), vectors([2, 0], [0, 5]));
    expect(s.precision).toBeCloseTo(Math.SQRT1_2, 12);
    expect(s.recall).toBeCloseTo(Math.SQRT1_2, 12);
    expect(s.f1).toBeCloseTo(Math.SQRT1_2, 12);
  });

  it("is 1 for identical token vectors, whatever their length", () => {
    expect(greedyMatch(vectors([0.3, -2, 7], [1, 1, 1]), vectors([0.3, -2, 7], [1, 1, 1]))).toEqual({precision: 1, recall: 1, f1: 1});
  });

  it("is 0 for orthogonal tokens and for an empty side", () => {
    expect(greedyMatch(vectors([1, 0]), vectors([0, 1])).f1).toBe(0);
    expect(greedyMatch([], vectors([0, 1]))).toEqual({precision: 0, recall: 0, f1: 0});
  });

  it("refuses vectors of different sizes", () => {
    expect(() => greedyMatch(vectors([1, 0]), vectors([1, 0, 0]))).toThrow(/sizes differ: 2 vs 3/);
  });
});

describe("token matrices", () => {
  it("drops the first and last vector (the special tokens) unless asked to keep them", () => {
    expect(tokenMatrix([[9], [1], [2], [9]], 0, false).map((v) => v[0])).toEqual([1, 2]);
    expect(tokenMatrix([[9], [1], [9]], 0, true).map((v) => v[0])).toEqual([9, 1, 9]);
  });

  it("explains that one pooled vector per text cannot be used", () => {
    expect(() => tokenMatrix([0.1, 0.2], 3, false)).toThrow(/text 3: got one pooled vector.*--pooling none/);
  });

  it("names the token of a ragged matrix", () => {
    expect(() => tokenMatrix([[1, 2], [1]], 0, false)).toThrow(/token 1 is not a vector of 2 finite numbers/);
  });
});

describe("the metric", () => {
  const instance: Instance = {id: "i1", input: "note", gold: ["Chest pain resolved."]};

  it("is unscored with its reason when no embedder is configured", () => {
    for (const metric of bertScore()) expect(metric.score({output: "x", answer: "x", instance}, {helmCompat: false, resources: {}})).toEqual({value: null, reason: BERTSCORE_UNAVAILABLE});
  });

  it("reports precision, recall and F1 under HELM's three names, from one computation per answer", async () => {
    let calls = 0;
    const options = {helmCompat: false, resources: {}, bertScore: async () => (calls++, {precision: 0.5, recall: 1, f1: 2 / 3})};
    const values = [];
    for (const metric of bertScore()) values.push([metric.name, (await metric.score({output: "x", answer: "x", instance}, options)) as {value: number}]);
    expect(values).toEqual([["bertscore_precision", {value: 0.5}], ["bertscore_recall", {value: 1}], ["bertscore_f1", {value: 2 / 3}]]);
    expect(calls).toBe(3); // the scorer, not the metric, shares the work (next test)
  });

  it("computes a pair once when its three metrics ask in turn", async () => {
    let embedded = 0;
    const embedder = {model: "m", endpoint: "http://x", embed: async (texts: string[]) => (embedded += texts.length, texts.map(() => vectors([1, 0])))};
    const score = bertScorer(embedder);
    for (let i = 0; i < 3; i++) expect((await score("a", ["b"])).f1).toBe(1);
    expect(embedded).toBe(2); // the answer once and the reference once
  });

  it("is unscored when the instance has no gold text", async () => {
    const scored = await bertScore()[2].score({output: "x", answer: "x", instance: {...instance, gold: [" "]}}, {helmCompat: false, resources: {}, bertScore: async () => ({precision: 1, recall: 1, f1: 1})});
    expect(scored).toEqual({value: null, reason: "no gold reference to compare with"});
  });
});

describe("token-embedding servers", () => {
  it("asks text-embeddings-inference for its model and scores the gold answer 1 and an empty answer 0", async () => {
    const embedder = await connectEmbedder(endpoint());
    expect(embedder.model).toBe("fake-bert-uncased");
    const score = bertScorer(embedder);
    expect((await score("Chest pain resolved.", ["chest pain resolved"])).f1).toBeCloseTo(1, 12);
    expect(await score("   ", ["chest pain resolved"])).toEqual({precision: 0, recall: 0, f1: 0});
    const partial = await score("Chest pain and fever.", ["Chest pain resolved."]);
    expect(partial.f1).toBeGreaterThan(0);
    expect(partial.f1).toBeLessThan(1);
    // Two of the four answer tokens match exactly, and two of the three reference tokens.
    expect(partial.precision).toBeGreaterThan(0.5 - 1e-9);
    expect(partial.recall).toBeGreaterThan(2 / 3 - 1e-9);
  });

  it("takes the best of several references", async () => {
    const score = bertScorer(await connectEmbedder(endpoint({model: "named"})));
    expect((await score("no fever", ["fever persists overnight", "no fever"])).f1).toBeCloseTo(1, 12);
  });

  it("sends the texts asked for in the same tick in one request", async () => {
    const embedder = await connectEmbedder(endpoint({model: "m"}));
    const before = await server.stats();
    const texts = Array.from({length: 40}, (_, i) => `answer number ${i}`);
    const matrices = await embedder.embed(texts);
    const after = await server.stats();
    expect(matrices).toHaveLength(40);
    // "answer number <i>" is three words once [CLS] and [SEP] are dropped.
    expect(matrices.every((m) => m.length === 3 && m[0].length === 16)).toBe(true);
    expect(after.embedRequests - before.embedRequests).toBe(2); // batches of 32 and 8
    expect(after.embedTexts - before.embedTexts).toBe(40);
  });

  it("speaks llama.cpp's /embedding with --pooling none and discovers the model from /v1/models", async () => {
    const embedder = await connectEmbedder(endpoint({api: "llama.cpp"}));
    expect(embedder.model).toBe("test-model");
    expect((await bertScorer(embedder)("Fever resolved", ["fever resolved"])).f1).toBeCloseTo(1, 12);
  });

  it("rejects a llama.cpp server that pools, saying how to start it", async () => {
    const pooled = await startFakeOpenAI({FAKE_EMBED_POOLING: "mean"});
    try {
      const embedder = await connectEmbedder({...endpoint({api: "llama.cpp", model: "m"}), baseURL: pooled.root});
      await expect(embedder.embed(["fever"])).rejects.toThrow(/\/embedding: text 0: got one pooled vector.*--pooling none/);
    } finally {
      await pooled.stop();
    }
  });

  it("retries a 503 and gives up after the configured retries with the status in the message", async () => {
    const flaky = await startFakeOpenAI({FAKE_EMBED_FAIL: "4"});
    try {
      const retried = await connectEmbedder({...endpoint({model: "m", maxRetries: 2}), baseURL: flaky.root});
      // Three attempts: two 503s, then the third also fails (four failures were injected).
      await expect(retried.embed(["fever"])).rejects.toThrow(/HTTP 503.*gave up after 3 attempts/);
      // One failure left: the next call succeeds on its second attempt.
      await expect(retried.embed(["fever"])).resolves.toHaveLength(1);
      expect((await flaky.stats()).embedRequests).toBe(5);
    } finally {
      await flaky.stop();
    }
  });

  it("fails before the run when the server cannot name its model", async () => {
    await expect(connectEmbedder({...endpoint(), baseURL: `${server.root}/nowhere`})).rejects.toThrow(/cannot ask .*\/nowhere\/info for its model.*set bertscore.model/);
  });

  it("stores scores in the response cache, so a rerun embeds nothing", async () => {
    const cacheDir = mkdtempSync(join(dir, "cache-"));
    const first = fileCache(cacheDir);
    const value = await bertScorer(await connectEmbedder(endpoint({model: "m"})), first)("Fever and cough", ["cough"]);
    first.close();
    const before = (await server.stats()).embedRequests;
    const second = fileCache(cacheDir);
    expect(await bertScorer(await connectEmbedder(endpoint({model: "m"})), second)("Fever and cough", ["cough"])).toEqual(value);
    second.close();
    expect((await server.stats()).embedRequests).toBe(before);
  });
});

describe("configuration", () => {
  it("normalizes the bertscore section and reads the key from the named variable", () => {
    const cwd = mkdtempSync(join(dir, "cfg-"));
    writeFileSync(join(cwd, "medhelm.config.json"), JSON.stringify({bertscore: {api: "tei", baseURL: "http://127.0.0.1:8080", apiKeyEnv: "TEI_KEY"}}));
    const config = loadConfig({cwd, env: {TEI_KEY: "k"}});
    expect(config.bertscore).toEqual({api: "tei", baseURL: "http://127.0.0.1:8080", apiKey: "k", model: null, concurrency: 4, timeoutMs: 60000, maxRetries: 4, keepSpecialTokens: false, batchSize: 32});
  });

  it("names the bad field", () => {
    const cwd = mkdtempSync(join(dir, "cfg-"));
    writeFileSync(join(cwd, "medhelm.config.json"), JSON.stringify({bertscore: {api: "openai", baseURL: "http://x"}}));
    expect(() => loadConfig({cwd, env: {}})).toThrow(/medhelm.config.json: bertscore.api must be "tei" or "llama.cpp", got "openai"/);
  });
});

describe("a run with an embedding server", () => {
  it("records BERTScore P/R/F1 for every answer of an open-ended benchmark and the embedding model in the manifest", async () => {
    const project = mkdtempSync(join(dir, "run-"));
    writeFileSync(join(project, "medhelm.config.json"), JSON.stringify({bertscore: {api: "tei", baseURL: server.root}}));
    const args = ["run", "--benchmarks", "aci_bench", "--models", "baseline/lead", "--limit", "4", "--out", "out", "--cache", "cache", "--format", "json"];
    await medhelm(args, {cwd: project});
    const out = join(project, "out");
    const [scores, runs] = await query(
      `SELECT value, unscored_reason FROM '${join(out, "scores.parquet")}' WHERE metric LIKE 'bertscore_%'`,
      `SELECT config_json FROM '${join(out, "runs.parquet")}'`
    );
    expect(scores).toHaveLength(12);
    for (const s of scores) {
      expect(s.unscored_reason).toBeNull();
      expect(s.value as number).toBeGreaterThan(0);
      expect(s.value as number).toBeLessThan(1);
    }
    expect(JSON.parse(String(runs[0].config_json)).bertscore).toEqual({api: "tei", endpoint: server.root, model: "fake-bert-uncased", keepSpecialTokens: false});
  });
});

describe("a run whose embedding server fails", () => {
  it("records each answer's BERTScore as unscored with the server's error and keeps the other metrics", async () => {
    const failing = await startFakeOpenAI({FAKE_EMBED_FAIL: "1000"});
    try {
      const project = mkdtempSync(join(dir, "run-failing-"));
      writeFileSync(join(project, "medhelm.config.json"), JSON.stringify({bertscore: {api: "tei", baseURL: failing.root, model: "m", maxRetries: 0}}));
      const args = ["run", "--benchmarks", "aci_bench", "--models", "baseline/lead", "--limit", "3", "--out", "out", "--cache", "cache"];
      await medhelm(args, {cwd: project});
      const [rows] = await query(`SELECT metric, value, unscored_reason FROM '${join(project, "out", "scores.parquet")}' WHERE metric LIKE 'bertscore_%' OR metric = 'rouge_l'`);
      const bert = rows.filter((r) => String(r.metric).startsWith("bertscore_"));
      expect(bert).toHaveLength(9);
      for (const r of bert) {
        expect(r.value).toBeNull();
        expect(String(r.unscored_reason)).toMatch(new RegExp(`^${r.metric} failed: .*/embed_all: HTTP 503`));
      }
      expect(rows.filter((r) => r.metric === "rouge_l" && typeof r.value === "number")).toHaveLength(3);
    } finally {
      await failing.stop();
    }
  });
});
