// The prefix index (DESIGN.md "WASM ABI", prefixIndexBuild / prefixQuery): every ordinary token's
// rank, sorted by the token's bytes (a token before the tokens it is a prefix of), built on first
// use over the vocab bytes already in memory. The tokens that start with a byte string are then
// one contiguous range of it, found by two binary searches: what token healing (arXiv 2403.08688)
// and cover encodings (arXiv 2410.09303) ask.
//
// The sort: each rank becomes the u64 key (its first KEY_BYTES bytes, zero-padded, big-endian)
// << 24 | rank; KEY_BYTES stable LSD byte passes order the keys (sequential, cache-friendly: a
// fraction of a millisecond each for o200k_base's 200 K ranks); runs of equal keys (tokens alike
// in their first 5 bytes) are then insertion-sorted, or, if long, MSD radix-sorted from byte 5
// (257 buckets: "the token ends here" first). An MSD sort from byte 0 alone, the first version,
// cost ~70 ms of CPU on o200k_base; this one ~25 ms, most of it V8 tiering the code up.

import { nTokens, tokenStart, tokenLen, bytesPtr, maxLen, rankOf } from "./vocab";
import { ensureMemory } from "../shared/memory";

let sortedPtr: usize = 0; // u32[count]: ranks in byte order
let workPtr: usize = 0; // u32[count]: sort scratch, then query results
let bitsPtr: usize = 0; // u32[ceil(nTokens / 32)]: query results as a bitset
let count: u32 = 0; // ordinary tokens (ranks with bytes)
let nWords: u32 = 0;

const SMALL: u32 = 24; // buckets this small are insertion-sorted
// (lo, hi, depth) triples of the buckets still to sort: at most 256 per byte of depth
let stack: usize = 0;
let stackMax: u32 = 0;
const bucketCounts = memory.data(257 * 4, 8);
const bucketStarts = memory.data(257 * 4, 8);

/** Bytes this index needs, from `at` on (so the caller can lay the arena out after it). */
export function prefixIndexBytes(): u32 {
  let words = (nTokens + 31) >>> 5;
  return nTokens * 8 + words * 4 + 256 * (maxLen + 1) * 12 + 64;
}

/** Byte `d` of token r, or -1 if the token has ended (sorts first). */
@inline
function byteAt(r: u32, d: u32): i32 {
  return d < tokenLen(r) ? <i32>load<u8>(bytesPtr + tokenStart(r) + d) : -1;
}

/** Compares tokens a and b from byte d on: < 0, 0, > 0. */
function compareFrom(a: u32, b: u32, d: u32): i32 {
  let la = tokenLen(a);
  let lb = tokenLen(b);
  let pa = bytesPtr + tokenStart(a);
  let pb = bytesPtr + tokenStart(b);
  let n = min(la, lb);
  for (let k = d; k < n; k++) {
    let x = <i32>load<u8>(pa + k);
    let y = <i32>load<u8>(pb + k);
    if (x != y) return x - y;
  }
  return <i32>la - <i32>lb;
}

function insertionSort(lo: u32, hi: u32, d: u32): void {
  for (let i = lo + 1; i < hi; i++) {
    let v = load<u32>(sortedPtr + (<usize>i << 2));
    let j = i;
    while (j > lo) {
      let u = load<u32>(sortedPtr + (<usize>(j - 1) << 2));
      if (compareFrom(u, v, d) <= 0) break;
      store<u32>(sortedPtr + (<usize>j << 2), u);
      j--;
    }
    store<u32>(sortedPtr + (<usize>j << 2), v);
  }
}

let sp: u32 = 0;
let keysPtr: usize = 0; // u64[count] ×2: the radix passes' keys, ping-pong (transient)
let phase: u32 = 0; // 0: keys; 1..KEY_BYTES: LSD passes; KEY_BYTES + 1: ties; then MSD buckets
const KEY_BYTES: u32 = 5; // bytes in a key: (first 5 bytes, big-endian) << 24 | rank
const histograms = memory.data(<i32>KEY_BYTES * 256 * 4, 8);

