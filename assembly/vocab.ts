// The vocabulary as the engine sees it: the .tkv file (see DESIGN.md) copied into linear memory,
// plus an open-addressing hash table from token bytes to rank built over it at init.
//
// A slot is a u64: high half the 32-bit hash of the token's bytes, low half rank + 1 (0 = empty).
// Keeping the hash in the slot means a probe rejects almost every non-matching slot with one
// compare, without touching the token bytes.

export let nTokens: u32 = 0;
export let offsetsPtr: usize = 0; // u32[nTokens + 1]
export let bytesPtr: usize = 0;
let tablePtr: usize = 0;
/** length of the longest token: longer spans are rejected without hashing them */
let maxLen: u32 = 0;
let tableMask: u32 = 0;

/** rank of each single byte; u32.MAX_VALUE if that byte is not a token */
export let byteRanksPtr: usize = 0;

const HEADER_SIZE: usize = 44;
const EMPTY: u32 = 0xffffffff;

@inline
export function tokenStart(rank: u32): u32 {
  return load<u32>(offsetsPtr + (<usize>rank << 2));
}

@inline
export function tokenLen(rank: u32): u32 {
  return load<u32>(offsetsPtr + (<usize>rank << 2), 4) - load<u32>(offsetsPtr + (<usize>rank << 2));
}

// Multiply-xorshift over 4-byte words; the tail is folded in byte by byte. Tokens are short
// (<= 128 bytes, 7 on average), so the per-call constant matters more than the per-byte rate.
@inline
export function hashSpan(p: usize, n: u32): u32 {
  let h: u32 = n * 0x9e3779b1;
  let end = p + n;
  while (p + 4 <= end) {
    h = (h ^ load<u32>(p)) * 0x85ebca77;
    h ^= h >>> 15;
    p += 4;
  }
  if (p < end) {
    let w: u32 = 0;
    let shift: u32 = 0;
    while (p < end) {
      w |= (<u32>load<u8>(p)) << shift;
      shift += 8;
      p++;
    }
    h = (h ^ w) * 0xc2b2ae3d;
    h ^= h >>> 13;
  }
  h ^= h >>> 16;
  return h;
}

@inline
function bytesEqual(a: usize, b: usize, n: u32): bool {
  let end = a + n;
  while (a + 8 <= end) {
    if (load<u64>(a) != load<u64>(b)) return false;
    a += 8;
    b += 8;
  }
  while (a < end) {
    if (load<u8>(a) != load<u8>(b)) return false;
    a++;
    b++;
  }
  return true;
}

/** Rank of the byte string [p, p+n), or u32.MAX_VALUE if it is not a token. */
export function rankOf(p: usize, n: u32): u32 {
  if (n > maxLen) return EMPTY;
  let h = hashSpan(p, n);
  let i = h & tableMask;
  while (true) {
    let slot = load<u64>(tablePtr + (<usize>i << 3));
    if (slot == 0) return EMPTY;
    if (<u32>(slot >>> 32) == h) {
      let rank = <u32>slot - 1;
      let start = tokenStart(rank);
      if (tokenLen(rank) == n && bytesEqual(bytesPtr + start, p, n)) return rank;
    }
    i = (i + 1) & tableMask;
  }
}

/**
 * Parses the vocab file at `filePtr` and builds the table at `tableAt`.
 * Returns the first free address after the table, or 0 if the file is unusable
 * (JS validates the file first; this is a second line of defence, not the error path).
 */
export function buildVocab(filePtr: usize, fileSize: u32, tableAt: usize): usize {
  if (fileSize < <u32>HEADER_SIZE || load<u32>(filePtr) != 0x31564b54 /* "TKV1" */) return 0;
  nTokens = load<u32>(filePtr, 4);
  offsetsPtr = filePtr + HEADER_SIZE;
  bytesPtr = offsetsPtr + ((<usize>nTokens + 1) << 2);

  let cap: u32 = 1024;
  while (cap < nTokens * 2 + 2) cap <<= 1;
  tableMask = cap - 1;
  tablePtr = (tableAt + 7) & ~<usize>7;
  byteRanksPtr = tablePtr + (<usize>cap << 3);
  let end = byteRanksPtr + 256 * 4;
  ensureMemory(end);
  memory.fill(tablePtr, 0, <usize>cap << 3);
  memory.fill(byteRanksPtr, 0xff, 256 * 4);

  for (let r: u32 = 0; r < nTokens; r++) {
    let n = tokenLen(r);
    if (n == 0) continue;
    if (n > maxLen) maxLen = n;
    let p = bytesPtr + tokenStart(r);
    if (n == 1) store<u32>(byteRanksPtr + (<usize>load<u8>(p) << 2), r);
    let h = hashSpan(p, n);
    let i = h & tableMask;
    while (load<u64>(tablePtr + (<usize>i << 3)) != 0) i = (i + 1) & tableMask;
    store<u64>(tablePtr + (<usize>i << 3), (<u64>h << 32) | <u64>(r + 1));
  }
  return end;
}

/** Grows linear memory so that [0, end) is addressable. */
export function ensureMemory(end: usize): void {
  let have = <usize>memory.size() << 16;
  if (end > have) {
    let pages = <i32>((end - have + 0xffff) >>> 16);
    if (memory.grow(pages) < 0) unreachable();
  }
}
