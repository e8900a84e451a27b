// Byte-pair merge with tiktoken's semantics: repeatedly merge the adjacent pair of parts whose
// concatenated bytes have the lowest rank, the leftmost on ties, until no pair is a token.
//
// Short pieces (the vast majority) use tiktoken's array + min-scan: O(n^2) but tiny constants.
// Longer ones merge rank by rank with a bucket queue (O(n) merges), falling back to an indexed
// binary heap (O(n log n)) if the vocabulary breaks rank order. Pieces over 8 KB go through
// both a window at a time (mergeWindowed), so the work stays linear and in cache. tiktoken's
// own binding runs the quadratic loop on every piece, which is why 100 KB of "a" takes it 20 s.
//
// Not shared with the HF core's merge loops (assembly/hf/merge.ts), which use the same three
// strategies: here a part is a byte span whose pairs are looked up by their bytes and the rank
// is the merged token, so a short piece is a 64-bit mask of part starts and the long loops keep
// 16-byte part records; there a symbol is an id whose pair maps to (rank, new id). A generic
// loop over both would give up these measured layouts (#42, the part records). The bucket
// queue itself is shared (assembly/shared/rank-buckets.ts).

import { rankOf, byteRank, pairRank, nTokens, tokenLen } from "./vocab";
import { bytesEqual } from "../shared/bytes";
import { ensureMemory, getU32 as g, setU32 as s } from "../shared/memory";
import { initRankBuckets, resetEntries, bucketPush, nextRank, bucketTake, bucketClear } from "../shared/rank-buckets";
import { encodeSmallAlphabet, initSmallAlphabet } from "./small-alphabet";
import { prepareCuts, isCut, initCuts } from "./cuts";

const NONE: u32 = 0xffffffff;
export const SHORT_PIECE: u32 = 64;

let scratchPtr: usize = 0;
let scratchEnd: usize = 0;
// Where the merge routines put their arrays: scratchPtr, or after the window's ids while
// mergeWindowed runs.
let workPtr: usize = 0;

export function setScratch(ptr: usize): void {
  scratchPtr = (ptr + 7) & ~<usize>7;
  workPtr = scratchPtr;
  scratchEnd = 0;
}

/** Makes [workPtr, workPtr + bytes) addressable. */
function reserveScratch(bytes: usize): void {
  let end = workPtr + bytes;
  if (end > scratchEnd) {
    ensureMemory(end);
    scratchEnd = end;
  }
}

/**
 * Encodes the piece [p, p+n) (n >= 2, not itself a token) and writes its ranks at out.
 * Returns the number written.
 */
export function mergePiece(p: usize, n: u32, out: usize): u32 {
  if (n <= SHORT_PIECE) return mergeShort(p, n, out);
  // Long pieces are first cut where no token can cross (cuts.ts); the parts are encoded alone.
  prepareCuts();
  let from: u32 = 0;
  let count: u32 = 0;
  for (let i: u32 = 1; i < n; i++) {
    if (isCut(p + i)) {
      count += mergePart(p + from, i - from, out + (<usize>count << 2));
      from = i;
    }
  }
  if (from == 0) return mergeUncut(p, n, out);
  return count + mergePart(p + from, n - from, out + (<usize>count << 2));
}

/** A part of a piece between two cuts: the merge loop, never a whole-piece lookup. */
function mergePart(p: usize, n: u32, out: usize): u32 {
  if (n == 1) {
    store<u32>(out, byteRank(<u32>load<u8>(p)));
    return 1;
  }
  return n <= SHORT_PIECE ? mergeShort(p, n, out) : mergeUncut(p, n, out);
}

/** A piece longer than SHORT_PIECE with no cut in it. */
function mergeUncut(p: usize, n: u32, out: usize): u32 {
  if (n > WINDOW) {
    let count = mergeWindowed(p, n, out);
    if (count != NONE) return count;
  }
  return mergeSpan(p, n, out);
}

// Spans of at least ALPHABET_MIN bytes over a small alphabet (whitespace runs, punctuation runs)
// go through the one-pass encoder of small-alphabet.ts, which needs no merges; it answers NONE
// for other spans.
const ALPHABET_MIN: u32 = 128;

