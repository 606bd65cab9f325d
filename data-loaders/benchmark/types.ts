/**
 * The workbench's core vocabulary. A `Benchmark` turns dataset files into `Instance`s, each
 * instance into a prompt, and a model's answer into `Metric` scores; open-ended benchmarks carry a
 * `Rubric` that the LLM jury applies. `Model`s are anything that answers a `GenerateRequest`:
 * an OpenAI-compatible endpoint or an offline baseline.
 */
import type {BertScorer} from "../metrics/bertscore.ts";
import type {Access} from "./taxonomy.ts";

/** One chat message sent to a model. */
export interface Message {
  role: "system" | "user" | "assistant";
  content: string;
}

/** One evaluation item. Ids are stable across runs and never array positions. */
export interface Instance {
  /** Stable id, unique within its benchmark. */
  id: string;
  /** The raw scenario input, without instructions (what judges see as the question). */
  input: string;
  /** Multiple choice: the reference texts in presentation order (A, B, C, ...). */
  choices?: string[];
  /** Gold answers: for multiple choice the correct choice texts, otherwise the reference outputs. */
  gold: string[];
  /** Benchmark-specific fields a metric needs (e.g. MedCalc's limits), kept as data. */
  extra?: Record<string, unknown>;
  /** HELM split name, `test` unless the benchmark says otherwise. */
  split?: string;
  /** Sub-run (e.g. MedDialog subset, EHRSHOT subject); scores are macro-averaged over sub-runs. */
  subset?: string;
}

/** The result of one metric on one answer: a value, or unscored (null) with a reason. */
export interface MetricValue {
  value: number | null;
  /** Why the value is null; never set on a real score. */
  reason?: string;
  /** Why a real score is what it is, when that is not evident from the answer (e.g. "predicted query failed: no such column"); kept beside the value. */
  note?: string;
}

/** What a metric sees of one answer. */
export interface Answer {
  /** The raw completion text (after output post-processing such as stripping think blocks). */
  output: string;
  /** The extracted answer (multiple choice: the mapped choice text), or null when none was found. */
  answer: string | null;
  instance: Instance;
}

/** Options that change how metrics score; recorded in the run manifest. */
export interface ScoringOptions {
  /**
   * Reproduce HELM's known scoring quirks instead of the correct behaviour: MedCalc `lab` and
   * `dosage` rows score 0 and jury scores are truncated to integers. Off by default.
   */
  helmCompat: boolean;
  /** Local paths and resources metrics may use (e.g. an eICU SQLite file for EHRSQL). */
  resources: Record<string, string | undefined>;
  /** Computes BERTScore when a token-embedding server is configured (see bertscore.ts). */
  bertScore?: BertScorer;
}

/** A deterministic scorer of one answer. */
export interface Metric {
  /** snake_case metric name, e.g. `exact_match`. */
  name: string;
  /** Value range, used for normalization to 0-1 (most metrics: [0, 1]; jury: [1, 5]). */
  range: [min: number, max: number];
  /** Scores one answer; a number is shorthand for `{value}`. */
  score: (answer: Answer, options: ScoringOptions) => number | MetricValue | Promise<number | MetricValue>;
}

/** How the jury grades an open-ended benchmark (MedHELM's per-benchmark annotator, in our words). */
export interface Rubric {
  /** Criterion key -> the question a judge answers for it. */
  criteria: Record<string, string>;
  /** Inclusive score scale. */
  scale: [min: number, max: number];
  /** Who the judge is asked to be ("a medical expert", "a mental health expert"). */
  role: string;
  /** What is being evaluated, e.g. "a clinical note generated from a doctor-patient conversation". */
  subject: string;
  /** Tag around the original input in the judge prompt, e.g. `conversation`. */
  inputTag: string;
  /** Whether judges see the gold response (false for NoteExtract). */
  showGold: boolean;
  /** Bumped when the judge prompt changes meaning; part of the cache key. */
  version: number;
  /**
   * A judge prompt written by the benchmark's authors (MedHELM's configurable benchmarks), used
   * instead of our wording: `{QUESTION}`, `{RESPONSE}` and `{GOLD_RESPONSE}` are replaced by the
   * instance's input, the answer and the gold response; the other fields above are then unused.
   */
  template?: string;
}

/** How a benchmark lays out its prompt, following HELM's two adapter families. */
export type PromptLayout =
  | {
      kind: "multiple_choice_joint";
      instructions: string;
      /** Noun before the input (`Question`); "" gives HELM's bare ": " prefix, null no prefix. */
      inputNoun: string | null;
      outputNoun: string | null;
    }
  | {
      kind: "generation";
      instructions: string;
      inputNoun: string | null;
      outputNoun: string | null;
      /** Put a newline instead of a space after the nouns (HELM's `newline_after_*_noun`). */
      newlineAfterInputNoun?: boolean;
      newlineAfterOutputNoun?: boolean;
    };

/** Where a benchmark's data comes from. */
export interface DataSource {
  /** Shipped with the project (path relative to the benchmark file's folder), or read from the user's copy under `MEDHELM_DATA_DIR/<id>/`. */
  location: "shipped" | "local";
  /** Files that must exist (relative to the data folder) for the data to count as available. */
  files: string[];
  /** Dataset name, origin and license, shown on pages. */
  dataset: string;
  license: string;
  url?: string;
  /** An absolute folder holding the files, overriding `location` (a MedHELM-format benchmark's own folder). */
  dir?: string;
}

