/**
 * Excel workbooks (CLEAR's per-condition sheets, MedicationQA) read in their native `.xlsx` form
 * with `read-excel-file`, a maintained reader with no native code. We depend on it rather than
 * parse the zipped XML ourselves because real workbooks use shared strings, rich text runs and
 * typed cells that a small reader would get wrong. Records are keyed by the header row and keep
 * their sheet row number for error messages.
 */
import {readSheet} from "read-excel-file/node";

/** One sheet row below the header: its 1-based row number and its cells as text. */
export interface SheetRecord {
  row: number;
  fields: Record<string, string>;
}

function cellText(cell: unknown): string {
  if (cell === null || cell === undefined) return "";
  if (cell instanceof Date) return cell.toISOString();
  return String(cell);
}

/** Reads the first sheet of a workbook; fails naming the file when it is unreadable or a required column is missing. */
export async function readSheetRecords(file: string, {required = []}: {required?: string[]} = {}): Promise<SheetRecord[]> {
  let rows: unknown[][];
  try {
    rows = (await readSheet(file)) as unknown[][];
  } catch (error) {
    throw new Error(`${file}: not a readable .xlsx workbook: ${(error as Error).message}`);
  }
  const [head, ...body] = rows;
  if (!head) throw new Error(`${file}: empty sheet, expected a header row`);
  const header = head.map((h) => cellText(h).trim());
  for (const column of required) if (!header.includes(column)) throw new Error(`${file}: missing column ${column} (header: ${header.join(", ")})`);
  return body
    .map((cells, i) => ({row: i + 2, fields: Object.fromEntries(header.map((h, j) => [h, cellText(cells[j])]))}))
    .filter((r) => Object.values(r.fields).some((v) => v.trim()));
}
