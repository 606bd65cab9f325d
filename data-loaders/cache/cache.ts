/**
 * The content-addressed response cache.
 *
 * **Key.** A request's key is the SHA-256 of the canonical JSON (object keys sorted at every
 * depth) of `KeySummary`: endpoint base URL (credentials stripped), model id, the messages (each
 * as role, SHA-256 of its content and length), `max_tokens`, temperature, stop sequences, JSON
 * mode and, for judges, the rubric version (`purpose: "jury-v<version>"`). Operational knobs (timeouts, concurrency, retries) and
 * secrets (API keys, headers) are never part of it, so changing them never invalidates answers and
 * a key never reveals a credential. Failed calls are never stored.
 *
 * **Storage.** An append-only log: every process that stores something appends to its own
 * segment file `segments/<time>-<pid>-<random>.log`, one record per line:
 *
 *     <key: 64 hex> <crc32 of the JSON: 8 hex> <JSON of the stored entry>\n
 *
 * A record is written with a single `write` as soon as its response is in, before the runner
 * uses the answer, so a process killed with SIGKILL at any moment loses at most the record being
 * written (a call still in flight, which a rerun makes again); that torn last line has no newline
 * (or a wrong checksum) and is skipped when the cache is opened. Segments are flushed to
 * disk (fdatasync) at most every 200 ms and on close, so a power failure loses at most that
 * window, again detected by the checksum. Because writers never share a file, concurrent runs on
 * one cache never interleave records. Opening the cache reads every segment once and keeps an
 * index key -> (segment, offset, length) in memory (cache-index.ts, at most 48 bytes per entry);
 * a hit is one positional read. Stored entries keep the key summary (messages as digests, not text), which
 * keeps the log small, lets `cache explain` say which field of a request changed, and lets a
 * record's key be recomputed from the record itself.
 */
import * as crypto from "node:crypto";
import {closeSync, existsSync, fdatasync, fsyncSync, mkdirSync, openSync, readdirSync, readSync, writeSync} from "node:fs";
import {join} from "node:path";
import {crc32} from "node:zlib";
import {KeyIndex} from "./cache-index.ts";
import type {Generation, Message} from "../benchmark/types.ts";

/** The fields that identify a request; exactly what the cache key hashes. */
export interface CacheKeyFields {
  endpoint: string;
  model: string;
  messages: Message[];
  maxTokens: number;
  temperature: number;
  stop: string[];
  json: boolean;
  /** Judge prompt version (`jury-v<rubric version>`), null for evaluated-model calls. */
  purpose: string | null;
}

/** What the request was for; stored beside an entry for `cache explain`, never part of the key. */
export interface CacheLabel {
  benchmark: string;
  instance: string;
  /** The evaluated model (for a judge call, the model whose answer is judged). */
  model: string;
  /** Set on judge calls. */
  judge?: string;
}

/** A response to store. */
export interface CacheEntry {
  key: string;
  fields: CacheKeyFields;
  /** `keyText` of the fields when the caller has it already (saves hashing the messages twice). */
  keyText?: string;
  label?: CacheLabel;
  text: string;
  inputTokens: number | null;
  outputTokens: number | null;
  finishReason: string | null;
  latencyMs: number;
  storedAt: string;
  /** Set when the answer came through a provider's batch API and was billed at its batch price. */
  billing?: "batch";
}

/** One message as the log keeps it: enough to tell whether it changed. */
export interface MessageDigest {
  role: Message["role"];
  sha256: string;
  chars: number;
}

/** The key fields as stored: messages replaced by their digests. */
export interface KeySummary extends Omit<CacheKeyFields, "messages"> {
  messages: MessageDigest[];
}

