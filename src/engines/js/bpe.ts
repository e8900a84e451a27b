/**
 * Byte-pair merge with tiktoken's exact semantics (DESIGN.md, "BPE"): a piece that is a
 * vocabulary entry is one token; otherwise start from single bytes and repeatedly merge the
 * adjacent pair whose concatenation has the lowest rank, ties to the leftmost pair.
 *
 * Short pieces use tiktoken's own algorithm (linear min-scan over a parts array); long ones a
 * 4-ary heap of the pairs keyed by (rank, position) with lazy deletion, O(n log n). Both produce the same merges: the heap's top is always the
 * minimal (rank, leftmost position) among the current pairs, which is exactly the pair the
 * min-scan picks. All scratch space is reused across calls.
 */
import type { RankTable } from "./rank-table.js";

const NONE = 0x7fffffff; // "no rank" (tiktoken's Rank::MAX)
const LINEAR_MAX = 64;
const TWO32 = 4294967296;

export class BytePairEncoder {
  /** Output ranks; `outLen` of them are valid. Grown as needed (keep no views across calls). */
  out = new Uint32Array(1024);
  outLen = 0;

  // linear min-scan scratch (indexed by part)
  private readonly lPos = new Int32Array(LINEAR_MAX + 2);
  private readonly lPair = new Int32Array(LINEAR_MAX + 2);
  private readonly lTok = new Int32Array(LINEAR_MAX + 2);

  // heap scratch (indexed by byte offset within the piece)
  private cap = 0;
  private nxt = new Int32Array(0);
  private prv = new Int32Array(0);
  private tok = new Int32Array(0);
  private pair = new Int32Array(0);
  private heap = new Float64Array(0);

  constructor(readonly table: RankTable) {}

  /** Bytes of scratch held now (output and heap buffers). */
  get scratchBytes(): number {
    return this.out.byteLength + this.nxt.byteLength + this.prv.byteLength + this.tok.byteLength + this.pair.byteLength + this.heap.byteLength;
  }

  /**
   * Drops each buffer larger than `maxBytes` (0: all of them) back to its initial size, so that
   * one huge text does not keep its scratch for good. Only between calls (`outLen` must be 0).
   */
  release(maxBytes: number): void {
    if (this.out.byteLength > Math.max(maxBytes, 4096)) this.out = new Uint32Array(1024);
    if (this.heap.byteLength > maxBytes || this.nxt.byteLength > maxBytes) {
      this.cap = 0;
      this.nxt = new Int32Array(0);
      this.prv = new Int32Array(0);
      this.tok = new Int32Array(0);
      this.pair = new Int32Array(0);
      this.heap = new Float64Array(0);
    }
  }

  private push(rank: number): void {
    if (this.outLen === this.out.length) {
      const bigger = new Uint32Array(this.out.length * 2);
      bigger.set(this.out);
      this.out = bigger;
    }
    this.out[this.outLen++] = rank;
  }

  /** Ensures `out` has room for `n` more ranks. */
  reserve(n: number): void {
    const need = this.outLen + n;
    if (need <= this.out.length) return;
    let len = this.out.length * 2;
    while (len < need) len *= 2;
    const bigger = new Uint32Array(len);
    bigger.set(this.out.subarray(0, this.outLen));
    this.out = bigger;
  }

  /** Appends the ranks of buf[start..end) (a non-empty piece) to `out`. */
  encodePiece(buf: Uint8Array, start: number, end: number): void {
    const table = this.table;
    const n = end - start;
    if (n === 1) {
      this.push(table.byteRank[buf[start]!]!);
      return;
    }
    const whole = table.lookup(buf, start, end);
    if (whole >= 0) {
      this.push(whole);
      return;
    }
    if (n <= LINEAR_MAX) this.mergeLinear(buf, start, n);
    else this.mergeHeap(buf, start, n);
  }

  /** tiktoken's `_byte_pair_merge`, plus the token rank of each part to avoid re-lookups. */
  private mergeLinear(buf: Uint8Array, start: number, n: number): void {
    const table = this.table;
    const pos = this.lPos;
    const pr = this.lPair;
    const tok = this.lTok;
    const byteRank = table.byteRank;
    // parts 0..n: part k starts at byte k; pr[k] = rank of parts k and k+1 together
    for (let k = 0; k < n; k++) {
      pos[k] = k;
      tok[k] = byteRank[buf[start + k]!]!;
    }
    pos[n] = n;
    let minRank = NONE;
    let minIdx = -1;
    for (let k = 0; k < n - 1; k++) {
      const r = table.lookup(buf, start + k, start + k + 2);
      const rr = r < 0 ? NONE : r;
      pr[k] = rr;
      if (rr < minRank) {
        minRank = rr;
        minIdx = k;
      }
    }
    pr[n - 1] = NONE;
    pr[n] = NONE;
    let m = n + 1; // number of entries in pos (parts + the end sentinel)
    while (minRank !== NONE) {
      const i = minIdx;
      tok[i] = minRank;
      if (i > 0) {
        // pair (i-1, merged i): bytes pos[i-1] .. pos[i+2] (i+2 < m always holds here)
        const r = table.lookup(buf, start + pos[i - 1]!, start + pos[i + 2]!);
        pr[i - 1] = r < 0 ? NONE : r;
      }
      if (i + 3 < m) {
        const r = table.lookup(buf, start + pos[i]!, start + pos[i + 3]!);
        pr[i] = r < 0 ? NONE : r;
      } else pr[i] = NONE;
      // remove entry i+1
      for (let k = i + 1; k < m - 1; k++) {
        pos[k] = pos[k + 1]!;
        pr[k] = pr[k + 1]!;
        tok[k] = tok[k + 1]!;
      }
      m--;
      minRank = NONE;
      minIdx = -1;
      for (let k = 0; k < m - 1; k++) {
        const r = pr[k]!;
        if (r < minRank) {
          minRank = r;
          minIdx = k;
        }
      }
    }
    this.reserve(m - 1);
    const out = this.out;
    let o = this.outLen;
    for (let k = 0; k < m - 1; k++) out[o++] = tok[k]!;
    this.outLen = o;
  }

