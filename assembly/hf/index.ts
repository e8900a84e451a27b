// HuggingFace merge-list BPE (tokenizers/src/models/bpe), the WASM half. A separate compile
// target (build/tokenmill-hf.wasm, asconfig.hf.json): one instance per loaded tokenizer.json, so
// the OpenAI core and its browser size budget are untouched.
//
// The one import is the OpenAI core's pre-tokenizer scanners (assembly/pretok/scan.ts), for tokenizers
// whose Split regex is exactly one of those patterns (Llama 3: cl100k's), see hfEncodeScan.
//
// Semantics (exactly src/hf/models/bpe.ts without dropout): a word starts as its initial
// symbols — one per UTF-8 byte through the ByteLevel alphabet (byte-level models), or one per
// char with byte_fallback / unk / fuse_unk (SentencePiece-style models) — and the adjacent pair
// of lowest (merge rank, position) is merged until no pair is in the merge list.
// Short words: min-scan; long words: HF's binary heap with stale entries skipped.
//
// Memory, laid out once by hfInit (the arena and scratch at the end grow in place):
//   [static][model blob][pair table][char table][word table][cache][input | bounds | ids | lens][scratch]
//
// Model blob (u32 little-endian, written by src/hf/wasm-bpe.ts):
//   0 magic "HFB1" | 1 flags (1 byteLevel, 2 byteFallback, 4 fuseUnk, 8 ignoreMerges,
//     16 cut segments after chars without a token)
//   2 unk id (NONE = none) | 3 nMerges | 4 nChars | 5 nWords | 6 word bytes length
//   7 segment marker code point (0 = words are not cut) | 8 nNoSplit
//   byteIds[256] | fallbackIds[256] | merges nMerges × (a, b, newId) in rank order
//   chars nChars × (code point, id) | noSplit[nNoSplit] (code points)
//   words: offsets[nWords + 1], ids[nWords], bytes
//
// Word segments (src/hf/models/bpe.ts, WordSegments, has the proof that they change nothing):
// with a marker, each word is cut before every marker whose previous char is not the marker,
// not in noSplit, and either a single-char token or (flag 16) a char without one; the
// segments are encoded one by one.
//
// Call: JS writes the UTF-8 of the words back to back at inputPtr and their cumulative byte
// ends at boundsPtr, then hfEncode(nWords, 0) → total ids at idsPtr, byte length of each token
// at lensPtr, and boundsPtr[w] becomes the cumulative token end of word w.

import { setInput, pieceEnd } from "../pretok/scan";
import { initRankBuckets, resetEntries, bucketPush, nextRank, bucketTake } from "../shared/rank-buckets";
import { classOf, CLASS_NUMBER } from "../pretok/unicode-table";

/** hfEncodeScan pattern: cl100k's scanner with every \p{N} run cut into single code points (Qwen 2/3). */
const SCAN_CL100K_SINGLE_DIGITS: u32 = 0x101;

const NONE: u32 = 0xffffffff;
const F_BYTE_LEVEL: u32 = 1;
const F_BYTE_FALLBACK: u32 = 2;
const F_FUSE_UNK: u32 = 4;
const F_IGNORE_MERGES: u32 = 8;
const F_CUT_AFTER_UNKNOWN: u32 = 16;
const HEADER: usize = 9 * 4;
const SCAN_MAX: u32 = 48;

let blobPtr: usize = 0;
let blobSize: u32 = 0;
let flags: u32 = 0;
let unkId: u32 = NONE;
let byteIdsPtr: usize = 0;
let fallbackPtr: usize = 0;

let pairTable: usize = 0; // slots of 16 bytes: u64 key (a << 32 | b), u32 rank, u32 newId
let pairMask: u32 = 0;
// One bit per 2^(64 - filterBits) hash values, set for every merge: most pairs the merge loop
// looks up are not merges, and the filter (≤ 2 MB) answers them without a miss in the table.
let pairFilter: usize = 0;
let filterBits: u32 = 0;
let charTable: usize = 0; // slots of 8 bytes: u32 code point + 1 (0 empty), u32 id
let charMask: u32 = 0;
let asciiIds: usize = 0; // u32[128]
let wordTable: usize = 0; // slots of 16 bytes: u32 hash, u32 len, u32 word index + 1, pad
let wordMask: u32 = 0;
let wordOffs: usize = 0;
let wordIds: usize = 0;
let wordBytes: usize = 0;
let nWordsTotal: u32 = 0;
let segMarker: u32 = 0;
let segBytes: u32 = 0; // the marker's UTF-8, little-endian
let segLen: u32 = 0;
let noSplitPtr: usize = 0;
let nNoSplit: u32 = 0;

