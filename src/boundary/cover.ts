// Cover encodings of a byte prefix (Phan, Amos, Gat, Havasi, Muckley & Ullrich, "Exact
// Byte-Level Probabilities from Tokenized Language Models for FIM-Tasks and Model Ensembles",
// ICLR 2025, arXiv 2410.09303, §3, the Byte-Token Representation Lemma): for a byte prefix x, the
// cover encodings are the valid token sequences t_1..t_k such that bytes(t_1..t_{k-1}) is a strict
// prefix of x and x is a prefix of bytes(t_1..t_k): the last token crosses or ends at the end of x.
// The probability a tokenized LM gives to "the text starts with x" is the sum of P(t) over them.
//
// Valid = a prefix of the encoder's encoding of some text (here encodeOrdinary: the prefix is
// ordinary text), which is what the lemma needs: each text starting with x has exactly one cover
// as a prefix of its encoding. A sequence whose bytes are text is valid when it is the encoding
// of those bytes. One whose last token ends inside a UTF-8 character (o200k_base spells " ឃ" as
// " \xe1\x9e", "\x83") is the encoding of no text, yet texts begin with it: it is valid when
// tokens v after it complete the character and t ++ v is the encoding of its bytes (then it is a
// prefix of that text's encoding; and a text whose encoding starts with t has such a v, the
// tokens after t up to the next character boundary, wherever cutting the text there keeps its
// encoding, the same condition the text candidates rest on).
//
// Enumeration, walking back from the end of x: the last token starts at j, n - maxLen <= j < n,
// and is one of tokensWithPrefix(x[j..n)); each candidate x[0..j) ++ bytes(T) is encoded and kept
// if its encoding ends with T. Only the text after a safe cut point (src/text/cuts.ts) more than
// maxLen bytes before the end is encoded per candidate: encode(head ++ rest) = encode(head) ++
// encode(rest) there, so the head is encoded once. A candidate ending inside a character looks
// for one witness v among the tokens that start with a continuation byte (308 in o200k_base):
// those that complete the character first, then, depth first, those that end inside one again,
// up to MAX_EXTENSION tokens, each compatible with the token before it (a pair test on bytes
// that rejects most before any text is encoded). The first witness gives the cover's tokens
// before T, as the encoding of x[0..j) ++ bytes(T) does for a text candidate.

import type { Encoding } from "../openai/encoding.js";
import { internalsOf } from "../openai/encoding.js";
import { ordinaryTokenBytes } from "../openai/ordinary-tokens.js";
import { InvalidArgumentError } from "../errors.js";
import { lastSafeSplit } from "../text/cuts.js";
import { firstInvalidUtf8 } from "../text/utf8.js";
import { prefixBytes, tokensWithPrefix } from "./prefix.js";
import { RankTable } from "../engines/js/rank-table.js";
import { BytePairEncoder } from "../engines/js/bpe.js";
import { parseVocabFile, serializeVocab } from "../vocab/tkv.js";

const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
const utf8 = new TextEncoder();
const maxLens = new WeakMap<Encoding, number>();
interface ContinuationToken {
  id: number;
  bytes: Uint8Array;
}
const continuationTokens = new WeakMap<Encoding, ContinuationToken[]>();
const pairEncoders = new WeakMap<Encoding, BytePairEncoder>();
// Tokens after a candidate that ends inside a character, at most: each holds at least one
// continuation byte, and a witness is nearly always the first token that completes the character.
const MAX_EXTENSION = 3;

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

/** The ordinary tokens whose first byte is a UTF-8 continuation byte (0x80-0xbf), in id order, with their bytes. */
function tokensStartingMidCharacter(enc: Encoding): ContinuationToken[] {
  let tokens = continuationTokens.get(enc);
  if (tokens) return tokens;
  const ids: number[] = [];
  for (let b = 0x80; b <= 0xbf; b++) ids.push(...tokensWithPrefix(enc, new Uint8Array([b]), false));
  tokens = ids.sort((a, b) => a - b).map((id) => ({ id, bytes: enc.tokenBytes(id) }));
  continuationTokens.set(enc, tokens);
  return tokens;
}

