/**
 * JSON Lines files (MedQA, MedMCQA, MIMIC-IV-BHC): one object per line, blank lines skipped, and
 * every error naming the file and line so a user can fix their copy.
 */
import {readFile} from "node:fs/promises";

/** One parsed line with its location for error messages. */
export interface JsonlLine {
  row: Record<string, unknown>;
  /** 1-based line number. */
  line: number;
  /** `<file> line <n>`, the prefix of every error about this line. */
  where: string;
}

/** Reads every non-blank line of a JSON Lines file as an object. */
export async function readJsonl(file: string): Promise<JsonlLine[]> {
  const out: JsonlLine[] = [];
  (await readFile(file, "utf8")).split("\n").forEach((text, i) => {
    if (!text.trim()) return;
    const where = `${file} line ${i + 1}`;
    let row: unknown;
    try {
      row = JSON.parse(text);
    } catch (error) {
      throw new Error(`${where}: invalid JSON (${(error as Error).message})`);
    }
    if (!row || typeof row !== "object" || Array.isArray(row)) throw new Error(`${where}: expected a JSON object`);
    out.push({row: row as Record<string, unknown>, line: i + 1, where});
  });
  return out;
}

/** Throws unless every named field of `row` is a non-empty string. */
export function requireText(row: Record<string, unknown>, fields: readonly string[], where: string): void {
  for (const field of fields) {
    const value = row[field];
    if (typeof value !== "string" || !value.trim()) throw new Error(`${where}: field ${field} is missing or empty`);
  }
}
