// A byte trie over the ordinary tokens of an Encoding, read through its public API only
// (`nVocab`, `isValidId`, `tokenBytes`, `specialTokens`). It answers the one question every
// alternative segmentation asks: which tokens start at this byte, and what are their ids. For
// tiktoken-style encodings an ordinary token's id is its merge rank, so the same lookup gives
// the BPE rank of any byte string.

import type { Encoding } from "../index.js";
import { TokenmillError } from "../errors.js";
import { ordinaryTokenBytes } from "../openai/ordinary-tokens.js";

/** Edges live in one open-addressing hash table keyed by (node, byte); the root is dense. */
export class VocabTrie {
  /** Token id ending at each node, -1 if none. */
  readonly tokenOf: Int32Array;
  /** Child of the root for each first byte, -1 if none (the hottest lookup, kept direct). */
  readonly rootChild: Int32Array;
  /**
   * Node after two bytes, -1 if none: index first * 256 + second. The first two steps of every
   * walk skip the hash table this way (64 K entries, the same for any vocabulary size).
   */
  readonly depth2: Int32Array;
  /** Bytes of the longest token. */
  readonly maxTokenBytes: number;
  /** Number of ordinary tokens indexed. */
  readonly nTokens: number;
  /** Edge table: slot h holds key (node * 256 + byte + 1, 0 = empty) at 2h and the child at
   * 2h + 1, so a probe touches one cache line. */
  private table: Int32Array;
  private shift: number;
  private mask: number;

  /** @param tokens token id → bytes (undefined for ids that are not ordinary tokens) */
  constructor(tokens: ReadonlyArray<Uint8Array | undefined>) {
    let totalBytes = 0;
    let maxLen = 0;
    let n = 0;
    for (const t of tokens) {
      if (t === undefined) continue;
      totalBytes += t.length;
      if (t.length > maxLen) maxLen = t.length;
      n++;
    }
    if (totalBytes + 1 >= 1 << 23) throw new TokenmillError("VOCAB_TOO_LARGE", `vocabulary too large for the trie (${totalBytes} bytes of tokens)`);
    // Built with room for every byte as a node, then rehashed to the edges there are: a table
    // a quarter to half full, small enough to stay mostly in cache.
    let bits = bitsFor(totalBytes);
    this.table = new Int32Array(2 << bits);
    this.shift = 32 - bits;
    this.mask = (1 << bits) - 1;
    const tokenOf = new Int32Array(totalBytes + 1).fill(-1);
    this.rootChild = new Int32Array(256).fill(-1);
    let nodes = 1;
    let edges = 0;
    for (let id = 0; id < tokens.length; id++) {
      const t = tokens[id];
      if (t === undefined || t.length === 0) continue;
      let node = this.rootChild[t[0]!]!;
      if (node < 0) node = this.rootChild[t[0]!] = nodes++;
      for (let k = 1; k < t.length; k++) {
        let child = this.child(node, t[k]!);
        if (child < 0) {
          child = nodes++;
          this.insert(node * 256 + t[k]! + 1, child);
          edges++;
        }
        node = child;
      }
      // Two ids with the same bytes cannot both be ordinary tokens of a BPE vocabulary; the
      // lower id (the earlier merge) wins, as it would in a rank lookup.
      if (tokenOf[node]! < 0) tokenOf[node] = id;
    }
    const old = this.table;
    bits = bitsFor(edges);
    this.table = new Int32Array(2 << bits);
    this.shift = 32 - bits;
    this.mask = (1 << bits) - 1;
    for (let h = 0; h < old.length; h += 2) if (old[h] !== 0) this.insert(old[h]!, old[h + 1]!);
    this.tokenOf = tokenOf.slice(0, nodes);
    this.depth2 = new Int32Array(65536).fill(-1);
    for (let a = 0; a < 256; a++) {
      const n1 = this.rootChild[a]!;
      if (n1 < 0) continue;
      for (let b = 0; b < 256; b++) this.depth2[a * 256 + b] = this.child(n1, b);
    }
    this.maxTokenBytes = maxLen;
    this.nTokens = n;
  }

  /** Child of `node` along byte `b`, -1 if none. */
  child(node: number, b: number): number {
    const key = node * 256 + b + 1;
    const table = this.table;
    const mask = this.mask;
    let h = Math.imul(key, -1640531535) >>> this.shift;
    while (true) {
      const k = table[2 * h]!;
      if (k === key) return table[2 * h + 1]!;
      if (k === 0) return -1;
      h = (h + 1) & mask;
    }
  }

  private insert(key: number, child: number): void {
    let h = Math.imul(key, -1640531535) >>> this.shift;
    while (this.table[2 * h] !== 0) h = (h + 1) & this.mask;
    this.table[2 * h] = key;
    this.table[2 * h + 1] = child;
  }

  /** Id of the token spelled by buf[start..end), -1 if there is none. */
  idOf(buf: Uint8Array, start: number, end: number): number {
    if (end <= start) return -1;
    let node: number;
    let k: number;
    if (end - start === 1) {
      node = this.rootChild[buf[start]!]!;
      k = end;
    } else {
      node = this.depth2[buf[start]! * 256 + buf[start + 1]!]!;
      k = start + 2;
    }
    for (; node >= 0 && k < end; k++) node = this.child(node, buf[k]!);
    return node < 0 ? -1 : this.tokenOf[node]!;
  }
}

/** An Encoding's ordinary tokens and their trie, built once per Encoding on first use. */
export interface VocabIndex {
  readonly trie: VocabTrie;
  /** Token id → bytes; undefined for special or unused ids. */
  readonly tokens: ReadonlyArray<Uint8Array | undefined>;
  /** Id of each single-byte token (the byte fallback of every segmentation), -1 if missing. */
  readonly byteToken: Int32Array;
}

/** log2 of a table size at least twice `entries` (and at least 16). */
function bitsFor(entries: number): number {
  let bits = 4;
  while (1 << bits < 2 * (entries + 1)) bits++;
  return bits;
}

const cache = new WeakMap<Encoding, VocabIndex>();

/** The vocabulary index of `enc` (built on first call: ~0.5 s for o200k_base). */
export function vocabIndex(enc: Encoding): VocabIndex {
  let index = cache.get(enc);
  if (index) return index;
  const tokens = ordinaryTokenBytes(enc);
  const trie = new VocabTrie(tokens);
  const byteToken = new Int32Array(256);
  const one = new Uint8Array(1);
  for (let b = 0; b < 256; b++) {
    one[0] = b;
    byteToken[b] = trie.idOf(one, 0, 1);
  }
  index = { trie, tokens, byteToken };
  cache.set(enc, index);
  return index;
}
