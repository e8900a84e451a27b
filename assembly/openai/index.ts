// The WASM ABI (DESIGN.md "WASM ABI"). One instance serves one encoding. Memory layout, all
// laid out by this module and never freed:
//
//   [static data][vocab file][hash table + byte ranks][input arena][output arena][BPE scratch]
//
// The arena and scratch sit at the end so they can grow in place. JS must refresh its views of
// memory after init() and grow(), the only calls that grow it (plus encodeChunk on a piece
// longer than any seen before, which grows the BPE scratch).

import { beginVocab, insertTokens, adoptTables, tablesAt, tablesBytes, tablesChecksum, badRank, rankOfHashed, maxLen, byteRank, nTokens, tokenStart, tokenLen, bytesPtr } from "./vocab";
import { initCache, cacheGet, cachePut, cacheClear, MAX_KEY, MAX_IDS } from "./cache";
import { setInput, pieceEnd, touchedEnd } from "../pretok/scan";
import { mergePiece, setScratch, initBuckets } from "./bpe";
import { utf8ToUtf16, HIGH_BITS } from "../shared/utf16";
import { ensureMemory } from "../shared/memory";
import { offsetsOf, statePtr } from "./offsets";
import { prefixKey } from "../shared/bytes";
import { hashKey } from "../shared/hash";
import { prefixBegin, prefixSort, prefixIndexBytes, prefixQuery as queryPrefix, prefixResultPtr as resultPtr, prefixMaskPtr as maskPtr, prefixSortedPtr, prefixCount } from "./prefix";
import { minTokensTrieBytes, minTokensTrieBegin, minTokensTrieFill, minTokensPiece, setMinTokensScratch } from "./min-tokens";

const NONE: u32 = 0xffffffff;

let vocabPtr: usize = 0;
let vocabSize: u32 = 0;
let pattern: u32 = 0;
let arenaPtr: usize = 0;
let inCap: u32 = 0;
let outPtr: usize = 0;
let tail: u32 = 0;

/** Reserves room for the vocab file; JS copies the file there, then calls init. */
export function vocabAlloc(size: u32): usize {
  vocabPtr = (__heap_base + 15) & ~<usize>15;
  vocabSize = size;
  ensureMemory(vocabPtr + size);
  return vocabPtr;
}

let building = false;
let built: u32 = 0;
let tablesEnd: usize = 0;

/**
 * Builds the tables, at most `budget` tokens per call: returns 3 while tokens remain (call
 * again with the same arguments), then 0, or 1 if the vocab is unusable, 2 if a byte is not a
 * token. Why in steps: V8 runs a WebAssembly function in its baseline compiler until it has
 * used a budget, then optimizes it in the background, and only calls that start afterwards run
 * the optimized code; one long call would build the whole table in baseline code (measured
 * 3x slower).
 */
export function init(patternId: u32, initialInputCap: u32, budget: u32): u32 {
  if (!building) {
    pattern = patternId;
    tablesEnd = beginVocab(vocabPtr, vocabSize, vocabPtr + vocabSize);
    if (tablesEnd == 0) return 1;
    building = true;
    built = 0;
  }
  let to = budget != 0 && nTokens - built > budget ? built + budget : nTokens; // 0: all at once
  if (!insertTokens(built, to)) {
    building = false;
    return 1;
  }
  built = to;
  if (to < nTokens) return 3;
  building = false;
  for (let b: u32 = 0; b < 256; b++) if (byteRank(b) == NONE) return 2;
  arenaPtr = (initCache(initBuckets(tablesEnd)) + 15) & ~<usize>15;
  layout(initialInputCap);
  return 0;
}

/**
 * Cold start from a table image (DESIGN.md "Table images"): lays the tables out as init does and
 * returns where JS copies the image (tablesImageBytes() bytes), or 0 if the vocab is unusable.
 * Then initFromImage finishes. Saves the ~200 K hash-table inserts of o200k_base's init.
 */
export function initImageAt(patternId: u32): usize {
  pattern = patternId;
  tablesEnd = beginVocab(vocabPtr, vocabSize, vocabPtr + vocabSize);
  return tablesEnd == 0 ? 0 : tablesAt();
}

export function tablesImageBytes(): u32 {
  return tablesBytes();
}

