// The tokens that start with a byte string, and those consistent with it (token healing, arXiv
// 2403.08688 §3: "bytes(t) starts with the remaining prefix, or the remaining prefix starts with
// bytes(t)"). The WASM engine answers from its prefix index (assembly/openai/prefix.ts: ranks
// sorted by bytes, built on first use); the JS engine from the same index built here in
// TypeScript, by the same MSD radix sort, over the vocabulary the Encoding holds for it.

import type { Encoding, PrefixOptions } from "../openai/encoding.js";
import { internalsOf } from "../openai/encoding.js";
import { InvalidArgumentError, TokenmillError } from "../errors.js";
import type { Vocab } from "../vocab/tkv.js";

const utf8 = new TextEncoder();

/** The bytes of a prefix argument: a Uint8Array as is, a string as its UTF-8. */
export function prefixBytes(bytes: unknown, what: string): Uint8Array {
  if (typeof bytes === "string") return utf8.encode(bytes);
  if (bytes instanceof Uint8Array) return bytes;
  throw new InvalidArgumentError(`${what}: expected a Uint8Array (or a string, taken as UTF-8), got ${bytes === null ? "null" : typeof bytes}`);
}

/** The JS engine's index: ordinary ranks in byte order, over the Encoding's vocabulary. */
class SortedVocab {
  readonly sorted: Uint32Array;
  /** Bytes of the longest token: longer prefixes have no proper prefix beyond it to look up. */
  readonly maxLen: number;
  constructor(private readonly vocab: Vocab) {
    const { offsets, nTokens } = vocab;
    let n = 0;
    let maxLen = 0;
    for (let r = 0; r < nTokens; r++) {
      const len = offsets[r + 1]! - offsets[r]!;
      if (len > 0) n++;
      if (len > maxLen) maxLen = len;
    }
    this.maxLen = maxLen;
    const sorted = new Uint32Array(n);
    let k = 0;
    for (let r = 0; r < nTokens; r++) if (offsets[r + 1]! > offsets[r]!) sorted[k++] = r;
    this.sorted = sorted;
    radixSort(sorted, new Uint32Array(n), vocab);
  }

  /** [lo, hi) of the ranks that start with `p`. */
  range(p: Uint8Array): [number, number] {
    return [this.bound(p, false), this.bound(p, true)];
  }

  private bound(p: Uint8Array, strict: boolean): number {
    const { offsets, bytes } = this.vocab;
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const r = this.sorted[mid]!;
      const s = offsets[r]!;
      const len = offsets[r + 1]! - s;
      let c = 0;
      const n = Math.min(len, p.length);
      for (let k = 0; k < n && c === 0; k++) c = bytes[s + k]! - p[k]!;
      if (c === 0 && len < p.length) c = -1;
      if (strict ? c <= 0 : c < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** MSD radix sort of ranks by their bytes (the WASM core's algorithm, assembly/openai/prefix.ts). */
function radixSort(a: Uint32Array, work: Uint32Array, vocab: Vocab): void {
  const { offsets, bytes } = vocab;
  const byteAt = (r: number, d: number): number => (d < offsets[r + 1]! - offsets[r]! ? bytes[offsets[r]! + d]! : -1);
  const counts = new Uint32Array(257);
  const stack: number[] = [0, a.length, 0];
  while (stack.length > 0) {
    const d = stack.pop()!;
    const hi = stack.pop()!;
    const lo = stack.pop()!;
    if (hi - lo <= 24) {
      for (let i = lo + 1; i < hi; i++) {
        const v = a[i]!;
        let j = i;
        while (j > lo && compareFrom(a[j - 1]!, v, d, vocab) > 0) {
          a[j] = a[j - 1]!;
          j--;
        }
        a[j] = v;
      }
      continue;
    }
    counts.fill(0);
    for (let i = lo; i < hi; i++) counts[byteAt(a[i]!, d) + 1]!++;
    const starts = new Uint32Array(257);
    let s = lo;
    for (let b = 0; b < 257; b++) {
      starts[b] = s;
      s += counts[b]!;
    }
    for (let i = lo; i < hi; i++) {
      const r = a[i]!;
      work[starts[byteAt(r, d) + 1]!++] = r;
    }
    a.set(work.subarray(lo, hi), lo);
    let start = lo + counts[0]!;
    for (let b = 1; b < 257; b++) {
      const c = counts[b]!;
      if (c > 1) stack.push(start, start + c, d + 1);
      start += c;
    }
  }
}

function compareFrom(x: number, y: number, d: number, vocab: Vocab): number {
  const { offsets, bytes } = vocab;
  const sx = offsets[x]!;
  const sy = offsets[y]!;
  const lx = offsets[x + 1]! - sx;
  const ly = offsets[y + 1]! - sy;
  const n = Math.min(lx, ly);
  for (let k = d; k < n; k++) {
    const c = bytes[sx + k]! - bytes[sy + k]!;
    if (c !== 0) return c;
  }
  return lx - ly;
}

const jsIndexes = new WeakMap<Encoding, SortedVocab>();

/** The ordinary token of bytes p (JS engine), -1 if none. */
function rankOfBytes(index: SortedVocab, vocab: Vocab, p: Uint8Array): number {
  const [lo, hi] = index.range(p);
  // the first token starting with p is p itself, if p is a token (it sorts before its extensions)
  if (lo < hi) {
    const r = index.sorted[lo]!;
    if (vocab.offsets[r + 1]! - vocab.offsets[r]! === p.length) return r;
  }
  return -1;
}

/**
 * The ranks of the ordinary tokens that start with `bytes` (and, if `consistent`, that are a
 * proper prefix of it): sorted, or as a bitset of ceil(nVocab / 32) words.
 */
export function tokensWithPrefix(enc: Encoding, given: Uint8Array | string, consistent: boolean, options?: PrefixOptions): Uint32Array {
  const what = consistent ? "tokensConsistentWith" : "tokensWithPrefix";
  const bytes = prefixBytes(given, what);
  if (options !== undefined && (options === null || typeof options !== "object")) throw new InvalidArgumentError(`${what}: options must be an object`);
  const mask = options?.mask ?? false;
  if (typeof mask !== "boolean") throw new InvalidArgumentError(`${what}: mask must be a boolean, got ${typeof mask}`);
  const words = (enc.nVocab + 31) >>> 5;
  const { core, vocab } = internalsOf(enc);
  if (core.prefixQuery) {
    const r = core.prefixQuery(bytes, consistent, mask);
    if (!mask || r.length === words) return r;
    const out = new Uint32Array(words); // nVocab counts special ids past the ranks
    out.set(r.subarray(0, words));
    return out;
  }
  if (!vocab) throw new TokenmillError("NO_VOCAB", `${what}: the engine of ${enc.name} exposes no vocabulary`);
  let index = jsIndexes.get(enc);
  if (!index) jsIndexes.set(enc, (index = new SortedVocab(vocab)));
  const [lo, hi] = index.range(bytes);
  const ids: number[] = [];
  for (let i = lo; i < hi; i++) ids.push(index.sorted[i]!);
  if (consistent) {
    for (let k = 1; k < bytes.length && k <= index.maxLen; k++) {
      const r = rankOfBytes(index, vocab, bytes.subarray(0, k));
      if (r >= 0) ids.push(r);
    }
  }
  if (mask) {
    const out = new Uint32Array(words);
    for (const r of ids) out[r >>> 5]! |= 1 << (r & 31);
    return out;
  }
  return Uint32Array.from(ids).sort();
}
