// Byte-pair merge with tiktoken's semantics: repeatedly merge the adjacent pair of parts whose
// concatenated bytes have the lowest rank, the leftmost on ties, until no pair is a token.
//
// Short pieces (the vast majority) use tiktoken's array + min-scan: O(n^2) but tiny constants.
// Long pieces use an indexed binary min-heap keyed by (pair rank, position) over a linked list
// of parts: O(n log n) with 20 bytes of scratch per input byte. tiktoken's own binding runs the
// quadratic loop on every piece, which is why 100 KB of "a" takes it 20 s.

import { rankOf, byteRanksPtr, ensureMemory, nTokens } from "./vocab";
import { initRankBuckets, resetEntries, bucketPush, nextRank, bucketTake } from "./rank-buckets";

const NONE: u32 = 0xffffffff;
export const SHORT_PIECE: u32 = 64;

let scratchPtr: usize = 0;
let scratchCap: usize = 0;

export function setScratch(ptr: usize): void {
  scratchPtr = (ptr + 7) & ~<usize>7;
  scratchCap = 0;
}

function reserveScratch(bytes: usize): void {
  if (bytes > scratchCap) {
    ensureMemory(scratchPtr + bytes);
    scratchCap = bytes;
  }
}

@inline
function byteRank(b: u32): u32 {
  return load<u32>(byteRanksPtr + (<usize>b << 2));
}

/**
 * Encodes the piece [p, p+n) (n >= 2, not itself a token) and writes its ranks at out.
 * Returns the number written.
 */
export function mergePiece(p: usize, n: u32, out: usize): u32 {
  if (n <= SHORT_PIECE) return mergeShort(p, n, out);
  let count = mergeByRank(p, n, out);
  return count != NONE ? count : mergeLong(p, n, out);
}

// parts: starts[k] (byte offset of part k), pairs[k] (rank of part k + part k+1), ranks[k]
// (rank of part k itself, known without a lookup because it is the pair that was merged).
function mergeShort(p: usize, n: u32, out: usize): u32 {
  reserveScratch(<usize>(SHORT_PIECE + 2) * 12);
  let starts = scratchPtr;
  let pairs = starts + <usize>(SHORT_PIECE + 2) * 4;
  let ranks = pairs + <usize>(SHORT_PIECE + 2) * 4;
  for (let k: u32 = 0; k < n; k++) {
    store<u32>(starts + (<usize>k << 2), k);
    store<u32>(ranks + (<usize>k << 2), byteRank(<u32>load<u8>(p + k)));
  }
  store<u32>(starts + (<usize>n << 2), n);
  for (let k: u32 = 0; k + 1 < n; k++) store<u32>(pairs + (<usize>k << 2), rankOf(p + k, 2));
  let parts = n;
  while (parts > 1) {
    let best: u32 = NONE;
    let at: u32 = 0;
    for (let k: u32 = 0; k + 1 < parts; k++) {
      let r = load<u32>(pairs + (<usize>k << 2));
      if (r < best) {
        best = r;
        at = k;
      }
    }
    if (best == NONE) break;
    // Part `at` absorbs part at+1: drop index at+1 from all three arrays.
    store<u32>(ranks + (<usize>at << 2), best);
    // Plain loops: the arrays are short, and memory.copy's call overhead dominated here.
    for (let k = at + 1; k < parts; k++) {
      store<u32>(starts + (<usize>k << 2), load<u32>(starts + (<usize>(k + 1) << 2)));
      if (k + 1 < parts) {
        store<u32>(ranks + (<usize>k << 2), load<u32>(ranks + (<usize>(k + 1) << 2)));
        store<u32>(pairs + (<usize>k << 2), load<u32>(pairs + (<usize>(k + 1) << 2)));
      }
    }
    parts--;
    let s = load<u32>(starts + (<usize>at << 2));
    if (at + 1 < parts) {
      let e = load<u32>(starts + (<usize>(at + 2) << 2));
      store<u32>(pairs + (<usize>at << 2), rankOf(p + s, e - s));
    } else {
      store<u32>(pairs + (<usize>at << 2), NONE);
    }
    if (at > 0) {
      let ps = load<u32>(starts + (<usize>(at - 1) << 2));
      let e = load<u32>(starts + (<usize>(at + 1) << 2));
      store<u32>(pairs + (<usize>(at - 1) << 2), rankOf(p + ps, e - ps));
    }
  }
  for (let k: u32 = 0; k < parts; k++) store<u32>(out + (<usize>k << 2), load<u32>(ranks + (<usize>k << 2)));
  return parts;
}

