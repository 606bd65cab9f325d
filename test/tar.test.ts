/** Tar archives of the site's generated files: read back whole, in order, and byte-stable. */
import {describe, expect, it} from "vitest";
import {extract} from "tar-stream";
import {tarArchive, tarMembers} from "../data-loaders/formats/tar.ts";
import {archiveOrder} from "../data-loaders/site/archive.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("tarArchive", () => {
  it("writes members that tar-stream (Framework's reader) reads back byte for byte, in the order given", async () => {
    const files: Array<[string, Uint8Array]> = [["a.arrow", bytes("x".repeat(700))], ["text/b-0.json.gz", new Uint8Array([0, 255, 1, 2])], ["empty.json", new Uint8Array()]];
    const archive = await tarArchive(files);
    expect(archive.byteLength % 512).toBe(0);
    const names: string[] = [];
    const reader = extract();
    const read = (async () => {
      for await (const entry of reader) {
        names.push(entry.header.name);
        entry.resume();
      }
    })();
    reader.end(Buffer.from(archive));
    await read;
    expect(names).toEqual(["a.arrow", "text/b-0.json.gz", "empty.json"]);
    expect(await tarMembers(archive)).toEqual(Object.fromEntries(files));
  });

  it("gives the same bytes for the same files, whenever it runs", async () => {
    const files: Array<[string, Uint8Array]> = [["leaderboard.arrow", bytes("rows")]];
    const first = await tarArchive(files);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(Buffer.from(await tarArchive(files)).equals(Buffer.from(first))).toBe(true);
  });
});

describe("archiveOrder", () => {
  it("puts the smallest members first, ties by path, so that extracting each member reads the least", () => {
    const order = archiveOrder({"big.parquet": new Uint8Array(90), "b.arrow": new Uint8Array(5), "a.arrow": new Uint8Array(5), "mid.json.gz": new Uint8Array(20)});
    expect(order.map(([name]) => name)).toEqual(["a.arrow", "b.arrow", "mid.json.gz", "big.parquet"]);
  });
});
