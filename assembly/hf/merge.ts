// The merge loops of the HF core: the adjacent pair of lowest (merge rank, position) is merged
// until no pair is in the merge list (HF `Word::merge_all`). Symbols are u32 ids with their byte
// lengths beside them; a pair's rank and result come from the merge list (pairFind), not from
// the bytes. Short words: mergeScan; long words: mergeBuckets, or mergeHeap where it gives up.
//
// Why not one merge loop shared with assembly/openai/bpe.ts (the same three strategies on
// different data): there a part is a byte span, its pair is looked up by its bytes (rankOf, with
// a 2-byte table and a prefix filter), the rank *is* the merged token, and a short piece is a
// 64-bit mask of part starts (nothing shifts; PERFORMANCE.md #42). Here a symbol is an id whose
// pair is looked up by the two ids and maps to (rank, newId), which differ, and the heap must
// check popped entries by their newId exactly as HF's does (its output is the reference). A
// generic loop over "pair lookup + symbol store" would change the OpenAI core's measured hot
// loops (the 16-byte part records, the mask scan) or force them on data they do not fit.
// What is the same is shared: the bucket queue (assembly/shared/rank-buckets.ts).

import { getU32 as g, setU32 as s } from "../shared/memory";
import { resetEntries, bucketPush, nextRank, bucketTake } from "../shared/rank-buckets";
import { NONE, pairFind } from "./model";

let heapKeys: usize = 0; // u64 (rank << 32 | pos)
let heapIds: usize = 0; // u32

/** Places the heap's arrays (room for 3n + 4 entries) at keys / ids. */
export function setHeap(keys: usize, ids: usize): void {
  heapKeys = keys;
  heapIds = ids;
}

/** Lowest (rank, position) first by linear scan; compacts ids/lens; returns the count. */
export function mergeScan(ids: usize, lens: usize, n: u32, ranks: usize, news: usize): u32 {
  for (let k: u32 = 0; k + 1 < n; k++) {
    let slot = pairFind(g(ids, k), g(ids, k + 1));
    s(ranks, k, slot ? load<u32>(slot, 8) : NONE);
    s(news, k, slot ? load<u32>(slot, 12) : 0);
  }
  while (n > 1) {
    let best: u32 = NONE;
    let at: u32 = 0;
    for (let k: u32 = 0; k + 1 < n; k++) {
      let r = g(ranks, k);
      if (r < best) {
        best = r;
        at = k;
      }
    }
    if (best == NONE) break;
    s(ids, at, g(news, at));
    s(lens, at, g(lens, at) + g(lens, at + 1));
    for (let k = at + 1; k + 1 < n; k++) {
      s(ids, k, g(ids, k + 1));
      s(lens, k, g(lens, k + 1));
      if (k + 2 < n) {
        s(ranks, k, g(ranks, k + 1));
        s(news, k, g(news, k + 1));
      }
    }
    n--;
    if (at + 1 < n) {
      let slot = pairFind(g(ids, at), g(ids, at + 1));
      s(ranks, at, slot ? load<u32>(slot, 8) : NONE);
      s(news, at, slot ? load<u32>(slot, 12) : 0);
    } else s(ranks, at, NONE);
    if (at > 0) {
      let slot = pairFind(g(ids, at - 1), g(ids, at));
      s(ranks, at - 1, slot ? load<u32>(slot, 8) : NONE);
      s(news, at - 1, slot ? load<u32>(slot, 12) : 0);
    }
  }
  return n;
}

// HF `Word::merge_all`: a binary min-heap of (rank, pos) → newId with stale entries skipped.
// Not the indexed heap of assembly/openai/bpe.ts (which re-keys entries in place): this one, like
// HF, leaves stale entries in and drops a popped one whose pair no longer merges to its newId,
// so its choices are exactly HF's.
let heapSize: u32 = 0;

function heapPush(rank: u32, pos: u32, id: u32): void {
  let key = (<u64>rank << 32) | <u64>pos;
  let k = heapSize++;
  while (k > 0) {
    let parent = (k - 1) >>> 1;
    let pk = load<u64>(heapKeys + (<usize>parent << 3));
    if (pk <= key) break;
    store<u64>(heapKeys + (<usize>k << 3), pk);
    s(heapIds, k, g(heapIds, parent));
    k = parent;
  }
  store<u64>(heapKeys + (<usize>k << 3), key);
  s(heapIds, k, id);
}

function heapPopInto(): void {
  heapSize--;
  if (heapSize == 0) return;
  let key = load<u64>(heapKeys + (<usize>heapSize << 3));
  let id = g(heapIds, heapSize);
  let k: u32 = 0;
  while (true) {
    let l: u32 = 2 * k + 1;
    if (l >= heapSize) break;
    let c = l;
    let lk = load<u64>(heapKeys + (<usize>l << 3));
    if (l + 1 < heapSize) {
      let rk = load<u64>(heapKeys + (<usize>(l + 1) << 3));
      if (rk < lk) {
        c = l + 1;
        lk = rk;
      }
    }
    if (lk >= key) break;
    store<u64>(heapKeys + (<usize>k << 3), lk);
    s(heapIds, k, g(heapIds, c));
    k = c;
  }
  store<u64>(heapKeys + (<usize>k << 3), key);
  s(heapIds, k, id);
}

