/**
 * Byte string → rank, as an open-addressing hash table (linear probing) over typed arrays.
 * Keys are never copied: a slot holds a rank, and the key bytes are the vocabulary's own
 * (vocab.bytes[offsets[r] .. offsets[r+1])).
 */
import type { Vocab } from "../../vocab/tkv.js";

const EMPTY = -1;

/** Hash of buf[start..end). Same function at build and lookup time. */
function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = Math.imul(end - start, 0x9e3779b1) ^ 0x811c9dc5;
  let i = start;
  // four bytes per step
  for (const e4 = end - 3; i < e4; i += 4) {
    const w = buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24);
    h = Math.imul(h ^ w, 0x5bd1e995);
    h ^= h >>> 15;
  }
  for (; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

export class RankTable {
  readonly nTokens: number;
  /** Rank of each single byte (every OpenAI vocabulary has all 256), -1 if absent. */
  readonly byteRank: Int32Array;
  private readonly mask: number;
  private readonly slots: Int32Array;
  private readonly hashes: Uint32Array;
  private readonly offsets: Uint32Array;
  private readonly bytes: Uint8Array;

  constructor(vocab: Vocab) {
    const { nTokens, offsets, bytes } = vocab;
    this.nTokens = nTokens;
    this.offsets = offsets;
    this.bytes = bytes;
    let cap = 1024;
    while (cap < nTokens * 2) cap *= 2;
    this.mask = cap - 1;
    const slots = new Int32Array(cap).fill(EMPTY);
    const hashes = new Uint32Array(cap);
    this.slots = slots;
    this.hashes = hashes;
    this.byteRank = new Int32Array(256).fill(EMPTY);
    const mask = this.mask;
    for (let r = 0; r < nTokens; r++) {
      const s = offsets[r]!;
      const e = offsets[r + 1]!;
      if (e <= s) continue; // absent rank
      if (e - s === 1 && this.byteRank[bytes[s]!] === EMPTY) this.byteRank[bytes[s]!] = r;
      const h = hashBytes(bytes, s, e);
      let slot = h & mask;
      for (;;) {
        const q = slots[slot]!;
        if (q === EMPTY) {
          slots[slot] = r;
          hashes[slot] = h;
          break;
        }
        // Duplicate byte strings: the lowest rank wins (it was inserted first).
        if (hashes[slot] === h && this.equals(q, bytes, s, e)) break;
        slot = (slot + 1) & mask;
      }
    }
  }

  private equals(r: number, buf: Uint8Array, start: number, end: number): boolean {
    const s = this.offsets[r]!;
    const len = end - start;
    if (this.offsets[r + 1]! - s !== len) return false;
    const bytes = this.bytes;
    for (let k = 0; k < len; k++) if (bytes[s + k] !== buf[start + k]) return false;
    return true;
  }

  /** Rank of buf[start..end), or -1 if it is not a token. */
  lookup(buf: Uint8Array, start: number, end: number): number {
    const len = end - start;
    if (len === 1) return this.byteRank[buf[start]!]!;
    const h = hashBytes(buf, start, end);
    const mask = this.mask;
    const slots = this.slots;
    const hashes = this.hashes;
    const offsets = this.offsets;
    const bytes = this.bytes;
    let slot = h & mask;
    for (;;) {
      const r = slots[slot]!;
      if (r === EMPTY) return -1;
      if (hashes[slot] === h) {
        const s = offsets[r]!;
        if (offsets[r + 1]! - s === len) {
          let k = 0;
          while (k < len && bytes[s + k] === buf[start + k]) k++;
          if (k === len) return r;
        }
      }
      slot = (slot + 1) & mask;
    }
  }

  /** Bytes of token `rank` (a view into the vocabulary). */
  tokenBytes(rank: number): Uint8Array {
    return this.bytes.subarray(this.offsets[rank]!, this.offsets[rank + 1]!);
  }
}