/**
 * Starts building the index at `at` (prefixIndexBytes() bytes, made addressable here), with
 * 16 bytes per ordinary token of scratch at `scratchAt` (free memory the caller lends for the
 * build): lists each ordinary rank as the key (its first KEY_BYTES bytes, zero-padded) << 24 |
 * rank, and counts the keys' bytes for the LSD passes of prefixSort. Returns the number of
 * ordinary tokens, or u32 max if a rank does not fit the key's 24 bits.
 */
export function prefixBegin(at: usize, scratchAt: usize): u32 {
  if (nTokens > (1 << 24)) return 0xffffffff;
  sortedPtr = (at + 7) & ~<usize>7;
  let n: u32 = 0;
  for (let r: u32 = 0; r < nTokens; r++) if (tokenLen(r) > 0) n++;
  count = n;
  workPtr = sortedPtr + (<usize>n << 2);
  nWords = (nTokens + 31) >>> 5;
  bitsPtr = workPtr + (<usize>n << 2);
  stack = (bitsPtr + (<usize>nWords << 2) + 7) & ~<usize>7;
  stackMax = 256 * (maxLen + 1);
  ensureMemory(stack + <usize>stackMax * 12);
  keysPtr = (scratchAt + 7) & ~<usize>7;
  ensureMemory(keysPtr + (<usize>n << 4));
  memory.fill(histograms, 0, KEY_BYTES * 256 * 4);
  fillRank = 0;
  filled = 0;
  tieLo = 0;
  phase = 0;
  sp = 0;
  return n;
}

let fillRank: u32 = 0;
let filled: u32 = 0;

/** The keys of ranks [fillRank, fillRank + budget); returns true when all are listed. */
function fillKeys(budget: u32): bool {
  let end = budget == 0 || nTokens - fillRank < budget ? nTokens : fillRank + budget;
  let k = filled;
  for (let r = fillRank; r < end; r++) {
    let len = tokenLen(r);
    if (len == 0) continue;
    let p = bytesPtr + tokenStart(r);
    let key: u64 = 0;
    for (let i: u32 = 0; i < KEY_BYTES; i++) key = (key << 8) | (i < len ? <u64>load<u8>(p + i) : 0);
    key = (key << 24) | <u64>r;
    store<u64>(keysPtr + (<usize>k << 3), key);
    for (let i: u32 = 0; i < KEY_BYTES; i++) {
      let h = histograms + ((<usize>i << 8) + <usize>((key >> (24 + (<u64>i << 3))) & 0xff) << 2);
      store<u32>(h, load<u32>(h) + 1);
    }
    k++;
  }
  filled = k;
  fillRank = end;
  return end == nTokens;
}

/** One LSD pass: the keys by their byte `i` (0 = the lowest key byte, bits 24..31), stably. */
function lsdPass(i: u32): void {
  let from = keysPtr + (<usize>(i & 1) * (<usize>count << 3));
  let to = keysPtr + (<usize>((i + 1) & 1) * (<usize>count << 3));
  let h = histograms + (<usize>i << 10);
  let s: u32 = 0;
  for (let b: u32 = 0; b < 256; b++) {
    let c = load<u32>(h + (<usize>b << 2));
    store<u32>(h + (<usize>b << 2), s);
    s += c;
  }
  let shift = <u64>(24 + (i << 3));
  for (let j: u32 = 0; j < count; j++) {
    let key = load<u64>(from + (<usize>j << 3));
    let slot = h + (<usize>((key >> shift) & 0xff) << 2);
    let at = load<u32>(slot);
    store<u64>(to + (<usize>at << 3), key);
    store<u32>(slot, at + 1);
  }
}

let tieLo: u32 = 0;

/**
 * The ranks in key order, from tieLo for about `budget` ranks (0: all); runs of equal keys
 * (tokens alike in their first KEY_BYTES bytes, zero-padded) are insertion-sorted when small,
 * else left to the MSD passes from byte KEY_BYTES on. Returns 1 while ranks remain, 0 when
 * done, 2 if the stack overflowed.
 */
