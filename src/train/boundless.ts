// BoundlessBPE (Schmidt, Reddy, Tanner, Pinter; COLM 2025, arXiv 2504.00178, §3 "BoundlessBPE"):
// pre-tokenization keeps BPE inside pretokens, so the token distribution piles up on common
// whole words. BoundlessBPE adds *supermerges*: two adjacent pretokens that are each already a
// single complete token (e.g. " of" and " the") may merge into a superword (" of the").
//
// What may merge, as the paper and its code (kensho-technologies/boundlessbpe) define it:
// - both sides are complete: the whole pretoken is one token (or a superword already);
// - both sides match the merge pattern: at least one letter, otherwise only letters with their
//   marks, spaces, "_", "'" and "’" (the code's IMPROVED_MERGE_PATTERN, with `.*` in the
//   lookahead so that one letter qualifies), so numbers, punctuation and newlines never join;
// - the superword spans at most `maxPretokens` pretokens (default 2, the paper's "two complete
//   pretokens"; the code lets superwords grow further, a larger value allows that).
// One pass (the code's one-queue trainer): at each step the most frequent regular pair and the
// most frequent supermerge candidate compete; the supermerge wins only with a strictly higher
// count. PickyBPE deletions (the paper's τ < 1 option) are not done: τ > 1 in the code's terms.
//
// Encoding (§3.3, the code's inference): pretokenize; BPE each pretoken; in each run of
// consecutive complete, mergeable pretokens apply the supermerges, lowest merge index first,
// as BPE over the run. No .tiktoken or tokenizer.json can say this, so the exports refuse.
//
// Memory: unlike classic training, the pretoken sequence of every distinct sequence (line) is
// kept: 20 bytes per pretoken of distinct text.
import type { JsMergeCore } from "./core-js.js";
import { PAIR_SHIFT, type CoreWords } from "./core.js";
import { MaxHeap } from "./max-heap.js";
import { addMerge, initialState, type MergeState } from "./merge-state.js";

export const MERGE_PATTERN = /^(?=.*\p{L})(?:\p{L}\p{M}*|[ _'\u2019])+$/u;

export interface BoundlessState extends MergeState {
  /** Internal ids of the superword tokens, with the (left, right) of the supermerge that made each. */
  superMerges: number[];
}

/** The pieces of one sequence as countInto cuts it: the matches and the text between them. */
export function pieces(re: RegExp, seq: string): string[] {
  const out: string[] = [];
  re.lastIndex = 0;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(seq)) !== null) {
    if (m[0].length === 0) {
      re.lastIndex = m.index + ((seq.codePointAt(m.index) ?? 0) > 0xffff ? 2 : 1);
      continue;
    }
    if (m.index > last) out.push(seq.slice(last, m.index));
    out.push(m[0]);
    last = m.index + m[0].length;
  }
  if (last < seq.length) out.push(seq.slice(last));
  return out;
}

/**
 * The supermerge layer: every distinct sequence as a linked list of units (a pretoken, or a
 * superword of several), each unit locked (-1) until its pretoken is one token.
 */
class SuperLayer {
  private readonly tok: Int32Array;
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  private readonly span: Uint16Array;
  private readonly weight: Float64Array;
  private readonly mergeable: Uint8Array;
  /** Positions of each word (pretoken) in the sequences. */
  private readonly at: Int32Array;
  private readonly atStart: Int32Array;
  readonly count = new Map<number, number>();
  private readonly where = new Map<number, number[]>();
  private readonly heap = new MaxHeap();
  private touched = new Set<number>();