/** Where the tables are after init (for writing an image of them: tablesImageBytes() bytes). */
export function tablesImagePtr(): usize {
  return tablesAt();
}

/** The checksum of the tables as they are (for the image's header; see initFromImage). */
export function tablesImageChecksum(): u64 {
  return tablesChecksum();
}

/**
 * After initImageAt and the copy: checks the image — its checksum (sumLo, sumHi: the header's),
 * that it was made from this vocab (keyLo, keyHi: the first 8 bytes of the sha256 in the vocab
 * file's header, as the image's header has them), then adoptTables (every offset, and a lookup of
 * every `step`-th token) — and lays out the rest as init does. Returns 0, 1 (vocab unusable:
 * badRank), 2 (a byte is not a token), or 4 (the image is damaged or not this vocab's).
 */
export function initFromImage(initialInputCap: u32, step: u32, sumLo: u32, sumHi: u32, keyLo: u32, keyHi: u32): u32 {
  if (load<u32>(vocabPtr, 12) != keyLo || load<u32>(vocabPtr, 16) != keyHi) return 4;
  if (tablesChecksum() != ((<u64>sumHi << 32) | <u64>sumLo)) return 4;
  if (!adoptTables(step)) return badRank != 0xffffffff ? 1 : 4;
  for (let b: u32 = 0; b < 256; b++) if (byteRank(b) == NONE) return 2;
  arenaPtr = (initCache(initBuckets(tablesEnd)) + 15) & ~<usize>15;
  layout(initialInputCap);
  return 0;
}

function layout(cap: u32): void {
  inCap = (cap + 15) & ~15;
  outPtr = arenaPtr + inCap + 16; // 16 bytes of slack after the input for word-sized reads
  let scratch = outPtr + (<usize>inCap << 2);
  ensureMemory(scratch);
  setScratch(scratch);
  setMinTokensScratch(scratch);
}

export function inputPtr(): usize {
  return arenaPtr;
}
export function inputCap(): u32 {
  return inCap;
}
export function outputPtr(): usize {
  return outPtr;
}
export function tailLen(): u32 {
  return tail;
}

/** Grows the input arena to at least `cap` bytes (the tail at its start is kept). */
export function grow(cap: u32): void {
  if (cap > inCap) layout(cap);
}

// Piece-cache bypass. In random text (base64, hex digests, keys) no piece repeats: every
// lookup misses, and every put costs a cache miss and evicts a line that real text would reuse.
// When fewer than 1/64 of CACHE_EPOCH lookups hit, the next CACHE_SKIP cacheable pieces are
// merged without the cache; then it is sampled again. Only speed depends on this.
const CACHE_EPOCH: u32 = 512;
const CACHE_SKIP: u32 = 8192;
let cacheLookups: u32 = 0;
let cacheHits: u32 = 0;
let cacheSkip: u32 = 0;

/**
 * Pre-tokenizes and encodes input[0, len). Writes ranks at outputPtr and returns their number.
 * Unless `final`, pieces that may continue past `len` are held back: their bytes are moved to
 * the start of the arena and tailLen() tells how many. Stops after the piece that makes the
 * count exceed `limit` (then tailLen() is 0 and the rest is dropped: the caller only wanted to
 * know the count is over the limit).
 */
export function encodeChunk(len: u32, final: bool, limit: u32): u32 {
  setInput(arenaPtr, len);
  encCount = 0;
  encStop = false;
  tail = 0;
  let i: u32 = 0;
  while (i < len && !encStop) i = encodeSlice(i, min(len, i + SLICE), len, final, limit);
  return encCount;
}

// encodeChunk works through the chunk in calls of about SLICE bytes: V8 swaps a WebAssembly
// function's baseline code for optimized code only between calls, so one call over a whole
// large chunk (the first a fresh instance sees) would otherwise run unoptimized to its end.
const SLICE: u32 = 16384;
let encCount: u32 = 0;
let encStop = false;