function resolveTies(budget: u32): u32 {
  let keys = keysPtr + (<usize>(KEY_BYTES & 1) * (<usize>count << 3));
  let stop = budget == 0 || count - tieLo < budget ? count : tieLo + budget;
  let lo = tieLo;
  while (lo < count && lo < stop) {
    let top = load<u64>(keys + (<usize>lo << 3)) >> 24;
    let hi = lo + 1;
    while (hi < count && load<u64>(keys + (<usize>hi << 3)) >> 24 == top) hi++;
    for (let j = lo; j < hi; j++) store<u32>(sortedPtr + (<usize>j << 2), <u32>(load<u64>(keys + (<usize>j << 3)) & 0xffffff));
    if (hi - lo > 1) {
      // alike in their first KEY_BYTES (padded) bytes: compare from there (a shorter token's
      // padding is zeros, so the shorter sorts first, as it is a prefix of the other)
      if (hi - lo <= SMALL) insertionSort(lo, hi, KEY_BYTES);
      else {
        if (sp == stackMax) return 2;
        let f = stack + <usize>sp * 12;
        store<u32>(f, lo);
        store<u32>(f, hi, 4);
        store<u32>(f, KEY_BYTES, 8);
        sp++;
      }
    }
    lo = hi;
  }
  tieLo = lo;
  return lo < count ? 1 : 0;
}

/**
 * Sorts buckets until about `budget` ranks were moved (0: to the end), depth first: returns 1 if
 * buckets remain, 0 when the index is sorted, 2 if the stack overflowed (its size rules that
 * out: each level leaves at most 256 buckets pending). In steps for the reason init() is
 * (assembly/openai/index.ts): V8 runs a long first call in baseline code.
 */
export function prefixSort(budget: u32): u32 {
  if (phase == 0) {
    if (fillKeys(budget)) phase = 1;
    return 1;
  }
  if (phase <= KEY_BYTES) {
    lsdPass(phase - 1);
    phase++;
    return 1;
  }
  if (phase == KEY_BYTES + 1) {
    let rc = resolveTies(budget);
    if (rc == 0) phase++;
    return rc == 2 ? 2 : 1;
  }
  let done: u32 = 0;
  while (sp > 0) {
    if (budget != 0 && done >= budget) return 1;
    sp--;
    let e = stack + <usize>sp * 12;
    let lo = load<u32>(e);
    let hi = load<u32>(e, 4);
    let d = load<u32>(e, 8);
    done += hi - lo;
    if (hi - lo <= SMALL) {
      insertionSort(lo, hi, d);
      continue;
    }
    memory.fill(bucketCounts, 0, 257 * 4);
    for (let i = lo; i < hi; i++) {
      let b = byteAt(load<u32>(sortedPtr + (<usize>i << 2)), d) + 1;
      let c = bucketCounts + (<usize>b << 2);
      store<u32>(c, load<u32>(c) + 1);
    }
    let s = lo;
    for (let b: u32 = 0; b < 257; b++) {
      store<u32>(bucketStarts + (<usize>b << 2), s);
      s += load<u32>(bucketCounts + (<usize>b << 2));
    }
    // distribute into work[lo, hi), then copy back
    for (let i = lo; i < hi; i++) {
      let r = load<u32>(sortedPtr + (<usize>i << 2));
      let b = byteAt(r, d) + 1;
      let c = bucketStarts + (<usize>b << 2);
      let to = load<u32>(c);
      store<u32>(workPtr + (<usize>to << 2), r);
      store<u32>(c, to + 1);
    }
    memory.copy(sortedPtr + (<usize>lo << 2), workPtr + (<usize>lo << 2), <usize>(hi - lo) << 2);
    // bucket 0: the tokens that end before d; several only where the zero padding of the keys
    // made tokens ending in NUL bytes look alike (from byte KEY_BYTES on, lengths differ)
    let ended = load<u32>(bucketCounts);
    if (ended > 1) insertionSort(lo, lo + ended, d);
    let start = lo + ended;
    for (let b: u32 = 1; b < 257; b++) {
      let c = load<u32>(bucketCounts + (<usize>b << 2));
      if (c > 1) {
        if (sp == stackMax) return 2;
        let f = stack + <usize>sp * 12;
        store<u32>(f, start);
        store<u32>(f, start + c, 4);
        store<u32>(f, d + 1, 8);
        sp++;
      }
      start += c;
    }
  }
  return 0;
}

/**
 * Compares token r with the prefix [p, p+len): 0 if the token starts with it, else the order
 * (a token that is a proper prefix of it sorts before it).
 */
