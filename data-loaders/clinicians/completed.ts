/**
 * Completed rating sheets read back: every sheet of a ratings folder (CSV or Excel) checked
 * against the packet key and the results it was drawn from, all at once. Any bad cell, unknown or
 * repeated packet, edited response, missing criterion column or missing key fails the whole
 * import with one error naming each file, row and column, so a study never rests on part of the
 * ratings. Blank score cells mean "not rated": they are counted and reported, never read as zero.
 */
import {existsSync, statSync} from "node:fs";
import {readdir, readFile} from "node:fs/promises";
import {basename, dirname, extname, join, resolve} from "node:path";
import {readSheet} from "read-excel-file/node";
import {parseDelimitedRows} from "../formats/csv.ts";
import type {Rubric} from "../benchmark/types.ts";
import {responseId, type JudgedResponse, type ResponseKey} from "./judged.ts";
import {KEY_COLUMNS, KEY_FILE} from "./sheets.ts";

/** One clinician's complete scores of one response. */
export interface ClinicianRating {
  rater: string;
  packet_id: string;
  response: ResponseKey;
  /** Criterion -> score, for every criterion of the benchmark's rubric. */
  scores: Record<string, number>;
  file: string;
  row: number;
}

/** A packet a rater left wholly or partly blank. */
export interface UnratedPacket {
  rater: string;
  packet_id: string;
  file: string;
  row: number;
  /** The criteria left blank. */
  blank: string[];
}

/** Everything read from a ratings folder. */
export interface CompletedRatings {
  ratings: ClinicianRating[];
  /** Packets not rated on every criterion; they do not enter the study. */
  unrated: UnratedPacket[];
  /** Sheets read. */
  files: string[];
  /** Sheets skipped, with why (e.g. the blank twin of a rater's filled-in sheet). */
  skipped: {file: string; reason: string}[];
  /** Key files used. */
  keys: string[];
}

/** The sheet files a `--ratings` value names: folders are listed (CSV and Excel, key excluded). */
export async function sheetFiles(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    if (!existsSync(path)) throw new Error(`${path}: no such file or folder`);
    if (statSync(path).isDirectory()) {
      const names = (await readdir(path)).filter((n) => /\.(csv|xlsx)$/i.test(n) && n !== KEY_FILE && !n.startsWith("~$")).sort();
      if (!names.length) throw new Error(`${path}: no rating sheets (.csv or .xlsx) in the folder`);
      out.push(...names.map((n) => join(path, n)));
    } else out.push(resolve(path));
  }
  return [...new Set(out)];
}

interface Table {
  header: string[];
  rows: {row: number; cells: string[]}[];
}

async function readTable(file: string): Promise<Table> {
  if (extname(file).toLowerCase() === ".xlsx") {
    let rows: unknown[][];
    try {
      rows = (await readSheet(file)) as unknown[][];
    } catch (error) {
      throw new Error(`${file}: not a readable .xlsx workbook: ${(error as Error).message}`);
    }
    const text = (c: unknown) => (c === null || c === undefined ? "" : c instanceof Date ? c.toISOString() : String(c));
    return {header: (rows[0] ?? []).map((h) => text(h).trim()), rows: rows.slice(1).map((cells, i) => ({row: i + 2, cells: cells.map(text)}))};
  }
  const [head, ...rows] = parseDelimitedRows(await readFile(file, "utf8"));
  return {header: (head?.values ?? []).map((h) => h.trim()), rows: rows.map(({values}, i) => ({row: i + 2, cells: values}))};
}

/** Texts compare equal across CSV and Excel round trips: line ends unified, outer whitespace ignored. */
function sameText(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/\r\n?/g, "\n").trim();
  return norm(a) === norm(b);
}

async function readKey(file: string, errors: string[]): Promise<Map<string, ResponseKey>> {
  const table = await readTable(file);
  const missing = KEY_COLUMNS.filter((c) => !table.header.includes(c));
  if (missing.length) {
    errors.push(`${file} row 1: missing column ${missing.join(", ")}`);
    return new Map();
  }
  const col = (name: string) => table.header.indexOf(name);
  const key = new Map<string, ResponseKey>();
  for (const {row, cells} of table.rows) {
    if (cells.every((c) => c.trim() === "")) continue;
    const get = (name: string) => (cells[col(name)] ?? "").trim();
    const id = get("packet_id");
    if (key.has(id)) errors.push(`${file} row ${row}, column packet_id: packet ${id} appears twice in the key`);
    key.set(id, {run_id: get("run_id"), benchmark: get("benchmark"), instance_id: get("instance_id"), model: get("model")});
  }
  return key;
}

/**
 * Reads and checks every sheet named by `paths` (files, or folders of sheets with their
 * `key.csv`). The rater of a sheet is its file name without extension; when a rater has both a
 * CSV and an Excel sheet, the one with scores is read and the blank one skipped (both filled in is
 * an error). `responses` are the judged answers of the results, to check that each packet's
 * response is the one in the results and unchanged; `rubrics` give each benchmark's criteria
 * and scale. Throws one error listing every problem (up to 30) when there is any.
 */
