// Parity-aware BPE (Foroutan, Meister, Paul, Niklaus, Ahmadi, Bosselut, Sennrich; arXiv
// 2508.04796, §3 "Parity-aware BPE", Algorithm 1; reference code swiss-ai/parity-aware-bpe
// `parity_aware_learn_bpe.py`): one training corpus per language and a multi-parallel dev set
// (the same content in every language). At each merge step:
//   1. the worst-compressed language l* is the one whose dev text takes the most tokens under
//      the merges so far (the reference's `lengths`; parallel text makes counts comparable);
//      without a dev set, the one whose training text is compressed least (initial length /
//      current length, the reference's `--ratio` mode with all ratios 1);
//   2. the merge is the most frequent pair *in l*'s training corpus*;
//   3. it is applied to every language's words, training and dev alike.
// `globalMerges` M: the first M merges are classic ones, by the pair counts summed over the
// languages (the reference's `--global-merges`). Training stops when the vocabulary is full or
// l*'s best pair is below max(1, minFrequency) (the reference stops there too).
//
// Ties (our choice; the reference takes the largest pair string): the higher count, then the
// smaller (a, b) in the classic trainer's id order. The result is ordinary BPE: its merges
// encode and export as classic ones.
import { PAIR_SHIFT } from "./core.js";
import { MaxHeap } from "./max-heap.js";
import { addMerge, initialState, type MergeState } from "./merge-state.js";
import { BYTE_TO_SYMBOL } from "./byte-level.js";

export interface ParityWords {
  /** Each distinct word (over all languages, training and dev) as its UTF-8 symbols. */
  words: Uint32Array[];
  /** Training count of word w in language l: train[w * L + l]. */
  train: Float64Array;
  /** Dev count of word w in language l (all 0 without a dev set). */
  dev: Float64Array;
  languages: string[];
  hasDev: boolean;
}

/** Word tables of each language (training, and dev if given) → ParityWords (words sorted). */
export function parityWords(train: Map<string, number>[], dev: Map<string, number>[] | undefined, languages: string[]): ParityWords {
  const L = languages.length;
  const all = new Set<string>();
  for (const m of train) for (const k of m.keys()) all.add(k);
  for (const m of dev ?? []) for (const k of m.keys()) all.add(k);
  const keys = [...all].sort();
  const enc = new TextEncoder();
  const words = keys.map((k) => Uint32Array.from(enc.encode(k), (b) => BYTE_TO_SYMBOL[b]!));
  const t = new Float64Array(keys.length * L);
  const d = new Float64Array(keys.length * L);
  keys.forEach((k, w) => {
    for (let l = 0; l < L; l++) {
      t[w * L + l] = train[l]!.get(k) ?? 0;
      if (dev) d[w * L + l] = dev[l]!.get(k) ?? 0;
    }
  });
  return { words, train: t, dev: d, languages, hasDev: dev !== undefined };
}

export interface ParityState extends MergeState {
  /** The language each merge was chosen for (-1: a global merge). */
  chosenFor: number[];
}

/** The parity-aware merge loop (see the module comment) up to `maxTokens` tokens. */
export function runParityMerges(
  pw: ParityWords,
  maxTokens: number,
  minFrequency: number,
  globalMerges: number,
  progress?: (merges: number, vocab: number, count: number) => void,
): ParityState {
  const L = pw.languages.length;
  const { words, train: tc, dev: dc } = pw;
  const state = initialState();
  const { spell, merges } = state;
  const chosenFor: number[] = [];
  // Pair statistics: per language training counts, then their sum (channel L).
  const stats = new Map<number, Float64Array>();
  const where = new Map<number, Set<number>>();
  const heaps = Array.from({ length: L + 1 }, () => new MaxHeap());
  const lengths = new Float64Array(L); // dev (or training) tokens of each language
  const initial = new Float64Array(L);
  for (let w = 0; w < words.length; w++) {
    for (let l = 0; l < L; l++) lengths[l]! += words[w]!.length * (pw.hasDev ? dc[w * L + l]! : tc[w * L + l]!);
  }
  initial.set(lengths);
  const touched = new Set<number>();
  const wordTotal = new Float64Array(words.length);
  for (let w = 0; w < words.length; w++) for (let l = 0; l < L; l++) wordTotal[w]! += tc[w * L + l]!;
  const addPairs = (w: number, sign: number): void => {
    const s = words[w]!;
    const base = w * L;
    for (let i = 0; i + 1 < s.length; i++) {
      const key = s[i]! * PAIR_SHIFT + s[i + 1]!;
      let v = stats.get(key);
      if (v === undefined) stats.set(key, (v = new Float64Array(L + 1)));
      for (let l = 0; l < L; l++) v[l]! += sign * tc[base + l]!;
      v[L]! += sign * wordTotal[w]!;
      if (sign > 0) {
        let set = where.get(key);
        if (set === undefined) where.set(key, (set = new Set()));
        set.add(w);
      }
      touched.add(key);
    }
  };
  const flush = (): void => {
    for (const key of touched) {
      const v = stats.get(key)!;
      for (let c = 0; c <= L; c++) if (v[c]! > 0) heaps[c]!.push(v[c]!, key);
    }
    touched.clear();
  };
  for (let w = 0; w < words.length; w++) addPairs(w, 1);
  flush();
  const best = (c: number): [number, number] | undefined => {
    const h = heaps[c]!;
    while (h.size > 0) {
      const count = h.topCount;
      const key = h.topKey;
      if ((stats.get(key)?.[c] ?? 0) === count) return [count, key];
      h.pop(); // stale: the current count, if positive, was pushed when it changed
    }
    return undefined;
  };
  const floor = Math.max(1, minFrequency);
  while (spell.length < maxTokens) {
    let lang = -1;
    if (merges.length / 3 >= globalMerges) {
      // worst compressed: most dev tokens, or the least training compression
      let worst = -Infinity;
      for (let l = 0; l < L; l++) {
        const score = pw.hasDev ? lengths[l]! : lengths[l]! / initial[l]!;
        if (score > worst) {
          worst = score;
          lang = l;
        }
      }
    }
    const top = best(lang < 0 ? L : lang);
    if (top === undefined || top[0] < floor) break;
    const [count, key] = top;
    const a = Math.floor(key / PAIR_SHIFT);
    const b = key - a * PAIR_SHIFT;
    const id = addMerge(state, a, b, count);
    chosenFor.push(lang);
    // Each word is rewritten on its own, so the order does not matter.
    const list = where.get(key) ?? [];
    where.delete(key);
    for (const w of list) {
      const old = words[w]!;
      let found = false;
      for (let i = 0; i + 1 < old.length; i++) if (old[i] === a && old[i + 1] === b) found = true;
      if (!found) continue;
      addPairs(w, -1);
      const out: number[] = [];
      for (let i = 0; i < old.length; ) {
        if (old[i] === a && i + 1 < old.length && old[i + 1] === b) {
          out.push(id);
          i += 2;
        } else out.push(old[i++]!);
      }
      const shrink = old.length - out.length;
      for (let l = 0; l < L; l++) lengths[l]! -= shrink * (pw.hasDev ? dc[w * L + l]! : tc[w * L + l]!);
      words[w] = Uint32Array.from(out);
      addPairs(w, 1);
    }
    flush();
    if (progress && (merges.length / 3) % 64 === 0) progress(merges.length / 3, spell.length, count);
  }
  return { ...state, chosenFor };
}
