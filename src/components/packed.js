// Reading the site's compressed files. The large tables (a benchmark's instance-level scores)
// and the instance text chunks are shipped gzip-compressed (`.arrow.gz`, `.json.gz`): they shrink
// five to twenty times, and the browser's own DecompressionStream unpacks them, so no library
// and no server setting is needed. Small tables stay plain `.arrow`.
import * as Arrow from "npm:apache-arrow";

/** The bytes of a gzip-compressed FileAttachment, decompressed. */
export async function unpack(file) {
  const response = await fetch(file.href);
  if (!response.ok) throw new Error(`cannot fetch ${file.name}: HTTP ${response.status}`);
  return new Uint8Array(await new Response(response.body.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer());
}

/** An Arrow table from a `.arrow.gz` FileAttachment (pass it to DuckDBClient.of like a file). */
export async function packedArrow(file) {
  return Arrow.tableFromIPC(await unpack(file));
}

/** The JSON value of a `.json.gz` FileAttachment. */
export async function packedJson(file) {
  return JSON.parse(new TextDecoder().decode(await unpack(file)));
}
