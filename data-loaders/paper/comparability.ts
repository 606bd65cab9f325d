/**
 * Whether an entry's score on a benchmark measures what the MedHELM paper's score measures: the
 * same instances, the same jury, the same scoring, the same output budget and the same data. Each
 * difference becomes one short reason; a cell with none is comparable. Pure: `site.ts` gathers
 * each cell's recorded settings (the runs' manifests and tables) and the paper's setting.
 */
import {paperJudges} from "./published.ts";

/** What kind of difference a reason names. */
export type ReasonKind = "published" | "instances" | "sample" | "jury" | "scoring" | "budget" | "data";

/** One difference from the paper's setting. */
export interface ComparabilityReason {
  kind: ReasonKind;
  reason: string;
}

/** The paper's setting of a benchmark. */
export interface PaperSetting {
  /** The published version's name, for messages ("v2"). */
  version: string;
  /** Whether the published version has the benchmark. */
  published: boolean;
  /** Instances the paper's models were evaluated on (most models), null when unknown. */
  instances: number | null;
}

/** One run's recorded settings for an entry's answers to a benchmark. */
export interface RunSetting {
  /** `--limit` of the run (null: none). */
  limit: number | null;
  /** Sample seed of the run. */
  seed: number | null;
  /** `maxEvalInstances` of the run (MedHELM: 1000). */
  maxEvalInstances: number | null;
  /** Whether the run reproduced HELM's scoring quirks; null when the run did not record it. */
  helmCompat: boolean | null;
  /** The benchmark's own `max_tokens` as recorded in the run. */
  benchmarkMaxTokens: number | null;
  /** The model's `max_tokens` override in the run (`modelMaxTokens`), null when none. */
  modelMaxTokens: number | null;
  /** The run dropped verdicts of a judge on its own (or its vendor's) answers. */
  excludedSelfJudging: boolean;
}

/** Everything recorded about one entry's answers to one benchmark. */
export interface CellSetting {
  label: string;
  benchmark: string;
  model: string;
  model_kind: string;
  open_ended: boolean;
  /** Distinct instances the entry was evaluated on (over all its runs). */
  n_instances: number;
  /** Judges that rated the entry's answers (open-ended benchmarks). */
  judges: string[];
  /** Some verdict was the model judging itself. */
  self_judging: boolean;
  runs: RunSetting[];
}

/** The default sample seed: the seed MedHELM's own sampling uses. */
const PAPER_SEED = 0;
/** MedHELM's output budget for reasoning models (HELM's `num_output_tokens` run expander). */
export const REASONING_MAX_TOKENS = 4000;

/**
 * Whether a model id names a reasoning model, which MedHELM ran with a 4,000-token budget: the
 * paper's DeepSeek R1 and o3-mini and their kin (o1, o3, o4, GPT-5, "thinking" and "reasoner" models).
 */
export function isReasoningModel(model: string): boolean {
  const name = model.slice(model.indexOf("/") + 1).toLowerCase();
  return /deepseek-r1|(^|[-_/])o[1-9](-|$)|gpt-5|thinking|reason/.test(name);
}

/** Benchmarks whose main metric `helmCompat` changes, with what it changes. */
const helmCompatEffects: Record<string, string> = {
  medcalc_bench: "MedCalc's lab and dosage rows are scored on their answers, where HELM scores them 0",
  medec: "an empty Medec answer is scored wrong, where HELM reads it as flagging an error",
  mimiciv_billing_code: "ICD-10 codes are read with our pattern and a reference without codes is unscored, where HELM scores it 0"
};

const distinct = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

