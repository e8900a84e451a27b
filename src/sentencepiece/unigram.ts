/**
 * SentencePiece's unigram encoder (unigram_model.cc `Model::EncodeOptimized`, the one
 * `Encode` runs): Viterbi over byte positions of the normalized text, keeping for each end
 * position only the best path that ends there.
 *
 * Its arithmetic is kept as it is, because near-ties are decided by it: a path score is
 * stored as a float32; a piece's candidate is the exact double sum of its float score and the
 * stored float (the user-defined score `length * max_score - 0.1` makes the expression a
 * double), compared in double with the stored float; the unknown candidate
 * (`min_score - 10` + stored) is float32 throughout. HF's Unigram (src/hf/models/unigram.ts)
 * sums doubles, so it is not reused here: on a few near-ties per thousand texts the two differ.
 */
import { DoubleArray, type ByteTrie } from "./byte-trie.js";
import { oneCharLen } from "./normalizer.js";

const FLT_MIN = 1.1754943508222875e-38;
const UNK_PENALTY = 10;

/** Which ids the Viterbi treats specially. */
export interface UnigramTables {
  trie: ByteTrie; // NORMAL, USER_DEFINED and UNUSED pieces
  scores: Float64Array; // float32 scores
  userDefined: Uint8Array; // 1 = USER_DEFINED
  unused: Uint8Array; // 1 = UNUSED
  normalScores: number[];
  unkId: number;
}

export class UnigramEncoder {
  private readonly maxScore: number;
  private readonly unkScore: number;
  private best = new Float32Array(0);
  private from = new Int32Array(0);
  private ids = new Int32Array(0);
  private ends = new Int32Array(0);
  private readonly da: DoubleArray;

  constructor(private readonly t: UnigramTables) {
    this.da = new DoubleArray(t.trie);
    let min = 3.4028234663852886e38; // FLT_MAX
    let max = FLT_MIN;
    for (const s of t.normalScores) {
      if (s < min) min = s;
      if (s > max) max = s;
    }
    this.maxScore = max;
    this.unkScore = Math.fround(min - UNK_PENALTY);
  }

  /**
   * The best segmentation of bytes[0, n): calls `emit(start, end, id)` for each piece, left to
   * right (id is the unknown id for a character no piece covers).
   */
  encode(bytes: Uint8Array, n: number, emit: (start: number, end: number, id: number) => void): void {
    if (n === 0) return;
    if (this.best.length < n + 1) {
      const cap = Math.max(n + 1, this.best.length * 2);
      this.best = new Float32Array(cap);
      this.from = new Int32Array(cap);
      this.ids = new Int32Array(cap);
    }
    const best = this.best;
    const from = this.from;
    const ids = this.ids;
    best.fill(0, 0, n + 1);
    from.fill(-1, 0, n + 1);
    const { scores, userDefined, unused } = this.t;
    const { base, check, value } = this.da;
    const maxScore = this.maxScore;
    const unkScore = this.unkScore;
    const unkId = this.t.unkId;
    for (let start = 0; start < n; ) {
      const here = best[start]!;
      const mblen = Math.min(oneCharLen(bytes[start]!), n - start);
      let single = false;
      let slot = 0;
      for (let k = start; k < n; k++) {
        const next = base[slot]! + bytes[k]!;
        if (check[next] !== slot) break;
        slot = next;
        const id = value[slot]!;
        if (id < 0 || unused[id] === 1) continue;
        const end = k + 1;
        const length = end - start;
        const score = userDefined[id] === 1 ? Math.fround(length * maxScore) - 0.1 : scores[id]!;
        const cand = score + here;
        if (from[end] === -1 || cand > best[end]!) {
          best[end] = cand;
          from[end] = start;
          ids[end] = id;
        }
        if (length === mblen) single = true;
      }
      if (!single) {
        const end = start + mblen;
        const cand = Math.fround(unkScore + here);
        if (from[end] === -1 || cand > best[end]!) {
          best[end] = cand;
          from[end] = start;
          ids[end] = unkId;
        }
      }
      start += mblen;
    }
    // backtrack into a list of ends, then emit left to right
    let count = 0;
    for (let end = n; end > 0; end = from[end]!) count++;
    if (this.ends.length < count) this.ends = new Int32Array(Math.max(count, this.ends.length * 2));
    const ends = this.ends;
    let i = count;
    for (let end = n; end > 0; end = from[end]!) ends[--i] = end;
    let s = 0;
    for (let j = 0; j < count; j++) {
      const e = ends[j]!;
      emit(s, e, ids[e]!);
      s = e;
    }
    // 16 bytes of scratch per input byte: not kept after one huge text
    if (this.best.length > 1 << 18) {
      this.best = new Float32Array(0);
      this.from = this.ids = this.ends = new Int32Array(0);
    }
  }
}
