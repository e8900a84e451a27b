// Cache of merged words: 128-byte lines, direct-mapped, 4 MB (pages stay non-resident until used).
//   u32 length (0 = empty) | u32 count | 40 key bytes | 16 u32 ids | 16 u8 lens
// 40 key bytes, not fewer: SentencePiece segments spell each space "▁" (3 bytes), so an
// indented line of code ("▁" × 8 + "return") is past 24 bytes (code corpus: 6.5% of segments
// over 24 bytes, 1.1% over 40).
// Kept apart from assembly/openai/cache.ts: lines here also hold each token's byte length (the HF
// core returns lengths; ids there are ranks whose lengths JS looks up), keys are longer (see
// above), and there is no generation tag (this core has no clearCache).

import { lowBytes } from "../shared/bytes";

export const CACHE_KEY: u32 = 40;
export const CACHE_IDS: u32 = 16;
const CACHE_BITS: u32 = 15;
const CACHE_ENTRIES: u32 = 1 << CACHE_BITS;
const CACHE_LINE: usize = 128;
const CACHE_IDS_AT: usize = 48;
const CACHE_LENS_AT: usize = 112;
let cachePtr: usize = 0;

/** Reserves the lines from `at`; returns their end. */
export function initCache(at: usize): usize {
  cachePtr = (at + 127) & ~<usize>127;
  return cachePtr + <usize>CACHE_ENTRIES * CACHE_LINE;
}

/** The line for a word of hash h (shared/hash.ts; its high bits see every byte of the word). */
@inline
export function cacheLine(h: u32): usize {
  return cachePtr + <usize>(h >>> (32 - CACHE_BITS)) * CACHE_LINE;
}

/** Key bytes [at, at + 8) of the word, zero past n (at < n; the arena has slack after the input). */
@inline
function keyWord(p: usize, n: u32, at: u32): u64 {
  return lowBytes(load<u64>(p + at), n - at);
}

/** Whether cache line `line` holds the word [p, p+n) (n ≤ CACHE_KEY). */
@inline
export function cacheHolds(line: usize, p: usize, n: u32): bool {
  if (load<u32>(line) != n) return false;
  for (let at: u32 = 0; at < n; at += 8) {
    if (load<u64>(line + 8 + <usize>at) != keyWord(p, n, at)) return false;
  }
  return true;
}

/** Copies the ids/lens held by `line` (cacheHolds is true) to out/outLens; returns their count. */
@inline
export function cacheRead(line: usize, out: usize, outLens: usize): u32 {
  let k = load<u32>(line, 4);
  for (let i: u32 = 0; i < k; i++) {
    store<u32>(out + (<usize>i << 2), load<u32>(line + CACHE_IDS_AT + (<usize>i << 2)));
    store<u32>(outLens + (<usize>i << 2), <u32>load<u8>(line + CACHE_LENS_AT + <usize>i));
  }
  return k;
}

/** Stores the k ≤ CACHE_IDS ids/lens of the word [p, p+n) (n ≤ CACHE_KEY) in `line`. */
@inline
export function cacheWrite(line: usize, p: usize, n: u32, ids: usize, lens: usize, k: u32): void {
  store<u32>(line, n);
  store<u32>(line, k, 4);
  for (let at: u32 = 0; at < n; at += 8) store<u64>(line + 8 + <usize>at, keyWord(p, n, at));
  for (let i: u32 = 0; i < k; i++) {
    store<u32>(line + CACHE_IDS_AT + (<usize>i << 2), load<u32>(ids + (<usize>i << 2)));
    store<u8>(line + CACHE_LENS_AT + <usize>i, <u8>load<u32>(lens + (<usize>i << 2)));
  }
}