/** A stored response as read back. */
export interface StoredEntry extends Omit<CacheEntry, "fields"> {
  fields: KeySummary;
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

// The one-shot `crypto.hash` (Node >= 20.12) allocates no Hash object, which matters at
// thousands of keys per second.
const oneShot = (crypto as {hash?: (algorithm: string, data: string, encoding: "hex") => string}).hash;

/** SHA-256 hex digest of a string. */
export function sha256(text: string): string {
  return oneShot ? oneShot("sha256", text, "hex") : crypto.createHash("sha256").update(text).digest("hex");
}

// Every model of an instance is sent the same messages array, so its digests are computed once
// per array rather than once per model.
const digestsMemo = new WeakMap<Message[], MessageDigest[]>();

/** The digests of messages: role, SHA-256 of the content, and its length in characters. */
export function digestMessages(messages: Message[]): MessageDigest[] {
  let digests = digestsMemo.get(messages);
  if (!digests) digestsMemo.set(messages, (digests = messages.map((m) => ({role: m.role, sha256: sha256(m.content), chars: m.content.length}))));
  return digests;
}

/** The key fields with messages replaced by their digests: what is hashed and what is stored. */
export function summarizeFields(fields: CacheKeyFields): KeySummary {
  return {
    endpoint: fields.endpoint, model: fields.model, messages: digestMessages(fields.messages), maxTokens: fields.maxTokens,
    temperature: fields.temperature, stop: fields.stop, json: fields.json, purpose: fields.purpose
  };
}

/**
 * The canonical JSON of a key summary: `canonicalJson(summary)`, written out in sorted key order
 * for the usual shape and computed generically otherwise (both give the same text).
 */
export function keyText(summary: KeySummary): string {
  const {endpoint, json, maxTokens, messages, model, purpose, stop, temperature} = summary;
  if (purpose === undefined || !Array.isArray(stop) || typeof json !== "boolean") return canonicalJson(summary);
  let list = "";
  for (const m of messages) list += `${list ? "," : ""}{"chars":${m.chars},"role":${JSON.stringify(m.role)},"sha256":"${m.sha256}"}`;
  return `{"endpoint":${JSON.stringify(endpoint)},"json":${json},"maxTokens":${JSON.stringify(maxTokens)},"messages":[${list}],"model":${JSON.stringify(model)},"purpose":${JSON.stringify(purpose)},"stop":${JSON.stringify(stop)},"temperature":${JSON.stringify(temperature)}}`;
}

/** The key of a stored summary (the same as `cacheKey` of the request it summarizes). */
export function summaryKey(summary: KeySummary): string {
  return sha256(keyText(summary));
}

/**
 * The cache key of a request: SHA-256 of the canonical JSON of its key fields, each message
 * content replaced by its SHA-256 and length. Hashing the contents first means a long prompt is
 * hashed once however many models answer it, and a stored entry can be re-keyed from what the
 * log keeps.
 */
export function cacheKey(fields: CacheKeyFields): string {
  return summaryKey(summarizeFields(fields));
}

/** The key and the canonical key text of a request, for callers that store what they hash. */
export function keyWithText(fields: CacheKeyFields): {key: string; text: string} {
  const text = keyText(summarizeFields(fields));
  return {key: sha256(text), text};
}

/** A response store keyed by `cacheKey`. */
export interface ResponseCache {
  get(key: string): StoredEntry | undefined;
  has(key: string): boolean;
  /** Stores a response, written to the log before returning (flushed to disk within 0.2 s). */
  put(entry: CacheEntry): void;
  /** Flushes to disk and releases files; the cache must not be used afterwards. */
  close(): void;
  /** Where entries live, for `cache explain`. */
  readonly dir: string;
}

/** What opening or scanning a cache found. */
export interface CacheHealth {
  segments: number;
  records: number;
  /** Distinct keys. */
  entries: number;
  bytes: number;
  /** Unterminated last records (a write cut short by a crash); skipped. */
  torn: number;
  /** Terminated records with a bad header or checksum; skipped. */
  corrupt: number;
}

const HEADER = 64 + 1 + 8 + 1;
const NEWLINE = 0x0a;
const SPACE = 0x20;
const hexKey = /^[0-9a-f]{64}$/;
// A new segment is started past this size so that offsets stay small integers.
const SEGMENT_LIMIT = 1 << 30;
const CHUNK = 8 << 20;

/**
 * The JSON of a stored entry, assembled by hand: the key fields as their canonical JSON (the
 * text that is hashed), then the response. Equivalent to JSON.stringify of a `StoredEntry`
 * without its key, at a fraction of the cost.
 */
export function recordJson(entry: CacheEntry): string {
  const l = entry.label;
  const label = l ? `{"benchmark":${JSON.stringify(l.benchmark)},"instance":${JSON.stringify(l.instance)},"model":${JSON.stringify(l.model)}${l.judge === undefined ? "" : `,"judge":${JSON.stringify(l.judge)}`}}` : "null";
  const fields = entry.keyText ?? keyText(summarizeFields(entry.fields));
  return `{"fields":${fields},"label":${label},"text":${JSON.stringify(entry.text)},"inputTokens":${num(entry.inputTokens)},"outputTokens":${num(entry.outputTokens)},"finishReason":${entry.finishReason == null ? "null" : JSON.stringify(entry.finishReason)},"latencyMs":${num(entry.latencyMs)},"storedAt":${JSON.stringify(entry.storedAt)}${entry.billing ? `,"billing":${JSON.stringify(entry.billing)}` : ""}}`;
}

/** A number as JSON (null for null, undefined or a non-finite value). */
const num = (n: number | null | undefined) => (typeof n === "number" && Number.isFinite(n) ? String(n) : "null");

/** The folder holding a cache's segments. */
export const segmentsDir = (dir: string) => join(dir, "segments");

function segmentFiles(dir: string): string[] {
  const folder = segmentsDir(dir);
  if (!existsSync(folder)) return [];
  return readdirSync(folder).filter((f) => f.endsWith(".log")).sort().map((f) => join(folder, f));
}

/**
 * Reads one segment record by record, calling `record(key, offset, length)` for each valid one
 * (offset and length of the JSON part). Returns the counts of torn and corrupt records.
 */
function readSegment(file: string, record: (key: string, offset: number, length: number, json: Buffer) => void): {records: number; torn: number; corrupt: number; bytes: number} {
  const fd = openSync(file, "r");
  let records = 0;
  let corrupt = 0;
  let carry: Buffer = Buffer.alloc(0);
  let carryAt = 0;
  let position = 0;
  try {
    const chunk = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const read = readSync(fd, chunk, 0, CHUNK, position);
      if (read === 0) break;
      const data = carry.length ? Buffer.concat([carry, chunk.subarray(0, read)]) : chunk.subarray(0, read);
      const base = carry.length ? carryAt : position;
      position += read;
      let start = 0;
      for (let end = data.indexOf(NEWLINE, start); end >= 0; start = end + 1, end = data.indexOf(NEWLINE, start)) {
        const line = data.subarray(start, end);
        const key = line.length > HEADER ? line.toString("latin1", 0, 64) : "";
        const sum = line.length > HEADER ? Number.parseInt(line.toString("latin1", 65, 73), 16) : NaN;
        const json = line.subarray(HEADER);
        if (line[64] !== SPACE || line[73] !== SPACE || !hexKey.test(key) || crc32(json) !== sum) {
          corrupt++;
          continue;
        }
        records++;
        record(key, base + start + HEADER, json.length, json);
      }
      // The unterminated rest is either the start of the next chunk's first line or a torn tail.
      carry = Buffer.from(data.subarray(start));
      carryAt = base + start;
    }
  } finally {
    closeSync(fd);
  }
  return {records, torn: carry.length ? 1 : 0, corrupt, bytes: position};
}