let arenaPtr: usize = 0;
let inCap: u32 = 0;
let boundsPtrV: usize = 0;
let idsPtrV: usize = 0;
let lensPtrV: usize = 0;
let scratchPtr: usize = 0;
let scratchCap: usize = 0;

@inline function g(a: usize, i: u32): u32 { return load<u32>(a + (<usize>i << 2)); }
@inline function s(a: usize, i: u32, v: u32): void { store<u32>(a + (<usize>i << 2), v); }

function ensureMemory(end: usize): void {
  let have = <usize>memory.size() << 16;
  if (end > have) {
    let pages = <i32>((end - have + 0xffff) >>> 16);
    if (memory.grow(pages) < 0) unreachable();
  }
}

/** Reserves room for the model blob; JS copies it there, then calls hfInit. */
export function hfAlloc(size: u32): usize {
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

let pairBits: u32 = 0;
let charBits: u32 = 0;
let wordBits: u32 = 0;

/** Builds the tables. Returns 0, or 1 if the blob is unusable. */
export function hfInit(initialInputCap: u32): u32 {
  if (blobSize < <u32>HEADER || load<u32>(blobPtr) != 0x31424648 /* "HFB1" */) return 1;
  flags = load<u32>(blobPtr, 4);
  unkId = load<u32>(blobPtr, 8);
  let nMerges = load<u32>(blobPtr, 12);
  let nChars = load<u32>(blobPtr, 16);
  let nWords = load<u32>(blobPtr, 20);
  let wordLen = load<u32>(blobPtr, 24);
  segMarker = load<u32>(blobPtr, 28);
  nNoSplit = load<u32>(blobPtr, 32);
  byteIdsPtr = blobPtr + HEADER;
  fallbackPtr = byteIdsPtr + 1024;
  let mergesPtr = fallbackPtr + 1024;
  let charsPtr = mergesPtr + <usize>nMerges * 12;
  noSplitPtr = charsPtr + <usize>nChars * 8;
  wordOffs = noSplitPtr + (<usize>nNoSplit << 2);
  if (segMarker != 0) {
    let m = segMarker;
    if (m < 0x80) { segBytes = m; segLen = 1; }
    else if (m < 0x800) { segBytes = (0xc0 | (m >> 6)) | ((0x80 | (m & 63)) << 8); segLen = 2; }
    else if (m < 0x10000) { segBytes = (0xe0 | (m >> 12)) | ((0x80 | ((m >> 6) & 63)) << 8) | ((0x80 | (m & 63)) << 16); segLen = 3; }
    else { segBytes = (0xf0 | (m >> 18)) | ((0x80 | ((m >> 12) & 63)) << 8) | ((0x80 | ((m >> 6) & 63)) << 16) | ((0x80 | (m & 63)) << 24); segLen = 4; }
  }
  wordIds = wordOffs + (<usize>(nWords + 1) << 2);
  wordBytes = wordIds + (<usize>nWords << 2);
  nWordsTotal = nWords;
  if (wordBytes + wordLen > blobPtr + blobSize) return 1;

  let at = (blobPtr + blobSize + 15) & ~<usize>15;
  // merges: a later duplicate pair overrides an earlier one (HF's HashMap collect)
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
  at = initCache(at);
  at = initRankBuckets(at, nMerges);
  ensureMemory(at);
  memory.fill(pairTable, 0xff, <usize>(pairMask + 1) << 4);
  memory.fill(asciiIds, 0xff, 512);
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
  for (let w: u32 = 0; w < nWords; w++) {
    let o = g(wordOffs, w);
    let n = g(wordOffs, w + 1) - o;
    let h = hashBytes(wordBytes + o, n);
    let i = h & wordMask;
    while (load<u32>(wordTable + (<usize>i << 4), 8) != 0) i = (i + 1) & wordMask;
    let slot = wordTable + (<usize>i << 4);
    store<u32>(slot, h);
    store<u32>(slot, n, 4);
    store<u32>(slot, w + 1, 8);
  }
  arenaPtr = (at + 15) & ~<usize>15;
  layout(initialInputCap);
  return 0;
}

function layout(cap: u32): void {
  inCap = (cap + 15) & ~15;
  boundsPtrV = arenaPtr + inCap + 16;
  idsPtrV = boundsPtrV + (<usize>inCap << 2);
  lensPtrV = idsPtrV + (<usize>inCap << 2);
  scratchPtr = (lensPtrV + (<usize>inCap << 2) + 7) & ~<usize>7;
  scratchCap = 0;
  ensureMemory(scratchPtr);
}

function reserveScratch(bytes: usize): void {
  if (bytes > scratchCap) {
    ensureMemory(scratchPtr + bytes);
    scratchCap = bytes;
  }
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

// ---- hashing ----

function hashBytes(p: usize, n: u32): u32 {
  let h: u64 = <u64>n * 0x9e3779b97f4a7c15;
  let q = p;
  let end = p + n;
  while (q + 8 <= end) {
    h = (h ^ load<u64>(q)) * 0xff51afd7ed558ccd;
    h ^= h >>> 29;
    q += 8;
  }
  let tail: u64 = 0;
  let sh: u64 = 0;
  while (q < end) {
    tail |= <u64>load<u8>(q) << sh;
    sh += 8;
    q++;
  }
  h = (h ^ tail) * 0xc4ceb9fe1a85ec53;
  h ^= h >>> 32;
  return <u32>h;
}

function bytesEqual(a: usize, b: usize, n: u32): bool {
  for (let i: u32 = 0; i < n; i++) if (load<u8>(a + i) != load<u8>(b + i)) return false;
  return true;
}

/** Id of the whole word [p, p+n) as a vocab entry (ignore_merges), or NONE. */
function wordLookup(p: usize, n: u32, h: u32): u32 {
  if (nWordsTotal == 0) return NONE;
  let i = h & wordMask;
  while (true) {
    let slot = wordTable + (<usize>i << 4);
    let w1 = load<u32>(slot, 8);
    if (w1 == 0) return NONE;
    if (load<u32>(slot) == h && load<u32>(slot, 4) == n && bytesEqual(wordBytes + g(wordOffs, w1 - 1), p, n)) return g(wordIds, w1 - 1);
    i = (i + 1) & wordMask;
  }
}

/** Pair slot of (a, b), or 0 if the pair is not a merge. */
@inline
function pairFind(a: u32, b: u32): usize {
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

function charId(cp: u32): u32 {
  if (cp < 128) return g(asciiIds, cp);
  let i = hashPair(<u64>cp, charBits);
  while (true) {
    let c1 = load<u32>(charTable + (<usize>i << 3));
    if (c1 == 0) return NONE;
    if (c1 == cp + 1) return load<u32>(charTable + (<usize>i << 3), 4);
    i = (i + 1) & charMask;
  }
}

// ---- cache of merged words: 128-byte lines, direct-mapped, 4 MB (pages stay non-resident until used) ----
// u32 length (0 = empty) | u32 count | 40 key bytes | 16 u32 ids | 16 u8 lens
// 40 key bytes, not fewer: SentencePiece segments spell each space "▁" (3 bytes), so an
// indented line of code ("▁" × 8 + "return") is past 24 bytes (code corpus: 6.5% of segments
// over 24 bytes, 1.1% over 40).
const CACHE_ENTRIES: u32 = 1 << 15;
const CACHE_LINE: usize = 128;
const CACHE_KEY: u32 = 40;
const CACHE_IDS: u32 = 16;
const CACHE_IDS_AT: usize = 48;
const CACHE_LENS_AT: usize = 112;
let cachePtr: usize = 0;

function initCache(at: usize): usize {
  cachePtr = (at + 127) & ~<usize>127;
  return cachePtr + <usize>CACHE_ENTRIES * CACHE_LINE;
}

@inline
function keyWord(p: usize, n: u32, at: u32): u64 {
  let w = load<u64>(p + at); // the arena has slack after the input
  let rest = n - at;
  return rest >= 8 ? w : w & ((<u64>1 << (<u64>rest << 3)) - 1);
}

/** Whether cache line `line` holds the word [p, p+n) (n ≤ CACHE_KEY). */
@inline
function cacheHolds(line: usize, p: usize, n: u32): bool {
  if (load<u32>(line) != n) return false;
  for (let at: u32 = 0; at < n; at += 8) {
    if (load<u64>(line + 8 + <usize>at) != keyWord(p, n, at)) return false;
  }
  return true;
}

// ---- per-word encoding ----

/**
 * Initial symbols of the word at [p, p+n) into ids/lens (scratch); returns their number.
 * Mirrors BpeModel.initialSymbols / symbolsOf (prefix/suffix never reach WASM).
 */
function initialSymbols(p: usize, n: u32, ids: usize, lens: usize): u32 {
  if (flags & F_BYTE_LEVEL) {
    for (let k: u32 = 0; k < n; k++) {
      s(ids, k, g(byteIdsPtr, <u32>load<u8>(p + k)));
      s(lens, k, 1);
    }
    return n;
  }
  let count: u32 = 0;
  let pendingUnk: u32 = NONE;
  let unkLen: u32 = 0;
  let i: u32 = 0;
  while (i < n) {
    let b0 = <u32>load<u8>(p + i);
    let w: u32;
    let cp: u32;
    if (b0 < 0x80) {
      w = 1;
      cp = b0;
    } else if (b0 < 0xe0) {
      w = 2;
      cp = ((b0 & 0x1f) << 6) | (<u32>load<u8>(p + i + 1) & 0x3f);
    } else if (b0 < 0xf0) {
      w = 3;
      cp = ((b0 & 0x0f) << 12) | ((<u32>load<u8>(p + i + 1) & 0x3f) << 6) | (<u32>load<u8>(p + i + 2) & 0x3f);
    } else {
      w = 4;
      cp = ((b0 & 0x07) << 18) | ((<u32>load<u8>(p + i + 1) & 0x3f) << 12) | ((<u32>load<u8>(p + i + 2) & 0x3f) << 6) | (<u32>load<u8>(p + i + 3) & 0x3f);
    }
    let id = charId(cp);
    if (id != NONE) {
      if (pendingUnk != NONE) {
        s(ids, count, pendingUnk);
        s(lens, count, unkLen);
        count++;
        pendingUnk = NONE;
      }
      s(ids, count, id);
      s(lens, count, w);
      count++;
      i += w;
      continue;
    }
    if (flags & F_BYTE_FALLBACK) {
      let all = true;
      for (let k: u32 = 0; k < w; k++) if (g(fallbackPtr, <u32>load<u8>(p + i + k)) == NONE) all = false;
      if (all) {
        // as in HF, a pending unk is not flushed here (it comes after these bytes)
        for (let k: u32 = 0; k < w; k++) {
          s(ids, count, g(fallbackPtr, <u32>load<u8>(p + i + k)));
          s(lens, count, 1);
          count++;
        }
        i += w;
        continue;
      }
    }
    if (unkId != NONE) {
      if (pendingUnk != NONE && (flags & F_FUSE_UNK)) {
        unkLen += w;
      } else {
        if (pendingUnk != NONE) {
          s(ids, count, pendingUnk);
          s(lens, count, unkLen);
          count++;
        }
        pendingUnk = unkId;
        unkLen = w;
      }
    }
    // no unk token: the char is dropped, as in HF
    i += w;
  }
  if (pendingUnk != NONE) {
    s(ids, count, pendingUnk);
    s(lens, count, unkLen);
    count++;
  }
  return count;
}

/** Lowest (rank, position) first by linear scan; compacts ids/lens; returns the count. */
function mergeScan(ids: usize, lens: usize, n: u32, ranks: usize, news: usize): u32 {
  for (let k: u32 = 0; k + 1 < n; k++) {
    let slot = pairFind(g(ids, k), g(ids, k + 1));
    s(ranks, k, slot ? load<u32>(slot, 8) : NONE);
    s(news, k, slot ? load<u32>(slot, 12) : 0);
  }
  while (n > 1) {
    let best: u32 = NONE;
    let at: u32 = 0;
    for (let k: u32 = 0; k + 1 < n; k++) {
      let r = g(ranks, k);
      if (r < best) {
        best = r;
        at = k;
      }
    }
    if (best == NONE) break;
    s(ids, at, g(news, at));
    s(lens, at, g(lens, at) + g(lens, at + 1));
    for (let k = at + 1; k + 1 < n; k++) {
      s(ids, k, g(ids, k + 1));
      s(lens, k, g(lens, k + 1));
      if (k + 2 < n) {
        s(ranks, k, g(ranks, k + 1));
        s(news, k, g(news, k + 1));
      }
    }
    n--;
    if (at + 1 < n) {
      let slot = pairFind(g(ids, at), g(ids, at + 1));
      s(ranks, at, slot ? load<u32>(slot, 8) : NONE);
      s(news, at, slot ? load<u32>(slot, 12) : 0);
    } else s(ranks, at, NONE);
    if (at > 0) {
      let slot = pairFind(g(ids, at - 1), g(ids, at));
      s(ranks, at - 1, slot ? load<u32>(slot, 8) : NONE);
      s(news, at - 1, slot ? load<u32>(slot, 12) : 0);
    }
  }
  return n;
}

// HF `Word::merge_all`: a binary min-heap of (rank, pos) → newId with stale entries skipped.
let heapKeys: usize = 0; // u64 (rank << 32 | pos)
let heapIds: usize = 0; // u32
let heapSize: u32 = 0;

function heapPush(rank: u32, pos: u32, id: u32): void {
  let key = (<u64>rank << 32) | <u64>pos;
  let k = heapSize++;
  while (k > 0) {
    let parent = (k - 1) >>> 1;
    let pk = load<u64>(heapKeys + (<usize>parent << 3));
    if (pk <= key) break;
    store<u64>(heapKeys + (<usize>k << 3), pk);
    s(heapIds, k, g(heapIds, parent));
    k = parent;
  }
  store<u64>(heapKeys + (<usize>k << 3), key);
  s(heapIds, k, id);
}

function heapPopInto(): void {
  heapSize--;
  if (heapSize == 0) return;
  let key = load<u64>(heapKeys + (<usize>heapSize << 3));
  let id = g(heapIds, heapSize);
  let k: u32 = 0;
  while (true) {
    let l: u32 = 2 * k + 1;
    if (l >= heapSize) break;
    let c = l;
    let lk = load<u64>(heapKeys + (<usize>l << 3));
    if (l + 1 < heapSize) {
      let rk = load<u64>(heapKeys + (<usize>(l + 1) << 3));
      if (rk < lk) {
        c = l + 1;
        lk = rk;
      }
    }
    if (lk >= key) break;
    store<u64>(heapKeys + (<usize>k << 3), lk);
    s(heapIds, k, g(heapIds, c));
    k = c;
  }
  store<u64>(heapKeys + (<usize>k << 3), key);
  s(heapIds, k, id);
}

function mergeHeap(c: usize, len: usize, n: u32, prev: usize, next: usize): u32 {
  for (let i: u32 = 0; i < n; i++) {
    s(prev, i, i == 0 ? NONE : i - 1);
    s(next, i, i + 1 < n ? i + 1 : NONE);
  }
  heapSize = 0;
  for (let i: u32 = 0; i + 1 < n; i++) {
    let slot = pairFind(g(c, i), g(c, i + 1));
    if (slot) heapPush(load<u32>(slot, 8), i, load<u32>(slot, 12));
  }
  while (heapSize > 0) {
    let top = load<u64>(heapKeys);
    let newId = g(heapIds, 0);
    heapPopInto();
    let pos = <u32>top;
    if (g(len, pos) == 0) continue;
    let nx = g(next, pos);
    if (nx == NONE) continue;
    let slot = pairFind(g(c, pos), g(c, nx));
    if (!slot || load<u32>(slot, 12) != newId) continue;
    s(c, pos, newId);
    s(len, pos, g(len, pos) + g(len, nx));
    let nn = g(next, nx);
    s(next, pos, nn);
    s(len, nx, 0);
    if (nn != NONE) s(prev, nn, pos);
    let pv = g(prev, pos);
    if (pv != NONE) {
      let s2 = pairFind(g(c, pv), newId);
      if (s2) heapPush(load<u32>(s2, 8), pv, load<u32>(s2, 12));
    }
    if (nn != NONE) {
      let s3 = pairFind(newId, g(c, nn));
      if (s3) heapPush(load<u32>(s3, 8), pos, load<u32>(s3, 12));
    }
  }
  return compactSymbols(c, len, n);
}


/** Drops the merged-away symbols (length 0) from c/len[0, n); returns how many remain. */
function compactSymbols(c: usize, len: usize, n: u32): u32 {
  let k: u32 = 0;
  for (let i: u32 = 0; i < n; i++) {
    let l = g(len, i);
    if (l != 0) {
      s(c, k, g(c, i));
      s(len, k, l);
      k++;
    }
  }
  return k;
}

// Long words, first choice: merge rank by rank (a bucket queue), as assembly/openai/bpe.ts does for
// tiktoken. In a trained merge list a merge's result only takes part in later merges, so the
// pairs a merge creates rank after it: ranks to process only go up, and all pairs of one rank
// are merged left to right — the order of HF's (rank, pos) heap. If a list breaks that (a merge
// creates a pair of lower or equal rank), this gives up and the heap redoes the word.
/**
 * Bucket merge of c/len[0, n) (next/prev/pairR/pairN and the entry lists in `work`, 8 u32 per
 * symbol). Returns the compacted count, or NONE if the merge list is not rank-monotone here
 * (c/len are then clobbered: the caller restores them).
 */
function mergeBuckets(c: usize, len: usize, n: u32, work: usize): u32 {
  let stride = (<usize>n + 1) << 2;
  let next = work;
  let prev = next + stride;
  let pairR = prev + stride;
  let pairN = pairR + stride;
  let ents = (<usize>n * 3 + 3) << 2;
  let entPos = pairN + stride;
  let tmp = entPos + ents * 2; // 8-byte bucket entries (rank-buckets.ts), then tmp
  resetEntries(entPos);
  for (let k: u32 = 0; k < n; k++) {
    s(next, k, k + 1 < n ? k + 1 : NONE);
    s(prev, k, k == 0 ? NONE : k - 1);
    let r: u32 = NONE;
    if (k + 1 < n) {
      let slot = pairFind(g(c, k), g(c, k + 1));
      if (slot) {
        r = load<u32>(slot, 8);
        s(pairN, k, load<u32>(slot, 12));
        bucketPush(k, r);
      }
    }
    s(pairR, k, r);
  }
  let rank = nextRank(0);
  let broken = false;
  while (rank != NONE) {
    let k = bucketTake(rank, tmp);
    if (!broken) {
      for (let i: u32 = 0; i < k; i++) {
        let x = g(tmp, i);
        if (g(pairR, x) != rank) continue; // stale: x was absorbed or its pair changed
        let y = g(next, x);
        let z = g(next, y);
        let id = g(pairN, x);
        s(c, x, id);
        s(len, x, g(len, x) + g(len, y));
        s(len, y, 0);
        s(pairR, y, NONE);
        s(next, x, z);
        let r1: u32 = NONE;
        if (z != NONE) {
          s(prev, z, x);
          let slot = pairFind(id, g(c, z));
          if (slot) {
            r1 = load<u32>(slot, 8);
            s(pairN, x, load<u32>(slot, 12));
          }
        }
        s(pairR, x, r1);
        if (r1 != NONE) {
          if (r1 <= rank) broken = true;
          else bucketPush(x, r1);
        }
        let w = g(prev, x);
        if (w != NONE) {
          let r2: u32 = NONE;
          let slot = pairFind(g(c, w), id);
          if (slot) {
            r2 = load<u32>(slot, 8);
            s(pairN, w, load<u32>(slot, 12));
          }
          s(pairR, w, r2);
          if (r2 != NONE) {
            if (r2 <= rank) broken = true;
            else bucketPush(w, r2);
          }
        }
        if (broken) break;
      }
    }
    // once broken, keep draining so every bucket is empty for the next word
    rank = nextRank(broken ? 0 : rank + 1);
  }
  if (broken) return NONE;
  return compactSymbols(c, len, n);
}

/** Encodes one word; writes its ids/lens at out/outLens; returns the count. */
function encodeWord(p: usize, n: u32, out: usize, outLens: usize): u32 {
  let h: u32 = 0;
  let hashed = false;
  if (flags & F_IGNORE_MERGES) {
    h = hashBytes(p, n);
    hashed = true;
    let id = wordLookup(p, n, h);
    if (id != NONE) {
      s(out, 0, id);
      s(outLens, 0, n);
      return 1;
    }
  }
  let line: usize = 0;
  if (n <= CACHE_KEY) {
    if (!hashed) h = hashBytes(p, n);
    line = cachePtr + <usize>(h & (CACHE_ENTRIES - 1)) * CACHE_LINE;
    if (cacheHolds(line, p, n)) {
      let k = load<u32>(line, 4);
      for (let i: u32 = 0; i < k; i++) {
        s(out, i, load<u32>(line + CACHE_IDS_AT + (<usize>i << 2)));
        s(outLens, i, <u32>load<u8>(line + CACHE_LENS_AT + <usize>i));
      }
      return k;
    }
  }
  // scratch: ids, lens, and two more u32 arrays (scan: ranks/newIds; heap: prev/next), heap
  let stride = (<usize>n + 2) << 2;
  reserveScratch(stride * 4 + <usize>(3 * n + 4) * 12 + 8);
  let ids = scratchPtr;
  let lens = ids + stride;
  let a = lens + stride;
  let b = a + stride;
  heapKeys = (b + stride + 7) & ~<usize>7;
  heapIds = heapKeys + (<usize>(3 * n + 4) << 3);
  let k = initialSymbols(p, n, ids, lens);
  if (k > SCAN_MAX) {
    // bucket merge on a copy (the heap redoes the word from the originals if it gives up)
    let stride2 = (<usize>k + 1) << 2;
    let work = (heapIds + (<usize>(3 * n + 4) << 2) + 7) & ~<usize>7;
    let c2 = work;
    let l2 = c2 + stride2;
    let rest = l2 + stride2;
    reserveScratch(rest + stride2 * 4 + (<usize>(k * 3 + 3) << 3) + stride2 - scratchPtr);
    memory.copy(c2, ids, <usize>k << 2);
    memory.copy(l2, lens, <usize>k << 2);
    let m = mergeBuckets(c2, l2, k, rest);
    if (m != NONE) {
      memory.copy(ids, c2, <usize>m << 2);
      memory.copy(lens, l2, <usize>m << 2);
      k = m;
    } else k = mergeHeap(ids, lens, k, a, b);
  } else if (k > 1) k = mergeScan(ids, lens, k, a, b);
  for (let i: u32 = 0; i < k; i++) {
    s(out, i, g(ids, i));
    s(outLens, i, g(lens, i));
  }
  if (line != 0 && k <= CACHE_IDS) {
    store<u32>(line, n);
    store<u32>(line, k, 4);
    for (let at: u32 = 0; at < n; at += 8) store<u64>(line + 8 + <usize>at, keyWord(p, n, at));
    for (let i: u32 = 0; i < k; i++) {
      store<u32>(line + CACHE_IDS_AT + (<usize>i << 2), g(ids, i));
      store<u8>(line + CACHE_LENS_AT + <usize>i, <u8>g(lens, i));
    }
  }
  return k;
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
function encodeSegments(p: usize, n: u32, out: usize, outLens: usize): u32 {
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
 * Pre-tokenizes input[0, len) with the core's scanner `pattern` (1 = cl100k; the caller has
 * checked that the tokenizer's Split regex is exactly that pattern, Isolated, then ByteLevel
 * without its own regex) and encodes every piece. Ids at idsPtr, lengths at lensPtr.
 */
export function hfEncodeScan(len: u32, pattern: u32): u32 {
  setInput(arenaPtr, len);
  let singleDigits = pattern == SCAN_CL100K_SINGLE_DIGITS;
  let scan = singleDigits ? 1 : pattern;
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

@inline
function utf8Width(b0: u8): u32 {
  return b0 < 0x80 ? 1 : b0 < 0xe0 ? 2 : b0 < 0xf0 ? 3 : 4;
}

function decodeAt(p: usize): u32 {
  let b0 = <u32>load<u8>(p);
  if (b0 < 0x80) return b0;
  if (b0 < 0xe0) return ((b0 & 0x1f) << 6) | (<u32>load<u8>(p + 1) & 0x3f);
  if (b0 < 0xf0) return ((b0 & 0x0f) << 12) | ((<u32>load<u8>(p + 1) & 0x3f) << 6) | (<u32>load<u8>(p + 2) & 0x3f);
  return ((b0 & 0x07) << 18) | ((<u32>load<u8>(p + 1) & 0x3f) << 12) | ((<u32>load<u8>(p + 2) & 0x3f) << 6) | (<u32>load<u8>(p + 3) & 0x3f);
}
