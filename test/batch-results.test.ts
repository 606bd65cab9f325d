import {describe, expect, it} from "vitest";
import {readResultFile} from "../data-loaders/runner/batch-results.ts";
import {batchLine, batchWaitPrinter, LONG_WAIT_NOTICE} from "../data-loaders/runner/batch-progress.ts";

const answer = (id: string, content: string) =>
  JSON.stringify({id: `r-${id}`, custom_id: id, response: {status_code: 200, body: {choices: [{message: {content}, finish_reason: "stop"}], usage: {prompt_tokens: 12, completion_tokens: 3}}}, error: null});

describe("reading a batch's result files", () => {
  it("turns answers into generations with their token counts", () => {
    const {results, anomalies} = readResultFile(`${answer("a", "A")}\n`, "output", new Set(["a"]));
    expect(anomalies).toEqual([]);
    expect(results.get("a")).toEqual({ok: true, generation: {text: "A", inputTokens: 12, outputTokens: 3, latencyMs: 0, finishReason: "stop", cached: false}});
  });

  it("keeps the provider's words for failed requests: an error object or a non-200 response", () => {
    const text = [
      JSON.stringify({custom_id: "x", response: null, error: {code: "batch_expired", message: "This request could not be executed before the completion window expired."}}),
      JSON.stringify({custom_id: "y", response: {status_code: 400, body: {error: {message: "Unsupported parameter: 'max_tokens'"}}}, error: null}),
      JSON.stringify({custom_id: "z", response: {status_code: 200, body: {choices: []}}, error: null})
    ].join("\n");
    const {results} = readResultFile(text, "error", new Set(["x", "y", "z"]));
    expect(results.get("x")).toEqual({ok: false, error: "batch_expired: This request could not be executed before the completion window expired."});
    expect(results.get("y")).toEqual({ok: false, error: "HTTP 400: Unsupported parameter: 'max_tokens'"});
    expect(results.get("z")).toEqual({ok: false, error: "malformed response: no choices in the batch's answer"});
  });

  it("reports malformed lines, lines without a custom_id and unknown custom_ids without attributing them", () => {
    const text = [answer("a", "A").slice(0, 30), JSON.stringify({response: {status_code: 200}}), answer("stranger", "B"), "[1]", answer("b", "B")].join("\n");
    const {results, anomalies} = readResultFile(text, "output", new Set(["a", "b"]));
    expect([...results.keys()]).toEqual(["b"]);
    expect(anomalies).toEqual([
      expect.stringMatching(/^output file line 1: not JSON/),
      "output file line 2: no custom_id",
      "output file line 3: unknown custom_id stranger (not a request of this batch)",
      "output file line 4: not a JSON object"
    ]);
  });

  it("never replaces an answer by a later failure of the same request", () => {
    const into = readResultFile(answer("a", "A"), "output", new Set(["a"]));
    readResultFile(JSON.stringify({custom_id: "a", response: null, error: {code: "x", message: "late"}}), "error", new Set(["a"]), into);
    expect(into.results.get("a")?.ok).toBe(true);
  });
});

describe("the batch wait display", () => {
  const wait = (waitedMs: number, completed: number) => ({batchId: "batch_1", model: "openai/m", round: "answers" as const, status: "in_progress", counts: {total: 10, completed, failed: 1}, waitedMs});

  it("states each batch's state and counts", () => {
    expect(batchLine(wait(125_000, 4))).toBe("batch batch_1 openai/m (answers): in_progress, 4/10 done, 1 failed, waiting 2m05s");
  });

  it("prints a line when counts change and says once that a long wait is normal", () => {
    let out = "";
    const print = batchWaitPrinter((t) => (out += t), false);
    print([wait(1000, 2)]);
    print([wait(2000, 2)]);
    print([wait(61_000, 3)]);
    print([wait(62_000, 4)]);
    const lines = out.trim().split("\n");
    expect(lines.filter((l) => l === LONG_WAIT_NOTICE)).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith("batch batch_1"))).toHaveLength(3);
  });
});