/** Calls `visit` with every valid record of a cache, in log order (a later record of a key supersedes earlier ones). */
export function scanRecords(dir: string, visit: (entry: StoredEntry) => void): void {
  for (const file of segmentFiles(dir)) {
    readSegment(file, (key, _offset, _length, json) => visit({key, ...(JSON.parse(json.toString("utf8")) as Omit<StoredEntry, "key">)}));
  }
}

/** Checks every record of a cache without opening it for writing. */
export function cacheHealth(dir: string): CacheHealth {
  const health: CacheHealth = {segments: 0, records: 0, entries: 0, bytes: 0, torn: 0, corrupt: 0};
  const keys = new Set<string>();
  for (const file of segmentFiles(dir)) {
    const r = readSegment(file, (key) => keys.add(key));
    health.segments++;
    health.records += r.records;
    health.torn += r.torn;
    health.corrupt += r.corrupt;
    health.bytes += r.bytes;
  }
  health.entries = keys.size;
  return health;
}

/** A cache opened for reading and writing. */
export interface SegmentCache extends ResponseCache {
  /** What was found when the cache was opened. */
  readonly health: CacheHealth;
}

/** Opens (creating if needed) the cache in `dir`. */
export function fileCache(dir: string): SegmentCache {
  const folder = segmentsDir(dir);
  const files = segmentFiles(dir);
  const health: CacheHealth = {segments: files.length, records: 0, entries: 0, bytes: 0, torn: 0, corrupt: 0};
  // The index maps each key to its whole record (header included), so a read can check the key.
  const index = new KeyIndex();
  files.forEach((file, segment) => {
    const r = readSegment(file, (key, offset, length) => index.set(key, segment, offset - HEADER, length + HEADER));
    health.records += r.records;
    health.torn += r.torn;
    health.corrupt += r.corrupt;
    health.bytes += r.bytes;
  });
  health.entries = index.size;

  const readFds = new Map<number, number>();
  const readFd = (segment: number) => {
    let fd = readFds.get(segment);
    if (fd === undefined) readFds.set(segment, (fd = openSync(files[segment], "r")));
    return fd;
  };
  let writeFd: number | null = null;
  let writeSegment = -1;
  let writeSize = 0;
  let dirty = false;
  let syncing = false;
  const flushTimer = setInterval(() => {
    if (!dirty || syncing || writeFd === null) return;
    dirty = false;
    syncing = true;
    fdatasync(writeFd, () => (syncing = false));
  }, 200);
  flushTimer.unref();

  const openSegment = () => {
    if (writeFd !== null) fsyncSync(writeFd);
    mkdirSync(folder, {recursive: true});
    const name = `${Date.now().toString(36).padStart(9, "0")}-${process.pid}-${Math.random().toString(36).slice(2, 8)}.log`;
    const file = join(folder, name);
    writeFd = openSync(file, "a");
    files.push(file);
    writeSegment = files.length - 1;
    writeSize = 0;
    // Make the new file's directory entry durable too, once per segment.
    const dirFd = openSync(folder, "r");
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  };

  return {
    dir,
    health,
    has: (key) => index.has(key),
    get(key) {
      const at = index.get(key);
      if (!at) return undefined;
      const buffer = Buffer.allocUnsafe(at.length);
      readSync(readFd(at.segment), buffer, 0, at.length, at.offset);
      // The index holds 64 bits of each key; the record holds all of it.
      if (buffer.toString("latin1", 0, 64) !== key) return undefined;
      try {
        return {key, ...(JSON.parse(buffer.toString("utf8", HEADER)) as Omit<StoredEntry, "key">)};
      } catch {
        // The checksum was verified when the segment was opened, so this means the file changed
        // underneath us; a miss makes the call again instead of replaying garbage.
        return undefined;
      }
    },
    put(entry) {
      const {key} = entry;
      if (!hexKey.test(key)) throw new Error(`invalid cache key: ${key}`);
      const json = recordJson(entry);
      const size = Buffer.byteLength(json);
      const line = Buffer.allocUnsafe(HEADER + size + 1);
      line.write(json, HEADER, "utf8");
      line.write(key, 0, "latin1");
      line[64] = SPACE;
      line.write(crc32(line.subarray(HEADER, HEADER + size)).toString(16).padStart(8, "0"), 65, "latin1");
      line[73] = SPACE;
      line[line.length - 1] = NEWLINE;
      if (writeFd === null || writeSize + line.length > SEGMENT_LIMIT) openSegment();
      // One write call per record, as soon as the response is in: a kill leaves either the whole
      // line or a torn tail.
      let written = 0;
      while (written < line.length) written += writeSync(writeFd!, line, written, line.length - written);
      index.set(key, writeSegment, writeSize, line.length - 1);
      writeSize += line.length;
      dirty = true;
    },
    close() {
      clearInterval(flushTimer);
      if (writeFd !== null) {
        fsyncSync(writeFd);
        closeSync(writeFd);
        writeFd = null;
      }
      for (const fd of readFds.values()) closeSync(fd);
      readFds.clear();
    }
  };
}

/** Turns a cache entry into the generation it replays. */
export function replay(entry: Pick<StoredEntry, "text" | "inputTokens" | "outputTokens" | "finishReason">): Generation {
  return {
    text: entry.text,
    inputTokens: entry.inputTokens,
    outputTokens: entry.outputTokens,
    finishReason: entry.finishReason,
    latencyMs: 0,
    cached: true
  };
}
