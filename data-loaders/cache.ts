/**
 * The content-addressed response cache. A request's key is the SHA-256 of the canonical JSON of
 * everything that can change the answer: endpoint URL, model, messages, generation parameters and
 * (for judges) the rubric version. Operational knobs (timeouts, concurrency, retries) and secrets
 * (API keys, headers) are never part of it. Entries are written to a temporary file and renamed
 * into place, so a crash never leaves a half-written entry; failed calls are never cached.
 */
import {createHash} from "node:crypto";
import {mkdirSync, readFileSync, renameSync, writeFileSync} from "node:fs";
import {dirname, join} from "node:path";
import type {Generation, Message} from "./types.ts";

/** The fields that identify a request; exactly what the cache key hashes. */
export interface CacheKeyFields {
  endpoint: string;
  model: string;
  messages: Message[];
  maxTokens: number;
  temperature: number;
  stop: string[];
  json: boolean;
  /** Judge prompt version (`jury-<rubric version>`), null for evaluated-model calls. */
  purpose: string | null;
}

/** A stored response: the generation without its `cached` flag and latency of the replay. */
export interface CacheEntry {
  key: string;
  fields: CacheKeyFields;
  text: string;
  inputTokens: number | null;
  outputTokens: number | null;
  finishReason: string | null;
  latencyMs: number;
  storedAt: string;
}

/** JSON with object keys sorted at every depth, so equal requests hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/** SHA-256 hex digest of a string. */
export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The cache key of a request. */
export function cacheKey(fields: CacheKeyFields): string {
  return sha256(canonicalJson(fields));
}

/** A response store keyed by `cacheKey`. */
export interface ResponseCache {
  get(key: string): CacheEntry | undefined;
  put(entry: CacheEntry): void;
  /** Where entries live, for `cache explain`. */
  readonly dir: string;
}

/** A cache in `dir`: one JSON file per entry under a two-character fan-out folder. */
export function fileCache(dir: string): ResponseCache {
  const path = (key: string) => join(dir, key.slice(0, 2), `${key}.json`);
  return {
    dir,
    get(key) {
      let text: string;
      try {
        text = readFileSync(path(key), "utf8");
      } catch {
        return undefined;
      }
      try {
        const entry = JSON.parse(text) as CacheEntry;
        return entry.key === key ? entry : undefined;
      } catch {
        // An unreadable entry is treated as a miss and overwritten by the next successful call.
        return undefined;
      }
    },
    put(entry) {
      const file = path(entry.key);
      mkdirSync(dirname(file), {recursive: true});
      const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      writeFileSync(tmp, JSON.stringify(entry));
      renameSync(tmp, file);
    }
  };
}

/** Turns a cache entry into the generation it replays. */
export function replay(entry: CacheEntry): Generation {
  return {
    text: entry.text,
    inputTokens: entry.inputTokens,
    outputTokens: entry.outputTokens,
    finishReason: entry.finishReason,
    latencyMs: 0,
    cached: true
  };
}
