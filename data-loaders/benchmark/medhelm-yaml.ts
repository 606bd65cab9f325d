/**
 * MedHELM's no-code "configurable benchmark", read as HELM reads it: a YAML file (`name`,
 * `description`, `prompt_file`, `dataset_file`, `max_tokens`, `metrics`), a prompt template whose
 * `{column}` placeholders are filled from each row of a CSV, and, for `jury_score`, a judge prompt
 * with `{QUESTION}`, `{RESPONSE}`, `{GOLD_RESPONSE}` and a `<rubric_criteria>` JSON block, judged
 * by the judges the YAML names. Paths are relative to the YAML file; the benchmark's id is the
 * YAML file's name and its first metric is the main one.
 *
 * Our additions, optional in the YAML: `subcategory` (its place in MedHELM's taxonomy; without one
 * the benchmark is listed as not in MedHELM's taxonomy, counts in the overall win rate and in no
 * MedHELM category), `access` (without one the benchmark is private: a team's own data is
 * sensitive until it says otherwise) and `task`. Everything is checked when the file is read, so a mistake is reported by
 * `medhelm list` naming the file, line and field, before any model is called.
 */
import {readFileSync} from "node:fs";
import {basename, dirname, extname, isAbsolute, relative, resolve} from "node:path";
import {parse as parseCsv} from "csv-parse/sync";
import {isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node} from "yaml";
import {bertScore} from "../metrics/bertscore.ts";
import {contentId, uniqueIds} from "./instance-id.ts";
import {exactMatch, quasiExactMatch, rouge} from "../metrics/metrics.ts";
import {subcategories, type Access} from "./taxonomy.ts";
import type {BenchmarkSpec, Instance, Metric, Rubric} from "./types.ts";

/** A judge as a MedHELM YAML names it: HELM's deployment (`name`) and model (`model_name`). */
export interface HelmJudge {
  name: string;
  model_name: string;
}

/** Maps a HELM judge to one of our model ids; returns null when it cannot. */
export type JudgeResolver = (judge: HelmJudge) => string | null;

/** A mistake in a MedHELM-format benchmark, with the file and line it is on. */
export class BenchmarkFormatError extends Error {
  constructor(readonly file: string, readonly line: number | null, message: string) {
    super(`${file}${line === null ? "" : `:${line}`}: ${message}`);
    this.name = "BenchmarkFormatError";
  }
}

/** The metric names HELM's configurable benchmark accepts. */
export const HELM_METRICS = ["exact_match", "rouge_1", "rouge_2", "rouge_l", "BERTScore-P", "BERTScore-R", "BERTScore-F", "jury_score"] as const;

/** HELM computes every summarization metric when any one is listed; so do we. */
const SUMMARIZATION = new Set(["rouge_1", "rouge_2", "rouge_l", "BERTScore-P", "BERTScore-R", "BERTScore-F"]);

/** Our metric name of each HELM metric name (the headline when it comes first). */
const OUR_NAME: Record<string, string> = {
  exact_match: "exact_match", rouge_1: "rouge_1", rouge_2: "rouge_2", rouge_l: "rouge_l",
  "BERTScore-P": "bertscore_precision", "BERTScore-R": "bertscore_recall", "BERTScore-F": "bertscore_f1", jury_score: "jury_score"
};

/** The judges' scale: HELM's rubric criteria are scored from 0 to 5. */
export const JURY_SCALE: [number, number] = [0, 5];

/**
 * A judge resolver from the configuration: the config's `helmModels` maps HELM's `name`, else
 * its `model_name`, to our model id; a `name` or `model_name` that already is one of our model
 * ids (its prefix is a configured endpoint) is taken as it is.
 */
export function judgeResolver({helmModels, endpoints}: {helmModels: Record<string, string>; endpoints: readonly string[]}): JudgeResolver {
  const ours = (id: string) => {
    const slash = id.indexOf("/");
    return slash > 0 && slash < id.length - 1 && endpoints.includes(id.slice(0, slash));
  };
  return ({name, model_name}) => helmModels[name] ?? helmModels[model_name] ?? (ours(name) ? name : ours(model_name) ? model_name : null);
}

/** One piece of a prompt template: literal text, or a placeholder naming a column. */
export type TemplatePiece = {text: string} | {column: string; line: number};