function mergeSpan(p: usize, n: u32, out: usize): u32 {
  // What the bucket merge needs, reserved whichever path runs, so that memory grows on the
  // first long span and not later, when the small-alphabet pass first refuses a span.
  reserveScratch(((<usize>n + 1) << 4) + ((<usize>n * 3 + 3) << 3) + ((<usize>n + 1) << 2));
  if (n >= ALPHABET_MIN) {
    let work = workPtr;
    let need = ((<usize>n + 1) << 2) + (512 << 2); // last[] and a pair check's output
    reserveScratch(need);
    workPtr = work + need; // the merges it starts use the scratch above
    let count = encodeSmallAlphabet(p, n, out, work);
    workPtr = work;
    if (count != NONE) return count;
  }
  return mergeRanked(p, n, out);
}

function mergeRanked(p: usize, n: u32, out: usize): u32 {
  let count = mergeByRank(p, n, out);
  return count != NONE ? count : mergeLong(p, n, out);
}

/** The merge loop alone on [p, p+n) (n >= 2; no windows, no small-alphabet pass). */
export function mergeRaw(p: usize, n: u32, out: usize): u32 {
  return n <= SHORT_PIECE ? mergeShort(p, n, out) : mergeRanked(p, n, out);
}

// Pieces longer than WINDOW bytes are encoded a window at a time and the windows joined where
// their encodings share a token. This is exact for any vocabulary, by two properties of BPE
// with tiktoken's rule (merge the lowest-ranked adjacent pair, leftmost on ties), for which the
// rust-gems `bpe` crate's README gives arguments (corollaries II and III there):
//  (II)  any run of consecutive tokens of the encoding of a text is the encoding of its bytes;
//  (III) if e_0..e_i is the encoding of X and e_i..e_m the encoding of Y, where X ends and Y
//        begins with the bytes of the shared token e_i (one occurrence at one position), then
//        e_0..e_i..e_m is the encoding of the text X and Y make together (X minus e_i, then Y).
// (III) holds because, until a merge crosses one of e_i's two edges, the merges on the three
// sides of them run exactly as they do alone; the first crossing one would then also be the
// lowest pair in X alone or in Y alone, whose encodings do not cross those edges.
// So: Q = encoding of [0, E); the next window starts at a token start s of Q about OVERLAP bytes
// before E and P = encoding of [s, s + WINDOW). If some token of Q after s has the same start
// and end as a token of P, Q up to it and P from it is the encoding of [0, s + WINDOW). If none
// (never seen on real or generated text; the join usually happens at s itself), the caller
// encodes the whole piece at once. Windows keep the merge's scratch small and hot in cache, the
// work linear, and each window is a short call (V8 tiers a WebAssembly function up only
// between calls).
const WINDOW: u32 = 8192;
const OVERLAP: u32 = 256;

@inline
function idAt(a: usize, i: u32): u32 {
  return load<u32>(a + (<usize>i << 2));
}

function mergeWindowed(p: usize, n: u32, out: usize): u32 {
  let ids = scratchPtr;
  let memoAt: u32 = 0;
  let memoLen: u32 = 0; // no window encoded into ids yet
  let memoK: u32 = 0;
  workPtr = scratchPtr + ((<usize>WINDOW + 2) << 2);
  reserveScratch(0);
  let count = mergeSpan(p, WINDOW, out);
  let end: u32 = WINDOW;
  while (end < n) {
    // s: start of Q's token j, the first token to start at or after end - OVERLAP
    let j = count;
    let s = end;
    while (j > 0 && s > end - OVERLAP) {
      j--;
      s -= tokenLen(idAt(out, j));
    }
    let end2 = min(n, s + WINDOW);
    let len2 = end2 - s;
    // Same bytes as the window encoded last (a run of one character, or any text whose period
    // the token starts follow): same encoding, still in ids.
    let k = memoK;
    if (len2 != memoLen || !bytesEqual(p + s, p + memoAt, len2)) {
      k = mergeSpan(p + s, len2, ids);
      memoAt = s;
      memoLen = len2;
      memoK = k;
    }
    // walk both encodings from s, by token start, until a token with the same start and length
    let a = j;
    let b: u32 = 0;
    let qa = s;
    let pb = s;
    let joined = false;
    while (a < count && b < k) {
      let la = tokenLen(idAt(out, a));
      let lb = tokenLen(idAt(ids, b));
      if (qa == pb) {
        if (la == lb) {
          joined = true;
          break;
        }
        if (la < lb) {
          qa += la;
          a++;
        } else {
          pb += lb;
          b++;
        }
      } else if (qa < pb) {
        qa += la;
        a++;
      } else {
        pb += lb;
        b++;
      }
    }
    if (!joined) {
      workPtr = scratchPtr;
      return NONE;
    }
    for (let i = b; i < k; i++) store<u32>(out + (<usize>(a + i - b) << 2), idAt(ids, i));
    count = a + k - b;
    end = end2;
  }
  workPtr = scratchPtr;
  return count;
}