export async function readCompletedSheets(paths: readonly string[], responses: readonly JudgedResponse[], rubrics: Record<string, Rubric>): Promise<CompletedRatings> {
  const files = await sheetFiles(paths);
  const errors: string[] = [];
  const keys = new Map<string, Map<string, ResponseKey>>();
  const byId = new Map(responses.map((r) => [responseId(r), r]));
  const parsed: {file: string; rater: string; ratings: ClinicianRating[]; unrated: UnratedPacket[]; scored: number}[] = [];

  for (const file of files) {
    const keyFile = join(dirname(file), KEY_FILE);
    if (!existsSync(keyFile)) {
      errors.push(`${file}: no ${KEY_FILE} beside the sheet (the packet key that "medhelm ratings sample" wrote); copy it into ${dirname(file)}`);
      continue;
    }
    if (!keys.has(keyFile)) keys.set(keyFile, await readKey(keyFile, errors));
    const key = keys.get(keyFile)!;
    let table: Table;
    try {
      table = await readTable(file);
    } catch (error) {
      errors.push((error as Error).message);
      continue;
    }
    const rater = basename(file, extname(file));
    const column = new Map(table.header.map((h, i) => [h, i]));
    const required = ["packet_id", "response"].filter((c) => !column.has(c));
    if (required.length) {
      errors.push(`${file} row 1: missing column ${required.join(", ")}`);
      continue;
    }
    const sheet = {file, rater, ratings: [] as ClinicianRating[], unrated: [] as UnratedPacket[], scored: 0};
    const seen = new Map<string, number>();
    const missingColumns = new Set<string>();
    for (const {row, cells} of table.rows) {
      if (cells.every((c) => c.trim() === "")) continue;
      const get = (name: string) => cells[column.get(name)!] ?? "";
      const fail = (name: string, message: string) => errors.push(`${file} row ${row}, column ${name}: ${message}`);
      const packet = get("packet_id").trim();
      if (seen.has(packet)) {
        fail("packet_id", `packet ${packet} already on row ${seen.get(packet)}`);
        continue;
      }
      seen.set(packet, row);
      const target = key.get(packet);
      if (!target) {
        fail("packet_id", `unknown packet ${JSON.stringify(packet)} (not in ${keyFile})`);
        continue;
      }
      const response = byId.get(responseId(target));
      const rubric = rubrics[target.benchmark];
      if (!response || !rubric) {
        fail("packet_id", `packet ${packet} is ${target.benchmark} ${target.instance_id} ${target.model} of run ${target.run_id}, which the results hold no jury-scored answer for`);
        continue;
      }
      if (!sameText(get("response"), response.response)) fail("response", `the response of packet ${packet} differs from the answer in the results; ratings must be of the text as sampled`);
      const [lo, hi] = rubric.scale;
      const scores: Record<string, number> = {};
      const blank: string[] = [];
      for (const criterion of Object.keys(rubric.criteria)) {
        if (!column.has(criterion)) {
          if (!missingColumns.has(criterion)) errors.push(`${file} row 1, column ${criterion}: missing criterion column (the ${target.benchmark} rubric scores ${Object.keys(rubric.criteria).join(", ")})`);
          missingColumns.add(criterion);
          continue;
        }
        const raw = get(criterion).trim();
        if (raw === "") {
          blank.push(criterion);
          continue;
        }
        const value = Number(raw);
        if (!Number.isFinite(value)) fail(criterion, `${JSON.stringify(raw)} is not a number from ${lo} to ${hi}`);
        else if (value < lo || value > hi) fail(criterion, `${raw} is outside the scale ${lo}-${hi}`);
        else scores[criterion] = value;
      }
      const rated = Object.keys(rubric.criteria).length - blank.length;
      if (rated > 0) sheet.scored++;
      if (blank.length) sheet.unrated.push({rater, packet_id: packet, file, row, blank});
      else if (missingColumns.size === 0) sheet.ratings.push({rater, packet_id: packet, response: target, scores, file, row});
    }
    parsed.push(sheet);
  }

  // A rater gets both a CSV and an Excel sheet; only the filled-in one counts.
  const skipped: {file: string; reason: string}[] = [];
  const used: typeof parsed = [];
  for (const rater of [...new Set(parsed.map((p) => p.rater))]) {
    const sheets = parsed.filter((p) => p.rater === rater);
    const filled = sheets.filter((s) => s.scored > 0);
    if (filled.length > 1) errors.push(`rater ${rater}: scores in more than one sheet (${filled.map((s) => s.file).join(", ")}); keep one`);
    const chosen = filled.length ? filled : sheets.slice(0, 1);
    for (const s of sheets) if (!chosen.includes(s)) skipped.push({file: s.file, reason: `no scores; rater ${rater} is read from ${chosen[0].file}`});
    used.push(...chosen);
  }

  if (errors.length) {
    const shown = errors.slice(0, 30);
    const more = errors.length > shown.length ? `\n  ... and ${errors.length - shown.length} more` : "";
    throw new Error(`rating sheets: ${errors.length} ${errors.length === 1 ? "problem" : "problems"}, nothing imported\n  ${shown.join("\n  ")}${more}`);
  }
  return {ratings: used.flatMap((s) => s.ratings), unrated: used.flatMap((s) => s.unrated), files: used.map((s) => s.file), skipped, keys: [...keys.keys()]};
}
