// UTF-16 offsets of tokens (Encoding.encodeWithOffsets / decodeWithOffsets): where in the text
// made from a sequence of tokens each token's bytes land, counted in UTF-16 code units.
//
// The bytes of all tokens go through one UTF-8 decoder that follows TextDecoder (WHATWG: a
// maximal subpart of an ill-formed sequence is one U+FFFD), so the positions are those of the
// text `decode` returns. A token starts at the character that holds its first byte and ends
// after the character that holds its last byte; a character whose bytes are split between
// tokens belongs to all of them. src/openai/offsets.ts is the same machine in TypeScript (the JS
// engine's, and the one that runs over special tokens' bytes between calls), on the same state.
//
// State, five u32 at statePtr (JS reads and writes it between calls; zeros = start of text):
//   [0] units: UTF-16 units of the characters finished so far (the pending one is not counted)
//   [1] need:  continuation bytes the pending character still needs (0 = none pending)
//   [2] lower, [3] upper: the range its next continuation byte must be in
//   [4] width: its UTF-16 length once finished (1, or 2 past U+FFFF)

import { nTokens, tokenStart, tokenLen, bytesPtr } from "./vocab";

const state = memory.data(20, 4);

export function statePtr(): usize {
  return state;
}

/**
 * For the n ids at `ids`: each token's start unit replaces its id, and its end unit goes to
 * ids[n + i]. Stops at the first id that is not an ordinary token and returns how many were
 * done (the caller handles that id and calls again after it).
 */
export function offsetsOf(ids: usize, n: u32): u32 {
  let units = load<u32>(state);
  let need = load<u32>(state, 4);
  let lower = load<u32>(state, 8);
  let upper = load<u32>(state, 12);
  let width = load<u32>(state, 16);
  let i: u32 = 0;
  for (; i < n; i++) {
    let at = ids + (<usize>i << 2);
    let id = load<u32>(at);
    if (id >= nTokens) break;
    let len = tokenLen(id);
    if (len == 0) break;
    let p = bytesPtr + tokenStart(id);
    if (need == 0 && len <= 8) {
      // most tokens are short ASCII: one word load (token bytes are followed by more vocab data,
      // so reading past them is safe, as in decodeChunk)
      let w = load<u64>(p) & 0x8080808080808080;
      if (len < 8) w &= (<u64>1 << (<u64>len << 3)) - 1;
      if (w == 0) {
        store<u32>(at, units);
        units += len;
        store<u32>(ids + (<usize>(n + i) << 2), units);
        continue;
      }
    }
    let end = p + len;
    let start: u32 = 0;
    let first = true;
    while (p < end) {
      let b = <u32>load<u8>(p);
      let pos = units;
      if (need > 0) {
        if (b >= lower && b <= upper) {
          // continues the pending character
          need--;
          lower = 0x80;
          upper = 0xbf;
          if (need == 0) units += width;
          if (first) start = pos;
          first = false;
          p++;
          continue;
        }
        // the pending character is ill-formed: one U+FFFD, and b starts afresh
        units++;
        need = 0;
        pos = units;
      }
      if (b < 0x80) {
        units++;
      } else if (b >= 0xc2 && b <= 0xdf) {
        need = 1;
        width = 1;
        lower = 0x80;
        upper = 0xbf;
      } else if (b >= 0xe0 && b <= 0xef) {
        need = 2;
        width = 1;
        lower = b == 0xe0 ? 0xa0 : 0x80;
        upper = b == 0xed ? 0x9f : 0xbf;
      } else if (b >= 0xf0 && b <= 0xf4) {
        need = 3;
        width = 2;
        lower = b == 0xf0 ? 0x90 : 0x80;
        upper = b == 0xf4 ? 0x8f : 0xbf;
      } else {
        units++; // a byte that cannot start a character: U+FFFD
      }
      if (first) start = pos;
      first = false;
      p++;
    }
    store<u32>(at, start);
    // ends after the character holding the last byte; one still pending counts as finished
    // (exact for well-formed text, the only kind encodeWithOffsets sees)
    store<u32>(ids + (<usize>(n + i) << 2), need > 0 ? units + width : units);
  }
  store<u32>(state, units);
  store<u32>(state, need, 4);
  store<u32>(state, lower, 8);
  store<u32>(state, upper, 12);
  store<u32>(state, width, 16);
  return i;
}
