// Cover encodings of a byte prefix (Phan, Amos, Gat, Havasi, Muckley & Ullrich, "Exact
// Byte-Level Probabilities from Tokenized Language Models for FIM-Tasks and Model Ensembles",
// ICLR 2025, arXiv 2410.09303, §3, the Byte-Token Representation Lemma): for a byte prefix x, the
// cover encodings are the valid token sequences t_1..t_k such that bytes(t_1..t_{k-1}) is a strict
// prefix of x and x is a prefix of bytes(t_1..t_k): the last token crosses or ends at the end of x.
// The probability a tokenized LM gives to "the text starts with x" is the sum of P(t) over them.
// Valid = canonical: t is what the encoder gives for bytes(t) (here encodeOrdinary: the prefix is
// ordinary text). So a sequence whose last token ends inside a UTF-8 character (o200k_base's
// " \xe1\x9e" of " ឃ") is never a cover, though texts start with it: the byte-level lemma would
// need those too, which takes deciding canonicality of a byte string that is not text (README,
// limitation; not built).
//
// Enumeration, walking back from the end of x: the last token starts at j, n - maxLen <= j < n,
// and is one of tokensWithPrefix(x[j..n)); each candidate x[0..j) ++ bytes(T) is encoded and kept
// if its encoding ends with T. Only the text after a safe cut point (src/text/cuts.ts) more than
// maxLen bytes before the end is encoded per candidate: encode(head ++ rest) = encode(head) ++
// encode(rest) there, so the head is encoded once.

import type { Encoding } from "../openai/encoding.js";
import { internalsOf } from "../openai/encoding.js";
import { InvalidArgumentError } from "../errors.js";
import { lastSafeSplit } from "../text/cuts.js";
import { firstInvalidUtf8 } from "../text/utf8.js";
import { prefixBytes, tokensWithPrefix } from "./prefix.js";

const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
const utf8 = new TextEncoder();
const maxLens = new WeakMap<Encoding, number>();

/** Bytes of the longest ordinary token of `enc`. */
export function maxTokenBytes(enc: Encoding): number {
  let m = maxLens.get(enc);
  if (m !== undefined) return m;
  const { core, vocab } = internalsOf(enc);
  m = 0;
  if (vocab) {
    for (let r = 0; r < vocab.nTokens; r++) m = Math.max(m, vocab.offsets[r + 1]! - vocab.offsets[r]!);
  } else {
    for (let r = 0; r < enc.nVocab; r++) m = Math.max(m, core.tokenLength?.(r) ?? 0);
  }
  maxLens.set(enc, m);
  return m;
}

export function* coverEncodings(enc: Encoding, given: Uint8Array | string, options?: { limit?: number }): Generator<Uint32Array, void, undefined> {
  const x = prefixBytes(given, "coverEncodings");
  const limit = options?.limit ?? Infinity;
  if (typeof limit !== "number" || !(limit >= 0)) throw new InvalidArgumentError(`coverEncodings: limit must be a non-negative number, got ${String(limit)}`);
  const n = x.length;
  if (n === 0 || limit === 0) return;
  const maxLen = maxTokenBytes(enc);
  const lowest = Math.max(0, n - maxLen);
  // the head: text before a safe cut more than maxLen (+ the cut rule's 3 characters) bytes from the end
  let cut = 0;
  let head: Uint32Array = new Uint32Array(0);
  if (internalsOf(enc).core.pattern !== undefined && lowest > 16) {
    let h = lowest - 16;
    while (h > 0 && (x[h]! & 0xc0) === 0x80) h--; // a character boundary
    const start = x.subarray(0, h);
    if (firstInvalidUtf8(start, true) < 0) {
      const text = decoder.decode(start);
      const p = lastSafeSplit(text);
      if (p > 0) {
        const headText = text.slice(0, p);
        cut = utf8.encode(headText).length;
        head = enc.encodeOrdinary(headText);
      }
    }
  }
  let yielded = 0;
  const tokenBytes = (id: number): Uint8Array => enc.tokenBytes(id);
  for (let j = n - 1; j >= Math.max(lowest, cut); j--) {
    const candidates = tokensWithPrefix(enc, x.subarray(j), false);
    if (candidates.length === 0) continue;
    const mid = x.subarray(cut, j);
    for (const t of candidates) {
      const tb = tokenBytes(t);
      const y = new Uint8Array(mid.length + tb.length);
      y.set(mid);
      y.set(tb, mid.length);
      if (firstInvalidUtf8(y, true) >= 0) continue; // no text: not what an encoder gives
      const rest = enc.encodeOrdinary(decoder.decode(y));
      if (rest[rest.length - 1] !== t) continue;
      // bytes(rest) = y and it ends with t, so its other tokens spell x[cut..j): a cover
      const out = new Uint32Array(head.length + rest.length);
      out.set(head);
      out.set(rest, head.length);
      yield out;
      if (++yielded >= limit) return;
    }
  }
}