function comparePrefix(r: u32, p: usize, len: u32): i32 {
  let lt = tokenLen(r);
  let pt = bytesPtr + tokenStart(r);
  let n = min(lt, len);
  for (let k: u32 = 0; k < n; k++) {
    let x = <i32>load<u8>(pt + k);
    let y = <i32>load<u8>(p + k);
    if (x != y) return x - y;
  }
  return lt < len ? -1 : 0;
}

/** First index in [0, count) whose token compares >= 0 (strict: > 0) with the prefix. */
function bound(p: usize, len: u32, strict: bool): u32 {
  let lo: u32 = 0;
  let hi = count;
  while (lo < hi) {
    let mid = (lo + hi) >>> 1;
    let c = comparePrefix(load<u32>(sortedPtr + (<usize>mid << 2)), p, len);
    if (strict ? c <= 0 : c < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The ranks of the tokens that start with [p, p+len) and, if `consistent`, also of those that
 * are a proper prefix of it. `asMask` = 0: sorted ranks at prefixResultPtr(); returns their
 * number. `asMask` = 1: a bitset of ceil(nTokens / 32) u32 words at prefixMaskPtr() (bit r of
 * word r >> 5 for rank r); returns the number of bits set.
 */
export function prefixQuery(p: usize, len: u32, consistent: bool, asMask: bool): u32 {
  let lo: u32 = 0;
  let hi: u32 = 0;
  if (len <= maxLen) {
    lo = bound(p, len, false);
    hi = bound(p, len, true);
  }
  let found = hi - lo;
  let out: u32 = 0;
  // with `consistent`, the proper prefixes of [p, p+len) that are tokens: at most maxLen lookups
  if (asMask || found > 64) {
    memory.fill(bitsPtr, 0, <usize>nWords << 2);
    for (let i = lo; i < hi; i++) setBit(load<u32>(sortedPtr + (<usize>i << 2)));
    out = found;
    if (consistent) {
      for (let k: u32 = 1; k < len && k <= maxLen; k++) {
        let r = rankOf(p, k);
        if (r != 0xffffffff) {
          setBit(r);
          out++;
        }
      }
    }
    if (asMask) return out;
    // the bitset, read in rank order
    let o: u32 = 0;
    for (let w: u32 = 0; w < nWords; w++) {
      let bits = load<u32>(bitsPtr + (<usize>w << 2));
      while (bits != 0) {
        store<u32>(workPtr + (<usize>o << 2), (w << 5) + ctz(bits));
        o++;
        bits &= bits - 1;
      }
    }
    return o;
  }
  for (let i = lo; i < hi; i++) store<u32>(workPtr + (<usize>(i - lo) << 2), load<u32>(sortedPtr + (<usize>i << 2)));
  out = found;
  if (consistent) {
    for (let k: u32 = 1; k < len && k <= maxLen; k++) {
      let r = rankOf(p, k);
      if (r != 0xffffffff) {
        store<u32>(workPtr + (<usize>out << 2), r);
        out++;
      }
    }
  }
  // at most 64 + maxLen ranks: insertion sort
  for (let i: u32 = 1; i < out; i++) {
    let v = load<u32>(workPtr + (<usize>i << 2));
    let j = i;
    while (j > 0 && load<u32>(workPtr + (<usize>(j - 1) << 2)) > v) {
      store<u32>(workPtr + (<usize>j << 2), load<u32>(workPtr + (<usize>(j - 1) << 2)));
      j--;
    }
    store<u32>(workPtr + (<usize>j << 2), v);
  }
  return out;
}

@inline
function setBit(r: u32): void {
  let w = bitsPtr + (<usize>(r >>> 5) << 2);
  store<u32>(w, load<u32>(w) | (1 << (r & 31)));
}

/** The ranks in byte order (after prefixSort), for the min-tokens trie. */
export function prefixSortedPtr(): usize {
  return sortedPtr;
}

/** How many ranks prefixSortedPtr() holds (the ordinary tokens). */
export function prefixCount(): u32 {
  return count;
}

export function prefixResultPtr(): usize {
  return workPtr;
}

export function prefixMaskPtr(): usize {
  return bitsPtr;
}