// Long pieces, first choice: merge rank by rank (a bucket queue). In a BPE vocabulary a token
// outranks the tokens it is merged from, so every pair a merge creates has a higher rank than
// the merge itself: the ranks to process only go up. All pairs of one rank are then merged
// left to right (leftmost first is tiktoken's tie rule; a merge can only invalidate pairs of the
// same rank to its right, never create one). Buckets are linked lists of (position) entries;
// a two-level bitmap over ranks finds the next non-empty bucket. O(n) merges + O(k log k) to
// order each bucket. If a vocabulary breaks the rank order (a merge creates a pair of lower or
// equal rank), this returns NONE and the heap below, which assumes nothing, does the piece.
/** Reserves the per-rank tables after `at`; returns the end. Called once, after the vocab. */
export function initBuckets(at: usize): usize {
  // Fresh memory is zero: every bucket empty. Pages stay non-resident until a long piece uses them.
  let end = initRankBuckets(at, nTokens);
  ensureMemory(end);
  return end;
}

function mergeByRank(p: usize, n: u32, out: usize): u32 {
  let stride = (<usize>n + 1) << 2;
  let entries = (<usize>n * 3 + 3) << 2;
  reserveScratch(stride * 3 + entries * 3);
  nextA = scratchPtr;
  prevA = nextA + stride;
  pairA = prevA + stride;
  let entPos = pairA + stride;
  let entLink = entPos + entries;
  let tmp = entLink + entries;
  resetEntries(entPos, entLink);
  for (let k: u32 = 0; k < n; k++) {
    s(nextA, k, k + 1);
    s(prevA, k, k == 0 ? NONE : k - 1);
    let r = k + 1 < n ? rankOf(p + k, 2) : NONE;
    s(pairA, k, r);
    if (r != NONE) bucketPush(k, r);
  }
  let rank = nextRank(0);
  let broken = false;
  while (rank != NONE) {
    let k = bucketTake(rank, tmp);
    if (!broken) {
      for (let i: u32 = 0; i < k; i++) {
        let x = g(tmp, i);
        if (g(pairA, x) != rank) continue; // stale: x was absorbed or its pair changed
        let y = g(nextA, x);
        let z = g(nextA, y);
        s(pairA, y, NONE);
        s(nextA, x, z);
        if (z < n) s(prevA, z, x);
        let r1 = z < n ? rankOf(p + x, g(nextA, z) - x) : NONE;
        s(pairA, x, r1);
        if (r1 != NONE) {
          if (r1 <= rank) broken = true;
          else bucketPush(x, r1);
        }
        let w = g(prevA, x);
        if (w != NONE) {
          let r2 = rankOf(p + w, z - w);
          s(pairA, w, r2);
          if (r2 != NONE) {
            if (r2 <= rank) broken = true;
            else bucketPush(w, r2);
          }
        }
        if (broken) break;
      }
    }
    // Once broken, keep draining so every bucket is empty for the next piece.
    rank = nextRank(broken ? 0 : rank + 1);
  }
  if (broken) return NONE;
  let count: u32 = 0;
  let x: u32 = 0;
  while (x < n) {
    let e = g(nextA, x);
    store<u32>(out + (<usize>count << 2), e - x == 1 ? byteRank(<u32>load<u8>(p + x)) : rankOf(p + x, e - x));
    count++;
    x = e;
  }
  return count;
}

// Long pieces, fallback. Parts are identified by their start byte. For a live part at s:
//   next[s]  start of the following part (n at the end), prev[s] start of the previous (NONE)
//   pair[s]  rank of part s + next part, NONE if that is not a token or there is no next part
//   slot[s]  index of s in the heap, NONE if not in it
// The heap holds exactly the parts whose pair is a token, ordered by (pair rank, start).
let nextA: usize = 0;
let prevA: usize = 0;
let pairA: usize = 0;
let slotA: usize = 0;
let heapA: usize = 0;
let heapSize: u32 = 0;

