// The prefix index (DESIGN.md "WASM ABI", prefixBuild / prefixQuery): every ordinary token's rank,
// sorted by the token's bytes, built on first use over the vocab bytes already in memory. The
// tokens that start with a byte string are then one contiguous range of it, found by two binary
// searches: what token healing (arXiv 2403.08688) and cover encodings (arXiv 2410.09303) ask.
//
// The sort is an MSD radix sort (one byte per level, 257 buckets: "the token ends here" first,
// so a token sorts before the tokens it is a prefix of), with insertion sort for small buckets.
// It reads each token's bytes about as far as they differ from their neighbours': o200k_base
// (200 K tokens, 1.3 MB) sorts in a few ms.

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
const bucketStarts = memory.data(258 * 4, 8);

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

/**
 * Builds the index at `at` (prefixIndexBytes() bytes, made addressable here). Returns the number
 * of ordinary tokens indexed (u32 max if the stack overflowed, which its size rules out: each
 * level of the depth-first sort leaves at most 256 buckets pending).
 */
export function prefixBuild(at: usize): u32 {
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
  let k: u32 = 0;
  for (let r: u32 = 0; r < nTokens; r++) {
    if (tokenLen(r) > 0) {
      store<u32>(sortedPtr + (<usize>k << 2), r);
      k++;
    }
  }

  let sp: u32 = 0;
  store<u32>(stack, 0);
  store<u32>(stack, n, 4);
  store<u32>(stack, 0, 8);
  sp = 1;
  while (sp > 0) {
    sp--;
    let e = stack + <usize>sp * 12;
    let lo = load<u32>(e);
    let hi = load<u32>(e, 4);
    let d = load<u32>(e, 8);
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
    store<u32>(bucketStarts + 257 * 4, s);
    // distribute into work[lo, hi), then copy back
    for (let i = lo; i < hi; i++) {
      let r = load<u32>(sortedPtr + (<usize>i << 2));
      let b = byteAt(r, d) + 1;
      let c = bucketStarts + (<usize>b << 2);
      let at2 = load<u32>(c);
      store<u32>(workPtr + (<usize>at2 << 2), r);
      store<u32>(c, at2 + 1);
    }
    memory.copy(sortedPtr + (<usize>lo << 2), workPtr + (<usize>lo << 2), <usize>(hi - lo) << 2);
    // bucket 0 (tokens that end at d) holds at most one token: equal bytes are one token
    let start = lo + load<u32>(bucketCounts);
    for (let b: u32 = 1; b < 257; b++) {
      let c = load<u32>(bucketCounts + (<usize>b << 2));
      if (c > 1) {
        if (sp == stackMax) return 0xffffffff;
        let f = stack + <usize>sp * 12;
        store<u32>(f, start);
        store<u32>(f, start + c, 4);
        store<u32>(f, d + 1, 8);
        sp++;
      }
      start += c;
    }
  }
  return n;
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

export function prefixResultPtr(): usize {
  return workPtr;
}

export function prefixMaskPtr(): usize {
  return bitsPtr;
}

/** The ranks in byte order (count of them), for tests and cover enumeration. */
export function prefixSortedPtr(): usize {
  return sortedPtr;
}
