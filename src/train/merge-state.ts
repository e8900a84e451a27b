// The merge bookkeeping the trainer's drivers share: the tokens so far (as latin1 byte strings)
// and the merges made. Its own module, not train.ts, so that TrainedTokenizer's imports
// (scaffold, boundless) do not pull the trainer in: train() is loaded on its first call
// (train/index.ts; PERFORMANCE.md C8).
import { HF_BYTE_ORDER } from "./byte-level.js";

/** The driver's state in internal ids (alphabet in HF order, then merged tokens). */
export interface MergeState {
  /** Each token's bytes as a latin1 string. */
  spell: string[];
  index: Map<string, number>;
  /** (a, b, result) internal id triples. */
  merges: number[];
  counts: number[];
}

/**
 * Records the merge (a, b) with its pair count and returns the id of the merged token: a new
 * id, or the existing one when its bytes already are a token (HF's word_to_id lookup, core.ts).
 */
export function addMerge(state: MergeState, a: number, b: number, count: number): number {
  const { spell, index } = state;
  const s = spell[a]! + spell[b]!;
  let id = index.get(s);
  if (id === undefined) {
    id = spell.length;
    spell.push(s);
    index.set(s, id);
  }
  state.merges.push(a, b, id);
  state.counts.push(count);
  return id;
}

export function initialState(): MergeState {
  const spell = Array.from(HF_BYTE_ORDER, (b) => String.fromCharCode(b));
  return { spell, index: new Map(spell.map((s, i) => [s, i])), merges: [], counts: [] };
}
