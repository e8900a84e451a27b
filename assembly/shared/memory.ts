// Linear-memory helpers that both cores use (assembly/openai, assembly/hf). Each core lays its
// memory out once and never frees; these only grow it and read/write u32 arrays in it.

/** Grows linear memory so that [0, end) is addressable. */
export function ensureMemory(end: usize): void {
  let have = <usize>memory.size() << 16;
  if (end > have) {
    let pages = <i32>((end - have + 0xffff) >>> 16);
    if (memory.grow(pages) < 0) unreachable();
  }
}

/** Element i of the u32 array at a (imported as `g` by the merge loops, for short lines). */
@inline export function getU32(a: usize, i: u32): u32 { return load<u32>(a + (<usize>i << 2)); }
/** Sets element i of the u32 array at a (imported as `s`). */
@inline export function setU32(a: usize, i: u32, v: u32): void { store<u32>(a + (<usize>i << 2), v); }