// Parts are named by their first byte: bit k of `live` is set when a part starts at byte k
// (pieces of at most 64 bytes). keys[k] is the pair of part k + the part after it as
// rank << 6 | k, NONE if that is not a token, k is the last part, or no part starts at k; the
// lowest key is then the lowest-ranked pair, the leftmost on ties (tiktoken's rule). ranks[k]
// is the rank of part k itself (known without a lookup: it is the pair that was merged). A merge
// clears one bit: nothing shifts.
//
// Ranks are below 2^24 (vocab.ts refuses larger vocabularies), so keys stay below NONE. The
// lowest key is found by a scan of all keys, four at a time into four minimums (#42): no
// dependency from one key to the next, unlike the walk over the live parts it replaced, whose
// compare-and-select chain made this loop cost more than its lookups on pieces of 25-64 bytes
// (Malayalam, Chinese: +15-21% without it).
@inline
function pairKey(rank: u32, k: u32): u32 {
  return select<u32>(NONE, (rank << 6) | k, rank == NONE);
}

function mergeShort(p: usize, n: u32, out: usize): u32 {
  reserveScratch(<usize>SHORT_PIECE * 8);
  let keys = workPtr;
  let ranks = keys + <usize>SHORT_PIECE * 4;
  let n4 = (n + 3) & ~3;
  for (let k: u32 = 0; k < n; k++) {
    store<u32>(ranks + (<usize>k << 2), byteRank(<u32>load<u8>(p + k)));
    store<u32>(keys + (<usize>k << 2), k + 1 < n ? pairKey(pairRank(p + k), k) : NONE);
  }
  for (let k = n; k < n4; k++) store<u32>(keys + (<usize>k << 2), NONE);
  let live: u64 = n == 64 ? <u64>-1 : (<u64>1 << <u64>n) - 1;
  let end = keys + (<usize>n4 << 2);
  while (true) {
    let b0: u32 = NONE;
    let b1: u32 = NONE;
    let b2: u32 = NONE;
    let b3: u32 = NONE;
    for (let q = keys; q < end; q += 16) {
      b0 = min<u32>(b0, load<u32>(q));
      b1 = min<u32>(b1, load<u32>(q, 4));
      b2 = min<u32>(b2, load<u32>(q, 8));
      b3 = min<u32>(b3, load<u32>(q, 12));
    }
    let best = min<u32>(min<u32>(b0, b1), min<u32>(b2, b3));
    if (best == NONE) break;
    let at = best & 63;
    // part `at` absorbs the next part y; z is the part after them (n if none)
    let y = <u32>ctz(live & ~((<u64>2 << <u64>at) - 1));
    live &= ~(<u64>1 << <u64>y);
    store<u32>(keys + (<usize>y << 2), NONE);
    store<u32>(ranks + (<usize>at << 2), best >>> 6);
    let afterY = live & ~((<u64>2 << <u64>y) - 1);
    let z = afterY != 0 ? <u32>ctz(afterY) : n;
    if (z < n) {
      let afterZ = afterY & (afterY - 1);
      let e = afterZ != 0 ? <u32>ctz(afterZ) : n;
      store<u32>(keys + (<usize>at << 2), pairKey(rankOf(p + at, e - at), at));
    } else {
      store<u32>(keys + (<usize>at << 2), NONE);
    }
    let below = live & ((<u64>1 << <u64>at) - 1);
    if (below != 0) {
      let w = 63 - <u32>clz(below);
      store<u32>(keys + (<usize>w << 2), pairKey(rankOf(p + w, z - w), w));
    }
  }
  let count: u32 = 0;
  while (live != 0) {
    let k = <u32>ctz(live);
    store<u32>(out + (<usize>count << 2), load<u32>(ranks + (<usize>k << 2)));
    count++;
    live &= live - 1;
  }
  return count;
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
  // Fresh memory is zero: every bucket empty (and every memo entry). Pages stay non-resident
  // until a long piece uses them.
  pairMemo = (initRankBuckets(at, nTokens) + 15) & ~<usize>15;
  let end = pairMemo + (<usize>PAIR_MEMO_SIZE << 4);
  ensureMemory(end);
  // emptied even when fresh: a stale entry would be a wrong id, not a slower one (128 KB)
  memory.fill(pairMemo, 0, <usize>PAIR_MEMO_SIZE << 4);
  return initCuts(initSmallAlphabet(end));
}

