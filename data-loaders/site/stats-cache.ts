/**
 * A content-addressed cache of the site's derived statistics (bootstrap intervals, win-rate and
 * paired resamples). Each result is stored under a hash of everything it is computed from (the
 * function, its version, its options and its input rows), so a rebuild after adding a model
 * finds every result whose inputs did not change and recomputes only the rest. A stale entry can
 * never be returned: changed inputs give a different key.
 *
 * Entries live in one file per namespace (`<dir>/<namespace>.v8`, Node's structured-clone
 * serialization, which keeps every double exactly, -0 and NaN included, so a cached number is
 * bit-identical to a recomputed one). Saving keeps only the entries this build used, so the cache
 * holds one site's worth of results and never grows without bound.
 */
import {createHash} from "node:crypto";
import {existsSync, mkdirSync, readFileSync, renameSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {deserialize, serialize} from "node:v8";
import type {StatsMemo} from "./stats.ts";

/** Bump when a cached function's output changes for the same input, to drop every old entry. */
export const STATS_CACHE_VERSION = 1;

/** A cache of results by namespace and content key. */
export interface StatsCache {
  /** The cached result for `key` in `namespace`, or undefined. */
  get<T>(namespace: string, key: string): T | undefined;
  /** Stores `value` for `key` in `namespace` (kept in memory until `save`). */
  set(namespace: string, key: string, value: unknown): void;
  /** Writes every namespace touched in this build, keeping only the entries used in it. */
  save(): void;
  /** Hits and misses so far, for the build log. */
  readonly stats: {hits: number; misses: number};
}

/**
 * The hex SHA-256 of `parts` as JSON (with the cache version), the key of a result computed from
 * them. JSON writes every finite double in its shortest round-trip form, so equal inputs give
 * equal keys and any changed value a different one.
 */
export function contentKey(...parts: unknown[]): string {
  const hash = createHash("sha256");
  hash.update(String(STATS_CACHE_VERSION));
  for (const part of parts) hash.update("\u0000").update(JSON.stringify(part) ?? "undefined");
  return hash.digest("hex");
}

/**
 * The cache in `dir` (created when saving), or an in-memory one when `dir` is null. `code` (the
 * source of the cached functions) is mixed into every key, so editing them invalidates the
 * entries they made. An unreadable
 * namespace file (an interrupted write of an older build, another Node version's format) is
 * treated as empty rather than failing the build: the cache only ever saves time.
 */
export function directoryStatsCache(dir: string | null, code = ""): StatsCache {
  const codeKey = contentKey(code);
  const loaded = new Map<string, Map<string, unknown>>();
  const used = new Map<string, Map<string, unknown>>();
  const stats = {hits: 0, misses: 0};
  const file = (namespace: string) => join(dir!, `${namespace}.v8`);
  const namespaceOf = (namespace: string) => {
    if (!/^[a-z0-9-]+$/.test(namespace)) throw new Error(`bad statistics cache namespace: ${namespace}`);
    let entries = loaded.get(namespace);
    if (!entries) {
      entries = new Map();
      if (dir && existsSync(file(namespace))) {
        try {
          const stored = deserialize(readFileSync(file(namespace)));
          if (stored instanceof Map) entries = stored as Map<string, unknown>;
        } catch {
          // Unreadable: start this namespace afresh.
        }
      }
      loaded.set(namespace, entries);
      used.set(namespace, new Map());
    }
    return entries;
  };
  return {
    stats,
    get<T>(namespace: string, contentKeyOnly: string): T | undefined {
      const entries = namespaceOf(namespace);
      const key = contentKey(codeKey, contentKeyOnly);
      if (!entries.has(key)) {
        stats.misses++;
        return undefined;
      }
      stats.hits++;
      const value = entries.get(key);
      used.get(namespace)!.set(key, value);
      return value as T;
    },
    set(namespace: string, contentKeyOnly: string, value: unknown): void {
      const key = contentKey(codeKey, contentKeyOnly);
      namespaceOf(namespace).set(key, value);
      used.get(namespace)!.set(key, value);
    },
    save(): void {
      if (!dir) return;
      mkdirSync(dir, {recursive: true});
      for (const [namespace, entries] of used) {
        // Written beside and renamed, so that an interrupted build never leaves half a file.
        const tmp = `${file(namespace)}.${process.pid}.tmp`;
        writeFileSync(tmp, serialize(entries));
        renameSync(tmp, file(namespace));
      }
    }
  };
}

/**
 * The statistics' memo (`StatsMemo`) over `cache`: each result is stored under its namespace and
 * a key of the result's own key and `keyParts` (the options it was computed with).
 */
export function cacheMemo(cache: StatsCache, ...keyParts: unknown[]): StatsMemo {
  const settings = contentKey(...keyParts);
  // A result asked for twice in one build (a column's sums serve win rates and pairs) is looked
  // up once, so the cache's hits count only what earlier builds computed.
  const seen = new Map<string, unknown>();
  return <T>(namespace: string, key: string, compute: () => T): T => {
    const full = contentKey(settings, key);
    const id = `${namespace}/${full}`;
    if (seen.has(id)) return seen.get(id) as T;
    let value = cache.get<T>(namespace, full);
    if (value === undefined) {
      value = compute();
      cache.set(namespace, full, value);
    }
    seen.set(id, value);
    return value;
  };
}