/** Authoring shape of a benchmark: one file in `benchmarks/`. */
export interface BenchmarkSpec {
  /** HELM run-group name; equals the file name. */
  id: string;
  /** Bumped when data, prompt or scoring change meaning. */
  version: number;
  /** What it measures, one or two sentences in our words. */
  description: string;
  data: DataSource;
  /** Reads instances from the data folder in the dataset's native format. No I/O before it is called. */
  load: (dataDir: string) => Promise<Instance[]>;
  prompt: PromptLayout;
  /** Maximum output tokens (HELM's `max_tokens`). */
  maxTokens: number;
  /** Stop sequences (MedHELM: `["\n"]` for multiple choice, none for generation). */
  stop?: string[];
  /** Turns a raw output into the answer metrics compare; defaults per layout. */
  extract?: (output: string, instance: Instance) => string | null;
  /** Every metric computed; the one named `mainMetric` is the headline. */
  metrics: Metric[];
  mainMetric: string;
  /** Present for open-ended benchmarks: the jury scores them and `mainMetric` is the jury score. */
  rubric?: Rubric;
  /**
   * The metric name of the jury score when it is not `mainMetric` (a MedHELM-format benchmark's
   * `jury_score`, which need not be its first metric). Absent: the jury score is the main metric.
   */
  juryMetric?: string;
  /**
   * This benchmark's own jury, as model ids (a MedHELM-format benchmark names its judges);
   * absent, the run's panel judges it.
   */
  judges?: string[];
  /** Cap on evaluated instances (MedHELM default 1000). */
  maxEvalInstances?: number;
  /**
   * The taxonomy facts of a benchmark that is not one of MedHELM's 37 (a team's own): display
   * name, MedHELM subcategory (its category follows; optional), access tier and the clinical task
   * it instantiates. MedHELM's benchmarks take these from the catalogue in taxonomy.ts and must not
   * set them; whether a benchmark is open-ended follows from its rubric.
   */
  catalogue?: CustomCatalogue;
}

/** Taxonomy facts of a benchmark outside MedHELM's catalogue (see `BenchmarkSpec.catalogue`). */
export interface CustomCatalogue {
  name: string;
  /**
   * One of the 22 subcategory ids of taxonomy.ts, e.g. `planning_treatments`. Absent, the
   * benchmark is registered outside MedHELM's taxonomy, in the `UNCLASSIFIED` group.
   */
  subcategory?: string;
  access: Access;
  task: string;
}

/** A registered benchmark: the spec plus its catalogue metadata and resolved data folder. */
export interface Benchmark extends BenchmarkSpec {
  name: string;
  /** A MedHELM category id, or `UNCLASSIFIED` (taxonomy.ts) when the benchmark names no subcategory. */
  category: string;
  /** A MedHELM subcategory id, or `UNCLASSIFIED`. */
  subcategory: string;
  access: Access;
  openEnded: boolean;
  task: string;
  /** Absolute path of the benchmark file. */
  file: string;
}

/** A request to a model. */
export interface GenerateRequest {
  messages: Message[];
  maxTokens: number;
  temperature: number;
  stop?: string[];
  /** Ask for a JSON object when the endpoint supports it (judges). */
  json?: boolean;
  /**
   * The JSON schema the answer must follow, sent as structured output where the endpoint takes it
   * (otherwise plain JSON mode). Not part of the cache key: it is derived from the rubric, which
   * the judge prompt and the cache key's purpose already cover.
   */
  schema?: {name: string; schema: Record<string, unknown>};
}

/** Context that baselines need and real models ignore; never part of a cache key. */
export interface GenerateContext {
  benchmark: Benchmark;
  instance: Instance;
  seed: number;
}

/** A model's answer with its accounting. */
export interface Generation {
  text: string;
  inputTokens: number | null;
  outputTokens: number | null;
  latencyMs: number;
  finishReason: string | null;
  /** True when served from the response cache. */
  cached: boolean;
}

/** Anything that answers prompts: a real endpoint or an offline baseline. */
export interface Model {
  /** `provider/name`, e.g. `openai/gpt-4o-2024-05-13` or `baseline/random-choice`. */
  id: string;
  /** Baselines are labelled as such in every table and page. */
  kind: "llm" | "baseline";
  /** Model family/vendor, for same-vendor judging flags (e.g. `openai`, `anthropic`, `meta`). */
  vendor: string;
  /** Endpoint identity for the cache key (base URL without credentials); null for baselines. */
  endpoint: string | null;
  /** Whether the model can answer this benchmark at all (baselines cover one answer format). */
  supports: (benchmark: Benchmark) => boolean;
  /**
   * Overrides every benchmark's `max_tokens` for this model's answers, as MedHELM's
   * `num_output_tokens` run expander does for reasoning models (4000 for DeepSeek R1 and o3-mini),
   * whose hidden reasoning would otherwise use up a one-token budget.
   */
  maxTokens?: number;
  generate: (request: GenerateRequest, context: GenerateContext) => Promise<Generation>;
}