/** Encodes the pieces that start in [i, stopAt); returns where the next piece starts. */
function encodeSlice(i: u32, stopAt: u32, len: u32, final: bool, limit: u32): u32 {
  let count = encCount;
  while (i < stopAt) {
    let e = pieceEnd(pattern, i);
    if (!final && touchedEnd()) {
      tail = len - i;
      memory.copy(arenaPtr, arenaPtr + i, tail);
      encCount = count;
      encStop = true;
      return len;
    }
    let n = e - i;
    let p = arenaPtr + i;
    let out = outPtr + (<usize>count << 2);
    if (n == 1) {
      store<u32>(out, byteRank(<u32>load<u8>(p)));
      count++;
    } else if (n > maxLen) {
      count += segmentPiece(p, n, out);
    } else {
      let key = prefixKey(p, n);
      let hash = hashKey(p, n, key);
      let r = rankOfHashed(p, n, key, hash);
      if (r != NONE) {
        store<u32>(out, r);
        count++;
      } else if (n == 2) {
        // not a token, so two bytes
        store<u32>(out, byteRank(<u32>load<u8>(p)));
        store<u32>(out, byteRank(<u32>load<u8>(p + 1)), 4);
        count += 2;
      } else if (n == 3 || segmentation != BPE) {
        // (the piece cache holds BPE results only)
        count += segmentPiece(p, n, out);
      } else if (n <= MAX_KEY && cacheSkip == 0) {
        let k = cacheGet(p, n, hash, out);
        if (k == 0) {
          k = mergePiece(p, n, out);
          if (k <= MAX_IDS) cachePut(p, n, hash, out, k);
        } else {
          cacheHits++;
        }
        if (++cacheLookups == CACHE_EPOCH) {
          if (cacheHits < CACHE_EPOCH / 64) cacheSkip = CACHE_SKIP;
          cacheLookups = 0;
          cacheHits = 0;
        }
        count += k;
      } else {
        if (cacheSkip > 0) cacheSkip--;
        count += mergePiece(p, n, out);
      }
    }
    i = e;
    if (count > limit) {
      encStop = true;
      break;
    }
  }
  encCount = count;
  return i;
}

// How a piece that is not a token is split (the whole-token and byte cases are the same for
// every segmentation: a token is its own shortest spelling, two bytes that are no token are two).
const BPE: u32 = 0;
const MIN_TOKENS: u32 = 1;
let segmentation: u32 = BPE;

@inline
function segmentPiece(p: usize, n: u32, out: usize): u32 {
  return segmentation == MIN_TOKENS ? minTokensPiece(p, n, out) : mergePiece(p, n, out);
}

/**
 * Selects what encodeChunk does inside a piece: 0 = BPE (tiktoken's merges), 1 = min-tokens
 * (the fewest tokens: assembly/openai/min-tokens.ts; needs minTokensBuild first). Returns false
 * for an unknown mode or min-tokens before its trie is built, leaving the mode as it was.
 */
export function setSegmentation(mode: u32): bool {
  if (mode == MIN_TOKENS && minTokensState != 2) return false;
  if (mode > MIN_TOKENS) return false;
  segmentation = mode;
  return true;
}

let minTokensState: u32 = 0; // 0 = not started, 1 = filling, 2 = built, 3 = failed

/**
 * Builds the min-tokens trie over the prefix index (prefixIndexBuild must have returned 0),
 * about `budget` tokens per call (0: all): returns 3 while there is more (call again), 0 when
 * built, 1 if it cannot be built. Like prefixIndexBuild, the first call moves the arena after
 * the trie, so JS must refresh its views.
 */
export function minTokensBuild(budget: u32): u32 {
  if (minTokensState == 0) {
    if (prefixState != 2) return 1;
    let bytes = minTokensTrieBytes(prefixSortedPtr(), prefixCount());
    if (bytes == 0) {
      minTokensState = 3;
      return 1;
    }
    let at = arenaPtr;
    arenaPtr = (at + bytes + 15) & ~<usize>15;
    layout(inCap);
    minTokensTrieBegin(at);
    minTokensState = 1;
  }
  if (minTokensState == 1) {
    if (!minTokensTrieFill(budget)) return 3;
    minTokensState = 2;
  }
  return minTokensState == 2 ? 0 : 1;
}

/** Empties the piece cache; encoding results never depend on it. */
export function clearCache(): void {
  cacheClear();
  // and the bypass state, so that what follows runs as on a fresh instance
  cacheLookups = 0;
  cacheHits = 0;
  cacheSkip = 0;
}

/**
 * Pre-tokenization alone: the number of pieces in input[0, len) (final chunk). Used by the
 * benchmarks to measure the ceiling that full encoding approaches (issue: "every pre-token a
 * vocabulary hit"), not by the library.
 */