export function mergeHeap(c: usize, len: usize, n: u32, prev: usize, next: usize): u32 {
  for (let i: u32 = 0; i < n; i++) {
    s(prev, i, i == 0 ? NONE : i - 1);
    s(next, i, i + 1 < n ? i + 1 : NONE);
  }
  heapSize = 0;
  for (let i: u32 = 0; i + 1 < n; i++) {
    let slot = pairFind(g(c, i), g(c, i + 1));
    if (slot) heapPush(load<u32>(slot, 8), i, load<u32>(slot, 12));
  }
  while (heapSize > 0) {
    let top = load<u64>(heapKeys);
    let newId = g(heapIds, 0);
    heapPopInto();
    let pos = <u32>top;
    if (g(len, pos) == 0) continue;
    let nx = g(next, pos);
    if (nx == NONE) continue;
    let slot = pairFind(g(c, pos), g(c, nx));
    if (!slot || load<u32>(slot, 12) != newId) continue;
    s(c, pos, newId);
    s(len, pos, g(len, pos) + g(len, nx));
    let nn = g(next, nx);
    s(next, pos, nn);
    s(len, nx, 0);
    if (nn != NONE) s(prev, nn, pos);
    let pv = g(prev, pos);
    if (pv != NONE) {
      let s2 = pairFind(g(c, pv), newId);
      if (s2) heapPush(load<u32>(s2, 8), pv, load<u32>(s2, 12));
    }
    if (nn != NONE) {
      let s3 = pairFind(newId, g(c, nn));
      if (s3) heapPush(load<u32>(s3, 8), pos, load<u32>(s3, 12));
    }
  }
  return compactSymbols(c, len, n);
}


/** Drops the merged-away symbols (length 0) from c/len[0, n); returns how many remain. */
function compactSymbols(c: usize, len: usize, n: u32): u32 {
  let k: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    let l = g(len, i);
    if (l != 0) {
      s(c, k, g(c, i));
      s(len, k, l);
      k++;
    }
  }
  return k;
}

// Long words, first choice: merge rank by rank (a bucket queue), as assembly/openai/bpe.ts does for
// tiktoken. In a trained merge list a merge's result only takes part in later merges, so the
// pairs a merge creates rank after it: ranks to process only go up, and all pairs of one rank
// are merged left to right — the order of HF's (rank, pos) heap. If a list breaks that (a merge
// creates a pair of lower or equal rank), this gives up and the heap redoes the word.
/**
 * Bucket merge of c/len[0, n) (next/prev/pairR/pairN and the entry lists in `work`, 8 u32 per
 * symbol). Returns the compacted count, or NONE if the merge list is not rank-monotone here
 * (c/len are then clobbered: the caller restores them).
 */
export function mergeBuckets(c: usize, len: usize, n: u32, work: usize): u32 {
  let stride = (<usize>n + 1) << 2;
  let next = work;
  let prev = next + stride;
  let pairR = prev + stride;
  let pairN = pairR + stride;
  let ents = (<usize>n * 3 + 3) << 2;
  let entPos = pairN + stride;
  let tmp = entPos + ents * 2; // 8-byte bucket entries (rank-buckets.ts), then tmp
  resetEntries(entPos);
  for (let k: u32 = 0; k < n; k++) {
    s(next, k, k + 1 < n ? k + 1 : NONE);
    s(prev, k, k == 0 ? NONE : k - 1);
    let r: u32 = NONE;
    if (k + 1 < n) {
      let slot = pairFind(g(c, k), g(c, k + 1));
      if (slot) {
        r = load<u32>(slot, 8);
        s(pairN, k, load<u32>(slot, 12));
        bucketPush(k, r);
      }
    }
    s(pairR, k, r);
  }
  let rank = nextRank(0);
  let broken = false;
  while (rank != NONE) {
    let k = bucketTake(rank, tmp);
    if (!broken) {
      for (let i: u32 = 0; i < k; i++) {
        let x = g(tmp, i);
        if (g(pairR, x) != rank) continue; // stale: x was absorbed or its pair changed
        let y = g(next, x);
        let z = g(next, y);
        let id = g(pairN, x);
        s(c, x, id);
        s(len, x, g(len, x) + g(len, y));
        s(len, y, 0);
        s(pairR, y, NONE);
        s(next, x, z);
        let r1: u32 = NONE;
        if (z != NONE) {
          s(prev, z, x);
          let slot = pairFind(id, g(c, z));
          if (slot) {
            r1 = load<u32>(slot, 8);
            s(pairN, x, load<u32>(slot, 12));
          }
        }
        s(pairR, x, r1);
        if (r1 != NONE) {
          if (r1 <= rank) broken = true;
          else bucketPush(x, r1);
        }
        let w = g(prev, x);
        if (w != NONE) {
          let r2: u32 = NONE;
          let slot = pairFind(g(c, w), id);
          if (slot) {
            r2 = load<u32>(slot, 8);
            s(pairN, w, load<u32>(slot, 12));
          }
          s(pairR, w, r2);
          if (r2 != NONE) {
            if (r2 <= rank) broken = true;
            else bucketPush(w, r2);
          }
        }
        if (broken) break;
      }
    }
    // once broken, keep draining so every bucket is empty for the next word
    rank = nextRank(broken ? 0 : rank + 1);
  }
  if (broken) return NONE;
  return compactSymbols(c, len, n);
}
