/**
 * Delimited text files (CSV, TSV) as records that remember the physical line they start on, so
 * that a loader can say "file.csv line 214: column label is empty" even when quoted fields span
 * several lines. RFC 4180 quoting: fields may be wrapped in double quotes, a doubled quote is a
 * literal quote, and quoted fields may contain the delimiter and newlines.
 */
import {readFile} from "node:fs/promises";

/** One data record: its 1-based starting line in the file and its fields by column name. */
export interface DelimitedRecord {
  line: number;
  fields: Record<string, string>;
}

/** Splits delimited text into rows of fields, each with the line it starts on. */
export function parseDelimitedRows(text: string, delimiter = ","): {line: number; values: string[]}[] {
  const rows: {line: number; values: string[]}[] = [];
  let values: string[] = [];
  let field = "";
  let line = 1;
  let rowLine = 1;
  let quoted = false;
  let fieldStarted = false;
  const endField = () => {
    values.push(field);
    field = "";
    fieldStarted = false;
  };
  const endRow = () => {
    endField();
    // A blank line (one empty field) is not a record.
    if (!(values.length === 1 && values[0] === "")) rows.push({line: rowLine, values});
    values = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === "\n") line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && !fieldStarted && field === "") {
      quoted = true;
      fieldStarted = true;
    } else if (c === delimiter) endField();
    else if (c === "\r" && text[i + 1] === "\n") continue;
    else if (c === "\n" || c === "\r") {
      endRow();
      line++;
      rowLine = line;
    } else {
      field += c;
      fieldStarted = true;
    }
  }
  if (field !== "" || values.length || fieldStarted) endRow();
  return rows;
}

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
export function delimitedRecords(text: string, file: string, {delimiter = ",", required = []}: {delimiter?: string; required?: string[]} = {}): DelimitedRecord[] {
  const [head, ...rows] = parseDelimitedRows(text, delimiter);
  if (!head) throw new Error(`${file}: empty file, expected a header row`);
  const header = head.values.map((h) => h.trim());
  for (const column of required) if (!header.includes(column)) throw new Error(`${file}: missing column ${column} (header: ${header.join(", ")})`);
  return rows.map(({line, values}) => {
    if (values.length !== header.length) throw new Error(`${file} line ${line}: ${values.length} fields, the header has ${header.length}`);
    return {line, fields: Object.fromEntries(header.map((h, i) => [h, values[i]]))};
  });
}

/** The value of a column that must not be blank; fails naming file, line and column. */
export function requiredField(record: DelimitedRecord, column: string, file: string): string {
  const value = record.fields[column];
  if (value === undefined || !value.trim()) throw new Error(`${file} line ${record.line}: column ${column} is empty`);
  return value;
}