/** A byte-level merge loop over `enc`'s ordinary tokens (the WASM engine keeps its vocabulary in WASM: copied out once). */
function pairEncoder(enc: Encoding): BytePairEncoder {
  let bpe = pairEncoders.get(enc);
  if (bpe) return bpe;
  const none = new Uint8Array(0);
  const vocab = internalsOf(enc).vocab ?? parseVocabFile(serializeVocab(ordinaryTokenBytes(enc).map((t) => t ?? none), new Uint8Array(32)));
  bpe = new BytePairEncoder(new RankTable(vocab));
  pairEncoders.set(enc, bpe);
  return bpe;
}

/**
 * Whether a and b can stand next to each other in an encoding: BPE(bytes(a) bytes(b)) = [a, b]
 * (tiktoken's rule; necessary for any two adjacent tokens of one piece, DESIGN.md "BPE",
 * corollary II), decided on bytes, so for tokens that hold parts of a character too.
 */
function compatible(enc: Encoding, a: number, aBytes: Uint8Array, b: number, bBytes: Uint8Array): boolean {
  const bpe = pairEncoder(enc);
  const buf = concat(aBytes, bBytes);
  bpe.outLen = 0;
  bpe.encodePiece(buf, 0, buf.length);
  const ok = bpe.outLen === 2 && bpe.out[0] === a && bpe.out[1] === b;
  bpe.outLen = 0;
  return ok;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

const endsWith = (ids: Uint32Array, tail: readonly number[]): boolean =>
  ids.length >= tail.length && tail.every((t, i) => ids[ids.length - tail.length + i] === t);

/**
 * A witness that the tokens `chain` (the candidate last token, then the tokens added so far),
 * whose bytes end y (text up to a character cut short at its end), are a prefix of the encoding
 * of a text: the encoding of y ++ the bytes of more tokens that end on a character boundary,
 * without those tokens; undefined if none is found within MAX_EXTENSION tokens. Completions that
 * end on a boundary are tried first, then, depth first, those that end inside a character again.
 */
function extendedCover(enc: Encoding, y: Uint8Array, chain: number[], lastBytes: Uint8Array): Uint32Array | undefined {
  const deeper: { v: ContinuationToken; z: Uint8Array }[] = [];
  const last = chain[chain.length - 1]!;
  for (const v of tokensStartingMidCharacter(enc)) {
    const z = concat(y, v.bytes);
    if (firstInvalidUtf8(z, false) >= 0) continue; // v does not continue the character
    if (!compatible(enc, last, lastBytes, v.id, v.bytes)) continue; // never next to each other
    if (firstInvalidUtf8(z, true) >= 0) {
      deeper.push({ v, z }); // ends inside a character again
      continue;
    }
    const ids = enc.encodeOrdinary(decoder.decode(z));
    if (endsWith(ids, [...chain, v.id])) return ids.subarray(0, ids.length - chain.length);
  }
  if (chain.length >= MAX_EXTENSION) return undefined;
  for (const { v, z } of deeper) {
    const cover = extendedCover(enc, z, [...chain, v.id], v.bytes);
    if (cover) return cover;
  }
  return undefined;
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
  const withHead = (rest: Uint32Array): Uint32Array => {
    const out = new Uint32Array(head.length + rest.length);
    out.set(head);
    out.set(rest, head.length);
    return out;
  };
  for (let j = n - 1; j >= Math.max(lowest, cut); j--) {
    const candidates = tokensWithPrefix(enc, x.subarray(j), false);
    if (candidates.length === 0) continue;
    const mid = x.subarray(cut, j);
    for (const t of candidates) {
      const tb = enc.tokenBytes(t);
      const y = concat(mid, tb);
      if (firstInvalidUtf8(y, false) >= 0) continue; // no text starts so: not what an encoder gives
      if (firstInvalidUtf8(y, true) >= 0) {
        // t ends inside a character: a cover if tokens completing it make an encoding
        const rest = extendedCover(enc, y, [t], tb);
        if (!rest) continue;
        yield withHead(rest);
        if (++yielded >= limit) return;
        continue;
      }
      const rest = enc.encodeOrdinary(decoder.decode(y));
      if (rest[rest.length - 1] !== t) continue;
      // bytes(rest) = y and it ends with t, so its other tokens spell x[cut..j): a cover
      yield withHead(rest);
      if (++yielded >= limit) return;
    }
  }
}