@inline function g(a: usize, i: u32): u32 { return load<u32>(a + (<usize>i << 2)); }
@inline function s(a: usize, i: u32, v: u32): void { store<u32>(a + (<usize>i << 2), v); }

@inline
function before(x: u32, y: u32): bool {
  let rx = g(pairA, x);
  let ry = g(pairA, y);
  return rx < ry || (rx == ry && x < y);
}

function siftUp(i: u32): void {
  let x = g(heapA, i);
  while (i > 0) {
    let parent = (i - 1) >>> 1;
    let y = g(heapA, parent);
    if (!before(x, y)) break;
    s(heapA, i, y);
    s(slotA, y, i);
    i = parent;
  }
  s(heapA, i, x);
  s(slotA, x, i);
}

function siftDown(i: u32): void {
  let x = g(heapA, i);
  while (true) {
    let l: u32 = 2 * i + 1;
    if (l >= heapSize) break;
    let c = l;
    let r: u32 = l + 1;
    if (r < heapSize && before(g(heapA, r), g(heapA, l))) c = r;
    let y = g(heapA, c);
    if (!before(y, x)) break;
    s(heapA, i, y);
    s(slotA, y, i);
    i = c;
  }
  s(heapA, i, x);
  s(slotA, x, i);
}

function heapRemove(x: u32): void {
  let i = g(slotA, x);
  s(slotA, x, NONE);
  heapSize--;
  if (i == heapSize) return;
  let last = g(heapA, heapSize);
  s(heapA, i, last);
  s(slotA, last, i);
  siftDown(i);
  siftUp(g(slotA, last));
}

/** Sets the pair rank of part x and fixes its place in the heap. */
function setPair(x: u32, rank: u32): void {
  s(pairA, x, rank);
  let i = g(slotA, x);
  if (rank == NONE) {
    if (i != NONE) heapRemove(x);
    return;
  }
  if (i == NONE) {
    i = heapSize++;
    s(heapA, i, x);
    s(slotA, x, i);
    siftUp(i);
  } else {
    siftUp(i);
    siftDown(g(slotA, x));
  }
}

function mergeLong(p: usize, n: u32, out: usize): u32 {
  let stride = (<usize>n + 1) << 2;
  reserveScratch(stride * 5);
  nextA = scratchPtr;
  prevA = nextA + stride;
  pairA = prevA + stride;
  slotA = pairA + stride;
  heapA = slotA + stride;
  heapSize = 0;
  for (let k: u32 = 0; k < n; k++) {
    s(nextA, k, k + 1);
    s(prevA, k, k == 0 ? NONE : k - 1);
    s(slotA, k, NONE);
  }
  // Heapify the initial pairs: positions are appended in increasing order, then sifted.
  for (let k: u32 = 0; k < n; k++) {
    let r = k + 1 < n ? rankOf(p + k, 2) : NONE;
    s(pairA, k, r);
    if (r != NONE) {
      s(heapA, heapSize, k);
      s(slotA, k, heapSize);
      heapSize++;
    }
  }
  if (heapSize > 1) {
    for (let i: i32 = <i32>(heapSize >>> 1) - 1; i >= 0; i--) siftDown(<u32>i);
  }
  while (heapSize > 0) {
    let x = g(heapA, 0);
    let y = g(nextA, x); // absorbed part
    let z = g(nextA, y); // part after the merged one
    heapRemove(x);
    if (g(slotA, y) != NONE) heapRemove(y);
    s(nextA, x, z);
    if (z < n) s(prevA, z, x);
    setPair(x, z < n ? rankOf(p + x, g(nextA, z) - x) : NONE);
    let w = g(prevA, x);
    if (w != NONE) setPair(w, rankOf(p + w, z - w));
  }
  let count: u32 = 0;
  let x: u32 = 0;
  while (x < n) {
    let e = g(nextA, x);
    let r = e - x == 1 ? byteRank(<u32>load<u8>(p + x)) : rankOf(p + x, e - x);
    store<u32>(out + (<usize>count << 2), r);
    count++;
    x = e;
  }
  return count;
}
