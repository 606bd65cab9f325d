/**
 * MedHELM's LLM-jury annotations as our judgment rows. HELM stores one annotation per answer:
 * `annotations[<scenario>] = {prompt_text, <judge key>: {<criterion>: {score, explanation}}, ...}`
 * with one key per judge whose verdict it accepted; a judge whose call failed, whose reply was
 * not JSON or lacked a criterion is simply absent (HELM does not say which). An empty answer
 * gets `{prompt_text: null, empty_output_equivalence_judgement: false}` and no judge.
 *
 * HELM's per-instance jury score is the mean of `int(score)` over every criterion of every
 * accepted judge in the configured judge map (`metrics/llm_jury_metrics.py`); `helmJuryValue`
 * recomputes it from the rows so the importer can check HELM's own number against the verdicts.
 */
import type {Field} from "./fields.ts";
import type {HelmPrediction, RunSpecInfo} from "./runs.ts";

/**
 * The judges of the paper-era MedHELM annotators, hard-coded in HELM before judges became
 * configurable (spec §3.1). Runs of that era record no `annotator_models`, only these keys.
 */
export const paperJudges: Readonly<Record<string, string>> = {
  gpt: "openai/gpt-4o-2024-05-13",
  llama: "meta/llama-3.3-70b-instruct",
  claude: "anthropic/claude-3-7-sonnet-20250219"
};

/** The jury of one run: its judges (key and model id) and the criteria they rate. */
export interface RunJury {
  judges: {key: string; id: string}[];
  criteria: string[];
}

