/**
 * The LLM jury: each judge rates an open-ended answer on the benchmark's rubric criteria (1-5)
 * and answers with one JSON object. Every verdict becomes one row per criterion with a parse
 * status; only fully valid verdicts count. The jury score is the mean over judges x criteria
 * (MedHELM's `LLMJuryMetric`); an answer with no valid verdict is unscored with a reason, never
 * given a default score (MedHELM defaults to the scale minimum, which peers consider a bug).
 */
import type {Instance, Rubric} from "../benchmark/types.ts";

/** Why a verdict row does or does not count. */
export type ParseStatus =
  | "ok"
  | "verdict_rejected"
  | "invalid_json"
  | "missing_criterion"
  | "invalid_score"
  | "out_of_range"
  | "call_failed"
  | "no_output"
  | "excluded";

/** One judge's rating of one criterion. */
export interface CriterionVerdict {
  criterion: string;
  score: number | null;
  explanation: string | null;
  status: ParseStatus;
  reason: string | null;
}

/** One judge's parsed verdict. */
export interface Verdict {
  /** True when every criterion parsed and is on the scale. */
  valid: boolean;
  criteria: CriterionVerdict[];
}

/**
 * The JSON schema of a verdict: one object per criterion with an integer score on the rubric's
 * scale and an explanation, nothing else. Scores are an enum rather than a minimum and maximum,
 * which strict structured-output modes do not all accept.
 */
export function verdictSchema(rubric: Rubric): {name: string; schema: Record<string, unknown>} {
  const [lo, hi] = rubric.scale;
  const scores = Array.from({length: hi - lo + 1}, (_, i) => lo + i);
  const names = Object.keys(rubric.criteria);
  const criterion = {
    type: "object",
    properties: {score: {type: "integer", enum: scores}, explanation: {type: "string"}},
    required: ["score", "explanation"],
    additionalProperties: false
  };
  return {name: "jury_verdict", schema: {type: "object", properties: Object.fromEntries(names.map((n) => [n, criterion])), required: names, additionalProperties: false}};
}

/**
 * A benchmark's own judge prompt filled in: each `{QUESTION}`, `{RESPONSE}` and `{GOLD_RESPONSE}`
 * becomes the input, the answer and the gold response, in one pass, so that an answer quoting a
 * placeholder is not filled again. Other braces are left as written, as HELM's annotator does.
 */
export function fillJudgeTemplate(template: string, {input, response, gold}: {input: string; response: string; gold: string}): string {
  const values: Record<string, string> = {QUESTION: input, RESPONSE: response, GOLD_RESPONSE: gold};
  return template.replace(/\{(QUESTION|RESPONSE|GOLD_RESPONSE)\}/g, (_, name: string) => values[name]);
}

/** The judge prompt for one answer (our wording of MedHELM's annotator templates, or the benchmark's own template). */
export function judgePrompt(rubric: Rubric, {input, response, gold}: {input: string; response: string; gold: string}): string {
  if (rubric.template !== undefined) return fillJudgeTemplate(rubric.template, {input, response, gold});
  const [lo, hi] = rubric.scale;
  const names = Object.keys(rubric.criteria);
  const listed = names.length > 1 ? `${names.slice(0, -1).join(", ")} and ${names.at(-1)}` : names[0];
  const compare = rubric.showGold ? " Compare it with the gold response written by a clinician, which is the reference for what a good answer contains." : "";
  const goldBlock = rubric.showGold ? `\n<gold_response>\n${gold}\n</gold_response>\n` : "";
  const example = `{${names.map((n) => `"${n}": {"score": <integer ${lo}-${hi}>, "explanation": "<one or two sentences>"}`).join(", ")}}`;
  return [
    `You are ${rubric.role} assessing ${rubric.subject}.`,
    `Judge the response on ${listed}.${compare}`,
    "",
    `<${rubric.inputTag}>`,
    input,
    `</${rubric.inputTag}>`,
    "",
    "<response>",
    response,
    "</response>",
    goldBlock,
    `Rate each criterion on a scale of ${lo} to ${hi} (${lo} = very poor, ${hi} = excellent):`,
    ...names.map((n) => `- ${n}: ${rubric.criteria[n]}`),
    "",
    "Reply with a single JSON object and nothing else, using double quotes and escaping any quotes inside explanations, in exactly this shape:",
    example
  ].join("\n");
}

/** The judge messages for one answer. */
export function judgeMessages(rubric: Rubric, instance: Instance, response: string) {
  return [{role: "user" as const, content: judgePrompt(rubric, {input: instance.input, response, gold: instance.gold[0] ?? ""})}];
}

