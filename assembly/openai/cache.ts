// A direct-mapped cache of pieces that needed merging: piece bytes -> their token ids.
//
// Text repeats its words, and in languages whose words are rarely single tokens (most scripts
// other than Latin) nearly every piece needs the merge loop. Measured on the multilingual
// corpus, about half of such pieces were seen before. An entry is one 64-byte line:
//   u32 tag (0 = empty) | u32 id count | 24 key bytes (zero-padded) | 8 u32 ids
// where tag = generation << 5 | length: cacheClear() bumps the generation, which empties every
// entry at once without touching (and making resident) the 2 MB of lines.
// so a lookup touches one line. Pieces longer than 24 bytes or of more than 8 tokens are not
// cached (32 K entries, 2 MB of address space, resident only as used: 16 K was measurably
// slower on the multilingual corpus, whose 53 K merged pieces hold 28.6 K distinct ones).
// The cache is per instance and only ever holds exact results, so a stale entry is
// impossible: a slot is simply overwritten by the next piece that hashes to it.
// (The HF core has its own, assembly/hf/cache.ts: its lines also hold token lengths, and longer keys.)

import { ensureMemory } from "../shared/memory";
import { lowBytes } from "../shared/bytes";

const ENTRY_SIZE: usize = 64;
const ENTRIES: u32 = 1 << 15;
export const MAX_KEY: u32 = 24;
export const MAX_IDS: u32 = 8;

let cachePtr: usize = 0;
let generation: u32 = 1;
const GENERATION_LIMIT: u32 = 1 << 26; // tags stay below 2^31

export function initCache(at: usize): usize {
  cachePtr = (at + 63) & ~<usize>63;
  let end = cachePtr + <usize>ENTRIES * ENTRY_SIZE;
  ensureMemory(end);
  // Fresh memory is zero, i.e. all entries empty; not filling keeps unused lines non-resident.
  return end;
}

@inline
function word(p: usize, n: u32, at: u32): u64 {
  return at >= n ? 0 : lowBytes(load<u64>(p + at), n - at);
}

@inline
function entryFor(hash: u32): usize {
  return cachePtr + <usize>((hash >>> 8) & (ENTRIES - 1)) * ENTRY_SIZE;
}

@inline
function tagOf(n: u32): u32 {
  return (generation << 5) | n;
}

/** Forgets every entry (for cold-cache measurements; results never depend on the cache). */
export function cacheClear(): void {
  if (++generation == GENERATION_LIMIT) {
    memory.fill(cachePtr, 0, <usize>ENTRIES * ENTRY_SIZE);
    generation = 1;
  }
}

/** Copies the cached ids of [p, p+n) to out and returns their count, or 0 on a miss. */
export function cacheGet(p: usize, n: u32, hash: u32, out: usize): u32 {
  let e = entryFor(hash);
  if (load<u32>(e) != tagOf(n)) return 0;
  if (load<u64>(e, 8) != word(p, n, 0) || load<u64>(e, 16) != word(p, n, 8) || load<u64>(e, 24) != word(p, n, 16)) return 0;
  let count = load<u32>(e, 4);
  memory.copy(out, e + 32, <usize>count << 2);
  return count;
}

export function cachePut(p: usize, n: u32, hash: u32, ids: usize, count: u32): void {
  let e = entryFor(hash);
  store<u32>(e, tagOf(n));
  store<u32>(e, count, 4);
  store<u64>(e, word(p, n, 0), 8);
  store<u64>(e, word(p, n, 8), 16);
  store<u64>(e, word(p, n, 16), 24);
  memory.copy(e + 32, ids, <usize>count << 2);
}