  private ensureHeapScratch(n: number): void {
    if (n + 1 <= this.cap) return;
    let cap = Math.max(256, this.cap * 2);
    while (cap < n + 1) cap *= 2;
    this.cap = cap;
    this.nxt = new Int32Array(cap);
    this.prv = new Int32Array(cap);
    this.tok = new Int32Array(cap);
    this.pair = new Int32Array(cap);
    this.heap = new Float64Array(cap * 2);
  }

  /**
   * Heap merge. The heap (4-ary, min-first) holds keys rank * 2^32 + p for the pairs (part p,
   * next part), ordered by (rank, p). Entries go stale when a merge changes pair[p] or removes
   * part p; they are skipped when popped (pair[p] no longer equals their rank; the rank of
   * a given p never repeats, since each new pair of p covers strictly more bytes).
   */
  private mergeHeap(buf: Uint8Array, start: number, n: number): void {
    this.ensureHeapScratch(n);
    const table = this.table;
    const byteRank = table.byteRank;
    const nxt = this.nxt;
    const prv = this.prv;
    const tok = this.tok;
    const pair = this.pair; // rank of (part p, next part); NONE if none; -1 once p is merged away
    let heap = this.heap;
    let hn = 0;
    for (let p = 0; p < n; p++) {
      nxt[p] = p + 1;
      prv[p] = p - 1;
      tok[p] = byteRank[buf[start + p]!]!;
    }
    for (let p = 0; p < n - 1; p++) {
      const r = table.lookup(buf, start + p, start + p + 2);
      if (r < 0) pair[p] = NONE;
      else {
        pair[p] = r;
        heap[hn++] = r * TWO32 + p;
      }
    }
    pair[n - 1] = NONE;
    for (let k = (hn - 2) >> 2; k >= 0; k--) siftDown(heap, k, hn);

    while (hn > 0) {
      const top = heap[0]!;
      hn--;
      if (hn > 0) {
        heap[0] = heap[hn]!;
        siftDown(heap, 0, hn);
      }
      const r = Math.floor(top / TWO32);
      const p = top - r * TWO32;
      if (pair[p] !== r) continue; // stale
      // merge part p with its next part q
      const q = nxt[p]!;
      const after = nxt[q]!;
      tok[p] = r;
      nxt[p] = after;
      if (after < n) prv[after] = p;
      pair[q] = -1;
      if (hn + 2 > heap.length) {
        const bigger = new Float64Array(heap.length * 2);
        bigger.set(heap);
        heap = this.heap = bigger;
      }
      // new pair (p, after)
      if (after < n) {
        const rr = table.lookup(buf, start + p, start + nxt[after]!);
        if (rr < 0) pair[p] = NONE;
        else {
          pair[p] = rr;
          hn = heapPush(heap, hn, rr * TWO32 + p);
        }
      } else pair[p] = NONE;
      // new pair (prev, p)
      const pp = prv[p]!;
      if (pp >= 0) {
        const rr = table.lookup(buf, start + pp, start + after);
        if (rr < 0) pair[pp] = NONE;
        else {
          pair[pp] = rr;
          hn = heapPush(heap, hn, rr * TWO32 + pp);
        }
      }
    }
    // count parts, then emit
    let count = 0;
    for (let p = 0; p < n; p = nxt[p]!) count++;
    this.reserve(count);
    const out = this.out;
    let o = this.outLen;
    for (let p = 0; p < n; p = nxt[p]!) out[o++] = tok[p]!;
    this.outLen = o;
  }
}

/** 4-ary min-heap: children of k are 4k+1 .. 4k+4. */
function siftDown(heap: Float64Array, k: number, n: number): void {
  const x = heap[k]!;
  for (;;) {
    const c0 = 4 * k + 1;
    if (c0 >= n) break;
    let c = c0;
    let v = heap[c0]!;
    const cEnd = c0 + 4 < n ? c0 + 4 : n;
    for (let j = c0 + 1; j < cEnd; j++) {
      const w = heap[j]!;
      if (w < v) {
        v = w;
        c = j;
      }
    }
    if (v >= x) break;
    heap[k] = v;
    k = c;
  }
  heap[k] = x;
}

function heapPush(heap: Float64Array, n: number, x: number): number {
  let k = n;
  while (k > 0) {
    const parent = (k - 1) >> 2;
    const y = heap[parent]!;
    if (y <= x) break;
    heap[k] = y;
    k = parent;
  }
  heap[k] = x;
  return n + 1;
}
