// The rating page's sheet handling, in the browser: parse a rating sheet written by
// `medhelm ratings sample`, keep its header, rows and order exactly, and write it back as CSV with
// the clinician's scores in the criterion columns. Nothing here touches the network.
import {csvFormatRows, csvParseRows} from "npm:d3-dsv";

/** The fixed columns of a sheet, before the criterion columns (as data-loaders/clinicians/sheets.ts writes them). */
export const SHEET_COLUMNS = ["packet_id", "benchmark", "input", "response", "gold_response", "criteria", "scale"];

/**
 * A sheet from CSV text: `{header, rows, criteria}`, or `{error}` when the text is not a rating
 * sheet (a required column is missing).
 */
export function parseSheet(text) {
  const rows = csvParseRows(text.replace(/^\uFEFF/, ""));
  const header = (rows[0] ?? []).map((h) => h.trim());
  const missing = SHEET_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) return {error: `not a rating sheet (missing column ${missing.join(", ")})`};
  const body = rows.slice(1).filter((r) => r.some((cell) => cell.trim() !== "")).map((r) => header.map((_, i) => r[i] ?? ""));
  return {header, rows: body, criteria: header.filter((h) => !SHEET_COLUMNS.includes(h))};
}

/** The criteria a row is rated on: those its `criteria` cell lists. */
function rowCriteria(sheet, row) {
  const listed = new Set((row[sheet.header.indexOf("criteria")] ?? "").split("\n").map((line) => line.slice(0, line.indexOf(":"))));
  return sheet.criteria.filter((c) => listed.has(c));
}

/** How many rows are rated on every criterion, in part, and in all. */
export function progress(sheet) {
  let rated = 0;
  let partial = 0;
  for (const row of sheet.rows) {
    const cells = rowCriteria(sheet, row).map((c) => row[sheet.header.indexOf(c)].trim());
    const filled = cells.filter((v) => v !== "").length;
    if (filled === cells.length && filled > 0) rated++;
    else if (filled > 0) partial++;
  }
  return {rated, partial, total: sheet.rows.length};
}

/** The sheet as CSV text, header and rows in their original order. */
export function sheetCsv(sheet) {
  return `${csvFormatRows([sheet.header, ...sheet.rows])}\n`;
}
