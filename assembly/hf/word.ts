// One word (or segment) from bytes to ids: the whole word as a vocab entry (ignore_merges), else
// the cache, else initial symbols merged by the loop that fits their number (merge.ts).

import { getU32 as g, setU32 as s } from "../shared/memory";
import { hashBytes } from "../shared/hash";
import { NONE, F_IGNORE_MERGES, flags, wordLookup } from "./model";
import { CACHE_KEY, CACHE_IDS, cacheLine, cacheHolds, cacheRead, cacheWrite } from "./cache";
import { initialSymbols } from "./symbols";
import { mergeScan, mergeHeap, mergeBuckets, setHeap } from "./merge";
import { scratchPtr, reserveScratch } from "./arena";

/** Words of more symbols than this are merged by bucket queue (or heap), shorter ones by scan. */
const SCAN_MAX: u32 = 48;

/** Encodes one word; writes its ids/lens at out/outLens; returns the count. */
export function encodeWord(p: usize, n: u32, out: usize, outLens: usize): u32 {
  let ignoreMerges = (flags & F_IGNORE_MERGES) != 0;
  let h = ignoreMerges || n <= CACHE_KEY ? hashBytes(p, n) : 0;
  if (ignoreMerges) {
    let id = wordLookup(p, n, h);
    if (id != NONE) {
      s(out, 0, id);
      s(outLens, 0, n);
      return 1;
    }
  }
  let line: usize = 0;
  if (n <= CACHE_KEY) {
    line = cacheLine(h);
    if (cacheHolds(line, p, n)) return cacheRead(line, out, outLens);
  }
  // scratch: ids, lens, and two more u32 arrays (scan: ranks/newIds; heap: prev/next), heap
  let stride = (<usize>n + 2) << 2;
  reserveScratch(stride * 4 + <usize>(3 * n + 4) * 12 + 8);
  let ids = scratchPtr;
  let lens = ids + stride;
  let a = lens + stride;
  let b = a + stride;
  let heapKeys = (b + stride + 7) & ~<usize>7;
  let heapIds = heapKeys + (<usize>(3 * n + 4) << 3);
  setHeap(heapKeys, heapIds);
  let k = initialSymbols(p, n, ids, lens);
  if (k > SCAN_MAX) {
    // bucket merge on a copy (the heap redoes the word from the originals if it gives up)
    let stride2 = (<usize>k + 1) << 2;
    let work = (heapIds + (<usize>(3 * n + 4) << 2) + 7) & ~<usize>7;
    let c2 = work;
    let l2 = c2 + stride2;
    let rest = l2 + stride2;
    reserveScratch(rest + stride2 * 4 + (<usize>(k * 3 + 3) << 3) + stride2 - scratchPtr);
    memory.copy(c2, ids, <usize>k << 2);
    memory.copy(l2, lens, <usize>k << 2);
    let m = mergeBuckets(c2, l2, k, rest);
    if (m != NONE) {
      memory.copy(ids, c2, <usize>m << 2);
      memory.copy(lens, l2, <usize>m << 2);
      k = m;
    } else k = mergeHeap(ids, lens, k, a, b);
  } else if (k > 1) k = mergeScan(ids, lens, k, a, b);
  for (let i: u32 = 0; i < k; i++) {
    s(out, i, g(ids, i));
    s(outLens, i, g(lens, i));
  }
  if (line != 0 && k <= CACHE_IDS) cacheWrite(line, p, n, ids, lens, k);
  return k;
}
