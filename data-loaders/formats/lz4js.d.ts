/**
 * Types for the part of lz4js (a pure JavaScript LZ4 implementation) that feather.ts uses. It
 * ships no declarations, so they are declared once here.
 */
declare module "lz4js" {
  /** Compresses bytes into one LZ4 frame. */
  export function compress(src: Uint8Array, maxSize?: number): Uint8Array;
  /**
   * Decodes the LZ4 block in `src[sIndex, sIndex + sLength)` into `dst` from `dIndex` on; returns
   * the index after the last byte produced, which exceeds `dst.length` when the block did not fit.
   */
  export function decompressBlock(src: Uint8Array, dst: Uint8Array, sIndex: number, sLength: number, dIndex: number): number;
}
