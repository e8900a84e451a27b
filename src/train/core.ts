// The merge loop's data, shared by the WASM core and its pure-TS twin (core-js.ts).
//
// HF BpeTrainer (tokenizers/src/models/bpe/trainer.rs, `do_train`), which both cores follow
// step for step:
// - every adjacent symbol pair of every word is counted, weighted by the word's count, and a
//   queue entry (pair, count, the set of words that had it) is pushed per pair;
// - the queue pops the highest count; EQUAL COUNTS: the pair (a, b) with the smaller a, then
//   the smaller b, where ids are: special tokens first, then the alphabet in code point order
//   of HF's byte-level stand-in characters (byte-level.ts), then merged tokens in creation order;
// - an entry whose stored count is no longer the pair's count is pushed back with the current
//   count and the same words (lazy invalidation), and not merged now;
// - training stops when the vocabulary (special tokens + alphabet + distinct merged tokens)
//   reaches vocabSize, the queue is empty, or the best count is below 1 or minFrequency;
// - merging (a, b) rewrites each listed word left to right, non-overlapping (HF Word::merge);
//   each rewrite changes the counts of the neighbour pairs, and every pair that gained an
//   occurrence gets a new entry (with the words that gained it) if its count is positive;
// - a merged token whose bytes already exist keeps the existing id (HF's word_to_id lookup),
//   so a merge list may hold two merges giving one token, and vocabSize counts it once.
// The merged pair's own count is never lowered (HF does not): its entry is gone, and only a
// later positive change could bring it back.

/** The words to train on: symbol ids (HF alphabet order) back to back, with counts. */
export interface CoreWords {
  symbols: Uint32Array;
  /** nWords + 1 offsets into symbols. */
  starts: Uint32Array;
  /** Occurrences of each word in the corpus. */
  counts: Float64Array;
}

/** One merge loop; a driver (train.ts) owns the vocabulary and calls next/apply in turn. */
export interface MergeCore {
  /**
   * Finds the next merge: false when the queue is empty or the best count is below
   * max(1, minFrequency). Otherwise sets `a`, `b` and `count`.
   */
  next(minFrequency: number): boolean;
  readonly a: number;
  readonly b: number;
  readonly count: number;
  /** Merges (a, b) into `id` in the words of the entry found by next(). */
  apply(id: number): void;
  /**
   * Occurrences of (a, b) the last apply() replaced, weighted by word counts: at most `count`,
   * less in runs like "aaa" (one merge where the pair counts twice). Scaffold-BPE's token
   * frequencies follow it.
   */
  readonly applied: number;
  /** Frees what the core holds (WASM memory). */
  dispose(): void;
}

/** Pair key: exact in a double while ids stay below 2^22 (train() checks vocabSize). */
export const PAIR_SHIFT = 4194304;
export const MAX_IDS = PAIR_SHIFT;