/**
 * Parses a prompt template with Python's `str.format` rules, which HELM fills it with: `{name}`
 * is a placeholder, `{{` and `}}` are literal braces. Format specifications, conversions and
 * attribute or index access have no meaning for a CSV cell and are refused, as is a lone brace.
 */
export function parseTemplate(template: string, file: string): TemplatePiece[] {
  const pieces: TemplatePiece[] = [];
  let text = "";
  let line = 1;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === "\n") line++;
    if (c === "{" && template[i + 1] === "{") {
      text += "{";
      i++;
    } else if (c === "}" && template[i + 1] === "}") {
      text += "}";
      i++;
    } else if (c === "}") {
      throw new BenchmarkFormatError(file, line, `a single "}" outside a placeholder; write "}}" for a literal brace`);
    } else if (c === "{") {
      const end = template.indexOf("}", i);
      const column = end < 0 ? "" : template.slice(i + 1, end);
      if (end < 0 || column.includes("{") || column.includes("\n")) throw new BenchmarkFormatError(file, line, `a "{" that does not close a placeholder on its line; write "{{" for a literal brace`);
      if (!column) throw new BenchmarkFormatError(file, line, `an empty placeholder "{}"; name a column of the dataset, e.g. "{note}"`);
      if (/[.[\]!:]/.test(column)) throw new BenchmarkFormatError(file, line, `placeholder {${column}} uses a format specification, conversion or attribute access; a placeholder is a bare column name`);
      if (text) pieces.push({text});
      text = "";
      pieces.push({column, line});
      i = end;
    } else text += c;
  }
  if (text) pieces.push({text});
  return pieces;
}

/** A template filled from one row (every placeholder's column is checked to exist beforehand). */
export function fillTemplate(pieces: readonly TemplatePiece[], row: Record<string, string>): string {
  return pieces.map((p) => ("text" in p ? p.text : row[p.column])).join("");
}

/** The criteria of a judge prompt's `<rubric_criteria>` JSON block: criterion -> the keys a verdict must give for it. */
export function rubricCriteria(judgePrompt: string, file: string): Record<string, string[]> {
  const match = /<rubric_criteria>\s*(\{.*?\})\s*<\/rubric_criteria>/s.exec(judgePrompt);
  if (!match) throw new BenchmarkFormatError(file, null, `the judge prompt has no <rubric_criteria>{...}</rubric_criteria> block; it must give the criteria as a JSON object, e.g. {"accuracy": {"score": 0, "explanation": "..."}}`);
  const line = judgePrompt.slice(0, match.index).split("\n").length;
  let parsed: unknown;
  try {
    parsed = JSON.parse(match[1]);
  } catch (error) {
    throw new BenchmarkFormatError(file, line, `the <rubric_criteria> block is not valid JSON (${(error as Error).message})`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed) || !Object.keys(parsed).length) {
    throw new BenchmarkFormatError(file, line, "the <rubric_criteria> block must be a JSON object with one entry per criterion");
  }
  const criteria: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (!value || typeof value !== "object" || Array.isArray(value) || !("score" in value)) {
      throw new BenchmarkFormatError(file, line, `criterion "${name}" in <rubric_criteria> must be an object with a "score" (0-5) and an "explanation"`);
    }
    if (name === "score") throw new BenchmarkFormatError(file, line, `a criterion may not be named "score": its per-criterion metric would be confused with the jury score`);
    criteria[name] = Object.keys(value);
  }
  return criteria;
}

/** One parsed CSV row with the line it starts on. */
interface CsvRow {
  record: Record<string, string>;
  line: number;
}

/** Reads a CSV with a header row, naming the line and column of anything that does not parse. */
export function readCsvRows(file: string, text: string): {columns: string[]; rows: CsvRow[]} {
  let columns: string[] = [];
  let parsed: {record: Record<string, string>; raw: string; info: {lines: number}}[];
  try {
    parsed = parseCsv(text, {
      bom: true,
      info: true,
      raw: true,
      skip_empty_lines: true,
      columns: (header: string[]) => {
        const dup = header.find((h, i) => header.indexOf(h) !== i);
        if (dup !== undefined) throw new BenchmarkFormatError(file, 1, `column "${dup}" appears twice in the header`);
        columns = header;
        return header;
      }
    });
  } catch (error) {
    if (error instanceof BenchmarkFormatError) throw error;
    const e = error as {code?: string; lines?: number; column?: string | number; message: string};
    const field = e.column === undefined ? "" : ` (column ${typeof e.column === "number" ? e.column + 1 : JSON.stringify(e.column)})`;
    throw new BenchmarkFormatError(file, e.lines ?? null, `the CSV does not parse${field}: ${e.message}`);
  }
  if (!columns.length) throw new BenchmarkFormatError(file, 1, "the CSV is empty; its first line must name the columns");
  // A record's `info.lines` is the line it ends on; a quoted cell may span lines.
  const rows = parsed.map(({record, raw, info}) => ({record, line: info.lines - (raw.replace(/^[\r\n]+/, "").replace(/\r?\n$/, "").match(/\n/g)?.length ?? 0)}));
  return {columns, rows};
}

