/**
 * The unigram Viterbi of both SentencePiece paths: SentencePiece's unigram encoder (unigram_model.cc `Model::EncodeOptimized`, the one
 * `Encode` runs): Viterbi over byte positions of the normalized text, keeping for each end
 * position only the best path that ends there.
 *
 * Its arithmetic is kept as it is, because near-ties are decided by it: a path score is
 * stored as a float32; a piece's candidate is the exact double sum of its float score and the
 * stored float (the user-defined score `length * max_score - 0.1` makes the expression a
 * double), compared in double with the stored float; the unknown candidate
 * (`min_score - 10` + stored) is float32 throughout. HF's Unigram (tokenizers'
 * `encode_optimized`, ./unigram.ts) runs the same Viterbi with f64 path scores:
 * `sums: "float64"` (on a few near-ties per thousand texts the two arithmetics differ).
 */
import { InvalidArgumentError } from "../../errors.js";
import { DoubleArray, type ByteTrie } from "./byte-trie.js";
import { oneCharLen } from "./model.js";

const FLT_MIN = 1.1754943508222875e-38;
const UNK_PENALTY = 10;

/** Which ids the Viterbi treats specially. */
export interface UnigramTables {
  trie: ByteTrie; // NORMAL, USER_DEFINED and UNUSED pieces
  scores: Float64Array; // float32 scores
  userDefined: Uint8Array; // 1 = USER_DEFINED
  unused: Uint8Array; // 1 = UNUSED
  byteLength: Int32Array; // UTF-8 length of each piece
  normalScores: number[];
  /** The unknown piece's id; -1: none (HF's Unigram without unk_id: taking an unknown node throws). */
  unkId: number;
  /** Path scores stored as float32 (SentencePiece, the default) or float64 (HF's Unigram). */
  sums?: "float32" | "float64";
}

export class UnigramEncoder {
  private readonly unkScore: number;
  private readonly f32: boolean;
  // float32 sums are kept as their exact double values (Math.fround), so one array serves both
  private best = new Float64Array(0);
  private from = new Int32Array(0);
  private ids = new Int32Array(0);
  private ends = new Int32Array(0);
  private readonly da: DoubleArray;
  /** Per double-array slot: the piece id ending there (-1 for none or an UNUSED piece) and its Viterbi score. */
  private readonly slotId: Int32Array;
  private readonly slotScore: Float64Array;

  constructor(private readonly t: UnigramTables) {
    this.da = new DoubleArray(t.trie);
    this.f32 = t.sums !== "float64";
    // spm starts from FLT_MAX / FLT_MIN, HF's min_score from f64 infinity
    let min = this.f32 ? 3.4028234663852886e38 : Infinity;
    let max = FLT_MIN;
    for (const s of t.normalScores) {
      if (s < min) min = s;
      if (s > max) max = s;
    }
    this.unkScore = this.f32 ? Math.fround(min - UNK_PENALTY) : min - UNK_PENALTY;
    const v = this.da.value;
    this.slotId = new Int32Array(v.length).fill(-1);
    this.slotScore = new Float64Array(v.length);
    for (let slot = 0; slot < v.length; slot++) {
      const id = v[slot]!;
      if (id < 0 || t.unused[id] === 1) continue;
      this.slotId[slot] = id;
      // a user-defined piece: `length * max_score_ - 0.1`, float product, double difference
      this.slotScore[slot] = t.userDefined[id] === 1 ? Math.fround(t.byteLength[id]! * max) - 0.1 : t.scores[id]!;
    }
  }

  /**
   * The best segmentation of bytes[0, n): calls `emit(start, end, id)` for each piece, left to
   * right (id is the unknown id for a character no piece covers).
   */
  encode(bytes: Uint8Array, n: number, emit: (start: number, end: number, id: number) => void): void {
    const count = this.segment(bytes, n);
    const ends = this.ends;
    let s = 0;
    for (let j = 0; j < count; j++) {
      const e = ends[j]!;
      emit(s, e, this.ids[e]!);
      s = e;
    }
    this.release();
  }

  /**
   * The best segmentation of bytes[0, n) without a callback: returns the piece count; piece j
   * ends at `ends[j]` (starts at the end before it, or 0) and has id `idAt(ends[j])`. Valid
   * until the next call; call `release()` after a huge text.
   */
  segment(bytes: Uint8Array, n: number): number {
    if (n === 0) return 0;
    if (this.best.length < n + 1) {
      const cap = Math.max(n + 1, this.best.length * 2);
      this.best = new Float64Array(cap);
      this.from = new Int32Array(cap);
      this.ids = new Int32Array(cap);
    }
    const best = this.best;
    const from = this.from;
    const ids = this.ids;
    from.fill(-1, 0, n + 1);
    best[0] = 0;
    const { base, check } = this.da;
    const slotId = this.slotId;
    const slotScore = this.slotScore;
    const unkScore = this.unkScore;
    const unkId = this.t.unkId;
    const f32 = this.f32;
    for (let start = 0; start < n; ) {
      const here = best[start]!;
      const mblen = Math.min(oneCharLen(bytes[start]!), n - start);
      let single = false;
      let slot = 0;
      for (let k = start; k < n; k++) {
        const next = base[slot]! + bytes[k]!;
        if (check[next] !== slot) break;
        slot = next;
        const id = slotId[slot]!;
        if (id < 0) continue;
        const end = k + 1;
        const cand = slotScore[slot]! + here;
        if (from[end] === -1 || cand > best[end]!) {
          best[end] = f32 ? Math.fround(cand) : cand;
          from[end] = start;
          ids[end] = id;
        }
        if (end - start === mblen) single = true;
      }
      if (!single) {
        const end = start + mblen;
        const cand = f32 ? Math.fround(unkScore + here) : unkScore + here;
        if (from[end] === -1 || cand > best[end]!) {
          if (unkId < 0) throw new InvalidArgumentError("tokenizer.json: Unigram model needs unk_id for this text");
          best[end] = cand;
          from[end] = start;
          ids[end] = unkId;
        }
      }
      start += mblen;
    }
    // backtrack into the list of ends
    let count = 0;
    for (let end = n; end > 0; end = from[end]!) count++;
    if (this.ends.length < count) this.ends = new Int32Array(Math.max(count, this.ends.length * 2));
    const ends = this.ends;
    let i = count;
    for (let end = n; end > 0; end = from[end]!) ends[--i] = end;
    return count;
  }

  /** Piece ends of the last `segment` (see there). */
  get pieceEnds(): Int32Array {
    return this.ends;
  }

  /** The id of the last `segment`'s piece that ends at `end`. */
  idAt(end: number): number {
    return this.ids[end]!;
  }

  /** 16 bytes of scratch per input byte: not kept after one huge text. */
  release(): void {
    if (this.best.length > 1 << 18) {
      this.best = new Float64Array(0);
      this.from = this.ids = this.ends = new Int32Array(0);
    }
  }
}
