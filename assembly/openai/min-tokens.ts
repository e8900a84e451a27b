// "min-tokens" in the core: the fewest tokens of the vocabulary that spell each piece —
// PathPiece's segmentation (Schmidt et al., "Tokenization Is More Than Compression", EMNLP 2024,
// arXiv 2402.18376, §3): a shortest path in the DAG over the piece's byte positions 0..n whose
// edges i → j are the tokens equal to bytes[i..j). Solved right to left,
//
//   best[n] = 0,   best[i] = 1 + min { best[j] : bytes[i..j) is a token },
//
// by walking a byte trie of the vocabulary from each i: O(n·L) for a piece of n bytes and longest
// token L, and in practice a few steps per byte (the walk ends where no token continues).
// Ties go to the longest first token, then the longest second, and so on (the segmentation whose
// token lengths read from the left are lexicographically greatest): the same rule as the
// TypeScript segmenter (src/encoders/min-tokens.ts), which the tests hold it to.
//
// The trie is built on first use from the prefix index (assembly/openai/prefix.ts), whose ranks
// are sorted by their bytes: consecutive tokens share their longest common prefix, so each token
// adds the nodes past it and the build needs no lookups. Nodes of depth 1 and 2 are dense
// arrays (every walk starts with them); deeper edges live in an open-addressing table keyed by
// (node, byte). For o200k_base: 421,661 nodes, ~9 MB with the table at most half full.

import { nTokens, tokenStart, tokenLen, bytesPtr, maxLen } from "./vocab";
import { ensureMemory } from "../shared/memory";

const NONE: u32 = 0xffffffff;

let nodeTokenPtr: usize = 0; // u32[nodes]: rank of the token ending at each node, or NONE
let depth2Ptr: usize = 0; // u32[65536]: node after bytes (a, b) at index a << 8 | b, or NONE
let edgesPtr: usize = 0; // (key, child) u32 pairs; key = (node << 8 | byte) + 1, 0 = empty
let edgeMask: u32 = 0;
const rootChild = memory.data(256 * 4, 8); // node after byte b, or NONE

let sortedPtr: usize = 0;
let sortedCount: u32 = 0;
let pathPtr: usize = 0; // u32[maxLen + 1]: the nodes along the previous token's path
let prevRank: u32 = NONE;
let nextIndex: u32 = 0;
let nodes: u32 = 0;

/**
 * Bytes the trie needs for the `count` ranks sorted at `sorted` (the prefix index), counted
 * exactly: one node per distinct token prefix, i.e. 1 + Σ (length − common prefix with the
 * previous token in byte order). Returns 0 if the node numbers would not fit the edge keys.
 */
export function minTokensTrieBytes(sorted: usize, count: u32): usize {
  sortedPtr = sorted;
  sortedCount = count;
  let n: u64 = 1;
  let prev = NONE;
  for (let i: u32 = 0; i < count; i++) {
    let r = load<u32>(sorted + (<usize>i << 2));
    n += <u64>(tokenLen(r) - (prev == NONE ? <u32>0 : commonPrefix(prev, r)));
    prev = r;
  }
  if (n >= (1 << 24)) return 0;
  nodes = <u32>n;
  let bits: u32 = 4;
  while ((<u64>1 << bits) < n * 2) bits++;
  edgeMask = (1 << bits) - 1;
  return ((<usize>nodes << 2) + 65536 * 4 + (<usize>1 << bits) * 8 + (<usize>(maxLen + 1) << 2) + 64);
}

/** Lays the trie out at `at` (minTokensTrieBytes() bytes) and starts filling it. */
export function minTokensTrieBegin(at: usize): void {
  nodeTokenPtr = (at + 7) & ~<usize>7;
  depth2Ptr = nodeTokenPtr + (<usize>nodes << 2);
  edgesPtr = depth2Ptr + 65536 * 4;
  pathPtr = edgesPtr + (<usize>(edgeMask + 1) << 3);
  ensureMemory(pathPtr + (<usize>(maxLen + 1) << 2));
  memory.fill(nodeTokenPtr, 0xff, <usize>nodes << 2);
  memory.fill(depth2Ptr, 0xff, 65536 * 4);
  memory.fill(edgesPtr, 0, <usize>(edgeMask + 1) << 3);
  memory.fill(rootChild, 0xff, 256 * 4);
  store<u32>(pathPtr, 0); // the root is node 0
  nodes = 1;
  prevRank = NONE;
  nextIndex = 0;
}

