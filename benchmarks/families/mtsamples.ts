/**
 * MTSamples reports (transcribed medical reports from mtsamples.com, one `.txt` file each, as HELM
 * reads them from its benchmark-data repository). A report is a run of sections introduced by an
 * upper-case heading and a colon ("HISTORY OF PRESENT ILLNESS:", "ASSESSMENT AND PLAN:"). The two
 * MTSamples benchmarks take one section as the reference answer and give the model the rest.
 */
import {readdir, readFile} from "node:fs/promises";
import {join} from "node:path";
import type {Instance} from "../../data-loaders/benchmark/types.ts";

/** The span of a section: where its heading line starts, where its text starts and where it ends. */
export interface SectionSpan {
  start: number;
  contentStart: number;
  end: number;
}

// A heading starts a line and is upper case; we accept compound headings that end in the wanted name ("ASSESSMENT AND PLAN").
const headingAt = /(^|\n)[ \t]*[A-Z][A-Z0-9 ,&/()'-]*:/g;

/** Finds the first section whose heading ends in `name` (upper case), or null. */
export function findSection(text: string, name: string): SectionSpan | null {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const heading = new RegExp(`(^|\\n)([ \\t]*(?:[A-Z][A-Z /&,-]*?\\b)?${escaped})[ \\t]*:`);
  const match = heading.exec(text);
  if (!match) return null;
  const start = match.index + match[1].length;
  const contentStart = match.index + match[0].length;
  headingAt.lastIndex = contentStart;
  let end = text.length;
  for (let next = headingAt.exec(text); next; next = headingAt.exec(text)) {
    if (next.index >= contentStart) {
      end = next.index + next[1].length;
      break;
    }
  }
  return {start, contentStart, end};
}

/** The report split into the first non-empty section among `names` (the reference) and the remaining text (the input). */
export function splitReport(text: string, names: string[]): {input: string; reference: string; section: string} | null {
  for (const name of names) {
    const span = findSection(text, name);
    if (!span) continue;
    const reference = text.slice(span.contentStart, span.end).replace(/^[\s,]+/, "").trim();
    if (!reference) continue;
    const input = `${text.slice(0, span.start)}${text.slice(span.end)}`.trim();
    if (!input) continue;
    return {input, reference, section: name};
  }
  return null;
}

/**
 * Reads every `.txt` report of a folder (sorted by name) into instances whose gold is the first
 * available section of `names`; reports without one are skipped, as HELM skips them.
 */
export async function loadReports(dir: string, names: string[]): Promise<Instance[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith(".txt")).sort();
  if (!files.length) throw new Error(`${dir}: no .txt reports`);
  const out: Instance[] = [];
  for (const name of files) {
    const text = (await readFile(join(dir, name), "utf8")).replace(/\r\n?/g, "\n");
    const split = splitReport(text, names);
    if (split) out.push({id: name.replace(/\.txt$/, ""), input: split.input, gold: [split.reference], extra: {section: split.section}});
  }
  return out;
}
