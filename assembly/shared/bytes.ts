// Byte-string helpers that both cores use. Reads of 8 bytes may pass the end of a string:
// callers leave slack after their inputs (the arenas have 16 bytes; vocab and model data are
// followed by their tables).

/** The low min(k, 8) bytes of w, the rest zero (a shift by 64 would be a shift by 0). */
@inline
export function lowBytes(w: u64, k: u32): u64 {
  return k >= 8 ? w : w & ((<u64>1 << (<u64>k << 3)) - 1);
}

/** The first min(n, 8) bytes of [p, p+n), zero-padded (reads 8 bytes: callers leave slack). */
@inline
export function prefixKey(p: usize, n: u32): u64 {
  return lowBytes(load<u64>(p), n);
}

/** Whether the n bytes at a and at b are equal (reads no byte past either end). */
@inline
export function bytesEqual(a: usize, b: usize, n: u32): bool {
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