/** Adds about `budget` more tokens (0: all); returns true when every token is in. */
export function minTokensTrieFill(budget: u32): bool {
  let end = budget == 0 || sortedCount - nextIndex < budget ? sortedCount : nextIndex + budget;
  for (let i = nextIndex; i < end; i++) {
    let r = load<u32>(sortedPtr + (<usize>i << 2));
    let len = tokenLen(r);
    let shared: u32 = prevRank == NONE ? 0 : commonPrefix(prevRank, r);
    let p = bytesPtr + tokenStart(r);
    let node = load<u32>(pathPtr + (<usize>shared << 2));
    for (let d = shared; d < len; d++) {
      let b = <u32>load<u8>(p + d);
      let child = nodes++;
      if (d == 0) store<u32>(rootChild + (<usize>b << 2), child);
      else if (d == 1) store<u32>(depth2Ptr + (<usize>((<u32>load<u8>(p) << 8) | b) << 2), child);
      else insertEdge(node, b, child);
      node = child;
      store<u32>(pathPtr + (<usize>(d + 1) << 2), node);
    }
    // equal bytes under two ranks: the lower rank, as a rank lookup would find the earlier merge
    let slot = nodeTokenPtr + (<usize>node << 2);
    if (load<u32>(slot) > r) store<u32>(slot, r);
    prevRank = r;
  }
  nextIndex = end;
  return end == sortedCount;
}

function commonPrefix(a: u32, b: u32): u32 {
  let n = min(tokenLen(a), tokenLen(b));
  let pa = bytesPtr + tokenStart(a);
  let pb = bytesPtr + tokenStart(b);
  let k: u32 = 0;
  while (k < n && load<u8>(pa + k) == load<u8>(pb + k)) k++;
  return k;
}

@inline
function edgeSlot(key: u32): u32 {
  return (key * 0x9e3779b1) >>> 8; // masked by the caller; the high bits mix best
}

function insertEdge(node: u32, b: u32, child: u32): void {
  let key = ((node << 8) | b) + 1;
  let h = edgeSlot(key) & edgeMask;
  while (load<u32>(edgesPtr + (<usize>h << 3)) != 0) h = (h + 1) & edgeMask;
  store<u32>(edgesPtr + (<usize>h << 3), key);
  store<u32>(edgesPtr + (<usize>h << 3), child, 4);
}

@inline
function childOf(node: u32, b: u32): u32 {
  let key = ((node << 8) | b) + 1;
  let h = edgeSlot(key) & edgeMask;
  while (true) {
    let slot = edgesPtr + (<usize>h << 3);
    let k = load<u32>(slot);
    if (k == key) return load<u32>(slot, 4);
    if (k == 0) return NONE;
    h = (h + 1) & edgeMask;
  }
}

// Per-piece work arrays, in the BPE scratch (the two never run at once): best[] as a ring of
// RING entries (best[j] is needed for j ≤ i + maxLen only), then the chosen length and rank of
// the first token at each position.
let scratchPtr: usize = 0;
let scratchEnd: usize = 0;

export function setMinTokensScratch(ptr: usize): void {
  scratchPtr = (ptr + 7) & ~<usize>7;
  scratchEnd = 0;
}

// The tokens found by the last walk, as (length, rank) pairs: inside a run of one byte value
// longer than the longest token, every position sees the same bytes within reach of a token, so
// the same tokens start there and the walk (a hash probe per byte, up to maxLen of them: 1 MB of
// "-" or of spaces cost seconds) is replaced by a pass over this list.
const found = memory.data(256 * 8, 8);
let foundCount: u32 = 0;

/**
 * Writes the min-tokens ranks of the piece [p, p+n) (n >= 1) at `out`; returns their number.
 * Every byte is a token (init checks), so every piece has a spelling.
 */
