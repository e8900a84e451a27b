// Where a piece can be cut without changing its encoding: between two bytes x, y that no token
// of the vocabulary holds next to each other ("xy" is in no token's bytes).
//
// Why it is exact, for tiktoken's rule (merge the lowest-ranked adjacent pair of parts whose
// bytes are a token, leftmost on ties): a merge makes one part of two adjacent parts, and the
// new part's bytes are a token, so no part ever spans the cut, and the pair across it is never
// a candidate. Every other candidate pair lies wholly on one side, and its rank depends only on
// the bytes of that side. So the merges of each side happen in the order they would happen if
// that side were encoded alone (the rule picks the lowest pair of the two sides' lowest pairs;
// ties across the cut only change which side goes first, never the order within a side), and
// the encoding of the piece is the two sides' encodings one after the other. By induction the
// same holds for any set of cuts. A side is encoded by the merge loop, never by a whole-piece
// lookup: tiktoken looks up the whole piece only, and a token that is not the encoding of its
// own bytes would otherwise differ.
//
// Random punctuation (one piece of any length in every OpenAI pattern) has a cut at ~29% of its
// byte pairs (cl100k 289, o200k 314 of the 1024 pairs of ASCII punctuation bytes hold in no
// token), so such a piece becomes many pieces of ~3.5 bytes for the short merge instead of one
// for the bucket merge (PERFORMANCE.md W22).

import { nTokens, tokenStart, bytesPtr } from "./vocab";
import { ensureMemory } from "../shared/memory";

/**
 * u32[2048]: bit x | y << 8 (the little-endian u16 of the two bytes, as vocab.ts's pair table
 * indexes them) set if some token holds byte x followed by byte y.
 */
let heldPairs: usize = 0;
let built = false;

/** Lays out the table from `at`; returns its end. It is filled on first use. */
export function initCuts(at: usize): usize {
  heldPairs = (at + 15) & ~<usize>15;
  let end = heldPairs + 8192;
  ensureMemory(end);
  built = false;
  return end;
}

/** One pass over the token bytes (o200k_base: 1.3 MB, ~1 ms), made when a long piece first needs it. */
function build(): void {
  memory.fill(heldPairs, 0, 8192);
  let start = tokenStart(0);
  for (let r: u32 = 0; r < nTokens; r++) {
    let end = tokenStart(r + 1);
    if (end > start + 1) {
      for (let q = bytesPtr + start, last = bytesPtr + end - 1; q < last; q++) {
        let pair = <u32>load<u16>(q);
        let at = heldPairs + (<usize>(pair >>> 5) << 2);
        store<u32>(at, load<u32>(at) | (1 << (pair & 31)));
      }
    }
    start = end;
  }
  built = true;
}

/** Makes sure the table is filled (callers then use `isCut` freely). */
@inline
export function prepareCuts(): void {
  if (!built) build();
}

/** Whether the bytes at q-1 and q are a cut (prepareCuts first). */
@inline
export function isCut(q: usize): bool {
  let pair = <u32>load<u16>(q - 1);
  return (load<u32>(heldPairs + (<usize>(pair >>> 5) << 2)) & (1 << (pair & 31))) == 0;
}