// Memo of the bucket merge's lookups by the two parts' ranks: the rank of (token a)(token b)
// depends on the vocabulary alone, so entries stay valid across pieces and calls. Long pieces
// are where a few pairs repeat (1 MB of random tabs and newlines: ~1.4 M lookups over a few
// hundred distinct pairs), and a hit is one 16-byte load instead of hashing a span of up to 20+
// bytes plus the filter and the table probe. Direct-mapped, 16 B entries: a + 1 (0 = empty),
// b, rank of the pair (NONE if no token). The short merge does without it (#14: on ordinary
// text a hit cost what it saved).
const PAIR_MEMO_SIZE: u32 = 8192;
let pairMemo: usize = 0;

/** Rank of the span [p, p + n) made of a part of rank ra and the part of rank rb after it. */
@inline
function pairOfRanks(p: usize, n: u32, ra: u32, rb: u32): u32 {
  let h = (ra * 0x9e3779b1) ^ (rb * 0x85ebca77);
  let e = pairMemo + (<usize>(h >>> (32 - 13)) << 4);
  if (load<u32>(e) == ra + 1 && load<u32>(e, 4) == rb) return load<u32>(e, 8);
  let r = rankOf(p, n);
  store<u32>(e, ra + 1);
  store<u32>(e, rb, 4);
  store<u32>(e, r, 8);
  return r;
}

/** Rank of the bucket merge's part at x that ends at e (a single byte has no record rank). */
@inline
function partRank(p: usize, x: u32, e: u32): u32 {
  return e - x == 1 ? byteRank(<u32>load<u8>(p + x)) : load<u32>(rec(x), 12);
}

// Part records of the bucket merge, 16 bytes per byte of the piece, so that one merge touches
// a few adjacent cache lines instead of one line in each of several arrays:
//   +0 next part's start (n at the end)   +4 previous part's start (NONE at the start)
//   +8 rank of this part + the next one (NONE if not a token, or no next part)
//   +12 rank of this part itself (valid for parts made by a merge)
let partsA: usize = 0;
@inline function rec(x: u32): usize { return partsA + (<usize>x << 4); }

/** Most entries handed to one mergeRun call: bounded calls let V8 switch a long piece to
 *  optimized code mid-piece (a running WebAssembly call never changes tier). */
const RUN_SLICE: u32 = 4096;

