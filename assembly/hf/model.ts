// The model as hfInit receives it: the blob written by src/hf/wasm-bpe.ts, and the three hash
// tables built over it (merge pairs, chars, whole words). Nothing here changes after hfInit.
//
// Model blob (u32 little-endian):
//   0 magic "HFB1" | 1 flags (1 byteLevel, 2 byteFallback, 4 fuseUnk, 8 ignoreMerges,
//     16 cut segments after chars without a token)
//   2 unk id (NONE = none) | 3 nMerges | 4 nChars | 5 nWords | 6 word bytes length
//   7 segment marker code point (0 = words are not cut) | 8 nNoSplit
//   byteIds[256] | fallbackIds[256] | merges nMerges × (a, b, newId) in rank order
//   chars nChars × (code point, id) | noSplit[nNoSplit] (code points)
//   words: offsets[nWords + 1], ids[nWords], bytes

import { ensureMemory, getU32 as g, setU32 as s } from "../shared/memory";
import { bytesEqual } from "../shared/bytes";
import { hashBytes } from "../shared/hash";

export const NONE: u32 = 0xffffffff;
export const F_BYTE_LEVEL: u32 = 1;
export const F_BYTE_FALLBACK: u32 = 2;
export const F_FUSE_UNK: u32 = 4;
export const F_IGNORE_MERGES: u32 = 8;
export const F_CUT_AFTER_UNKNOWN: u32 = 16;
const HEADER: usize = 9 * 4;

let blobPtr: usize = 0;
let blobSize: u32 = 0;
export let flags: u32 = 0;
export let unkId: u32 = NONE;
export let byteIdsPtr: usize = 0; // u32[256]: id of each byte's ByteLevel char
export let fallbackPtr: usize = 0; // u32[256]: id of each <0xXX> byte-fallback token
export let nMerges: u32 = 0;
export let segMarker: u32 = 0;
export let noSplitPtr: usize = 0;
export let nNoSplit: u32 = 0;
let mergesPtr: usize = 0;
let charsPtr: usize = 0;
let nChars: u32 = 0;

let pairTable: usize = 0; // slots of 16 bytes: u64 key (a << 32 | b), u32 rank, u32 newId
let pairMask: u32 = 0;
// One bit per 2^(64 - filterBits) hash values, set for every merge: most pairs the merge loop
// looks up are not merges, and the filter (≤ 2 MB) answers them without a miss in the table.
let pairFilter: usize = 0;
let filterBits: u32 = 0;
let charTable: usize = 0; // slots of 8 bytes: u32 code point + 1 (0 empty), u32 id
let charMask: u32 = 0;
let asciiIds: usize = 0; // u32[128]
// slots of 16 bytes: u32 hash, u32 len, u32 word index + 1, pad; a word hashed to h probes from
// slot h >>> (32 - wordBits) (shared/hash.ts: the high bits see every byte)
let wordTable: usize = 0;
let wordMask: u32 = 0;
let wordOffs: usize = 0;
let wordIds: usize = 0;
let wordBytes: usize = 0;
let nWordsTotal: u32 = 0;

let pairBits: u32 = 0;
let charBits: u32 = 0;
let wordBits: u32 = 0;

/** Reserves room for the model blob at the start of the heap; returns where JS copies it. */
export function allocBlob(size: u32): usize {
  blobPtr = (__heap_base + 15) & ~<usize>15;
  blobSize = size;
  ensureMemory(blobPtr + size);
  return blobPtr;
}

@inline
function hashPair(key: u64, bits: u32): u32 {
  return <u32>((key * 0x9e3779b97f4a7c15) >>> (64 - <u64>bits));
}

function bitsFor(n: u32): u32 {
  let b: u32 = 4;
  while ((<u64>1 << <u64>b) < <u64>n + (<u64>n >>> 1) + 1) b++;
  return b;
}

/**
 * Reads the header and lays out the tables from the end of the blob; buildTables fills them once
 * memory is grown. Returns the end of the tables, or 0 if the blob is unusable.
  (@inline: called once, so hfInit stays one function as before the split.)
 */
@inline
export function beginModel(): usize {
  if (blobSize < <u32>HEADER || load<u32>(blobPtr) != 0x31424648 /* "HFB1" */) return 0;
  flags = load<u32>(blobPtr, 4);
  unkId = load<u32>(blobPtr, 8);
  nMerges = load<u32>(blobPtr, 12);
  nChars = load<u32>(blobPtr, 16);
  let nWords = load<u32>(blobPtr, 20);
  let wordLen = load<u32>(blobPtr, 24);
  segMarker = load<u32>(blobPtr, 28);
  nNoSplit = load<u32>(blobPtr, 32);
  byteIdsPtr = blobPtr + HEADER;
  fallbackPtr = byteIdsPtr + 1024;
  mergesPtr = fallbackPtr + 1024;
  charsPtr = mergesPtr + <usize>nMerges * 12;
  noSplitPtr = charsPtr + <usize>nChars * 8;
  wordOffs = noSplitPtr + (<usize>nNoSplit << 2);
  wordIds = wordOffs + (<usize>(nWords + 1) << 2);
  wordBytes = wordIds + (<usize>nWords << 2);
  nWordsTotal = nWords;
  if (wordBytes + wordLen > blobPtr + blobSize) return 0;

  let at = (blobPtr + blobSize + 15) & ~<usize>15;
  pairBits = bitsFor(nMerges);
  pairMask = (1 << pairBits) - 1;
  pairTable = at;
  at += <usize>(pairMask + 1) << 4;
  filterBits = pairBits + 3;
  if (filterBits > 24) filterBits = 24;
  if (filterBits < pairBits) filterBits = pairBits;
  pairFilter = at;
  at += <usize>1 << (filterBits - 3);
  charBits = bitsFor(nChars);
  charMask = (1 << charBits) - 1;
  charTable = at;
  at += <usize>(charMask + 1) << 3;
  asciiIds = at;
  at += 512;
  wordBits = bitsFor(nWords);
  wordMask = (1 << wordBits) - 1;
  wordTable = at;
  at += <usize>(wordMask + 1) << 4;
  return at;
}