export function countPieces(len: u32): u32 {
  setInput(arenaPtr, len);
  let pieces: u32 = 0;
  let i: u32 = 0;
  while (i < len) {
    i = pieceEnd(pattern, i);
    pieces++;
  }
  return pieces;
}

/** Pre-tokenization plus one hash-table probe per piece (the probe's result is counted). */
export function probePieces(len: u32): u32 {
  setInput(arenaPtr, len);
  let hits: u32 = 0;
  let i: u32 = 0;
  while (i < len) {
    let e = pieceEnd(pattern, i);
    let n = e - i;
    if (n <= maxLen) {
      let p = arenaPtr + i;
      let key = prefixKey(p, n);
      if (rankOfHashed(p, n, key, hashKey(p, n, key)) != NONE) hits++;
    }
    i = e;
  }
  return hits;
}

let decodedLen: u32 = 0;

/**
 * Decoding: the n ids at outputPtr become token bytes at inputPtr + keep (the first `keep`
 * bytes of the arena are left as they are; at most inputCap bytes in all). Returns how many ids
 * were done; it stops early when the next token does not fit or the next id is not an ordinary
 * token (a special token or an invalid id: JS handles it and goes on). decodedLength() is the
 * number of bytes in the arena, `keep` included.
 */
export function decodeChunk(n: u32, keep: u32): u32 {
  let o: usize = arenaPtr + keep;
  let limit = arenaPtr + inCap;
  let i: u32 = 0;
  for (; i < n; i++) {
    let id = load<u32>(outPtr + (<usize>i << 2));
    if (id >= nTokens) break;
    let s = tokenStart(id);
    let len = tokenLen(id);
    if (len == 0 || o + len > limit) break;
    let from = bytesPtr + s;
    // tokens are short: word copies beat memory.copy's call (the arena has 16 bytes of slack,
    // and token bytes are followed by more vocab data, so reading a little past is safe)
    if (len <= 16) {
      store<u64>(o, load<u64>(from));
      store<u64>(o, load<u64>(from, 8), 8);
    } else {
      memory.copy(o, from, len);
    }
    o += len;
  }
  decodedLen = <u32>(o - arenaPtr);
  return i;
}

export function decodedLength(): u32 {
  return decodedLen;
}

/** After init returned 1: the first rank whose offsets are out of order (u32.MAX_VALUE: the header). */
export function vocabBadRank(): u32 {
  return badRank;
}

/**
 * The text of input[start, start + len) as UTF-16LE code units at outputPtr (assembly/shared/utf16.ts);
 * returns how many. Room: at most len units, and the output arena has 4 × inputCap bytes, free
 * once decodeChunk has returned (it has read its ids; JS copies the next ones only after it has
 * taken the text).
 */
export function toUtf16(start: u32, len: u32): u32 {
  let from = arenaPtr + start;
  return <u32>((utf8ToUtf16(from, from + len, outPtr) - outPtr) >> 1);
}

// Text with a non-ASCII character every few hundred bytes (English prose: quotes, dashes) is
// made fastest from latin1 strings of its ASCII stretches and UTF-16 of the rest: UTF-16 of the
// whole would be twice the bytes for JS to copy and to scan (V8 looks for a one-byte form).
// findRuns lists the stretches that are not ASCII; each is followed by an ASCII byte (or the
// end), so it can be decoded on its own, as can the ASCII between. Runs less than
// RUN_GAP bytes apart are one (the ASCII between goes through UTF-16 too): a latin1 stretch
// costs JS two more calls, worth it only for long ones. Text that is mostly not ASCII is then
// one run, or a few.
const RUN_GAP: u32 = 256;
const MAX_RUNS: u32 = 1024;
const RUNS_OVERFLOW: u32 = 0xffffffff;
const runs = memory.data(<i32>MAX_RUNS * 8, 8); // (start, end) byte offsets in the input

/**
 * The runs of bytes >= 0x80 in input[0, len), merged across fewer than RUN_GAP bytes of ASCII,
 * as u32 (start, end) pairs at runsPtr; returns their number (0: all ASCII), or RUNS_OVERFLOW
 * (u32 max) if there are more than MAX_RUNS (a very long chunk: then JS takes it whole).
 */
