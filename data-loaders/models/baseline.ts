/**
 * Offline baselines: honest reference points that need no endpoint and are labelled as
 * baselines everywhere. They are the embedded default when no model endpoint is configured.
 * - `baseline/random-choice`: a seeded uniformly random letter (multiple choice only).
 * - `baseline/first-choice`: always "A" (multiple choice only).
 * - `baseline/lead`: the first sentences of the input (generation only), the classic lead baseline.
 */
import {LETTERS} from "../benchmark/prompt.ts";
import {seededFor} from "../stats/random.ts";
import type {Benchmark, Generation, Model} from "../benchmark/types.ts";

const isChoice = (b: Benchmark) => b.prompt.kind === "multiple_choice_joint";

function answer(text: string): Generation {
  return {text, inputTokens: null, outputTokens: null, latencyMs: 0, finishReason: "stop", cached: false};
}

/** The first `n` sentences of a text, whitespace collapsed. */
export function leadSentences(text: string, n = 3): string {
  const sentences = text.replace(/\s+/g, " ").trim().match(/[^.!?]+[.!?]+(\s|$)|[^.!?]+$/g) ?? [];
  return sentences.slice(0, n).join("").trim();
}

const baselines: Record<string, Omit<Model, "id" | "kind" | "vendor" | "endpoint">> = {
  "random-choice": {
    supports: isChoice,
    async generate(_request, {instance, benchmark, seed}) {
      const n = instance.choices?.length ?? 0;
      return answer(n ? LETTERS[seededFor(seed, `${benchmark.id}/${instance.id}`).int(n)] : "");
    }
  },
  "first-choice": {
    supports: isChoice,
    async generate() {
      return answer("A");
    }
  },
  lead: {
    supports: (b) => !isChoice(b),
    async generate(request, {instance}) {
      // Roughly four characters per token keeps the lead within the benchmark's output budget.
      return answer(leadSentences(instance.input).slice(0, request.maxTokens * 4));
    }
  }
};

/** Names of the offline baselines. */
export const baselineNames = Object.keys(baselines);

/** The baseline model `baseline/<name>`; throws on an unknown name. */
export function baselineModel(name: string): Model {
  const spec = baselines[name];
  if (!spec) throw new Error(`unknown baseline: baseline/${name} (known: ${baselineNames.join(", ")})`);
  return {id: `baseline/${name}`, kind: "baseline", vendor: "baseline", endpoint: null, ...spec};
}
