/**
 * Compressed feather for MIMIC-IV Billing Code: the LZ4 frame reader against a frame written by
 * the reference LZ4 command line tool, and whole Arrow IPC files written compressed by flechette
 * that the benchmark must read back row for row.
 */
import {mkdtempSync, readFileSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {CompressionType, int64, list, setCompressionCodec, tableFromArrays, tableToIPC, utf8, type Codec} from "@uwdata/flechette";
import {tableFromIPC as arrowJsTableFromIPC} from "apache-arrow";
import {decompressBlock} from "lz4js";
import {describe, expect, it} from "vitest";
import billing from "../benchmarks/mimiciv_billing_code.ts";
import {decodeLz4Frame, lz4FrameCodec, nodeZstd, ZSTD_UNAVAILABLE, zstdCodec} from "../data-loaders/formats/feather.ts";

const codes = ["E11.22", "I10", "N18.3", "J18.9", "J45.909", "Z79.4", "E78.5", "I25.10", "K21.9", "F32.9", "M54.5", "G47.33", "D64.9"];
/** The 164,614 bytes compressed in REFERENCE_FRAME: 20,000 short lines of ICD-10 codes. */
const referenceText = () => Array.from({length: 20000}, (_, i) => `${i % 7} ${codes[i % 13]}`).join("\n");

/**
 * `referenceText()` compressed by the LZ4 command line tool 1.9.4 (`lz4 -B4 -BD -BX --content-size`):
 * 64 kB blocks that refer back to earlier blocks, a checksum after every block, the content size
 * in the header and a content checksum at the end, i.e. every optional field but a dictionary.
 */
const REFERENCE_FRAME = Buffer.from(
  "BCJNGFxABoMCAAAAAADDrwIAAPRdMCBFMTEuMjIKMSBJMTAKMiBOMTguMwozIEoxOC45CjQgSjQ1LjkwOQo1IFo3OS40CjYgRTc4LjUKMCBJMjUuMTAKMSBL" +
  "MjEuOQoyIEYzMi45CjMgTTU0LjUKNCBHNDcuMzMKNSBENjQuOQo2awARMGsAEzFrABMyawAVM2sAEzRrABM1awAUNmsAEzBrABMxawATMmsAFDNrABM0awAU" +
  "NWsAETZrABMwawATMWsAFTJrABMzawATNGsAFDVrABM2awATMGsAEzFrABQyawATM2sAFDRrABE1awATNmsAEzBrABUxawATMmsAEzNrABQ0awATNWsAEzZr" +
  "ABMwawAUMWsAEzJrABQzawARNGsAEzVrABM2awAVMGsAEzFrABMyawAUM2sAEzRrABM1awATNmsAFDBrABMxawAUMmsAETNrABM0awATNWsAFTZrABMwawAT" +
  "MWsAFDJrABMzawATNGsAEzVrABQ2awATMGsAFDFrABEyawATM2sAEzRrABU1awATNmsAEzBrABQxawATMmsAEzNrABM0awAUNWsAEzZrABQwawAP7QL/////" +
  "////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////" +
  "////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////" +
  "////////////////////////////////////////////////////////////////////////////////////////////71A0CjMgRcA5nAIKAQAAD4v+////" +
  "////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////" +
  "////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////" +
  "/////////////////////////////////////////////////////////////////////////////////////////////////+hQNiBENjTD5hDoNQIAAPRg" +
  "LjkKMCBFMTEuMjIKMSBJMTAKMiBOMTguMwozIEoxOC45CjQgSjQ1LjkwOQo1IFo3OS40CjYgRTc4LjUKMCBJMjUuMTAKMSBLMjEuOQoyIEYzMi45CjMgTTU0" +
  "LjUKNCBHNDcuMzMKNSBENjQuOQo2awARMGsAEzFrABMyawAVM2sAEzRrABM1awAUNmsAEzBrABMxawATMmsAFDNrABM0awAUNWsAETZrABMwawATMWsAFTJr" +
  "ABMzawATNGsAFDVrABM2awATMGsAEzFrABQyawATM2sAFDRrABE1awATNmsAEzBrABUxawATMmsAEzNrABQ0awATNWsAEzZrABMwawAUMWsAEzJrABQzawAR" +
  "NGsAEzVrABM2awAVMGsAEzFrABMyawAUM2sAEzRrABM1awATNmsAFDBrABMxawAUMmsAETNrABM0awATNWsAFTZrABMwawATMWsAFDJrABMzawATNGsAEzVr" +
  "ABQ2awATMGsAFDFrABEyawATM2sAEzRrABU1awATNmsAEzBrABQxawATMmsAEzNrABM0awAUNWsAEzZrABQwawAP7QL/////////////////////////////" +
  "////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////" +
  "/////////////////////3VQWjc5LjQ2qeJYAAAAAIQxh+E=",
  "base64"
);

describe("LZ4 frame reading", () => {
  it("decodes a frame from the reference LZ4 tool with linked blocks, block checksums, content size and content checksum", () => {
    const expected = new TextEncoder().encode(referenceText());
    expect(expected.length).toBe(164614);
    const decoded = decodeLz4Frame(REFERENCE_FRAME, expected.length, decompressBlock);
    expect(Buffer.from(decoded).equals(Buffer.from(expected))).toBe(true);
  });

  it("refuses a frame whose content does not match the length Arrow declares for the buffer", () => {
    expect(() => decodeLz4Frame(REFERENCE_FRAME, 164613, decompressBlock)).toThrow("LZ4 frame holds more than the 164613 bytes its Arrow buffer declares");
    expect(() => decodeLz4Frame(REFERENCE_FRAME, 200000, decompressBlock)).toThrow("LZ4 frame holds 164614 bytes, its Arrow buffer declares 200000");
  });

  it("refuses bytes that are not an LZ4 frame and a frame cut short", () => {
    expect(() => decodeLz4Frame(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), 8, decompressBlock)).toThrow("not an LZ4 frame (wrong magic number)");
    expect(() => decodeLz4Frame(REFERENCE_FRAME.subarray(0, 500), 164614, decompressBlock)).toThrow("LZ4 frame ends inside a block");
  });
});

