// "min-tokens": the fewest tokens of the vocabulary that spell each pre-token — PathPiece's
// segmentation (Schmidt et al., "Tokenization Is More Than Compression", EMNLP 2024,
// arXiv 2402.18376, §3): a shortest path in the DAG over byte positions 0..n of the pre-token
// whose edges i → j are the tokens equal to bytes[i..j). It is computed here right to left:
//
//   best[n] = 0,   best[i] = 1 + min { best[j] : bytes[i..j) is a token }
//
// walking the vocabulary trie from each i, so the cost is O(n·L) for n bytes and longest
// token L (the walk stops where no token continues, in practice after a few bytes).
//
// Ties (several segmentations with the fewest tokens) are broken deterministically: the longest
// first token, then the longest second token, and so on — the segmentation whose token lengths
// read from the left are lexicographically greatest. (PathPiece offers a random or a
// longest-token tie-break; this is the longest-token one made exact for left-to-right reading.)

import { TokenmillError } from "../errors.js";
import type { IdBuffer } from "./id-buffer.js";
import type { VocabIndex } from "./vocab-trie.js";

const UNREACHABLE = 0x3fffffff;
/** Pre-tokens up to this many bytes are memoized (words of prose repeat: Zipf). */
const MEMO_MAX_BYTES = 48;
const MEMO_SLOTS = 1 << 13;

export class MinTokensSegmenter {
  private best = new Int32Array(256);
  private next = new Int32Array(256);
  private tok = new Int32Array(256);

  // Direct-mapped memo of pre-token → ids (results never depend on it): slot = hash of the
  // bytes; a slot holds the bytes it was computed for, checked on every hit.
  private readonly memoBytes: Array<Uint8Array | undefined> = new Array(MEMO_SLOTS);
  private readonly memoIds: Array<Uint32Array | undefined> = new Array(MEMO_SLOTS);

  constructor(private readonly index: VocabIndex) {}

  /** Appends the min-tokens ids of buf[start..end) to `out`. */
  segmentPiece(buf: Uint8Array, start: number, end: number, out: IdBuffer): void {
    const n = end - start;
    if (n === 1) {
      const id = this.index.byteToken[buf[start]!]!;
      if (id < 0) throw unspellable(buf, start, end, this.index.byteToken);
      out.push(id);
      return;
    }
    // A pre-token that is a token is its only 1-token spelling (most words of prose): O(n).
    const whole = this.index.trie.idOf(buf, start, end);
    if (whole >= 0) {
      out.push(whole);
      return;
    }
    let slot = -1;
    if (n <= MEMO_MAX_BYTES) {
      let h = 0x811c9dc5;
      for (let k = start; k < end; k++) h = Math.imul(h ^ buf[k]!, 0x01000193);
      slot = (h ^ (h >>> 15)) & (MEMO_SLOTS - 1);
      const bytes = this.memoBytes[slot];
      if (bytes !== undefined && bytes.length === n) {
        let same = true;
        for (let k = 0; k < n; k++) {
          if (bytes[k] !== buf[start + k]) {
            same = false;
            break;
          }
        }
        if (same) {
          const ids = this.memoIds[slot]!;
          for (let k = 0; k < ids.length; k++) out.push(ids[k]!);
          return;
        }
      }
    }
    if (this.best.length <= n) {
      let len = this.best.length;
      while (len <= n) len *= 2;
      this.best = new Int32Array(len);
      this.next = new Int32Array(len);
      this.tok = new Int32Array(len);
    }
    const best = this.best;
    const next = this.next;
    const tok = this.tok;
    const trie = this.index.trie;
    const rootChild = trie.rootChild;
    const depth2 = trie.depth2;
    const tokenOf = trie.tokenOf;
    best[n] = 0;
    for (let i = n - 1; i >= 0; i--) {
      let b = UNREACHABLE;
      let bj = -1;
      let bt = -1;
      const b0 = buf[start + i]!;
      let node = rootChild[b0]!;
      for (let j = i + 1; node >= 0; j++) {
        const t = tokenOf[node]!;
        if (t >= 0) {
          const c = best[j]! + 1;
          // `<=`: a later (longer) token that ties replaces the shorter one.
          if (c <= b) {
            b = c;
            bj = j;
            bt = t;
          }
        }
        if (j >= n) break;
        node = j === i + 1 ? depth2[b0 * 256 + buf[start + j]!]! : trie.child(node, buf[start + j]!);
      }
      best[i] = b;
      next[i] = bj;
      tok[i] = bt;
    }
    if (best[0]! >= UNREACHABLE) throw unspellable(buf, start, end, this.index.byteToken);
    for (let i = 0; i < n; i = next[i]!) out.push(tok[i]!);
    if (slot >= 0) {
      const ids = new Uint32Array(best[0]!);
      for (let i = 0, k = 0; i < n; i = next[i]!) ids[k++] = tok[i]!;
      this.memoBytes[slot] = buf.slice(start, end);
      this.memoIds[slot] = ids;
    }
  }
}

/**
 * The error for a pre-token that no sequence of tokens spells (only possible with a vocabulary
 * lacking some single-byte token), naming the first byte without a token of its own.
 */
export function unspellable(buf: Uint8Array, start: number, end: number, byteToken: Int32Array): TokenmillError {
  let at = start;
  while (at < end - 1 && byteToken[buf[at]!]! >= 0) at++;
  return new TokenmillError(
    "UNSPELLABLE",
    `the vocabulary cannot spell the pre-token of bytes ${start}..${end}: byte 0x${buf[at]!.toString(16).padStart(2, "0")} at ${at} has no token`,
  );
}
