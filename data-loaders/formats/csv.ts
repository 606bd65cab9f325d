/**
 * Delimited text files (CSV, TSV) as records that remember the physical line they start on, so
 * that a loader can say "file.csv line 214: column label is empty" even when quoted fields span
 * several lines. Parsing is csv-parse's (RFC 4180: quoted fields may hold the delimiter, newlines
 * and doubled quotes); this module adds the line numbers, the header and the required columns.
 */
import {readFile} from "node:fs/promises";
import {parse} from "csv-parse/sync";

/** One data record: its 1-based starting line in the file and its fields by column name. */
export interface DelimitedRecord {
  line: number;
  fields: Record<string, string>;
}

/**
 * Splits delimited text into rows of fields, each with the line it starts on. Fields come from
 * csv-parse. Its own line counter counts a CRLF inside a quoted field as two lines, so the line
 * numbers are ours: each record's `info.bytes` says where it ends in the UTF-8 bytes, and the line
 * breaks (CRLF, LF or CR, each one line) before its first field give the line it starts on.
 * Quotes inside an unquoted field are kept as text (`relax_quotes`), and rows of any length are
 * returned so that the caller can name the line of a short or long row.
 */
export function parseDelimitedRows(text: string, delimiter = ","): {line: number; values: string[]}[] {
  const bytes = Buffer.from(text, "utf8");
  const records = parse(bytes, {delimiter, bom: true, record_delimiter: ["\r\n", "\n", "\r"], info: true, relax_quotes: true, relax_column_count: true, skip_empty_lines: true}) as unknown as {record: string[]; info: {bytes: number}}[];
  const isBreak = (i: number) => bytes[i] === LF || bytes[i] === CR;
  const breakLength = (i: number) => (bytes[i] === CR && bytes[i + 1] === LF ? 2 : 1);
  const rows: {line: number; values: string[]}[] = [];
  let offset = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  let line = 1;
  for (const {record, info} of records) {
    let i = offset;
    // Skipped blank lines before the record.
    for (; i < info.bytes && isBreak(i); i += breakLength(i)) line++;
    rows.push({line, values: record});
    while (i < info.bytes) {
      if (isBreak(i)) {
        i += breakLength(i);
        line++;
      } else i++;
    }
    offset = info.bytes;
  }
  return rows;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Reads a delimited file with a header row into records keyed by column name. Fails naming the
 * file when a required column is missing and naming the line when a record has a different
 * number of fields than the header.
 */
export async function readDelimited(file: string, {delimiter = ",", required = []}: {delimiter?: string; required?: string[]} = {}): Promise<DelimitedRecord[]> {
  const text = (await readFile(file, "utf8")).replace(/^\uFEFF/, "");
  return delimitedRecords(text, file, {delimiter, required});
}

/** `readDelimited` on text already in memory; `file` names the source in error messages. */
export function delimitedRecords(text: string, file: string, options: {delimiter?: string; required?: string[]} = {}): DelimitedRecord[] {
  return delimitedTable(text, file, options).records;
}

/** `delimitedRecords` with the header's column names, in file order. */
export function delimitedTable(text: string, file: string, {delimiter = ",", required = []}: {delimiter?: string; required?: string[]} = {}): {columns: string[]; records: DelimitedRecord[]} {
  const [head, ...rows] = parseDelimitedRows(text, delimiter);
  if (!head) throw new Error(`${file}: empty file, expected a header row`);
  const columns = head.values.map((h) => h.trim());
  for (const column of required) if (!columns.includes(column)) throw new Error(`${file}: missing column ${column} (header: ${columns.join(", ")})`);
  const records = rows.map(({line, values}) => {
    if (values.length !== columns.length) throw new Error(`${file} line ${line}: ${values.length} fields, the header has ${columns.length}`);
    return {line, fields: Object.fromEntries(columns.map((h, i) => [h, values[i]]))};
  });
  return {columns, records};
}

/** The value of a column that must not be blank; fails naming file, line and column. */
export function requiredField(record: DelimitedRecord, column: string, file: string): string {
  const value = record.fields[column];
  if (value === undefined || !value.trim()) throw new Error(`${file} line ${record.line}: column ${column} is empty`);
  return value;
}
