// Scaffold-BPE (Lian et al., arXiv 2404.17808, §3.2 "Scaffold-BPE", Algorithm 1): BPE keeps
// every token it makes, also those that mostly exist as parts of longer ones ("scaffold
// tokens", e.g. "zona" once "Arizona" is a token) and so are rare in the encoded text. Here:
//
// - Training (§3.2.1 "Expanding vocabulary"): the queue holds the candidate pairs and the
//   scaffold tokens, each with its frequency: a pair's count, a token's occurrences in the
//   corpus as currently tokenized. After a pair (a, b) is merged into t, f(a) and f(b) drop
//   by the merges made and f(t) rises by them; then each of a and b (never a byte) whose
//   frequency is below f(Q.head), the frequency of the queue's next item, is marked a
//   scaffold token: it stays in the expanded vocabulary E (the words keep it, later merges may
//   use it) but leaves the vocabulary V and stops counting toward its size. When a scaffold
//   token is the queue's head, i.e. its frequency is at least the best pair's count (ties go to
//   the token), it goes back into V ("re-integration") instead of a merge. Training stops when
//   |V| reaches the target. Parameter-free, as the paper says; a pair still needs
//   max(1, minFrequency) occurrences.
// - Encoding (§3.2.2 "Demolishing"): ordinary BPE with E, then every scaffold token of the
//   result is replaced by the two tokens of the merge that made it, recursively, so no
//   scaffold token is ever emitted.
//
// Our choices where the paper leaves it open: f(Q.head) includes the scaffold tokens waiting in
// the queue (they are items of Q); a merged token that already is a scaffold token (HF reuses
// ids) stays one until its frequency brings it back.
import type { MergeCore } from "./core.js";
import { MaxHeap } from "./max-heap.js";
import { addMerge, initialState, type MergeState } from "./merge-state.js";

export interface ScaffoldState extends MergeState {
  /** Internal ids of the scaffold tokens at the end (never bytes). */
  scaffold: Set<number>;
  /** Each token's frequency in the training corpus as tokenized at the end, by internal id. */
  frequency: number[];
  /** Re-integrations made (scaffold tokens that went back into the vocabulary). */
  reintegrated: number;
}

/** A max-queue of scaffold tokens by frequency (ties: the lower id); stale entries dropped on peek. */
class ScaffoldQueue {
  private readonly heap = new MaxHeap();

  push(freq: number, id: number): void {
    this.heap.push(freq, id);
  }

  /** The best entry still true of `scaffold` and `frequency`, or undefined. */
  peek(scaffold: Set<number>, frequency: number[]): { freq: number; id: number } | undefined {
    const { heap } = this;
    while (heap.size > 0) {
      const freq = heap.topCount;
      const id = heap.topKey;
      if (scaffold.has(id) && frequency[id] === freq) return { freq, id };
      heap.pop();
    }
    return undefined;
  }

  pop(): void {
    this.heap.pop();
  }
}

/**
 * Scaffold-BPE's merge loop over `core`: like runMerges, but stops when the vocabulary without
 * scaffold tokens has `maxTokens` ids. `byteFrequency` holds each alphabet symbol's occurrences
 * in the corpus (weighted by word counts).
 */
export function runScaffoldMerges(
  core: MergeCore,
  maxTokens: number,
  minFrequency: number,
  byteFrequency: ArrayLike<number>,
  progress?: (merges: number, vocab: number, count: number) => void,
): ScaffoldState {
  const base = initialState();
  const { spell, merges } = base;
  const frequency = Array.from({ length: spell.length }, (_, i) => byteFrequency[i] ?? 0);
  const scaffold = new Set<number>();
  const queue = new ScaffoldQueue();
  let reintegrated = 0;
  // The pair found by core.next() and not merged yet (a re-integration went first), if any.
  let pending = core.next(minFrequency) ? { a: core.a, b: core.b, count: core.count } : undefined;
  const scaffoldable = (id: number): boolean => id >= 256;
  while (spell.length - scaffold.size < maxTokens) {
    const top = queue.peek(scaffold, frequency);
    if (top !== undefined && top.freq >= 1 && (pending === undefined || top.freq >= pending.count)) {
      scaffold.delete(top.id);
      queue.pop();
      reintegrated++;
      continue;
    }
    if (pending === undefined) break;
    const { a, b } = pending;
    const id = addMerge(base, a, b, pending.count);
    while (frequency.length < spell.length) frequency.push(0);
    core.apply(id);
    const n = core.applied;
    frequency[a]! -= n;
    frequency[b]! -= n;
    frequency[id]! += n;
    if (scaffold.has(id)) queue.push(frequency[id]!, id);
    pending = core.next(minFrequency) ? { a: core.a, b: core.b, count: core.count } : undefined;
    const waiting = queue.peek(scaffold, frequency);
    const head = Math.max(pending?.count ?? 0, waiting?.freq ?? 0);
    for (const c of a === b ? [a] : [a, b]) {
      if (scaffoldable(c) && !scaffold.has(c) && frequency[c]! < head) {
        scaffold.add(c);
        queue.push(frequency[c]!, c);
      } else if (scaffold.has(c)) queue.push(frequency[c]!, c);
    }
    if (progress && (merges.length / 3) % 64 === 0) progress(merges.length / 3, spell.length - scaffold.size, pending?.count ?? 0);
  }
  return { ...base, scaffold, frequency, reintegrated };
}

/** Symbol frequencies of the words: occurrences of each symbol, weighted by word counts. */
export function symbolFrequencies(symbols: Uint32Array, starts: Uint32Array, counts: Float64Array): Float64Array {
  const f = new Float64Array(256);
  for (let w = 0; w < counts.length; w++) {
    const c = counts[w]!;
    for (let i = starts[w]!; i < starts[w + 1]!; i++) f[symbols[i]!]! += c;
  }
  return f;
}

/**
 * The demolish step: ids with every scaffold token replaced by the two tokens of the merge
 * that made it, recursively (left to right, so the bytes stay in order). `parents[id]` is
 * [left, right] for each scaffold id.
 */
export function demolish(ids: Uint32Array, isScaffold: Uint8Array, parents: Map<number, readonly [number, number]>): Uint32Array {
  let any = false;
  for (let i = 0; i < ids.length; i++) {
    if (isScaffold[ids[i]!]) {
      any = true;
      break;
    }
  }
  if (!any) return ids;
  const out: number[] = [];
  const stack: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    stack.push(ids[i]!);
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (!isScaffold[id]) {
        out.push(id);
        continue;
      }
      const [l, r] = parents.get(id)!;
      stack.push(r, l);
    }
  }
  return Uint32Array.from(out);
}