/** One judge x criterion verdict of one answer, ready for the judgments table. */
export interface VerdictRow {
  judgeKey: string;
  judge: string;
  criterion: string;
  /** The judge's score as recorded (not truncated), null when absent. */
  score: number | null;
  explanation: string | null;
  status: "ok" | "missing" | "missing_criterion" | "invalid_score" | "no_output" | "excluded";
  reason: string | null;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** A value shaped like one judge's verdict: criterion -> {score, ...}. */
function isVerdict(value: unknown): value is Record<string, Record<string, unknown>> {
  return isObject(value) && Object.keys(value).length > 0 && Object.values(value).every((c) => isObject(c) && "score" in c);
}

/**
 * The jury annotation of an answer: `annotations[<benchmark>]`, else the only annotation that
 * holds judge verdicts (annotator names equal scenario names in MedHELM, but not by contract).
 */
export function juryAnnotation(annotations: Field | null, benchmark: string): Record<string, unknown> | null {
  if (!annotations || !isObject(annotations.value)) return null;
  const all = annotations.value;
  if (isObject(all[benchmark])) return all[benchmark] as Record<string, unknown>;
  const candidates = Object.values(all).filter((a): a is Record<string, unknown> => isObject(a) && ("prompt_text" in a || Object.values(a).some(isVerdict)));
  return candidates.length === 1 ? candidates[0] : null;
}

/**
 * The jury of a run. Judges come from the run spec's `annotator_models` when recorded; otherwise
 * from the judge keys found in the annotations, which are the paper-era panel when they are
 * among its keys (so a judge that failed everywhere still shows), else the keys themselves.
 * Criteria are those found in any verdict, in order of first appearance.
 */
export function runJury(spec: RunSpecInfo, benchmark: string, predictions: readonly HelmPrediction[]): RunJury {
  const keys: string[] = [];
  const criteria: string[] = [];
  for (const p of predictions) {
    const annotation = juryAnnotation(p.annotations, benchmark);
    if (!annotation) continue;
    for (const [key, verdict] of Object.entries(annotation)) {
      if (!isVerdict(verdict)) continue;
      if (!keys.includes(key)) keys.push(key);
      for (const criterion of Object.keys(verdict)) if (!criteria.includes(criterion)) criteria.push(criterion);
    }
  }
  const configured = Object.entries(spec.annotatorModels);
  let judges: {key: string; id: string}[];
  if (configured.length) judges = configured.map(([key, id]) => ({key, id}));
  else if (keys.length && keys.every((k) => k in paperJudges)) judges = Object.entries(paperJudges).map(([key, id]) => ({key, id}));
  else judges = keys.map((key) => ({key, id: key}));
  // Keys HELM did not count (not in the configured map) are still shown, as excluded.
  for (const key of keys) if (!judges.some((j) => j.key === key)) judges.push({key, id: key});
  return {judges, criteria};
}

function scoreOf(value: unknown): number | null {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  return null;
}

function textOf(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Every judge x criterion verdict of one answer, failures included as rows with a reason. */
export function verdictRows(jury: RunJury, spec: RunSpecInfo, benchmark: string, prediction: HelmPrediction): VerdictRow[] {
  const annotation = juryAnnotation(prediction.annotations, benchmark);
  const counted = new Set(Object.keys(spec.annotatorModels).length ? Object.keys(spec.annotatorModels) : jury.judges.map((j) => j.key));
  const rows: VerdictRow[] = [];
  const failAll = (judge: {key: string; id: string}, status: VerdictRow["status"], reason: string) => {
    for (const criterion of jury.criteria) rows.push({judgeKey: judge.key, judge: judge.id, criterion, score: null, explanation: null, status, reason});
  };
  for (const judge of jury.judges) {
    if (!counted.has(judge.key)) {
      const verdict = annotation?.[judge.key];
      if (!isVerdict(verdict)) continue;
      for (const criterion of jury.criteria) {
        const c = verdict[criterion];
        rows.push({judgeKey: judge.key, judge: judge.id, criterion, score: scoreOf(c?.score), explanation: textOf(c?.explanation), status: "excluded", reason: `judge ${judge.key} is not in the run's annotator_models, so HELM did not count it`});
      }
      continue;
    }
    if (prediction.output === null) {
      failAll(judge, "no_output", `model call failed: ${prediction.error ?? "no result"}`);
      continue;
    }
    if (!annotation) {
      failAll(judge, "missing", "no jury annotation recorded for this answer");
      continue;
    }
    const verdict = annotation[judge.key];
    if (!isVerdict(verdict)) {
      if ("empty_output_equivalence_judgement" in annotation || !prediction.output.trim()) failAll(judge, "no_output", "empty model output: HELM asked no judge");
      else failAll(judge, "missing", `judge ${judge.key} left no verdict: its call failed or its reply was rejected (HELM does not record which)`);
      continue;
    }
    for (const criterion of jury.criteria) {
      const c = verdict[criterion];
      if (!isObject(c)) {
        rows.push({judgeKey: judge.key, judge: judge.id, criterion, score: null, explanation: null, status: "missing_criterion", reason: `judge ${judge.key} gave no ${criterion} score`});
        continue;
      }
      const score = scoreOf(c.score);
      rows.push({
        judgeKey: judge.key, judge: judge.id, criterion, score, explanation: textOf(c.explanation),
        status: score === null ? "invalid_score" : "ok", reason: score === null ? `score ${JSON.stringify(c.score)} is not a number` : null
      });
    }
  }
  return rows;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** HELM's jury score of one answer: mean of `int(score)` over every counted verdict; null when there is none (HELM then uses its default). */
export function helmJuryValue(rows: readonly VerdictRow[]): number | null {
  const xs = rows.filter((r) => r.status === "ok").map((r) => Math.trunc(r.score!));
  return xs.length ? mean(xs) : null;
}

/** Per criterion, the mean of `int(score)` over the judges that rated it (HELM's truncation), null when none did. */
export function criterionMeans(rows: readonly VerdictRow[], criteria: readonly string[]): Record<string, number | null> {
  return Object.fromEntries(
    criteria.map((criterion) => {
      const xs = rows.filter((r) => r.status === "ok" && r.criterion === criterion).map((r) => Math.trunc(r.score!));
      return [criterion, xs.length ? mean(xs) : null];
    })
  );
}