export function findRuns(len: u32): u32 {
  let count: u32 = 0;
  let runEnd: u32 = 0;
  let p: u32 = 0;
  while (p < len) {
    let at = arenaPtr + p;
    if (p + 32 <= len) {
      // 32 bytes at a time: skipped if ASCII, added to the run whole if they cannot start one
      let w = (load<u64>(at) | load<u64>(at, 8) | load<u64>(at, 16) | load<u64>(at, 24)) & HIGH_BITS;
      if (w == 0) {
        p += 32;
        continue;
      }
      if (count > 0 && runEnd + RUN_GAP >= p + 32) {
        let k: u32 = 24;
        while ((w = load<u64>(at + k) & HIGH_BITS) == 0) k -= 8;
        runEnd = p + k + 8 - (<u32>clz(w) >> 3);
        p += 32;
        continue;
      }
    }
    // word by word
    let w = load<u64>(at) & HIGH_BITS; // the arena has slack past len
    if (p + 8 > len) w &= (<u64>1 << (<u64>(len - p) << 3)) - 1;
    if (w != 0) {
      // a word is shorter than RUN_GAP: its bytes >= 0x80 all go to one run
      let first = p + (<u32>ctz(w) >> 3);
      if (count == 0 || first >= runEnd + RUN_GAP) {
        if (count == MAX_RUNS) return RUNS_OVERFLOW;
        if (count > 0) store<u32>(runs + (<usize>(count - 1) << 3), runEnd, 4);
        store<u32>(runs + (<usize>count << 3), first);
        count++;
      }
      runEnd = p + 8 - (<u32>clz(w) >> 3);
    }
    p += 8;
  }
  if (count > 0) store<u32>(runs + (<usize>(count - 1) << 3), runEnd, 4);
  return count;
}

export function runsPtr(): usize {
  return runs;
}

/** Length in bytes of ordinary token `id`; 0 if `id` is not one (out of range, or a hole). */
export function tokenLength(id: u32): u32 {
  return id < nTokens ? tokenLen(id) : 0;
}

// ---- Prefix index (assembly/openai/prefix.ts), built on first use -------------------------

let prefixState: u32 = 0; // 0 = not started, 1 = sorting, 2 = built, 3 = failed

/**
 * Builds the prefix index, about `budget` ranks per call (0: all at once): returns 3 while there
 * is more to do (call again), 0 when built, 1 if the vocabulary could not be sorted. The first
 * call puts the index where the arena starts and moves the arena (with the BPE scratch) after
 * it, so JS must re-read inputPtr/outputPtr and refresh its views.
 */
export function prefixIndexBuild(budget: u32): u32 {
  if (prefixState == 0) {
    let at = arenaPtr;
    arenaPtr = (at + <usize>prefixIndexBytes() + 15) & ~<usize>15;
    layout(inCap);
    // the sort's scratch: the arena and what follows, free until the next call encodes
    if (prefixBegin(at, arenaPtr) == 0xffffffff) {
      prefixState = 3;
      return 1;
    }
    prefixState = 1;
  }
  if (prefixState == 1) {
    let rc = prefixSort(budget);
    if (rc == 1) return 3;
    prefixState = rc == 0 ? 2 : 3;
  }
  return prefixState == 2 ? 0 : 1;
}

/**
 * After prefixIndexBuild: the tokens whose bytes start with input[0, len) (and, if `consistent`,
 * those that are a proper prefix of it), as sorted ranks at prefixResultPtr() (returns their
 * number) or, with `asMask`, as a bitset of ceil(nTokens / 32) words at prefixMaskPtr().
 */
export function prefixQuery(len: u32, consistent: bool, asMask: bool): u32 {
  return queryPrefix(arenaPtr, len, consistent, asMask);
}

export function prefixResultPtr(): usize {
  return resultPtr();
}

export function prefixMaskPtr(): usize {
  return maskPtr();
}

/**
 * Offsets: for the n ids at outputPtr (n <= inputCap / 2), each token's UTF-16 start unit
 * replaces its id and its end unit goes n slots further; returns how many were done (it stops
 * at an id that is not an ordinary token). The decoder state carried between calls is at
 * offsetsState() (assembly/openai/offsets.ts).
 */
export function tokenOffsets(n: u32): u32 {
  return offsetsOf(outPtr, n);
}

export function offsetsState(): usize {
  return statePtr();
}
