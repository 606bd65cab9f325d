/**
 * The in-memory index of the response cache: SHA-256 key -> where its record is (segment,
 * offset, length). An open-addressing hash table in typed arrays, keyed by the first 64 bits of
 * the key, costs at most 48 bytes per entry and nothing for the garbage collector to trace, where
 * a `Map` of hex strings costs about 250 bytes per entry and slows every collection; a run of a
 * million calls keeps a 48 MB index instead of a quarter of a gigabyte.
 *
 * Two different keys sharing 64 bits is astronomically unlikely (about 3e-8 for a million
 * entries); the cache compares the full key stored in the record on every read, so such a
 * collision can only turn a hit into a miss, never serve a wrong answer.
 */

/** A record's location in the segment log. */
export interface RecordLocation {
  segment: number;
  offset: number;
  length: number;
}

const EMPTY = 0;

/** The first 64 bits of a hex key as two unsigned 32-bit numbers. */
export function keyPrefix(key: string): [hi: number, lo: number] {
  return [Number.parseInt(key.slice(0, 8), 16) >>> 0, Number.parseInt(key.slice(8, 16), 16) >>> 0];
}

/** Key -> record location, in typed arrays. */
export class KeyIndex {
  private mask!: number;
  private hi!: Uint32Array;
  private lo!: Uint32Array;
  /** Segment number + 1, so that 0 marks an empty slot. */
  private seg!: Uint32Array;
  private off!: Float64Array;
  private len!: Uint32Array;
  /** Distinct keys stored. */
  size = 0;

  constructor(capacity = 1 << 12) {
    this.allocate(2 ** Math.ceil(Math.log2(Math.max(16, capacity))));
  }

  /** Replaces the slot arrays with empty ones of `slots` entries (a power of two). */
  private allocate(slots: number): void {
    this.mask = slots - 1;
    this.hi = new Uint32Array(slots);
    this.lo = new Uint32Array(slots);
    this.seg = new Uint32Array(slots);
    this.off = new Float64Array(slots);
    this.len = new Uint32Array(slots);
  }

  private slot(hi: number, lo: number): number {
    let i = lo & this.mask;
    while (this.seg[i] !== EMPTY && !(this.hi[i] === hi && this.lo[i] === lo)) i = (i + 1) & this.mask;
    return i;
  }

  /** Where the record of `key` is, or undefined. */
  get(key: string): RecordLocation | undefined {
    const [hi, lo] = keyPrefix(key);
    const i = this.slot(hi, lo);
    if (this.seg[i] === EMPTY) return undefined;
    return {segment: this.seg[i] - 1, offset: this.off[i], length: this.len[i]};
  }

  has(key: string): boolean {
    const [hi, lo] = keyPrefix(key);
    return this.seg[this.slot(hi, lo)] !== EMPTY;
  }

  /** Records (or moves) a key's location; a later record of a key supersedes an earlier one. */
  set(key: string, segment: number, offset: number, length: number): void {
    const [hi, lo] = keyPrefix(key);
    this.setPrefix(hi, lo, segment, offset, length);
  }

  private setPrefix(hi: number, lo: number, segment: number, offset: number, length: number): void {
    // Keep the table at most half full so that probe runs stay short.
    if ((this.size + 1) * 2 > this.mask + 1) this.grow();
    const i = this.slot(hi, lo);
    if (this.seg[i] === EMPTY) this.size++;
    this.hi[i] = hi;
    this.lo[i] = lo;
    this.seg[i] = segment + 1;
    this.off[i] = offset;
    this.len[i] = length;
  }

  private grow(): void {
    const {hi, lo, seg, off, len} = this;
    this.allocate((this.mask + 1) * 2);
    this.size = 0;
    for (let i = 0; i < seg.length; i++) if (seg[i] !== EMPTY) this.setPrefix(hi[i], lo[i], seg[i] - 1, off[i], len[i]);
  }
}