export function minTokensPiece(p: usize, n: u32, out: usize): u32 {
  let ring: u32 = 1;
  while (ring <= maxLen) ring <<= 1;
  let ringMask = ring - 1;
  let bestPtr = scratchPtr;
  let lenPtr = bestPtr + (<usize>ring << 2);
  let tokPtr = lenPtr + (<usize>n << 2);
  let end = tokPtr + (<usize>n << 2);
  if (end > scratchEnd) {
    ensureMemory(end);
    scratchEnd = end;
  }
  store<u32>(bestPtr + (<usize>(n & ringMask) << 2), 0);
  // bytes from i on equal to byte i (capped), and whether `found` holds the tokens at i + 1
  let run: u32 = 0;
  let reusable = false;
  // the list is kept only where the tokens there can number at most 256
  let listable = maxLen <= 256;
  for (let i = <i32>n - 1; i >= 0; i--) {
    let at = p + <usize>i;
    let b0 = <u32>load<u8>(at);
    let left = n - <u32>i; // bytes from i to the end of the piece
    run = left > 1 && <u32>load<u8>(at, 1) == b0 ? min(run + 1, maxLen + 1) : 1;
    let bestCost: u32 = 0;
    let bestLen: u32 = 0;
    let bestTok: u32 = 0;
    if (reusable && run > maxLen) {
      // [i, i + maxLen] is one byte value, as was [i + 1, i + 1 + maxLen): the same tokens start
      bestCost = NONE;
      for (let f: u32 = 0; f < foundCount; f++) {
        let k = load<u32>(found + (<usize>f << 3));
        let c = load<u32>(bestPtr + (<usize>((<u32>i + k) & ringMask) << 2)) + 1;
        if (c <= bestCost) {
          bestCost = c;
          bestLen = k;
          bestTok = load<u32>(found + (<usize>f << 3), 4);
        }
      }
    } else {
      let keep = listable && run >= maxLen;
      foundCount = 0;
      // one byte: always a token
      let node = load<u32>(rootChild + (<usize>b0 << 2));
      bestCost = load<u32>(bestPtr + (<usize>((<u32>i + 1) & ringMask) << 2)) + 1;
      bestLen = 1;
      bestTok = load<u32>(nodeTokenPtr + (<usize>node << 2));
      if (keep) {
        store<u32>(found, 1);
        store<u32>(found, bestTok, 4);
        foundCount = 1;
      }
      if (left >= 2) {
        node = load<u32>(depth2Ptr + (<usize>((b0 << 8) | <u32>load<u8>(at, 1)) << 2));
        let k: u32 = 2;
        while (node != NONE) {
          let t = load<u32>(nodeTokenPtr + (<usize>node << 2));
          if (t != NONE) {
            let c = load<u32>(bestPtr + (<usize>((<u32>i + k) & ringMask) << 2)) + 1;
            // `<=`: a longer token that ties replaces the shorter one
            if (c <= bestCost) {
              bestCost = c;
              bestLen = k;
              bestTok = t;
            }
            if (keep) {
              store<u32>(found + (<usize>foundCount << 3), k);
              store<u32>(found + (<usize>foundCount << 3), t, 4);
              foundCount++;
            }
          }
          if (k >= left) break;
          node = childOf(node, <u32>load<u8>(at + k));
          k++;
        }
      }
      reusable = keep;
    }
    store<u32>(bestPtr + (<usize>(<u32>i & ringMask) << 2), bestCost);
    store<u32>(lenPtr + (<usize>i << 2), bestLen);
    store<u32>(tokPtr + (<usize>i << 2), bestTok);
  }
  let count: u32 = 0;
  for (let i: u32 = 0; i < n; i += load<u32>(lenPtr + (<usize>i << 2))) {
    store<u32>(out + (<usize>count << 2), load<u32>(tokPtr + (<usize>i << 2)));
    count++;
  }
  return count;
}

/** Number of trie nodes (for the engine's memory report and the tests). */
export function minTokensNodes(): u32 {
  return nodes;
}

/** Sanity for init order: the trie may be built only over a vocabulary of nTokens ranks. */
export function minTokensReady(): bool {
  return nodeTokenPtr != 0 && nextIndex == sortedCount && sortedCount > 0 && nTokens > 0;
}
