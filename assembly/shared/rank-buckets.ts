// A bucket queue over merge ranks, for merging long pieces rank by rank (assembly/openai/bpe.ts for
// tiktoken vocabularies, assembly/hf/merge.ts for HF merge lists; each binary has its own state).
//
// Buckets are LIFO lists of positions, entries (8 bytes: position, link) taken from a
// caller-provided array, one cache line per entry visited; a two-level
// bitmap over ranks (a u64 per 64 ranks, and a u64 per 4096 ranks saying which of those words
// are non-zero) finds the next non-empty bucket. Every bucket is empty between pieces: the
// merge loop drains them all, so no reset is needed.

import { getU32 as g, setU32 as s } from "./memory";

const NONE: u32 = 0xffffffff;

let bucketHeads: usize = 0; // u32[nRanks]: first entry + 1, 0 = empty
let rankBits: usize = 0;
let rankSummary: usize = 0;
let nRanks: u32 = 0;
let entries: usize = 0; // 8 bytes per entry: u32 position, u32 next entry + 1 (0 = end)
let entCount: u32 = 0;


/**
 * Lays out the tables for ranks [0, n) from `at`; returns their end. They must lie in memory
 * that is zero (fresh WebAssembly memory is) and addressable (the caller grows memory).
 */
export function initRankBuckets(at: usize, n: u32): usize {
  nRanks = n;
  bucketHeads = (at + 7) & ~<usize>7;
  rankBits = (bucketHeads + ((<usize>n + 1) << 2) + 7) & ~<usize>7;
  let words = (<usize>n + 64) >>> 6;
  rankSummary = rankBits + (words << 3);
  return rankSummary + (((words + 63) >>> 6) << 3);
}

/** Starts a piece: entries go to `at`, 8 bytes each, which must hold every push of the piece. */
export function resetEntries(at: usize): void {
  entries = at;
  entCount = 0;
}

@inline
export function bucketPush(pos: u32, rank: u32): void {
  let e = entCount++;
  let ep = entries + (<usize>e << 3);
  store<u32>(ep, pos);
  store<u32>(ep, g(bucketHeads, rank), 4);
  s(bucketHeads, rank, e + 1);
  let w = <usize>(rank >>> 6);
  let word = load<u64>(rankBits + (w << 3));
  if (word == 0) {
    let sp = rankSummary + ((w >>> 6) << 3);
    store<u64>(sp, load<u64>(sp) | (<u64>1 << <u64>(w & 63)));
  }
  store<u64>(rankBits + (w << 3), word | (<u64>1 << <u64>(rank & 63)));
}

/** Smallest non-empty rank >= from, or NONE. */
export function nextRank(from: u32): u32 {
  if (from >= nRanks) return NONE;
  let w = <usize>(from >>> 6);
  let word = load<u64>(rankBits + (w << 3)) & (<u64>-1 << <u64>(from & 63));
  if (word != 0) return <u32>((w << 6) + <usize>ctz(word));
  let words = (<usize>nRanks + 64) >>> 6;
  let next = w + 1;
  if (next >= words) return NONE;
  let sw = next >>> 6;
  let sword = load<u64>(rankSummary + (sw << 3)) & (<u64>-1 << <u64>(next & 63));
  let swords = (words + 63) >>> 6;
  while (sword == 0) {
    sw++;
    if (sw >= swords) return NONE;
    sword = load<u64>(rankSummary + (sw << 3));
  }
  w = (sw << 6) + <usize>ctz(sword);
  return <u32>((w << 6) + <usize>ctz(load<u64>(rankBits + (w << 3))));
}

/** Empties bucket `rank` into tmp[], sorted by position; returns the number of entries. */
export function bucketTake(rank: u32, tmp: usize): u32 {
  let k: u32 = 0;
  let e = g(bucketHeads, rank);
  while (e != 0) {
    let ep = entries + (<usize>(e - 1) << 3);
    s(tmp, k++, load<u32>(ep));
    e = load<u32>(ep, 4);
  }
  bucketClear(rank);
  sortPositions(tmp, k);
  return k;
}

/** Empties bucket `rank` without reading it. */
export function bucketClear(rank: u32): void {
  s(bucketHeads, rank, 0);
  let w = <usize>(rank >>> 6);
  let word = load<u64>(rankBits + (w << 3)) & ~(<u64>1 << <u64>(rank & 63));
  store<u64>(rankBits + (w << 3), word);
  if (word == 0) {
    let sp = rankSummary + ((w >>> 6) << 3);
    store<u64>(sp, load<u64>(sp) & ~(<u64>1 << <u64>(w & 63)));
  }
}

/** Sorts tmp[0, k) ascending. Entries usually arrive in descending order (lists are LIFO). */
function sortPositions(tmp: usize, k: u32): void {
  let asc = true;
  let desc = true;
  for (let i: u32 = 1; i < k && (asc || desc); i++) {
    let a = g(tmp, i - 1);
    let b = g(tmp, i);
    if (a > b) asc = false;
    if (a < b) desc = false;
  }
  if (asc) return;
  if (desc) {
    for (let i: u32 = 0, j = k - 1; i < j; i++, j--) {
      let t = g(tmp, i);
      s(tmp, i, g(tmp, j));
      s(tmp, j, t);
    }
    return;
  }
  // heapsort: no recursion, no extra memory
  for (let i: i32 = <i32>(k >>> 1) - 1; i >= 0; i--) siftPositions(tmp, <u32>i, k);
  for (let end = k - 1; end > 0; end--) {
    let t = g(tmp, 0);
    s(tmp, 0, g(tmp, end));
    s(tmp, end, t);
    siftPositions(tmp, 0, end);
  }
}

function siftPositions(tmp: usize, i: u32, k: u32): void {
  let x = g(tmp, i);
  while (true) {
    let c: u32 = 2 * i + 1;
    if (c >= k) break;
    if (c + 1 < k && g(tmp, c + 1) > g(tmp, c)) c++;
    let y = g(tmp, c);
    if (y <= x) break;
    s(tmp, i, y);
    i = c;
  }
  s(tmp, i, x);
}
