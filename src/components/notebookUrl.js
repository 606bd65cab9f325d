// The notebook in the page address. A single query without a chart reads as plain `?sql=...`, so
// people can type or hand-edit a link; several cells (or any chart) are packed into `?nb=`: the
// cells as compact JSON, deflated and written in URL-safe base64 behind a version tag. Pure
// functions over strings: the page and the unit tests use the same code.

/** Chart marks a cell can draw. */
export const MARKS = ["dot", "bar", "line", "cell", "box"];

/** The version tag of the `nb` encoding; a future format gets a new tag and keeps reading this one. */
const VERSION = "1";

/** Thrown when an address holds a notebook that cannot be read; the message says what is wrong. */
export class NotebookAddressError extends Error {}

/** A cell in its compact form: the SQL alone, or [sql, mark, x, y, colour, facet] with missing fields as "". */
function compactCell(cell) {
  if (!cell.chart) return cell.sql;
  const {mark, x, y, color, facet} = cell.chart;
  const fields = [cell.sql, mark, x ?? "", y ?? "", color ?? "", facet ?? ""];
  while (fields.length > 2 && fields.at(-1) === "") fields.pop();
  return fields;
}

/** A cell back from its compact form; `n` (from 1) names the cell in errors. */
function expandCell(value, n) {
  if (typeof value === "string") return {sql: value, chart: null};
  if (!Array.isArray(value) || typeof value[0] !== "string" || value.some((v) => typeof v !== "string")) {
    throw new NotebookAddressError(`cell ${n} is neither a query nor a query with a chart`);
  }
  const [sql, mark, x = "", y = "", color = "", facet = ""] = value;
  if (!MARKS.includes(mark)) throw new NotebookAddressError(`cell ${n} asks for an unknown chart mark "${mark}" (known: ${MARKS.join(", ")})`);
  return {sql, chart: {mark, x: x || null, y: y || null, color: color || null, facet: facet || null}};
}

async function pipe(bytes, stream) {
  const response = new Response(new Blob([bytes]).stream().pipeThrough(stream));
  return new Uint8Array(await response.arrayBuffer());
}

function toBase64Url(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function fromBase64Url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new NotebookAddressError("the notebook code has characters that URL-safe base64 does not use");
  const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/") + "=".repeat((4 - (text.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/**
 * The query string (without "?") that holds `cells`, each `{sql, chart}` where `chart` is null or
 * `{mark, x, y, color, facet}` (column names or null).
 */
export async function encodeNotebook(cells) {
  if (cells.length === 1 && !cells[0].chart) return new URLSearchParams({sql: cells[0].sql}).toString();
  const json = new TextEncoder().encode(JSON.stringify(cells.map(compactCell)));
  return new URLSearchParams({nb: `${VERSION}.${toBase64Url(await pipe(json, new CompressionStream("deflate")))}`}).toString();
}

/**
 * The cells held by a query string (with or without "?"), or null when it names no notebook.
 * A damaged or foreign `nb` value throws a NotebookAddressError that says what is wrong.
 */
export async function decodeNotebook(search) {
  const params = new URLSearchParams(search);
  const packed = params.get("nb");
  if (packed === null) {
    const sql = params.get("sql");
    return sql === null ? null : [{sql, chart: null}];
  }
  const dot = packed.indexOf(".");
  if (dot < 0 || packed.slice(0, dot) !== VERSION) throw new NotebookAddressError(`the notebook code does not start with the version tag "${VERSION}."`);
  let json;
  try {
    json = new TextDecoder("utf-8", {fatal: true}).decode(await pipe(fromBase64Url(packed.slice(dot + 1)), new DecompressionStream("deflate")));
  } catch (error) {
    if (error instanceof NotebookAddressError) throw error;
    throw new NotebookAddressError("the notebook code is damaged (it does not inflate); was the link cut short?");
  }
  let value;
  try {
    value = JSON.parse(json);
  } catch {
    throw new NotebookAddressError("the notebook code does not hold JSON");
  }
  if (!Array.isArray(value) || value.length === 0) throw new NotebookAddressError("the notebook code holds no cells");
  return value.map((v, i) => expandCell(v, i + 1));
}
