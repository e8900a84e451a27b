// The per-call memory of the HF core, after the model's tables (laid out by hfInit, grown by
// grow): the input arena, the word bounds, the output ids and lengths, then the merge scratch.
//   [input (inCap + 16 bytes of slack) | bounds u32[inCap] | ids u32[inCap] | lens u32[inCap]][scratch]

import { ensureMemory } from "../shared/memory";

export let arenaPtr: usize = 0;
export let inCap: u32 = 0;
export let boundsPtrV: usize = 0;
export let idsPtrV: usize = 0;
export let lensPtrV: usize = 0;
export let scratchPtr: usize = 0;
let scratchCap: usize = 0;

/** Places the arena at `at` (after the tables), for `cap` input bytes. */
export function initArena(at: usize, cap: u32): void {
  arenaPtr = (at + 15) & ~<usize>15;
  layout(cap);
}

/** Lays the arena out for `cap` input bytes (contents are not kept). */
export function layout(cap: u32): void {
  inCap = (cap + 15) & ~15;
  boundsPtrV = arenaPtr + inCap + 16;
  idsPtrV = boundsPtrV + (<usize>inCap << 2);
  lensPtrV = idsPtrV + (<usize>inCap << 2);
  scratchPtr = (lensPtrV + (<usize>inCap << 2) + 7) & ~<usize>7;
  scratchCap = 0;
  ensureMemory(scratchPtr);
}

/** Makes [scratchPtr, scratchPtr + bytes) addressable. */
export function reserveScratch(bytes: usize): void {
  if (bytes > scratchCap) {
    ensureMemory(scratchPtr + bytes);
    scratchCap = bytes;
  }
}
