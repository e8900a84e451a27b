/**
 * UTF-8 facts the JS side needs about byte sequences it does not decode itself: where a
 * character cut by a chunk's end begins (the decode path keeps those bytes for the next chunk)
 * and where the first invalid sequence of a byte stream is (the stream readers name it in their
 * error). Both follow the WHATWG/Unicode definition of well-formed UTF-8 (Table 3-7), the one
 * TextDecoder applies.
 */

/** Lowest and highest valid second byte after lead byte b (the first continuation byte). */
function secondRange(b: number): [number, number] {
  return [b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80, b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf];
}

/** Length of the well-formed sequence led by b (2-4), or 0 if b cannot lead one. */
function sequenceLength(b: number): number {
  return b < 0xc2 ? 0 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : b < 0xf5 ? 4 : 0;
}

/**
 * How many bytes at the end of [start, end) begin a character that more bytes could still
 * finish (0–3): a lead byte C2–F4 followed by fewer continuation bytes than it needs, the first
 * one in its range (E0: A0–BF, ED: 80–9F, F0: 90–BF, F4: 80–8F). Anything else at the end is
 * final: a decoder's output for it cannot depend on what follows.
 */
export function unfinishedTail(u8: Uint8Array, start: number, end: number): number {
  for (let k = 1; k <= 3 && end - k >= start; k++) {
    const b = u8[end - k]!;
    if (b < 0x80) return 0;
    if (b < 0xc0) continue; // a continuation byte: look further back for its lead
    if (k >= sequenceLength(b)) return 0; // complete, or not a lead
    if (k >= 2) {
      const c = u8[end - k + 1]!;
      const [lower, upper] = secondRange(b);
      if (c < lower || c > upper) return 0;
    }
    return k;
  }
  return 0;
}

/**
 * Index of the first byte of the first ill-formed sequence in `u8`, or -1 if there is none.
 * Unless `final`, a sequence cut by the end of `u8` (more bytes could finish it) is not
 * ill-formed.
 */
export function firstInvalidUtf8(u8: Uint8Array, final: boolean): number {
  const n = u8.length;
  let i = 0;
  while (i < n) {
    const b = u8[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const len = sequenceLength(b);
    if (len === 0) return i;
    for (let k = 1; k < len; k++) {
      if (i + k >= n) return final ? i : -1;
      const c = u8[i + k]!;
      const [lower, upper] = k === 1 ? secondRange(b) : [0x80, 0xbf];
      if (c < lower || c > upper) return i;
    }
    i += len;
  }
  return -1;
}
