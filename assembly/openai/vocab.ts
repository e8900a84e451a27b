// The vocabulary as the engine sees it: the .tkv file (see DESIGN.md) copied into linear memory,
// plus an open-addressing hash table from token bytes to rank built over it at init.
//
// A slot is 16 bytes: the token's first 8 bytes (zero-padded), u32 rank + 1 (24 bits; 0 = empty)
// | min(length, 255) << 24, then its bytes 8..12 (zero-padded).
// Nearly all lookups (whole pieces, and the pairs the merge loop tries) are at most 12 bytes
// long, so they are decided by one 16-byte slot, one cache line, without touching the token
// bytes (PERFORMANCE.md #4, #26).

import { ensureMemory } from "../shared/memory";
import { lowBytes, prefixKey, bytesEqual } from "../shared/bytes";
import { hashKey } from "../shared/hash";

export let nTokens: u32 = 0;
export let offsetsPtr: usize = 0; // u32[nTokens + 1]
export let bytesPtr: usize = 0;
let tablePtr: usize = 0;
/** length of the longest token: longer spans are rejected without hashing them */
export let maxLen: u32 = 0;
let tableMask: u32 = 0;
let totalBytes: u32 = 0;
/** The first rank whose offsets are out of order or past the token bytes (u32.MAX_VALUE: none). */
export let badRank: u32 = 0xffffffff;

/** rank of each single byte; u32.MAX_VALUE if that byte is not a token */
export let byteRanksPtr: usize = 0;
/**
 * rank of each 2-byte string, indexed by its little-endian u16 (256 KB). The merge loop's
 * first round looks up every adjacent byte pair; this keeps those lookups in cache.
 */
export let pairRanksPtr: usize = 0;
/**
 * One bit per 2^21 hash values (256 KB): set for every token. Most lookups of the merge loop
 * are for spans that are not tokens; the filter answers those from cache instead of probing a
 * random line of the 4 MB table (measured: ~1 M lookups per MB of multilingual text).
 */
let filterPtr: usize = 0;
const FILTER_BITS: u32 = 21;

const HEADER_SIZE: usize = 44;
const EMPTY: u32 = 0xffffffff;

@inline
export function tokenStart(rank: u32): u32 {
  return load<u32>(offsetsPtr + (<usize>rank << 2));
}

@inline
export function tokenLen(rank: u32): u32 {
  return load<u32>(offsetsPtr + (<usize>rank << 2), 4) - load<u32>(offsetsPtr + (<usize>rank << 2));
}

/** Bytes 8..12 of [p, p+n) (n > 8), zero-padded (reads 4 bytes: callers leave slack). */
@inline
function secondKey(p: usize, n: u32): u32 {
  return <u32>lowBytes(<u64>load<u32>(p, 8), n - 8);
}

/** Rank of the single byte b (every byte is a token: init checks). */
@inline
export function byteRank(b: u32): u32 {
  return load<u32>(byteRanksPtr + (<usize>b << 2));
}

/** Rank of the 2 bytes at p, or u32.MAX_VALUE if they are not a token. */
@inline
export function pairRank(p: usize): u32 {
  return load<u32>(pairRanksPtr + (<usize>load<u16>(p) << 2));
}

/** Rank of the byte string [p, p+n), or u32.MAX_VALUE if it is not a token. */
export function rankOf(p: usize, n: u32): u32 {
  if (n == 2) return pairRank(p);
  if (n > maxLen) return EMPTY;
  let key = prefixKey(p, n);
  return rankOfHashed(p, n, key, hashKey(p, n, key));
}

/** rankOf with the key and hash already computed (n <= the longest token). */
@inline
export function rankOfHashed(p: usize, n: u32, key: u64, hash: u32): u32 {
  let bit = hash >>> (32 - FILTER_BITS);
  if ((load<u8>(filterPtr + (bit >>> 3)) & (1 << (bit & 7))) == 0) return EMPTY;
  let i = hash & tableMask;
  let tag = min(n, 255) << 24;
  while (true) {
    let slot = tablePtr + (<usize>i << 4);
    let w = load<u32>(slot, 8);
    if (w == 0) return EMPTY;
    if ((w & 0xff000000) == tag && load<u64>(slot) == key) {
      let r = (w & 0xffffff) - 1;
      if (n <= 8) return r;
      if (load<u32>(slot, 12) == secondKey(p, n)) {
        if (n <= 12) return r;
        // the length tag saturates at 255
        if ((n < 255 || tokenLen(r) == n) && bytesEqual(bytesPtr + tokenStart(r) + 12, p + 12, n - 12)) return r;
      }
    }
    i = (i + 1) & tableMask;
  }
}

/**
 * Parses the vocab file at `filePtr` and lays out the tables from `tableAt`; insertTokens then
 * fills them. Returns the first free address after the tables, or 0 if the file is unusable
 * (JS validates the file first; this is a second line of defence, not the error path).
 */
