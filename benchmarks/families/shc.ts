/**
 * The Stanford Health Care (SHC) classification family: ten private MedHELM benchmarks whose
 * data is one CSV of `prompt` (the question), `context` (a note or portal message) and `label`
 * (the gold letter). HELM wraps each row into one input that frames the task, asks the
 * question over the context and demands a bare letter, then offers the letters themselves as the
 * multiple-choice references ("A. A", "B. B"), with empty input and output nouns. HELM keys rows
 * by their built prompt, so a repeated prompt keeps one instance with the last row's label; we do
 * the same. The framing sentences are ours; the structure is HELM's.
 */
import {join} from "node:path";
import {readDelimited, requiredField} from "../../data-loaders/formats/csv.ts";
import {contentId} from "../../data-loaders/benchmark/instance-id.ts";
import {exactMatch, quasiExactMatch} from "../../data-loaders/metrics/metrics.ts";
import type {BenchmarkSpec, Instance} from "../../data-loaders/benchmark/types.ts";

/** The file every SHC benchmark reads from `MEDHELM_DATA_DIR/<id>/`. */
export const SHC_FILE = "data.csv";

/** What distinguishes one SHC benchmark from another. */
export interface ShcBenchmarkOptions {
  id: string;
  version?: number;
  description: string;
  /** Dataset name and origin shown on pages. */
  dataset: string;
  /** Opening sentence of every input: who the model is and what it reads. */
  framing: string;
  /** Gold labels the CSV may hold, in reference order (`["A", "B"]` or `["A", "B", "C"]`). */
  choices: string[];
  /** What each letter means, appended to every input. */
  directive: string;
}

/** One SHC input: the framing, the question, the context and the answer directive. */
export function shcInput(framing: string, question: string, context: string, directive: string): string {
  return `${framing} Answer this question: ${question.trim()}\n\nContext: ${context.trim()}\n\n${directive}`;
}

/** Reads an SHC CSV into instances; fails naming file, line and column on a blank field or an unknown label. */
export async function loadShcCsv(file: string, options: Pick<ShcBenchmarkOptions, "framing" | "choices" | "directive">): Promise<Instance[]> {
  const records = await readDelimited(file, {required: ["prompt", "context", "label"]});
  const byInput = new Map<string, Instance>();
  for (const record of records) {
    const question = requiredField(record, "prompt", file);
    const context = requiredField(record, "context", file);
    const label = requiredField(record, "label", file).trim();
    if (!options.choices.includes(label)) throw new Error(`${file} line ${record.line}: column label is ${JSON.stringify(label)}, expected one of ${options.choices.join(", ")}`);
    const input = shcInput(options.framing, question, context, options.directive);
    // HELM stores rows in a dict keyed by prompt: the first occurrence fixes the position, the last one the label.
    const existing = byInput.get(input);
    if (existing) existing.gold = [label];
    else byInput.set(input, {id: contentId(input), input, choices: [...options.choices], gold: [label]});
  }
  return [...byInput.values()];
}

/** The full spec of an SHC benchmark: mc-joint, one output token, stop at newline, exact match. */
export function shcBenchmark(options: ShcBenchmarkOptions): BenchmarkSpec {
  const letters = options.choices.length === 2 ? "A or B" : `${options.choices.slice(0, -1).join(", ")}, or ${options.choices.at(-1)}`;
  return {
    id: options.id,
    version: options.version ?? 1,
    description: options.description,
    data: {location: "local", files: [SHC_FILE], dataset: options.dataset, license: "Private: Stanford Health Care data, not distributed"},
    load: (dir) => loadShcCsv(join(dir, SHC_FILE), options),
    prompt: {kind: "multiple_choice_joint", instructions: `Answer ${letters}.`, inputNoun: "", outputNoun: ""},
    maxTokens: 1,
    stop: ["\n"],
    metrics: [exactMatch(), quasiExactMatch()],
    mainMetric: "exact_match"
  };
}
