// The merge loop shared by "longest-first" and "dropout": byte-pair merging of one pre-token
// where the next merge is the adjacent pair with the smallest priority key (leftmost on ties),
// optionally dropping candidates at random. With key = rank of the merged token and no drops it
// is exactly tiktoken's byte-pair merge (every ordinary token's id is its rank); tests check
// that against `Encoding.encode`.
//
// A heap of candidate pairs keeps it O(n log n) per pre-token; entries made stale by a merge
// are recognised when popped (their left or right part no longer has the recorded extent).

import type { IdBuffer } from "./id-buffer.js";
import { unspellable } from "./min-tokens.js";
import type { VocabIndex } from "./vocab-trie.js";

/** Priority of merging into token `id` of `len` bytes: smaller merges first. */
export type MergeKey = (id: number, len: number) => number;

/** Counts of a dropout run: candidate merges drawn, and how many of them were dropped. */
export interface DropStats {
  drawn: number;
  dropped: number;
}

export class RankMerger {
  private partEnd = new Int32Array(64);
  private prev = new Int32Array(64);
  // heap of candidates: key, then left start (leftmost first on equal keys)
  private hKey = new Float64Array(64);
  private hLeft = new Int32Array(64);
  private hMid = new Int32Array(64);
  private hEnd = new Int32Array(64);
  private hLen = 0;
  private skipped: number[] = [];

  constructor(
    private readonly index: VocabIndex,
    private readonly key: MergeKey,
  ) {}

  /**
   * Appends the ids of buf[start..end) to `out`. `drop`, if given, is asked once for each
   * candidate merge considered; true drops it for this step (BPE-dropout).
   */
  segmentPiece(buf: Uint8Array, start: number, end: number, out: IdBuffer, drop?: () => boolean, stats?: DropStats): void {
    const n = end - start;
    const trie = this.index.trie;
    if (n === 1) {
      const id = this.index.byteToken[buf[start]!]!;
      if (id < 0) throw unspellable(buf, start, end, this.index.byteToken);
      out.push(id);
      return;
    }
    if (this.partEnd.length <= n) {
      let len = this.partEnd.length;
      while (len <= n) len *= 2;
      this.partEnd = new Int32Array(len);
      this.prev = new Int32Array(len);
    }
    const partEnd = this.partEnd;
    const prev = this.prev;
    this.hLen = 0;
    for (let i = 0; i < n; i++) {
      partEnd[i] = i + 1;
      prev[i] = i - 1;
    }
    for (let i = 0; i + 1 < n; i++) this.candidate(buf, start, i, i + 1, i + 2);
    const skipped = this.skipped;
    skipped.length = 0;
    while (this.hLen > 0) {
      const left = this.hLeft[0]!;
      const mid = this.hMid[0]!;
      const right = this.hEnd[0]!;
      const key = this.hKey[0]!;
      this.pop();
      if (partEnd[left] !== mid || partEnd[mid] !== right) continue; // stale
      if (drop) {
        if (stats) stats.drawn++;
        if (drop()) {
          if (stats) stats.dropped++;
          skipped.push(key, left, mid, right);
          continue;
        }
      }
      partEnd[left] = right;
      partEnd[mid] = -1;
      if (right < n) prev[right] = left;
      // Candidates dropped at this step are candidates again at the next one.
      for (let k = 0; k < skipped.length; k += 4) this.push(skipped[k]!, skipped[k + 1]!, skipped[k + 2]!, skipped[k + 3]!);
      skipped.length = 0;
      const p = prev[left]!;
      if (p >= 0) this.candidate(buf, start, p, left, right);
      if (right < n) this.candidate(buf, start, left, right, partEnd[right]!);
    }
    for (let i = 0; i < n; i = partEnd[i]!) {
      const id = trie.idOf(buf, start + i, start + partEnd[i]!);
      if (id < 0) throw unspellable(buf, start + i, start + partEnd[i]!, this.index.byteToken);
      out.push(id);
    }
  }

  private candidate(buf: Uint8Array, start: number, left: number, mid: number, right: number): void {
    const id = this.index.trie.idOf(buf, start + left, start + right);
    if (id >= 0) this.push(this.key(id, right - left), left, mid, right);
  }

  private less(a: number, b: number): boolean {
    const ka = this.hKey[a]!;
    const kb = this.hKey[b]!;
    return ka < kb || (ka === kb && this.hLeft[a]! < this.hLeft[b]!);
  }

  private swap(a: number, b: number): void {
    const k = this.hKey[a]!; this.hKey[a] = this.hKey[b]!; this.hKey[b] = k;
    const l = this.hLeft[a]!; this.hLeft[a] = this.hLeft[b]!; this.hLeft[b] = l;
    const m = this.hMid[a]!; this.hMid[a] = this.hMid[b]!; this.hMid[b] = m;
    const e = this.hEnd[a]!; this.hEnd[a] = this.hEnd[b]!; this.hEnd[b] = e;
  }

  private push(key: number, left: number, mid: number, right: number): void {
    if (this.hLen === this.hKey.length) {
      const grow = <T extends Float64Array | Int32Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.hKey = grow(this.hKey);
      this.hLeft = grow(this.hLeft);
      this.hMid = grow(this.hMid);
      this.hEnd = grow(this.hEnd);
    }
    let i = this.hLen++;
    this.hKey[i] = key;
    this.hLeft[i] = left;
    this.hMid[i] = mid;
    this.hEnd[i] = right;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private pop(): void {
    const last = --this.hLen;
    if (last === 0) return;
    this.hKey[0] = this.hKey[last]!;
    this.hLeft[0] = this.hLeft[last]!;
    this.hMid[0] = this.hMid[last]!;
    this.hEnd[0] = this.hEnd[last]!;
    let i = 0;
    while (true) {
      const l = 2 * i + 1;
      if (l >= last) break;
      const r = l + 1;
      const c = r < last && this.less(r, l) ? r : l;
      if (!this.less(c, i)) break;
      this.swap(c, i);
      i = c;
    }
  }
}

/** BPE's order: the lowest rank (= id) first. */
export const RANK_KEY: MergeKey = (id) => id;

/**
 * LBPE's order ("LBPE: Long-token-first Tokenization to Improve Large Language Models",
 * arXiv 2411.05504, abstract and method): the encoding stage generates tokens "according to
 * their reverse ranks of token length rather than their ranks in the vocabulary" — the merge
 * producing the longest token (in bytes) comes first. The text read here does not say how
 * tokens of equal length are ordered; they keep their vocabulary rank (BPE's order), then the
 * leftmost pair goes first.
 */
export const LONGEST_FIRST_KEY: MergeKey = (id, len) => (0x10000 - len) * 0x100000000 + id;
