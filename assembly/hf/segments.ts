// Word segments (src/hf/models/bpe.ts, WordSegments, has the proof that they change nothing):
// with a marker, each word is cut before every marker whose previous char is not the marker,
// not in noSplit, and either a single-char token or (flag 16) a char without one; the
// segments are encoded one by one.

import { getU32 as g } from "../shared/memory";
import { NONE, F_CUT_AFTER_UNKNOWN, flags, segMarker, noSplitPtr, nNoSplit, charId } from "./model";
import { decodeAt } from "./symbols";
import { encodeWord } from "./word";

let segBytes: u32 = 0; // the marker's UTF-8, little-endian
let segLen: u32 = 0;

/** Takes the model's segment marker (segMarker, read by beginModel; 0 = none). */
export function initSegments(): void {
  if (segMarker != 0) {
    let m = segMarker;
    if (m < 0x80) { segBytes = m; segLen = 1; }
    else if (m < 0x800) { segBytes = (0xc0 | (m >> 6)) | ((0x80 | (m & 63)) << 8); segLen = 2; }
    else if (m < 0x10000) { segBytes = (0xe0 | (m >> 12)) | ((0x80 | ((m >> 6) & 63)) << 8) | ((0x80 | (m & 63)) << 16); segLen = 3; }
    else { segBytes = (0xf0 | (m >> 18)) | ((0x80 | ((m >> 12) & 63)) << 8) | ((0x80 | ((m >> 6) & 63)) << 16) | ((0x80 | (m & 63)) << 24); segLen = 4; }
  }
}

/** Whether the UTF-8 at p is the segment marker (p + segLen is within the word). */
@inline
function isMarkerAt(p: usize): bool {
  let want = segBytes;
  for (let k: u32 = 0; k < segLen; k++) {
    if (<u32>load<u8>(p + k) != (want & 0xff)) return false;
    want >>>= 8;
  }
  return true;
}

function noSplitAfter(cp: u32): bool {
  if (cp == segMarker) return true;
  for (let k: u32 = 0; k < nNoSplit; k++) if (g(noSplitPtr, k) == cp) return true;
  return charId(cp) == NONE && (flags & F_CUT_AFTER_UNKNOWN) == 0;
}

/** encodeWord over the segments of the word (cut before a marker, see the header). */
export function encodeSegments(p: usize, n: u32, out: usize, outLens: usize): u32 {
  let count: u32 = 0;
  let start: u32 = 0;
  let first = segBytes & 0xff;
  let i: u32 = 1;
  while (i + segLen <= n) {
    if (<u32>load<u8>(p + i) == first && isMarkerAt(p + i)) {
      // the previous char starts after its continuation bytes
      let j = i - 1;
      while (j > start && (<u32>load<u8>(p + j) & 0xc0) == 0x80) j--;
      if (!noSplitAfter(decodeAt(p + j))) {
        count += encodeWord(p + start, i - start, out + (<usize>count << 2), outLens + (<usize>count << 2));
        start = i;
      }
      i += segLen;
      continue;
    }
    i++;
  }
  return count + encodeWord(p + start, n - start, out + (<usize>count << 2), outLens + (<usize>count << 2));
}
