// Canonical encodings: whether ids are exactly what the encoder gives for their bytes (Ayoobi,
// Armstrong & Mukherjee, "Say Anything but This", arXiv 2601.14658: models emit non-canonical ids,
// "phantom edits"). The check is local, by the pre-tokenizer's pieces: the canonical encoding has a
// token boundary at every piece boundary, a piece that is itself a token is that one token (tiktoken
// looks a piece up before merging), and only a piece covered by two or more tokens is encoded again
// to compare. Special ids split the text as `encode(text, { allowedSpecial: "all" })` splits it: a
// special id must stand where the text spells its token, and ordinary tokens that spell one are
// non-canonical.

import type { Encoding } from "../openai/encoding.js";
import { internalsOf } from "../openai/encoding.js";
import { SpecialMatcher } from "../openai/special.js";
import { piecesOf } from "../encoders/pieces.js";
import { firstInvalidUtf8 } from "../text/utf8.js";
import { InvalidArgumentError, InvalidUtf8Error } from "../errors.js";

const utf8 = new TextEncoder();
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
const matchers = new WeakMap<Encoding, SpecialMatcher>();

interface Departure {
  /** Index of the first token that differs from the canonical encoding, -1 if none. */
  index: number;
  /** Token index and byte offset where the canonical encoding of the rest starts (a piece or special boundary). */
  fromToken: number;
  fromByte: number;
  bytes: Uint8Array;
}

/** Byte length of each id (ordinary or special); throws InvalidTokenIdError as decode does. */
const specialLengths = new WeakMap<Encoding, Map<number, number>>();

function lengthsOf(enc: Encoding, ids: ArrayLike<number>): Uint32Array {
  const { core, vocab } = internalsOf(enc);
  let special = specialLengths.get(enc);
  if (!special) {
    special = new Map<number, number>();
    // two names for one id: the first listed decodes (as in Encoding)
    for (const [t, id] of Object.entries(enc.specialTokens)) if (!special.has(id)) special.set(id, utf8.encode(t).length);
    specialLengths.set(enc, special);
  }
  const out = new Uint32Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    let len = 0;
    if (Number.isInteger(id) && id >= 0) {
      if (core.tokenLength) len = core.tokenLength(id);
      else if (vocab && id < vocab.nTokens) len = vocab.offsets[id + 1]! - vocab.offsets[id]!;
      if (len === 0) len = special.get(id) ?? 0;
    }
    if (len === 0) enc.decodeBytes([id]); // throws the decoder's InvalidTokenIdError
    out[i] = len;
  }
  return out;
}

const specialIdSets = new WeakMap<Encoding, Set<number>>();
function specialIdsOf(enc: Encoding): Set<number> {
  let s = specialIdSets.get(enc);
  if (!s) specialIdSets.set(enc, (s = new Set(Object.values(enc.specialTokens))));
  return s;
}

function matcherOf(enc: Encoding): SpecialMatcher {
  let m = matchers.get(enc);
  if (!m) matchers.set(enc, (m = new SpecialMatcher(Object.entries(enc.specialTokens))));
  return m;
}

function checkIds(ids: unknown, what: string): asserts ids is ArrayLike<number> {
  if (ids == null || typeof ids === "string" || typeof (ids as ArrayLike<number>).length !== "number") {
    throw new InvalidArgumentError(`${what}: expected an array of token ids, got ${ids === null ? "null" : typeof ids}`);
  }
}