/** Finds the JSON object in a judge reply: the whole reply, else the span from the first `{` to the last `}`. */
export function extractJson(text: string): unknown {
  const attempts = [text.trim()];
  const first = text.indexOf("{");
  const last = text.lastIndexOf("}");
  if (first >= 0 && last > first) attempts.push(text.slice(first, last + 1));
  // HELM's one repair: a reply cut short after the last criterion lacks its closing brace.
  if (first >= 0) attempts.push(`${text.slice(first, last + 1)}}`);
  for (const attempt of attempts) {
    try {
      const value = JSON.parse(attempt);
      if (value && typeof value === "object" && !Array.isArray(value)) return value;
    } catch {
      // Try the next, more tolerant, reading.
    }
  }
  return undefined;
}

function lookup(object: Record<string, unknown>, key: string): unknown {
  if (key in object) return object[key];
  const found = Object.keys(object).find((k) => k.trim().toLowerCase() === key.toLowerCase());
  return found === undefined ? undefined : object[found];
}

/** Parses one judge reply against a rubric. */
export function parseVerdict(text: string, rubric: Rubric): Verdict {
  const names = Object.keys(rubric.criteria);
  const json = extractJson(text);
  if (json === undefined) {
    const reason = text.trim() ? `no JSON object in judge reply: ${JSON.stringify(text.trim().slice(0, 80))}` : "empty judge reply";
    return {valid: false, criteria: names.map((criterion) => ({criterion, score: null, explanation: null, status: "invalid_json", reason}))};
  }
  const [lo, hi] = rubric.scale;
  const parsed: CriterionVerdict[] = names.map((criterion) => {
    const entry = lookup(json as Record<string, unknown>, criterion);
    if (entry === undefined || entry === null) return {criterion, score: null, explanation: null, status: "missing_criterion", reason: `criterion ${criterion} missing`};
    const raw = typeof entry === "object" ? lookup(entry as Record<string, unknown>, "score") : entry;
    const explanationRaw = typeof entry === "object" ? lookup(entry as Record<string, unknown>, "explanation") : null;
    const explanation = explanationRaw == null ? null : String(explanationRaw);
    const score = typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() !== "" ? Number(raw) : NaN;
    if (!Number.isFinite(score)) return {criterion, score: null, explanation, status: "invalid_score", reason: `score of ${criterion} is not a number: ${JSON.stringify(raw ?? null)}`};
    if (score < lo || score > hi) return {criterion, score, explanation, status: "out_of_range", reason: `score of ${criterion} is ${score}, outside ${lo}-${hi}`};
    return {criterion, score, explanation, status: "ok", reason: null};
  });
  const bad = parsed.filter((p) => p.status !== "ok");
  if (!bad.length) return {valid: true, criteria: parsed};
  const why = bad.map((b) => b.reason).join("; ");
  return {
    valid: false,
    criteria: parsed.map((p) => (p.status === "ok" ? {...p, status: "verdict_rejected", reason: `verdict rejected: ${why}`} : p))
  };
}

/** Verdict rows for a judge whose call failed, or that was not asked. */
export function failedVerdict(rubric: Rubric, status: "call_failed" | "no_output" | "excluded", reason: string): Verdict {
  return {valid: false, criteria: Object.keys(rubric.criteria).map((criterion) => ({criterion, score: null, explanation: null, status, reason}))};
}

/** The jury's aggregate of one answer. */
export interface JuryScore {
  /** Mean over valid judges x criteria, null when unscored. */
  score: number | null;
  /** Mean per criterion over valid judges. */
  perCriterion: Record<string, number | null>;
  /** Valid verdicts counted. */
  judges: number;
  reason: string | null;
}

/**
 * Aggregates verdicts by judge. With `helmCompat`, scores are truncated to integers first, as
 * HELM's `int(score)` does.
 */
export function aggregateJury(verdicts: {judge: string; verdict: Verdict}[], rubric: Rubric, {helmCompat = false} = {}): JuryScore {
  const valid = verdicts.filter((v) => v.verdict.valid);
  const value = (c: CriterionVerdict) => (helmCompat ? Math.trunc(c.score!) : c.score!);
  const perCriterion: Record<string, number | null> = {};
  for (const name of Object.keys(rubric.criteria)) {
    const xs = valid.map((v) => v.verdict.criteria.find((c) => c.criterion === name)!).map(value);
    perCriterion[name] = xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
  }
  if (!valid.length) {
    const reasons = verdicts.map((v) => `${v.judge}: ${v.verdict.criteria.find((c) => c.status !== "verdict_rejected")?.reason ?? v.verdict.criteria[0]?.reason}`);
    return {score: null, perCriterion, judges: 0, reason: verdicts.length ? `no valid verdict (${reasons.join("; ")})` : "no judges configured"};
  }
  const all = valid.flatMap((v) => v.verdict.criteria.map(value));
  return {score: all.reduce((a, b) => a + b, 0) / all.length, perCriterion, judges: valid.length, reason: null};
}

/** MedHELM's normalization of a jury score to 0-1. */
export function normalizeJury(score: number, [lo, hi]: [number, number] = [1, 5]): number {
  return (score - lo) / (hi - lo);
}
