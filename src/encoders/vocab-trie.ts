// A byte trie over the ordinary tokens of an Encoding, read through its public API only
// (`nVocab`, `isValidId`, `tokenBytes`, `specialTokens`). It answers the one question every
// alternative segmentation asks: which tokens start at this byte, and what are their ids. For
// tiktoken-style encodings an ordinary token's id is its merge rank, so the same lookup gives
// the BPE rank of any byte string.

import type { Encoding } from "../encoding.js";
import { TokenmillError } from "../errors.js";

/** Edges live in one open-addressing hash table keyed by (node, byte); the root is dense. */
export class VocabTrie {
  /** Token id ending at each node, -1 if none. */
  readonly tokenOf: Int32Array;
  /** Child of the root for each first byte, -1 if none (the hottest lookup, kept direct). */
  readonly rootChild: Int32Array;
  /** Bytes of the longest token. */
  readonly maxTokenBytes: number;
  /** Number of ordinary tokens indexed. */
  readonly nTokens: number;
  private readonly keys: Int32Array;
  private readonly vals: Int32Array;
  private readonly shift: number;
  private readonly mask: number;

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
    // Nodes ≤ total bytes + root; a table at most half full keeps probes short.
    let bits = 4;
    while (1 << bits < 2 * (totalBytes + 1)) bits++;
    if (totalBytes + 1 >= 1 << 23) throw new TokenmillError("VOCAB_TOO_LARGE", `vocabulary too large for the trie (${totalBytes} bytes of tokens)`);
    this.keys = new Int32Array(1 << bits); // 0 = empty slot; keys are node * 256 + byte + 1
    this.vals = new Int32Array(1 << bits);
    this.shift = 32 - bits;
    this.mask = (1 << bits) - 1;
    const tokenOf = new Int32Array(totalBytes + 1).fill(-1);
    this.rootChild = new Int32Array(256).fill(-1);
    let nodes = 1;
    for (let id = 0; id < tokens.length; id++) {
      const t = tokens[id];
      if (t === undefined || t.length === 0) continue;
      let node = this.rootChild[t[0]!]!;
      if (node < 0) node = this.rootChild[t[0]!] = nodes++;
      for (let k = 1; k < t.length; k++) {
        let child = this.child(node, t[k]!);
        if (child < 0) {
          child = nodes++;
          this.insert(node, t[k]!, child);
        }
        node = child;
      }
      // Two ids with the same bytes cannot both be ordinary tokens of a BPE vocabulary; the
      // lower id (the earlier merge) wins, as it would in a rank lookup.
      if (tokenOf[node]! < 0) tokenOf[node] = id;
    }
    this.tokenOf = tokenOf.subarray(0, nodes);
    this.maxTokenBytes = maxLen;
    this.nTokens = n;
  }

  /** Child of `node` along byte `b`, -1 if none. */
  child(node: number, b: number): number {
    const key = node * 256 + b + 1;
    const keys = this.keys;
    let h = Math.imul(key, 0x9e3779b1) >>> this.shift;
    while (true) {
      const k = keys[h]!;
      if (k === key) return this.vals[h]!;
      if (k === 0) return -1;
      h = (h + 1) & this.mask;
    }
  }

  private insert(node: number, b: number, child: number): void {
    const key = node * 256 + b + 1;
    let h = Math.imul(key, 0x9e3779b1) >>> this.shift;
    while (this.keys[h] !== 0) h = (h + 1) & this.mask;
    this.keys[h] = key;
    this.vals[h] = child;
  }

  /** Id of the token spelled by buf[start..end), -1 if there is none. */
  idOf(buf: Uint8Array, start: number, end: number): number {
    if (end <= start) return -1;
    let node = this.rootChild[buf[start]!]!;
    for (let k = start + 1; node >= 0 && k < end; k++) node = this.child(node, buf[k]!);
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

const cache = new WeakMap<Encoding, VocabIndex>();

/** The vocabulary index of `enc` (built on first call: ~0.5 s for o200k_base). */
export function vocabIndex(enc: Encoding): VocabIndex {
  let index = cache.get(enc);
  if (index) return index;
  const special = new Set(Object.values(enc.specialTokens));
  const tokens: Array<Uint8Array | undefined> = new Array(enc.nVocab);
  for (let id = 0; id < enc.nVocab; id++) {
    tokens[id] = !special.has(id) && enc.isValidId(id) ? enc.tokenBytes(id) : undefined;
  }
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