/** The reasons an entry's cell is not comparable with the paper's (empty when it is). */
export function comparabilityReasons(cell: CellSetting, paper: PaperSetting): ComparabilityReason[] {
  if (!paper.published) return [{kind: "published", reason: `no published result: the MedHELM paper (${paper.version}) has no ${cell.benchmark}`}];
  const out: ComparabilityReason[] = [];
  const runs = cell.runs;
  const n = cell.n_instances;
  const paperN = paper.instances;
  const limits = distinct(runs.map((r) => r.limit));
  const seeds = distinct(runs.map((r) => r.seed).filter((s): s is number => s !== null));
  const limited = runs.length > 0 && limits.every((l) => l !== null);
  const otherSeed = seeds.filter((s) => s !== PAPER_SEED);
  if (paperN !== null && n !== paperN) {
    if (n < paperN && limited) {
      const seedText = otherSeed.length ? `, seed ${otherSeed.join("/")}` : "";
      out.push({kind: "instances", reason: `subset: ${n} of the paper's ${paperN} instances (--limit ${distinct(limits).join("/")}${seedText})`});
    } else if (n < paperN && runs.some((r) => r.maxEvalInstances !== null && r.maxEvalInstances < paperN)) {
      out.push({kind: "instances", reason: `subset: ${n} of the paper's ${paperN} instances (maxEvalInstances ${distinct(runs.map((r) => r.maxEvalInstances)).join("/")})`});
    } else if (n < paperN) {
      out.push({kind: "instances", reason: `subset: ${n} of the paper's ${paperN} instances`});
    } else {
      // More items than the paper evaluated, with nothing capping them: the dataset itself differs.
      out.push({kind: "data", reason: `data version: ${n} instances here vs the paper's ${paperN}`});
    }
  } else if (paperN !== null && otherSeed.length && (limited || paperN % 1000 === 0)) {
    // A sample of a larger dataset: another seed draws other instances of the same size.
    out.push({kind: "sample", reason: `different sample: seed ${otherSeed.join("/")} draws other instances than seed ${PAPER_SEED}`});
  }

  if (cell.open_ended && (cell.model_kind !== "baseline" || cell.judges.length > 0)) {
    const judges = distinct(cell.judges).sort();
    const matched = paperJudges.filter((p) => judges.some((j) => p.pattern.test(j)));
    const foreign = judges.filter((j) => !paperJudges.some((p) => p.pattern.test(j)));
    if (!judges.length) out.push({kind: "jury", reason: "jury: no verdicts recorded"});
    else if (matched.length < paperJudges.length || foreign.length) {
      const self = cell.self_judging ? "; the model judges its own answers" : "";
      out.push({kind: "jury", reason: `jury: ${judges.join(", ")}, not MedHELM's ${paperJudges.map((p) => p.name).join(", ")}${self}`});
    }
    if (runs.some((r) => r.excludedSelfJudging)) out.push({kind: "jury", reason: "jury: self- or same-vendor verdicts excluded (the paper kept them)"});
  }

  const compat = runs.map((r) => r.helmCompat);
  if (compat.some((c) => c === false)) {
    const effect = helmCompatEffects[cell.benchmark] ?? (cell.open_ended ? "jury scores are averaged unrounded, where HELM truncates each judge's score to an integer" : null);
    if (effect) out.push({kind: "scoring", reason: `scoring: helmCompat off, ${effect}`});
  }

  if (cell.model_kind !== "baseline") {
    const budgets = distinct(runs.map((r) => r.modelMaxTokens ?? r.benchmarkMaxTokens).filter((b): b is number => b !== null));
    const reasoning = isReasoningModel(cell.model) || runs.some((r) => r.modelMaxTokens === REASONING_MAX_TOKENS);
    const paperBudgets = distinct(runs.map((r) => (reasoning ? REASONING_MAX_TOKENS : r.benchmarkMaxTokens)).filter((b): b is number => b !== null));
    const differing = budgets.filter((b) => !paperBudgets.includes(b));
    if (differing.length) {
      const why = reasoning ? " (MedHELM gives reasoning models 4000)" : "";
      out.push({kind: "budget", reason: `output budget: max_tokens ${budgets.join("/")} vs the paper's ${paperBudgets.join("/")}${why}`});
    }
  }
  return out;
}

/** One entry's comparability over the benchmarks it has, as a one-line summary. */
export function comparabilitySummary(cells: ReadonlyArray<{comparable: boolean}>): string {
  const n = cells.filter((c) => c.comparable).length;
  return `comparable on ${n} of ${cells.length} benchmark${cells.length === 1 ? "" : "s"}`;
}