export function beginVocab(filePtr: usize, fileSize: u32, tableAt: usize): usize {
  if (fileSize < <u32>HEADER_SIZE || load<u32>(filePtr) != 0x31564b54 /* "TKV1" */) return 0;
  nTokens = load<u32>(filePtr, 4);
  totalBytes = load<u32>(filePtr, 8);
  offsetsPtr = filePtr + HEADER_SIZE;
  bytesPtr = offsetsPtr + ((<usize>nTokens + 1) << 2);
  if (<u64>bytesPtr - filePtr + totalBytes != <u64>fileSize || tokenStart(0) != 0) return 0;
  if (nTokens >= 0xffffff) return 0; // slots hold rank + 1 in 24 bits
  badRank = EMPTY;

  let cap: u32 = 1024;
  // Load factor up to 0.8: measured side by side, a table of 2^18 slots for o200k_base (4 MB,
  // load 0.76) encodes as fast as 2^19 (8 MB, load 0.38) or faster — linear probes stay
  // within one or two cache lines, and the smaller table caches better.
  while (cap < nTokens + (nTokens >>> 2)) cap <<= 1;
  tableMask = cap - 1;
  maxLen = 0;
  tablePtr = (tableAt + 7) & ~<usize>7;
  byteRanksPtr = tablePtr + (<usize>cap << 4);
  pairRanksPtr = byteRanksPtr + 256 * 4;
  filterPtr = pairRanksPtr + 65536 * 4;
  let end = filterPtr + (1 << (FILTER_BITS - 3));
  ensureMemory(end);
  memory.fill(pairRanksPtr, 0xff, 65536 * 4);
  // No fill: the table lies in memory never written before, which WebAssembly zeroes, and pages
  // left untouched cost no resident memory.
  memory.fill(byteRanksPtr, 0xff, 256 * 4);
  return end;
}

/** Where beginVocab laid the tables out, and their size: the region a table image holds. */
export function tablesAt(): usize {
  return tablePtr;
}
export function tablesBytes(): u32 {
  return <u32>(filterPtr + (1 << (FILTER_BITS - 3)) - tablePtr);
}

/**
 * A 64-bit checksum of the tables (four independent lanes of multiply-xorshift over 32 bytes a
 * step, then folded): what a table image's header holds, so that a damaged image is caught
 * before use. The region's size is a multiple of 32 bytes (table, byte ranks, pair ranks and
 * filter each are).
 */
export function tablesChecksum(): u64 {
  let a: u64 = 0x9e3779b97f4a7c15;
  let b: u64 = 0xc2b2ae3d27d4eb4f;
  let c: u64 = 0x165667b19e3779f9;
  let d: u64 = 0x27d4eb2f165667c5;
  let p = tablePtr;
  let end = tablePtr + <usize>tablesBytes();
  while (p + 32 <= end) {
    a = (a ^ load<u64>(p)) * 0xff51afd7ed558ccd;
    b = (b ^ load<u64>(p, 8)) * 0xc4ceb9fe1a85ec53;
    c = (c ^ load<u64>(p, 16)) * 0xff51afd7ed558ccd;
    d = (d ^ load<u64>(p, 24)) * 0xc4ceb9fe1a85ec53;
    a ^= a >>> 29;
    b ^= b >>> 31;
    c ^= c >>> 29;
    d ^= d >>> 31;
    p += 32;
  }
  let h = a ^ rotl<u64>(b, 17) ^ rotl<u64>(c, 31) ^ rotl<u64>(d, 47);
  h = (h ^ (h >>> 33)) * 0xff51afd7ed558ccd;
  return h ^ (h >>> 33);
}

/**
 * Instead of insertTokens: the tables were copied in from an image that insertTokens made over
 * the same file (a table image holds no addresses, so it fits any layout). Checks every token's
 * offsets as insertTokens does (badRank), sets maxLen, and checks the image against the file: a
 * lookup of every `step`-th token (and of each single byte) must find its own rank. Returns
 * false on any failure; the caller then builds the tables from scratch in a new instance.
 */
export function adoptTables(step: u32): bool {
  maxLen = 0;
  for (let r: u32 = 0; r < nTokens; r++) {
    let start = tokenStart(r);
    let end = tokenStart(r + 1);
    if (end < start || end > totalBytes) {
      badRank = r;
      return false;
    }
    if (end - start > maxLen) maxLen = end - start;
  }
  if (step == 0) step = 1;
  for (let r: u32 = 0; r < nTokens; r += step) {
    let n = tokenLen(r);
    if (n == 0) continue;
    let p = bytesPtr + tokenStart(r);
    if (n > 2 && rankOf(p, n) != r) return false;
    if (n == 1 && byteRank(<u32>load<u8>(p)) != r) return false;
    if (n == 2 && pairRank(p) != r) return false;
  }
  return true;
}

/**
 * Inserts the tokens of ranks [from, to) into the tables laid out by beginVocab. Returns false
 * at a rank whose offsets are out of order or past the token bytes (badRank): JS checks only the
 * file's header, and this loop reads every offset anyway.
 */
export function insertTokens(from: u32, to: u32): bool {
  for (let r: u32 = from; r < to; r++) {
    let start = tokenStart(r);
    let end = tokenStart(r + 1);
    if (end < start || end > totalBytes) {
      badRank = r;
      return false;
    }
    let n = end - start;
    if (n == 0) continue;
    if (n > maxLen) maxLen = n;
    let p = bytesPtr + start;
    if (n == 1) store<u32>(byteRanksPtr + (<usize>load<u8>(p) << 2), r);
    if (n == 2) store<u32>(pairRanksPtr + (<usize>load<u16>(p) << 2), r);
    let key = prefixKey(p, n);
    let hash = hashKey(p, n, key);
    let bit = hash >>> (32 - FILTER_BITS);
    let at = filterPtr + (bit >>> 3);
    store<u8>(at, <u8>(<u32>load<u8>(at) | (1 << (bit & 7))));
    let i = hash & tableMask;
    while (load<u32>(tablePtr + (<usize>i << 4), 8) != 0) i = (i + 1) & tableMask;
    let slot = tablePtr + (<usize>i << 4);
    store<u64>(slot, key);
    store<u32>(slot, (r + 1) | (min(n, 255) << 24), 8);
    store<u32>(slot, n > 8 ? secondKey(p, n) : 0, 12);
  }
  return true;
}
