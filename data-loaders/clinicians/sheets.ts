/**
 * Blinded rating sheets: one per rater, in CSV and in Excel form, listing the rater's packets in a
 * random order with what the judges saw (the input, the answer, and the gold answer where the
 * rubric shows it), the rubric's criteria with their descriptions and scale, and one empty column
 * per criterion for the scores. No model or judge name and no jury score is written. The key
 * that maps packet ids back to responses goes to a separate file for the analyst.
 */
import {mkdir, writeFile} from "node:fs/promises";
import {join} from "node:path";
import {csvFormatRows} from "d3-dsv";
import writeXlsxFile from "write-excel-file/node";
import {seededFor, shuffled} from "../stats/random.ts";
import type {Rubric} from "../benchmark/types.ts";
import type {JudgedResponse} from "./judged.ts";
import type {Packet} from "./packets.ts";

/** The fixed columns of a sheet, before the criterion columns. */
export const SHEET_COLUMNS = ["packet_id", "benchmark", "input", "response", "gold_response", "criteria", "scale"] as const;

/** The columns of the analyst's key file. */
export const KEY_COLUMNS = ["packet_id", "run_id", "benchmark", "instance_id", "model"] as const;

/** The key file's name in a ratings folder. */
export const KEY_FILE = "key.csv";

/** Excel stores at most this many characters in a cell. */
export const EXCEL_CELL_LIMIT = 32767;

/** A sheet as rows of text: a header and one row per packet. */
export interface SheetTable {
  rater: string;
  header: string[];
  rows: string[][];
}

/** The rubric text shown to raters: each criterion with its question, one per line. */
export function criteriaText(rubric: Rubric): string {
  return Object.entries(rubric.criteria).map(([name, question]) => `${name}: ${question}`).join("\n");
}

/** The scale as raters read it, e.g. `1-5 (1 = very poor, 5 = excellent)`, in the judges' words. */
export function scaleText(rubric: Rubric): string {
  const [lo, hi] = rubric.scale;
  return `${lo}-${hi} (${lo} = very poor, ${hi} = excellent)`;
}

/**
 * The sheet of each rater. Criterion columns are the union of the sampled benchmarks' criteria in
 * rubric order; a row's `criteria` cell says which of them apply to it. The gold answer is left
 * out where the benchmark's rubric hides it from the judges.
 */
export function buildSheets(packets: readonly Packet<JudgedResponse>[], raters: readonly string[], rubrics: Record<string, Rubric>, seed: number): SheetTable[] {
  const criteria: string[] = [];
  for (const p of packets) {
    const rubric = rubrics[p.response.benchmark];
    if (!rubric) throw new Error(`benchmark ${p.response.benchmark} has no jury rubric in the registry`);
    for (const c of Object.keys(rubric.criteria)) if (!criteria.includes(c)) criteria.push(c);
  }
  const clash = criteria.filter((c) => (SHEET_COLUMNS as readonly string[]).includes(c));
  if (clash.length) throw new Error(`rubric criterion ${clash.join(", ")} has the name of a sheet column`);
  const header = [...SHEET_COLUMNS, ...criteria];
  return raters.map((rater) => {
    const mine = packets.filter((p) => p.raters.includes(rater)).sort((a, b) => (a.packet_id < b.packet_id ? -1 : 1));
    const rows = shuffled(mine, seededFor(seed, `ratings/sheet/${rater}`)).map((p) => {
      const r = p.response;
      const rubric = rubrics[r.benchmark];
      return [p.packet_id, r.benchmark_name, r.input, r.response, rubric.showGold ? r.gold : "", criteriaText(rubric), scaleText(rubric), ...criteria.map(() => "")];
    });
    return {rater, header, rows};
  });
}

/** The key rows, sorted by packet id. */
export function keyRows(packets: readonly Packet<JudgedResponse>[]): string[][] {
  return [...packets].sort((a, b) => (a.packet_id < b.packet_id ? -1 : 1)).map((p) => [p.packet_id, p.response.run_id, p.response.benchmark, p.response.instance_id, p.response.model]);
}

/** The sheet as CSV text (RFC 4180 quoting, `\n` line ends). */
export function sheetCsv(sheet: SheetTable): string {
  return `${csvFormatRows([sheet.header, ...sheet.rows])}\n`;
}

/**
 * Writes `<dir>/<rater>.csv`, `<dir>/<rater>.xlsx` for every sheet and `<dir>/key.csv`. Text
 * columns wrap in the workbook and the header row stays in view; score columns are narrow.
 * Fails naming the packet and column when a text is longer than an Excel cell holds.
 */
export async function writeSheets(dir: string, sheets: readonly SheetTable[], key: readonly string[][]): Promise<string[]> {
  await mkdir(dir, {recursive: true});
  const written: string[] = [];
  for (const sheet of sheets) {
    for (const row of sheet.rows) {
      const long = row.findIndex((cell) => cell.length > EXCEL_CELL_LIMIT);
      if (long >= 0) throw new Error(`packet ${row[0]}, column ${sheet.header[long]}: ${row[long].length} characters, more than an Excel cell holds (${EXCEL_CELL_LIMIT})`);
    }
    const csv = join(dir, `${sheet.rater}.csv`);
    await writeFile(csv, sheetCsv(sheet));
    const xlsx = join(dir, `${sheet.rater}.xlsx`);
    const textColumns = new Set<string>(["input", "response", "gold_response", "criteria"]);
    const data = [
      sheet.header.map((h) => ({value: h, fontWeight: "bold" as const})),
      ...sheet.rows.map((row) => row.map((cell, i) => (textColumns.has(sheet.header[i]) ? {value: cell, type: String, wrap: true, alignVertical: "top" as const} : {value: cell, type: String, alignVertical: "top" as const})))
    ];
    const columns = sheet.header.map((h) => ({width: textColumns.has(h) ? 60 : h === "benchmark" || h === "scale" ? 18 : 12}));
    await writeXlsxFile(data, {columns, stickyRowsCount: 1, sheet: "ratings"}).toFile(xlsx);
    written.push(csv, xlsx);
  }
  const keyFile = join(dir, KEY_FILE);
  await writeFile(keyFile, `${csvFormatRows([[...KEY_COLUMNS], ...key])}\n`);
  written.push(keyFile);
  return written;
}
