/**
 * Tar archives of generated files, written with tar-stream (the library Framework itself reads
 * tar archives with). Every header is fixed (mode 0644, owner 0, modification time 0), so the
 * same files always give the same bytes.
 */
import {extract, pack} from "tar-stream";

/** A tar archive of `files` (path inside the archive -> bytes), members in the order given. */
export async function tarArchive(files: ReadonlyArray<readonly [string, Uint8Array]>): Promise<Uint8Array> {
  const archive = pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    archive.on("data", (chunk: unknown) => chunks.push(chunk as Buffer));
    archive.on("end", resolve);
    archive.on("error", reject);
  });
  for (const [name, bytes] of files) {
    await new Promise<void>((resolve, reject) => {
      archive.entry({name, size: bytes.byteLength, mode: 0o644, mtime: new Date(0), uid: 0, gid: 0, uname: "", gname: "", type: "file"}, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), (error) => (error ? reject(error) : resolve()));
    });
  }
  archive.finalize();
  await done;
  return new Uint8Array(Buffer.concat(chunks));
}

/** The members of a tar archive (path -> bytes), as tar-stream reads them. */
export async function tarMembers(bytes: Uint8Array): Promise<Record<string, Uint8Array>> {
  const reader = extract();
  const members: Record<string, Uint8Array> = {};
  const done = (async () => {
    for await (const entry of reader) {
      const parts: Buffer[] = [];
      for await (const chunk of entry) parts.push(chunk as Buffer);
      members[entry.header.name] = new Uint8Array(Buffer.concat(parts));
    }
  })();
  reader.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  await done;
  return members;
}