function mergeByRank(p: usize, n: u32, out: usize): u32 {
  let parts = (<usize>n + 1) << 4;
  let entries = (<usize>n * 3 + 3) << 3;
  reserveScratch(parts + entries + ((<usize>n + 1) << 2));
  partsA = workPtr;
  let ent = partsA + parts;
  let tmp = ent + entries;
  resetEntries(ent);
  for (let k: u32 = 0; k < n; k += RUN_SLICE) initParts(p, n, k, min(n, k + RUN_SLICE));
  let rank = nextRank(0);
  while (rank != NONE) {
    let k = bucketTake(rank, tmp);
    let broken = false;
    for (let i: u32 = 0; i < k && !broken; i += RUN_SLICE) {
      broken = mergeRun(p, n, rank, tmp + (<usize>i << 2), min(k - i, RUN_SLICE));
    }
    if (broken) {
      // Empty every bucket for the next piece; the heap redoes this one.
      rank = nextRank(0);
      while (rank != NONE) {
        bucketClear(rank);
        rank = nextRank(rank + 1);
      }
      return NONE;
    }
    rank = nextRank(rank + 1);
  }
  let count: u32 = 0;
  let x: u32 = 0;
  while (x < n) {
    let r = rec(x);
    let e = load<u32>(r);
    store<u32>(out + (<usize>count << 2), e - x == 1 ? byteRank(<u32>load<u8>(p + x)) : load<u32>(r, 12));
    count++;
    x = e;
  }
  return count;
}

/** Part records [from, to) of the piece as single bytes, and their pairs in the buckets. */
function initParts(p: usize, n: u32, from: u32, to: u32): void {
  for (let k = from; k < to; k++) {
    let r = rec(k);
    store<u32>(r, k + 1);
    store<u32>(r, k == 0 ? NONE : k - 1, 4);
    let pr = k + 1 < n ? pairRank(p + k) : NONE;
    store<u32>(r, pr, 8);
    if (pr != NONE) bucketPush(k, pr);
  }
}

/**
 * Merges the pairs of rank `rank` at the k positions of tmp (ascending; entries whose pair
 * changed since they were queued are skipped). Returns true if a merge made a pair of rank
 * <= `rank`: the vocabulary breaks rank order here and the caller gives up on the piece.
 */
function mergeRun(p: usize, n: u32, rank: u32, tmp: usize, k: u32): bool {
  for (let i: u32 = 0; i < k; i++) {
    let x = load<u32>(tmp + (<usize>i << 2));
    let rx = rec(x);
    if (load<u32>(rx, 8) != rank) continue; // stale: x was absorbed or its pair changed
    let y = load<u32>(rx);
    let ry = rec(y);
    let z = load<u32>(ry);
    store<u32>(ry, NONE, 8);
    store<u32>(rx, z);
    store<u32>(rx, rank, 12);
    let w = load<u32>(rx, 4);
    let r1 = NONE;
    if (z < n) {
      let rz = rec(z);
      store<u32>(rz, x, 4);
      // If z's pair is of this rank too, z merges next in this pass and recomputes x's pair
      // from its side: no lookup now (in runs of one repeated pair, half the lookups).
      if (load<u32>(rz, 8) != rank) {
        let ze = load<u32>(rz);
        r1 = pairOfRanks(p + x, ze - x, rank, partRank(p, z, ze));
        if (r1 != NONE && r1 <= rank) return true;
      }
    }
    store<u32>(rx, r1, 8);
    // Queue w before x: pushes then arrive in ascending position order in every bucket.
    if (w != NONE) {
      let r2 = pairOfRanks(p + w, z - w, partRank(p, w, x), rank);
      store<u32>(rec(w), r2, 8);
      if (r2 != NONE) {
        if (r2 <= rank) return true;
        bucketPush(w, r2);
      }
    }
    if (r1 != NONE) bucketPush(x, r1);
  }
  return false;
}

// Long pieces, fallback. Parts are identified by their start byte. For a live part at s:
//   next[s]  start of the following part (n at the end), prev[s] start of the previous (NONE)
//   pair[s]  rank of part s + next part, NONE if that is not a token or there is no next part
//   slot[s]  index of s in the heap, NONE if not in it
// The heap holds exactly the parts whose pair is a token, ordered by (pair rank, start).
// (An indexed heap, unlike the lazy one of assembly/hf/merge.ts: a part's pair is re-keyed in
// place, so the heap never holds more than n entries and no popped entry needs re-checking.)
let nextA: usize = 0;
let prevA: usize = 0;
let pairA: usize = 0;
let slotA: usize = 0;
let heapA: usize = 0;
let heapSize: u32 = 0;

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
  nextA = workPtr;
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
