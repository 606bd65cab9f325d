/**
 * Reading feather v2 files (the Arrow IPC file format), uncompressed or with the per-buffer
 * compression pyarrow applies: LZ4 frames (the default of pandas' `to_feather`) or ZSTD. Arrow JS
 * 17 cannot decompress, so files are read with flechette (already installed with Arquero), which
 * decompresses through codecs registered with it: LZ4 with lz4js (pure JavaScript), ZSTD with
 * `node:zlib` where Node has it (22.15 and later).
 *
 * lz4js decodes the blocks only; the frame around them is read here, because lz4js's own frame
 * reader takes a block checksum (an optional field that follows a block) for a prefix of it and
 * so garbles frames that carry one. The format is the LZ4 frame specification (lz4/lz4,
 * `doc/lz4_Frame_format.md`): magic number, flags, block size byte, optional content size and
 * dictionary id, header checksum, then blocks (4-byte size with the high bit marking a stored,
 * uncompressed block; data; optional 4-byte checksum) up to a zero end mark.
 */
import {CompressionType, setCompressionCodec, tableFromIPC, type Codec, type Table} from "@uwdata/flechette";
import * as zlib from "node:zlib";

const LZ4_MAGIC = 0x184d2204;

/** The LZ4 block decoder of lz4js, passed in so that frame reading stays a pure function. */
export type Lz4BlockDecoder = (src: Uint8Array, dst: Uint8Array, sIndex: number, sLength: number, dIndex: number) => number;

/**
 * Decodes one LZ4 frame holding exactly `length` bytes (Arrow records each buffer's length before
 * its frame). Checksums are skipped, not verified; a frame that is cut short, needs a
 * dictionary, or holds a different number of bytes is an error.
 */
export function decodeLz4Frame(frame: Uint8Array, length: number, decodeBlock: Lz4BlockDecoder): Uint8Array {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  if (frame.length < 7 || view.getUint32(0, true) !== LZ4_MAGIC) throw new Error("not an LZ4 frame (wrong magic number)");
  const flags = frame[4];
  if (flags >> 6 !== 1) throw new Error(`LZ4 frame version ${flags >> 6} is not supported`);
  if (flags & 0x01) throw new Error("LZ4 frame needs a dictionary");
  const blockChecksums = (flags & 0x10) !== 0;
  // Flags, block size byte, the optional content size, the header checksum.
  let at = 4 + 2 + (flags & 0x08 ? 8 : 0) + 1;
  const out = new Uint8Array(length);
  let written = 0;
  for (;;) {
    if (at + 4 > frame.length) throw new Error("LZ4 frame ends before its end mark");
    const word = view.getUint32(at, true);
    at += 4;
    if (word === 0) break;
    const size = word & 0x7fffffff;
    if (at + size > frame.length) throw new Error("LZ4 frame ends inside a block");
    if (word & 0x80000000) {
      if (written + size <= length) out.set(frame.subarray(at, at + size), written);
      written += size;
    } else written = decodeBlock(frame, out, at, size, written);
    if (written > length) throw new Error(`LZ4 frame holds more than the ${length} bytes its Arrow buffer declares`);
    at += size + (blockChecksums ? 4 : 0);
  }
  if (written !== length) throw new Error(`LZ4 frame holds ${written} bytes, its Arrow buffer declares ${length}`);
  return out;
}

type Zstd = {zstdCompressSync?: (bytes: Uint8Array) => Uint8Array; zstdDecompressSync?: (bytes: Uint8Array) => Uint8Array};

/** Node's ZSTD functions, absent before Node 22.15. */
export const nodeZstd = zlib as unknown as Zstd;

/** Why a ZSTD-compressed file cannot be read on this Node. */
export const ZSTD_UNAVAILABLE = `ZSTD-compressed feather needs Node 22.15 or later (this is Node ${process.versions.node}); re-save it with compression="lz4" or "uncompressed"`;

/** The LZ4 frame codec: lz4js compresses (for writing, e.g. test files) and decodes blocks. */
export async function lz4FrameCodec(): Promise<Codec> {
  const lz4 = await import("lz4js");
  return {encode: (bytes) => lz4.compress(bytes), decode: (bytes, length) => decodeLz4Frame(bytes, length, lz4.decompressBlock)};
}

/** The ZSTD codec of `node:zlib`; where Node lacks it, a codec whose decoding fails with `ZSTD_UNAVAILABLE`. */
export function zstdCodec(zstd: Zstd = nodeZstd): Codec {
  const {zstdCompressSync: compress, zstdDecompressSync: decompress} = zstd;
  if (!compress || !decompress) {
    const unavailable = () => {
      throw new Error(ZSTD_UNAVAILABLE);
    };
    return {encode: unavailable, decode: unavailable};
  }
  return {
    encode: (bytes) => new Uint8Array(compress(bytes)),
    decode: (bytes, length) => {
      const out = new Uint8Array(decompress(bytes));
      if (out.length !== length) throw new Error(`ZSTD frame holds ${out.length} bytes, its Arrow buffer declares ${length}`);
      return out;
    }
  };
}

/**
 * Reads a feather v2 file's bytes as a flechette table (`file` names it in errors). The codecs are
 * registered on every call: flechette keeps them in one process-wide table, and registering ours
 * just before reading makes sure these are the ones used.
 */
export async function readFeather(bytes: Uint8Array, file: string): Promise<Table> {
  setCompressionCodec(CompressionType.LZ4_FRAME, await lz4FrameCodec());
  setCompressionCodec(CompressionType.ZSTD, zstdCodec());
  try {
    return tableFromIPC(bytes);
  } catch (error) {
    throw new Error(`${file}: cannot read as an Arrow IPC (feather v2) file: ${(error as Error).message}`);
  }
}