  constructor(
    seqWords: Int32Array,
    seqEnds: Int32Array,
    seqCounts: Float64Array,
    wordMergeable: Uint8Array,
    private readonly maxPretokens: number,
  ) {
    const n = seqWords.length;
    this.tok = new Int32Array(n).fill(-1);
    this.next = new Int32Array(n);
    this.prev = new Int32Array(n);
    this.span = new Uint16Array(n).fill(1);
    this.weight = new Float64Array(n);
    this.mergeable = new Uint8Array(n);
    let s = 0;
    for (let q = 0; q < seqEnds.length; q++) {
      const e = seqEnds[q]!;
      for (let i = s; i < e; i++) {
        this.next[i] = i + 1 < e ? i + 1 : -1;
        this.prev[i] = i > s ? i - 1 : -1;
        this.weight[i] = seqCounts[q]!;
        this.mergeable[i] = wordMergeable[seqWords[i]!]!;
      }
      s = e;
    }
    const nWords = wordMergeable.length;
    this.atStart = new Int32Array(nWords + 1);
    for (let i = 0; i < n; i++) this.atStart[seqWords[i]! + 1]!++;
    for (let w = 0; w < nWords; w++) this.atStart[w + 1]! += this.atStart[w]!;
    this.at = new Int32Array(n);
    const fill = this.atStart.slice(0, nWords);
    for (let i = 0; i < n; i++) this.at[fill[seqWords[i]!]!++] = i;
  }

  private key(i: number): number {
    const j = this.next[i]!;
    if (j < 0 || this.tok[i]! < 0 || this.tok[j]! < 0 || !this.mergeable[i] || !this.mergeable[j]) return -1;
    if (this.span[i]! + this.span[j]! > this.maxPretokens) return -1;
    return this.tok[i]! * PAIR_SHIFT + this.tok[j]!;
  }

  private change(i: number, delta: number): void {
    if (i < 0) return;
    const k = this.key(i);
    if (k < 0) return;
    this.count.set(k, (this.count.get(k) ?? 0) + delta * this.weight[i]!);
    if (delta > 0) {
      const list = this.where.get(k);
      if (list) list.push(i);
      else this.where.set(k, [i]);
      this.touched.add(k);
    }
  }

  private flush(): void {
    for (const k of this.touched) {
      const c = this.count.get(k)!;
      if (c > 0) this.heap.push(c, k);
    }
    this.touched = new Set();
  }

  /** Word w became the single token `id`: its positions unlock. */
  complete(w: number, id: number): void {
    for (let x = this.atStart[w]!; x < this.atStart[w + 1]!; x++) {
      const i = this.at[x]!;
      this.change(this.prev[i]!, -1);
      this.tok[i] = id;
      this.change(this.prev[i]!, 1);
      this.change(i, 1);
    }
    this.flush();
  }

  /** The best supermerge candidate: [count, left, right], or undefined. */
  best(): [number, number, number] | undefined {
    const { heap } = this;
    while (heap.size > 0) {
      const c = heap.topCount;
      const k = heap.topKey;
      const cur = this.count.get(k) ?? 0;
      if (cur === c && c > 0) {
        const a = Math.floor(k / PAIR_SHIFT);
        return [c, a, k - a * PAIR_SHIFT];
      }
      heap.pop();
      if (cur > 0 && cur !== c) heap.push(cur, k);
    }
    return undefined;
  }

  /** Applies the supermerge (a, b) → id at every place it still holds, left to right. */
  apply(a: number, b: number, id: number): void {
    const k = a * PAIR_SHIFT + b;
    const list = (this.where.get(k) ?? []).sort((x, y) => x - y);
    this.where.delete(k);
    for (const i of list) {
      if (this.key(i) !== k) continue; // merged away or changed since
      const j = this.next[i]!;
      this.change(this.prev[i]!, -1);
      this.change(i, -1);
      this.change(j, -1);
      this.tok[i] = id;
      this.span[i]! += this.span[j]!;
      const nx = this.next[j]!;
      this.next[i] = nx;
      if (nx >= 0) this.prev[nx] = i;
      this.tok[j] = -2;
      this.change(this.prev[i]!, 1);
      this.change(i, 1);
    }
    this.count.delete(k);
    this.flush();
  }
}

/**
 * BoundlessBPE's loop: regular merges from `core` (the TS loop, which reports the words it
 * completes) and supermerges over the sequences, until `maxTokens` tokens.
 */
