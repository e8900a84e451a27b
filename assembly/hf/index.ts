// HuggingFace merge-list BPE (tokenizers/src/models/bpe), the WASM half: the exported ABI of
// build/tokenmill-hf.wasm (asconfig.hf.json), a separate compile target from the OpenAI core, so
// that core and its browser size budget are untouched. One instance per loaded tokenizer.json;
// the JS side is src/hf/wasm-bpe.ts.
//
// Semantics (exactly src/hf/models/bpe.ts without dropout): a word starts as its initial
// symbols (symbols.ts) and the adjacent pair of lowest (merge rank, position) is merged until
// no pair is in the merge list (merge.ts); words may first be cut into segments (segments.ts).
//
// Files: model.ts (the blob and its hash tables) · arena.ts (input/output arrays, scratch) ·
// cache.ts (merged words) · symbols.ts (initial symbols, UTF-8) · merge.ts (the merge loops) ·
// word.ts (one word: lookup, cache, merge) · segments.ts (word segments) · this file (the ABI).
//
// ABI, in call order:
//   hfAlloc(size) → ptr        JS copies the model blob (layout in model.ts) to ptr, then
//   hfInit(inputCap) → 0 | 1   builds the tables (1: the blob is unusable)
//   inputPtr, inputCap, boundsPtr, idsPtr, lensPtr → the arena (views must be refreshed after
//                              hfInit and grow, the calls that grow memory; an encode call can
//                              grow the scratch after the arena too)
//   grow(cap)                  room for at least cap input bytes (contents are not kept)
//   hfEncode(nWords, 0) → n    JS writes the UTF-8 of the words back to back at inputPtr and
//                              their cumulative byte ends at boundsPtr; n ids at idsPtr, the
//                              byte length of each token at lensPtr, and boundsPtr[w] becomes
//                              the cumulative token end of word w
//   hfEncodeScan(len, pattern) → n   pre-tokenizes input[0, len) with a core scanner itself
//
// Memory, laid out once by hfInit (the arena and scratch at the end grow in place):
//   [static][model blob][pair table][char table][word table][cache][rank buckets]
//   [input | bounds | ids | lens][scratch]
//
// The one import from the OpenAI side is its pre-tokenizer scanners (assembly/pretok/scan.ts),
// for tokenizers whose Split regex is exactly one of those patterns (Llama 3: cl100k's; Qwen:
// cl100k's with single digits; Mistral's Tekken: o200k's without contractions, single digits).

import { setInput, pieceEnd, PATTERN_SINGLE_DIGITS } from "../pretok/scan";
import { classOf, CLASS_NUMBER } from "../pretok/unicode-table";
import { initRankBuckets } from "../shared/rank-buckets";
import { ensureMemory, getU32 as g, setU32 as s } from "../shared/memory";
import { allocBlob, beginModel, buildTables, nMerges, segMarker } from "./model";
import { arenaPtr, inCap, boundsPtrV, idsPtrV, lensPtrV, initArena, layout } from "./arena";
import { initCache } from "./cache";
import { utf8Width, decodeAt } from "./symbols";
import { initSegments, encodeSegments } from "./segments";
import { encodeWord } from "./word";

/** Reserves room for the model blob; JS copies it there, then calls hfInit. */
export function hfAlloc(size: u32): usize {
  return allocBlob(size);
}

/** Builds the tables. Returns 0, or 1 if the blob is unusable. */
export function hfInit(initialInputCap: u32): u32 {
  let at = beginModel();
  if (at == 0) return 1;
  initSegments();
  at = initCache(at);
  at = initRankBuckets(at, nMerges);
  ensureMemory(at);
  buildTables();
  initArena(at, initialInputCap);
  return 0;
}

export function inputPtr(): usize {
  return arenaPtr;
}
export function inputCap(): u32 {
  return inCap;
}
export function boundsPtr(): usize {
  return boundsPtrV;
}
export function idsPtr(): usize {
  return idsPtrV;
}
export function lensPtr(): usize {
  return lensPtrV;
}
/** Grows the arena to at least `cap` input bytes (contents are not kept). */
export function grow(cap: u32): void {
  if (cap > inCap) layout(cap);
}

/**
 * Encodes `nWords` words: their UTF-8 back to back at inputPtr, cumulative byte ends at
 * boundsPtr. Writes ids at idsPtr and token byte lengths at lensPtr; boundsPtr[w] becomes the
 * cumulative token count after word w. Returns the number of ids. (`reserved` must be 0.)
 */
export function hfEncode(nWords: u32, reserved: u32): u32 {
  let count: u32 = 0;
  let start: u32 = 0;
  for (let w: u32 = 0; w < nWords; w++) {
    let end = g(boundsPtrV, w);
    let n = end - start;
    if (n > 0) {
      let out = idsPtrV + (<usize>count << 2);
      let outLens = lensPtrV + (<usize>count << 2);
      count += segMarker != 0 ? encodeSegments(arenaPtr + start, n, out, outLens) : encodeWord(arenaPtr + start, n, out, outLens);
    }
    s(boundsPtrV, w, count);
    start = end;
  }
  return count + reserved;
}

/**
 * Pre-tokenizes input[0, len) with the core's scanner `pattern` (PATTERN_CL100K, or it or
 * PATTERN_O200K | PATTERN_NO_CONTRACTIONS with PATTERN_SINGLE_DIGITS: every \p{N} run cut into
 * single code points; the caller has checked that the tokenizer's Split regex is exactly
 * that pattern, Isolated, then ByteLevel without its own regex) and encodes every piece. Ids at
 * idsPtr, lengths at lensPtr; returns their number.
 */
export function hfEncodeScan(len: u32, pattern: u32): u32 {
  setInput(arenaPtr, len);
  let singleDigits = (pattern & PATTERN_SINGLE_DIGITS) != 0;
  let scan = pattern & ~PATTERN_SINGLE_DIGITS;
  let count: u32 = 0;
  let i: u32 = 0;
  while (i < len) {
    let e = pieceEnd(scan, i);
    if (singleDigits && classOf(decodeAt(arenaPtr + i)) == CLASS_NUMBER) {
      // Only the \p{N}{1,3} alternative starts at a number (every other one excludes \p{N}, and
      // none reaches into one), so `\p{N}` instead of `\p{N}{1,3}` only cuts this piece up.
      while (i < e) {
        let w = utf8Width(load<u8>(arenaPtr + i));
        count += encodeWord(arenaPtr + i, w, idsPtrV + (<usize>count << 2), lensPtrV + (<usize>count << 2));
        i += w;
      }
      continue;
    }
    count += encodeWord(arenaPtr + i, e - i, idsPtrV + (<usize>count << 2), lensPtrV + (<usize>count << 2));
    i = e;
  }
  return count;
}