/** Where `ids` first departs from the canonical encoding of its bytes (linear; see the header). */
export function findDeparture(enc: Encoding, ids: ArrayLike<number>, what: string): Departure {
  checkIds(ids, what);
  const lens = lengthsOf(enc, ids);
  const bytes = enc.decodeBytes(ids);
  const n = ids.length;
  // ids whose bytes are not UTF-8: no text encodes to them; the token holding the first bad byte departs
  const bad = firstInvalidUtf8(bytes, true);
  const tokenAt = (byte: number): number => {
    let pos = 0;
    for (let i = 0; i < n; i++) {
      pos += lens[i]!;
      if (pos > byte) return i;
    }
    return n - 1;
  };
  if (bad >= 0) return { index: tokenAt(bad), fromToken: -1, fromByte: -1, bytes };
  const text = decoder.decode(bytes);
  const specials = matcherOf(enc);
  const specialIds = specialIdsOf(enc);
  const pieces = piecesOf(enc);
  let t = 0; // next token
  let pos = 0; // its byte offset
  let charAt = 0; // UTF-16 offset in text
  const departAt = (pieceStartToken: number, pieceStartByte: number, canon: Uint32Array): Departure => {
    let k = 0;
    while (k < canon.length && pieceStartToken + k < n && ids[pieceStartToken + k] === canon[k]) k++;
    return { index: pieceStartToken + k, fromToken: pieceStartToken, fromByte: pieceStartByte, bytes };
  };
  while (charAt < text.length || t < n) {
    const m = specials.size ? specials.find(text, charAt) : undefined;
    const segEnd = m ? m.index : text.length;
    if (segEnd > charAt) {
      const segment = text.slice(charAt, segEnd);
      let found: Departure | undefined;
      const base = pos;
      pieces(segment, (buf, a, b) => {
        if (found) return;
        const ps = base + a;
        const pe = base + b;
        // invariant: token t starts at ps
        let j = t;
        let end = ps;
        while (end < pe && j < n) end += lens[j++]!;
        if (end === pe && j - t === 1 && !specialIds.has(ids[t]!)) {
          // one token spelling the whole piece is canonical (unless it is a special id spelling ordinary text)
          t = j;
          pos = pe;
          return;
        }
        const canon = enc.encodeOrdinary(decoder.decode(buf.subarray(a, b)));
        if (end === pe && j - t === canon.length) {
          let same = true;
          for (let k = 0; k < canon.length && same; k++) same = ids[t + k] === canon[k];
          if (same) {
            t = j;
            pos = pe;
            return;
          }
        }
        found = departAt(t, ps, canon);
      });
      if (found) return found;
      charAt = segEnd;
    }
    if (!m) break;
    // the text spells a special token here: the canonical encoding has its id
    if (t >= n || ids[t] !== m.id) return { index: t, fromToken: t, fromByte: pos, bytes };
    pos += lens[t]!;
    t++;
    charAt = m.index + m.token.length;
  }
  return { index: -1, fromToken: n, fromByte: pos, bytes };
}


export function firstNonCanonical(enc: Encoding, ids: ArrayLike<number>): number {
  return findDeparture(enc, ids, "firstNonCanonical").index;
}

/**
 * The canonical encoding of the bytes of `ids`: the ids up to the piece where they depart, then
 * the encoding of the rest of the text (with every special token allowed).
 * @throws InvalidUtf8Error if the bytes are not UTF-8 (no text encodes to them).
 */
export function canonicalize(enc: Encoding, ids: ArrayLike<number>): Uint32Array {
  const d = findDeparture(enc, ids, "canonicalize");
  if (d.index === -1) return Uint32Array.from(ids);
  if (d.fromToken < 0) {
    const at = firstInvalidUtf8(d.bytes, true);
    let end = at + 1;
    while (end < d.bytes.length && end < at + 4 && (d.bytes[end]! & 0xc0) === 0x80) end++;
    throw new InvalidUtf8Error(at, d.bytes.slice(at, end));
  }
  const rest = enc.encode(decoder.decode(d.bytes.subarray(d.fromByte)), { allowedSpecial: "all" });
  const out = new Uint32Array(d.fromToken + rest.length);
  for (let i = 0; i < d.fromToken; i++) out[i] = ids[i]!;
  out.set(rest, d.fromToken);
  return out;
}