export function runBoundlessMerges(
  core: JsMergeCore,
  words: CoreWords,
  seq: { words: Int32Array; ends: Int32Array; counts: Float64Array; mergeable: Uint8Array },
  maxTokens: number,
  minFrequency: number,
  maxPretokens: number,
  progress?: (merges: number, vocab: number, count: number) => void,
): BoundlessState {
  const state = initialState();
  const { spell, merges } = state;
  const superMerges: number[] = [];
  const layer = new SuperLayer(seq.words, seq.ends, seq.counts, seq.mergeable, maxPretokens);
  for (let w = 0; w < words.counts.length; w++) {
    if (words.starts[w + 1]! - words.starts[w]! === 1) layer.complete(w, words.symbols[words.starts[w]!]!);
  }
  core.trackCompleted = true;
  let pending = core.next(minFrequency) ? { a: core.a, b: core.b, count: core.count } : undefined;
  const floor = Math.max(1, minFrequency);
  while (spell.length < maxTokens) {
    const sup = layer.best();
    const useSuper = sup !== undefined && sup[0] >= floor && (pending === undefined || sup[0] > pending.count);
    if (!useSuper && pending === undefined) break;
    const [a, b, count] = useSuper ? [sup![1], sup![2], sup![0]] : [pending!.a, pending!.b, pending!.count];
    const id = addMerge(state, a, b, count);
    if (useSuper) {
      superMerges.push(merges.length / 3 - 1);
      layer.apply(a, b, id);
    } else {
      core.apply(id);
      for (const w of core.completed) layer.complete(w, id);
      pending = core.next(minFrequency) ? { a: core.a, b: core.b, count: core.count } : undefined;
    }
    if (progress && (merges.length / 3) % 64 === 0) progress(merges.length / 3, spell.length, count);
  }
  return { ...state, superMerges };
}

/**
 * The sequences as word indices (into the sorted word list of wordsFromCounts), sorted so the
 * result does not depend on the order they were read in.
 */
export function sequenceWords(
  sequences: Map<string, number>,
  words: Map<string, number>,
  re: RegExp,
): { words: Int32Array; ends: Int32Array; counts: Float64Array; mergeable: Uint8Array } {
  const keys = [...words.keys()].sort();
  const wordIndex = new Map(keys.map((k, i) => [k, i]));
  const mergeable = Uint8Array.from(keys, (k) => (MERGE_PATTERN.test(k) ? 1 : 0));
  const seqs = [...sequences.keys()].sort();
  const out: number[] = [];
  const ends = new Int32Array(seqs.length);
  const counts = new Float64Array(seqs.length);
  seqs.forEach((q, i) => {
    for (const p of pieces(re, q)) out.push(wordIndex.get(p)!);
    ends[i] = out.length;
    counts[i] = sequences.get(q)!;
  });
  return { words: Int32Array.from(out), ends, counts, mergeable };
}

/**
 * Supermerges over one text's pretokens (their ids from per-pretoken BPE): in each run of
 * consecutive pretokens that are one mergeable token each, the adjacent pair with the lowest
 * supermerge rank merges first (leftmost on ties), as BPE, while the result spans at most
 * `maxPretokens` pretokens.
 */
export function applySupermerges(
  pieceIds: Uint32Array[],
  pieceMergeable: boolean[],
  superRank: Map<number, { rank: number; id: number }>,
  maxPretokens: number,
): number[] {
  const out: number[] = [];
  let run: number[] = [];
  let spans: number[] = [];
  const flush = (): void => {
    while (run.length > 1) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i + 1 < run.length; i++) {
        if (spans[i]! + spans[i + 1]! > maxPretokens) continue;
        const r = superRank.get(run[i]! * PAIR_SHIFT + run[i + 1]!);
        if (r !== undefined && r.rank < bestRank) {
          bestRank = r.rank;
          best = i;
        }
      }
      if (best < 0) break;
      run.splice(best, 2, superRank.get(run[best]! * PAIR_SHIFT + run[best + 1]!)!.id);
      spans.splice(best, 2, spans[best]! + spans[best + 1]!);
    }
    for (const id of run) out.push(id);
    run = [];
    spans = [];
  };
  for (let p = 0; p < pieceIds.length; p++) {
    const ids = pieceIds[p]!;
    if (ids.length === 1 && pieceMergeable[p]) {
      run.push(ids[0]!);
      spans.push(1);
    } else {
      flush();
      for (let i = 0; i < ids.length; i++) out.push(ids[i]!);
    }
  }
  flush();
  return out;
}