/** The YAML node at a path with its line, for errors. */
function at(doc: Document, lines: LineCounter, path: (string | number)[]): {value: unknown; line: number | null} {
  const node = doc.getIn(path, true) as Node | undefined;
  const line = node?.range ? lines.linePos(node.range[0]).line : null;
  return {value: isScalar(node) ? node.value : node === undefined ? undefined : (node as Node).toJSON(), line};
}

/** Reads a file that a YAML field names, relative to the YAML file. */
function readNamed(yamlFile: string, field: string, value: unknown, line: number | null): {path: string; text: string} {
  if (typeof value !== "string" || !value.trim()) throw new BenchmarkFormatError(shown(yamlFile), line, `${field} must name a file (relative to this YAML file)`);
  const path = isAbsolute(value) ? value : resolve(dirname(yamlFile), value);
  try {
    return {path, text: readFileSync(path, "utf8")};
  } catch (error) {
    throw new BenchmarkFormatError(shown(yamlFile), line, `${field}: cannot read ${value} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/** Whether a path names a MedHELM-format benchmark file. */
export function isBenchmarkYaml(file: string): boolean {
  return /\.ya?ml$/i.test(file);
}

/**
 * Reads a MedHELM-format benchmark: its YAML, prompt, dataset and judge prompt, all checked, and
 * the instances built from the CSV. Returns the benchmark spec our registry registers (with its
 * `catalogue` facts); throws a `BenchmarkFormatError` naming the file, line and field.
 */
export function readMedhelmBenchmark(yamlFile: string, {resolveJudge, judgeHint = ""}: {resolveJudge: JudgeResolver; judgeHint?: string}): BenchmarkSpec {
  const id = basename(yamlFile, extname(yamlFile));
  if (!/^[a-z0-9_]+$/.test(id)) throw new BenchmarkFormatError(shown(yamlFile), null, `the file name is the benchmark id and must use only lowercase letters, digits and underscores (rename it, e.g. ${id.toLowerCase().replace(/[^a-z0-9_]+/g, "_")}${extname(yamlFile)})`);
  const lines = new LineCounter();
  const doc = parseDocument(readFileSync(yamlFile, "utf8"), {lineCounter: lines});
  if (doc.errors.length) {
    const [first] = doc.errors;
    throw new BenchmarkFormatError(shown(yamlFile), first.linePos?.[0].line ?? null, `invalid YAML: ${first.message.split("\n")[0]}`);
  }
  if (!isMap(doc.contents)) throw new BenchmarkFormatError(shown(yamlFile), null, "the YAML must be a mapping with name, description, prompt_file, dataset_file, max_tokens and metrics");
  const field = (...path: (string | number)[]) => at(doc, lines, path);
  const text = (key: string, required: boolean) => {
    const {value, line} = field(key);
    if (value === undefined || value === null) {
      if (required) throw new BenchmarkFormatError(shown(yamlFile), null, `"${key}" is required`);
      return undefined;
    }
    if (typeof value !== "string" || !value.trim()) throw new BenchmarkFormatError(shown(yamlFile), line, `"${key}" must be a non-empty string`);
    return value.trim();
  };
  const name = text("name", true)!;
  const description = text("description", true)!;

  const maxTokens = field("max_tokens");
  // HELM's default when the YAML gives none.
  const max = maxTokens.value ?? 1024;
  if (!Number.isInteger(max) || (max as number) < 1) throw new BenchmarkFormatError(shown(yamlFile), maxTokens.line, `"max_tokens" must be a positive integer, got ${JSON.stringify(maxTokens.value)}`);

  // Our optional additions. Without a subcategory the benchmark is registered outside MedHELM's
  // taxonomy (HELM itself has none); a subcategory that is given must be one of MedHELM's 22.
  const subcategoryField = field("subcategory");
  const subcategoryValue = text("subcategory", false);
  if (subcategoryValue !== undefined && !subcategories.some((s) => s.id === subcategoryValue)) {
    throw new BenchmarkFormatError(shown(yamlFile), subcategoryField.line, `"subcategory" ${JSON.stringify(subcategoryValue)} is not a MedHELM subcategory (one of ${subcategories.map((s) => s.id).join(", ")}; leave it out to keep the benchmark outside MedHELM's taxonomy)`);
  }
  const accessField = field("access");
  const access = accessField.value ?? "private";
  if (!["public", "gated", "private"].includes(access as string)) throw new BenchmarkFormatError(shown(yamlFile), accessField.line, `"access" must be public, gated or private, got ${JSON.stringify(accessField.value)}`);
  const task = text("task", false) ?? description;
  const license = text("license", false);

  // Metrics: a list of mappings with a name, as HELM's configuration reads them.
  const metricsField = field("metrics");
  const metricList = doc.getIn(["metrics"], true);
  if (!isSeq(metricList) || !metricList.items.length) throw new BenchmarkFormatError(shown(yamlFile), metricsField.line, `"metrics" must be a non-empty list, e.g. "metrics:\\n  - name: exact_match"`);
  const names: string[] = [];
  let jury: {promptFile: string; template: string; judges: string[]} | null = null;
  for (let i = 0; i < metricList.items.length; i++) {
    const entry = field("metrics", i);
    const metricName = field("metrics", i, "name");
    if (!isMap(doc.getIn(["metrics", i], true)) || typeof metricName.value !== "string") {
      throw new BenchmarkFormatError(shown(yamlFile), entry.line, `metrics[${i}] must be a mapping with a "name" (one of ${HELM_METRICS.join(", ")})`);
    }
    const metric = metricName.value;
    if (!(HELM_METRICS as readonly string[]).includes(metric)) throw new BenchmarkFormatError(shown(yamlFile), metricName.line, `unknown metric "${metric}" (known: ${HELM_METRICS.join(", ")})`);
    if (names.includes(metric)) continue;
    names.push(metric);
    if (metric !== "jury_score") continue;
    const promptField = field("metrics", i, "prompt_file");
    const judgePrompt = readNamed(yamlFile, `metrics[${i}].prompt_file`, promptField.value, promptField.line ?? metricName.line);
    const where = shown(judgePrompt.path);
    if (!judgePrompt.text.includes("{RESPONSE}")) throw new BenchmarkFormatError(where, null, "the judge prompt has no {RESPONSE} placeholder, so the judges would never see the answer they grade");
    rubricCriteria(judgePrompt.text, where);
    const judgesField = field("metrics", i, "judges");
    const judgeList = doc.getIn(["metrics", i, "judges"], true);
    if (!isSeq(judgeList) || !judgeList.items.length) throw new BenchmarkFormatError(shown(yamlFile), judgesField.line ?? metricName.line, `jury_score needs "judges": a list of {name, model_name}`);
    const judges: string[] = [];
    for (let j = 0; j < judgeList.items.length; j++) {
      const judge = field("metrics", i, "judges", j);
      const judgeName = field("metrics", i, "judges", j, "name").value;
      const modelName = field("metrics", i, "judges", j, "model_name").value;
      if (typeof judgeName !== "string" || typeof modelName !== "string") throw new BenchmarkFormatError(shown(yamlFile), judge.line, `judges[${j}] must have a "name" and a "model_name" (HELM's deployment and model)`);
      const ours = resolveJudge({name: judgeName, model_name: modelName});
      if (!ours) {
        throw new BenchmarkFormatError(shown(yamlFile), judge.line, `judge "${judgeName}" (model_name "${modelName}") is not one of our model ids; map it in the config's "helmModels", e.g. {"${judgeName}": "<endpoint>/<model>"}${judgeHint}`);
      }
      if (!judges.includes(ours)) judges.push(ours);
    }
    jury = {promptFile: judgePrompt.path, template: judgePrompt.text, judges};
  }

  // The prompt template and the dataset.
  const promptField = field("prompt_file");
  const prompt = readNamed(yamlFile, "prompt_file", promptField.value, promptField.line);
  const promptWhere = shown(prompt.path);
  const pieces = parseTemplate(prompt.text, promptWhere);
  const datasetField = field("dataset_file");
  const dataset = readNamed(yamlFile, "dataset_file", datasetField.value, datasetField.line);
  const csvWhere = shown(dataset.path);
  const {columns, rows} = readCsvRows(csvWhere, dataset.text);
  for (const p of pieces) {
    if ("column" in p && !columns.includes(p.column)) throw new BenchmarkFormatError(promptWhere, p.line, `placeholder {${p.column}} has no column in ${csvWhere} (its columns: ${columns.join(", ")})`);
  }
  const hasCorrect = columns.includes("correct_answer");
  // HELM's rule: only a benchmark scored by the jury alone may go without reference answers.
  if (!hasCorrect && !(names.length === 1 && names[0] === "jury_score")) {
    throw new BenchmarkFormatError(csvWhere, 1, `the dataset has no "correct_answer" column, which ${names.filter((n) => n !== "jury_score").join(", ")} compare(s) against (only a benchmark scored by jury_score alone may omit it)`);
  }
  if (!rows.length) throw new BenchmarkFormatError(csvWhere, 2, "the dataset has a header but no rows");
  const instances: Instance[] = rows.map(({record, line}, index) => {
    const extra: Record<string, unknown> = {line};
    if (columns.includes("incorrect_answers")) {
      const cell = record.incorrect_answers;
      let list: unknown;
      try {
        list = JSON.parse(cell);
      } catch {
        list = undefined;
      }
      if (!Array.isArray(list)) throw new BenchmarkFormatError(csvWhere, line, `incorrect_answers of row ${index + 1} is not a JSON list: ${JSON.stringify(cell.length > 60 ? `${cell.slice(0, 60)}...` : cell)} (write e.g. ["No"], quoted as "[""No""]" in the CSV)`);
      extra.incorrect_answers = list.map(String);
    }
    const correct = hasCorrect ? record.correct_answer : undefined;
    if (correct !== undefined && !correct.trim()) throw new BenchmarkFormatError(csvWhere, line, `correct_answer of row ${index + 1} is empty`);
    const input = fillTemplate(pieces, record);
    return {id: contentId(input, correct ?? ""), input, gold: correct === undefined ? [] : [correct], extra};
  });
  const loaded = uniqueIds(instances);

  const metrics: Metric[] = [];
  const add = (m: Metric) => {
    if (!metrics.some((x) => x.name === m.name)) metrics.push(m);
  };
  for (const n of names) {
    if (n === "exact_match") [exactMatch(), quasiExactMatch()].forEach(add);
    else if (SUMMARIZATION.has(n)) [rouge("1"), rouge("2"), rouge("L"), ...bertScore()].forEach(add);
  }
  const rubric: Rubric | undefined = jury
    ? {
        criteria: Object.fromEntries(Object.keys(rubricCriteria(jury.template, jury.promptFile)).map((c) => [c, `as described in ${basename(jury!.promptFile)}`])),
        scale: JURY_SCALE,
        role: "a judge",
        subject: name,
        inputTag: "QUESTION",
        showGold: jury.template.includes("{GOLD_RESPONSE}"),
        version: 1,
        template: jury.template
      }
    : undefined;
  const restricted = accessField.value === undefined ? "; no access tier in its YAML, so treated as private" : "";
  return {
    id,
    version: 1,
    description,
    data: {
      location: "local",
      dir: dirname(dataset.path),
      files: [basename(dataset.path)],
      dataset: `${basename(dataset.path)} (MedHELM-format benchmark ${basename(yamlFile)})`,
      license: `${license ?? "not stated"}${restricted}`
    },
    load: async () => loaded,
    prompt: {kind: "generation", instructions: "", inputNoun: null, outputNoun: null},
    maxTokens: max as number,
    metrics,
    mainMetric: OUR_NAME[names[0]],
    ...(rubric ? {rubric, juryMetric: "jury_score", judges: jury!.judges} : {}),
    catalogue: {name, ...(subcategoryValue === undefined ? {} : {subcategory: subcategoryValue}), access: access as Access, task}
  };
}

/** A path as shown in errors: relative to the working directory when inside it. */
export function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}