/** Fills the tables laid out by beginModel (their memory must be addressable and zero). */
@inline
export function buildTables(): void {
  memory.fill(pairTable, 0xff, <usize>(pairMask + 1) << 4);
  memory.fill(asciiIds, 0xff, 512);
  // merges: a later duplicate pair overrides an earlier one (HF's HashMap collect)
  for (let r: u32 = 0; r < nMerges; r++) {
    let m = mergesPtr + <usize>r * 12;
    let key = (<u64>load<u32>(m) << 32) | <u64>load<u32>(m, 4);
    let fb = hashPair(key, filterBits);
    store<u8>(pairFilter + (fb >>> 3), <u8>(<u32>load<u8>(pairFilter + (fb >>> 3)) | (1 << (fb & 7))));
    let i = hashPair(key, pairBits);
    while (true) {
      let slot = pairTable + (<usize>i << 4);
      let k = load<u64>(slot);
      if (k == <u64>-1 || k == key) {
        store<u64>(slot, key);
        store<u32>(slot, r, 8);
        store<u32>(slot, load<u32>(m, 8), 12);
        break;
      }
      i = (i + 1) & pairMask;
    }
  }
  for (let c: u32 = 0; c < nChars; c++) {
    let cp = load<u32>(charsPtr + (<usize>c << 3));
    let id = load<u32>(charsPtr + (<usize>c << 3), 4);
    if (cp < 128) s(asciiIds, cp, id);
    let i = hashPair(<u64>cp, charBits);
    while (load<u32>(charTable + (<usize>i << 3)) != 0) i = (i + 1) & charMask;
    store<u32>(charTable + (<usize>i << 3), cp + 1);
    store<u32>(charTable + (<usize>i << 3), id, 4);
  }
  for (let w: u32 = 0; w < nWordsTotal; w++) {
    let o = g(wordOffs, w);
    let n = g(wordOffs, w + 1) - o;
    let h = hashBytes(wordBytes + o, n); // reads up to 8 bytes past a word: the tables follow
    let i = h >>> (32 - wordBits);
    while (load<u32>(wordTable + (<usize>i << 4), 8) != 0) i = (i + 1) & wordMask;
    let slot = wordTable + (<usize>i << 4);
    store<u32>(slot, h);
    store<u32>(slot, n, 4);
    store<u32>(slot, w + 1, 8);
  }
}

// ---- lookups ----

/** Pair slot of (a, b): u32 rank at +8, u32 newId at +12; or 0 if the pair is not a merge. */
@inline
export function pairFind(a: u32, b: u32): usize {
  let key = (<u64>a << 32) | <u64>b;
  let h = key * 0x9e3779b97f4a7c15;
  let fb = <u32>(h >>> (64 - <u64>filterBits));
  if ((load<u8>(pairFilter + (fb >>> 3)) & (1 << (fb & 7))) == 0) return 0;
  let i = <u32>(h >>> (64 - <u64>pairBits));
  while (true) {
    let slot = pairTable + (<usize>i << 4);
    let k = load<u64>(slot);
    if (k == key) return slot;
    if (k == <u64>-1) return 0;
    i = (i + 1) & pairMask;
  }
}

/** Id of the char token of code point cp, or NONE. */
export function charId(cp: u32): u32 {
  if (cp < 128) return g(asciiIds, cp);
  let i = hashPair(<u64>cp, charBits);
  while (true) {
    let c1 = load<u32>(charTable + (<usize>i << 3));
    if (c1 == 0) return NONE;
    if (c1 == cp + 1) return load<u32>(charTable + (<usize>i << 3), 4);
    i = (i + 1) & charMask;
  }
}

/** Id of the whole word [p, p+n) with hash h as a vocab entry (ignore_merges), or NONE. */
export function wordLookup(p: usize, n: u32, h: u32): u32 {
  if (nWordsTotal == 0) return NONE;
  let i = h >>> (32 - wordBits);
  while (true) {
    let slot = wordTable + (<usize>i << 4);
    let w1 = load<u32>(slot, 8);
    if (w1 == 0) return NONE;
    if (load<u32>(slot) == h && load<u32>(slot, 4) == n && bytesEqual(wordBytes + g(wordOffs, w1 - 1), p, n)) return g(wordIds, w1 - 1);
    i = (i + 1) & wordMask;
  }
}
