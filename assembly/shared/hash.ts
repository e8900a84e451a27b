// The byte-string hash of both cores (token bytes → slot in assembly/openai/vocab.ts, word bytes
// → word-table slot and cache line in assembly/hf). Results never depend on it, only speed.

import { prefixKey } from "./bytes";

// One multiply for the common short key; longer keys fold in 8 bytes at a time. `key` is
// prefixKey(p, n), which callers often need anyway. Bit j of the result depends on key bits
// 0..32+j only: where keys share long prefixes, take slots from the high bits.
@inline
export function hashKey(p: usize, n: u32, key: u64): u32 {
  let h = (key ^ <u64>n) * 0x9e3779b97f4a7c15;
  if (n > 8) {
    let q = p + 8;
    let end = p + n;
    while (q + 8 <= end) {
      h = (h ^ load<u64>(q)) * 0xff51afd7ed558ccd;
      h ^= h >>> 29;
      q += 8;
    }
    if (q < end) {
      let rest = <u32>(end - q);
      h = (h ^ (load<u64>(q) & ((<u64>1 << (<u64>rest << 3)) - 1))) * 0xc4ceb9fe1a85ec53;
    }
  }
  return <u32>(h >>> 32);
}

/** hashKey of [p, p+n) (reads 8 bytes from p: callers leave slack). */
@inline
export function hashBytes(p: usize, n: u32): u32 {
  return hashKey(p, n, prefixKey(p, n));
}
