/**
 * MedHELM's two prompt layouts (HELM's `multiple_choice_joint` and `generation` adapters),
 * zero-shot, sent as a single user message as HELM does for chat models.
 */
import type {Benchmark, Instance, Message, PromptLayout} from "./types.ts";

/** Letters for multiple-choice references, in HELM's order. */
export const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** HELM's noun prefix: `"<noun>: "`, a bare `": "` for an empty noun, nothing for null. */
function nounPrefix(noun: string | null, newline = false): string {
  if (noun === null) return "";
  return `${noun}:${newline ? "\n" : " "}`;
}

/** The full prompt text of one instance. */
export function promptText(layout: PromptLayout, instance: Instance): string {
  const head = layout.instructions ? `${layout.instructions}\n\n` : "";
  if (layout.kind === "multiple_choice_joint") {
    const choices = instance.choices ?? [];
    if (choices.length > LETTERS.length) throw new Error(`too many choices: ${choices.length} (instance ${instance.id})`);
    const options = choices.map((c, i) => `${LETTERS[i]}. ${c}\n`).join("");
    return `${head}${nounPrefix(layout.inputNoun)}${instance.input}\n${options}${nounPrefix(layout.outputNoun).trimEnd()}`;
  }
  const input = `${nounPrefix(layout.inputNoun, layout.newlineAfterInputNoun)}${instance.input}\n`;
  return `${head}${input}${nounPrefix(layout.outputNoun, layout.newlineAfterOutputNoun).trimEnd()}`;
}

/** The messages sent for one instance. */
export function promptMessages(benchmark: Pick<Benchmark, "prompt">, instance: Instance): Message[] {
  return [{role: "user", content: promptText(benchmark.prompt, instance)}];
}

/**
 * HELM's multiple-choice output mapping: the stripped output must be exactly one of the offered
 * letters, and is then replaced by that reference's text. Anything else maps to nothing, which
 * exact match scores 0 (HELM compares the unmapped text, which never equals a reference).
 */
export function mapChoice(output: string, instance: Instance): string | null {
  const letter = output.trim();
  const index = letter.length === 1 ? LETTERS.indexOf(letter) : -1;
  const choices = instance.choices ?? [];
  return index >= 0 && index < choices.length ? choices[index] : null;
}

/** The letter of the first gold choice, for display and for oracle models in tests. */
export function goldLetter(instance: Instance): string | null {
  const index = (instance.choices ?? []).indexOf(instance.gold[0]);
  return index >= 0 ? LETTERS[index] : null;
}

/** Default answer extraction per layout: choice mapping for multiple choice, the stripped text otherwise. */
export function extractAnswer(benchmark: Pick<Benchmark, "prompt" | "extract">, output: string, instance: Instance): string | null {
  if (benchmark.extract) return benchmark.extract(output, instance);
  if (benchmark.prompt.kind === "multiple_choice_joint") return mapChoice(output, instance);
  const text = output.trim();
  return text ? text : null;
}

/** DeepSeek R1 style reasoning is removed before scoring; an unclosed think block leaves no answer (as HELM does). */
export function stripThinking(output: string): string {
  if (!output.includes("<think>")) return output;
  const close = output.lastIndexOf("</think>");
  return close < 0 ? "" : output.slice(close + "</think>".length).trimStart();
}