// A billing table shaped like the Edin et al. file: note text, a list of codes, an int64 admission id.
const ids = Array.from({length: 40}, (_, i) => 20_000_001 + i);
const texts = ids.map((id, i) =>
  `Admission ${id}. Discharge diagnosis: type 2 diabetes mellitus with diabetic chronic kidney disease; essential hypertension. ` +
  `Hospital course: the patient was admitted for ${i % 2 ? "community-acquired pneumonia" : "hyperglycemia"} and treated. `.repeat(1 + (i % 3)));
const targets = ids.map((_, i) => [codes[i % 13], codes[(i + 5) % 13], ...(i % 4 ? [] : [codes[(i + 9) % 13]])]);
const billingTable = () => tableFromArrays({hadm_id: ids, text: texts, target: targets}, {types: {hadm_id: int64(), text: utf8(), target: list(utf8())}});

/** Writes the billing table as a feather v2 file compressed with `codec` into a new data folder. */
function writeFeather(codec: typeof CompressionType.LZ4_FRAME | typeof CompressionType.ZSTD, writer: Codec): {dir: string; bytes: Uint8Array} {
  setCompressionCodec(codec, writer);
  const bytes = tableToIPC(billingTable(), {format: "file", codec})!;
  const dir = mkdtempSync(join(tmpdir(), "feather-test-"));
  writeFileSync(join(dir, "mimiciv_icd10.feather"), bytes);
  return {dir, bytes};
}

const expectedInstances = ids.map((id, i) => ({id: String(id), input: texts[i], gold: [targets[i].join(", ")]}));

describe("compressed feather for MIMIC-IV Billing Code", () => {
  it("an LZ4-compressed feather file (pandas' default) is read back row for row", async () => {
    const {dir, bytes} = writeFeather(CompressionType.LZ4_FRAME, await lz4FrameCodec());
    // The file really is compressed: Arrow JS 17 refuses it, and it is much smaller than the same table uncompressed.
    expect(() => arrowJsTableFromIPC(readFileSync(join(dir, "mimiciv_icd10.feather")))).toThrow(/compression/i);
    expect(bytes.length).toBeLessThan(tableToIPC(billingTable(), {format: "file"})!.length / 2);
    expect(await billing.load(dir)).toEqual(expectedInstances);
  });

  it.runIf(nodeZstd.zstdDecompressSync)("a ZSTD-compressed feather file is read back row for row where Node has ZSTD", async () => {
    const {dir} = writeFeather(CompressionType.ZSTD, zstdCodec());
    expect(await billing.load(dir)).toEqual(expectedInstances);
  });

  it.skipIf(nodeZstd.zstdDecompressSync)("a ZSTD-compressed feather file fails with the Node version it needs where Node lacks ZSTD", async () => {
    // Any shorter bytes make flechette mark the buffers compressed; the reader fails before it would decode them.
    const {dir} = writeFeather(CompressionType.ZSTD, {encode: (b) => b.subarray(0, b.length >> 1), decode: () => new Uint8Array()});
    await expect(billing.load(dir)).rejects.toThrow(`mimiciv_icd10.feather: cannot read as an Arrow IPC (feather v2) file: ${ZSTD_UNAVAILABLE}`);
  });

  it("the ZSTD codec checks the decoded length against the one Arrow declares", () => {
    const fake = {zstdCompressSync: (b: Uint8Array) => b, zstdDecompressSync: (b: Uint8Array) => b};
    expect(() => zstdCodec(fake).decode(new Uint8Array(3), 4)).toThrow("ZSTD frame holds 3 bytes, its Arrow buffer declares 4");
    expect(Array.from(zstdCodec(fake).decode(new Uint8Array([7, 8]), 2))).toEqual([7, 8]);
  });
});
