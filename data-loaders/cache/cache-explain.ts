/**
 * Why a request would or would not be answered from the cache: the fields of its key, and for a
 * miss, how the nearest stored entries for the same item differ from it (for example a changed
 * endpoint URL, `max_tokens` or prompt text). Pure functions over key summaries; the command that
 * finds the entries is `medhelm cache explain`.
 */
import type {KeySummary, MessageDigest, StoredEntry} from "./cache.ts";

/** One key field whose value differs between the request and a stored entry. */
export interface FieldDifference {
  field: string;
  stored: string;
  current: string;
}

const show = (value: unknown) => JSON.stringify(value) ?? "undefined";
const showMessage = (m: MessageDigest | undefined) => (m ? `${m.role}, ${m.chars} chars, sha256 ${m.sha256.slice(0, 12)}` : "absent");

/** The key fields that differ, message by message for the prompt. */
export function diffSummaries(current: KeySummary, stored: KeySummary): FieldDifference[] {
  const out: FieldDifference[] = [];
  for (const field of ["endpoint", "model", "maxTokens", "temperature", "stop", "json", "purpose"] as const) {
    if (show(current[field]) !== show(stored[field])) out.push({field, stored: show(stored[field]), current: show(current[field])});
  }
  const n = Math.max(current.messages.length, stored.messages.length);
  for (let i = 0; i < n; i++) {
    const a = current.messages[i];
    const b = stored.messages[i];
    if (a?.role !== b?.role || a?.sha256 !== b?.sha256) out.push({field: `messages[${i}]`, stored: showMessage(b), current: showMessage(a)});
  }
  return out;
}

/** Stored entries ranked by how few key fields differ from the request (at most `n`). */
export function nearestEntries(current: KeySummary, candidates: readonly StoredEntry[], n = 3): {entry: StoredEntry; differences: FieldDifference[]}[] {
  return candidates
    .map((entry) => ({entry, differences: diffSummaries(current, entry.fields)}))
    .sort((a, b) => a.differences.length - b.differences.length || (a.entry.storedAt < b.entry.storedAt ? 1 : -1))
    .slice(0, n);
}

/** The key fields one per line, messages as digests (the text that is hashed is their canonical JSON). */
export function describeFields(summary: KeySummary): string[] {
  return [
    `endpoint     ${summary.endpoint}`,
    `model        ${summary.model}`,
    `maxTokens    ${summary.maxTokens}`,
    `temperature  ${summary.temperature}`,
    `stop         ${show(summary.stop)}`,
    `json         ${summary.json}`,
    `purpose      ${show(summary.purpose)}`,
    ...summary.messages.map((m, i) => `messages[${i}]  ${showMessage(m)}`)
  ];
}
