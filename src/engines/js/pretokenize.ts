/**
 * Pre-tokenizers of the three OpenAI pattern families, as hand-written scanners over UTF-8
 * bytes. They are exact equivalents of the reference regexes (DESIGN.md, "Pre-tokenizers");
 * the rule numbers in the comments below are the ones of DESIGN.md.
 *
 * Input is always valid UTF-8 (produced by TextEncoder), so code points are decoded without
 * validation. Positions are byte offsets. Nothing here allocates.
 */
import { ASCII_CLASSES, classOf } from "../../text/unicode-table.js";

import { PATTERN_CL100K, PATTERN_O200K, PATTERN_R50K, type PatternId } from "../engine.js";

export { PATTERN_CL100K, PATTERN_O200K, PATTERN_R50K, type PatternId };

// Class values (DESIGN.md, "Unicode classes") and bit masks over them: a set of classes is
// the mask with bit (1 << class) set for each member.
const OTHER = 0;
const UPPER = 1;
const LOWER = 2;
const LETTER = 3;
const MARK = 4;
const NUMBER = 5;
const SPACE = 6;

const M_L = (1 << UPPER) | (1 << LOWER) | (1 << LETTER);
const M_N = 1 << NUMBER;
const M_S = 1 << SPACE;
const M_P = (1 << OTHER) | (1 << MARK);
/** [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}] */
const M_UP = (1 << UPPER) | (1 << LETTER) | (1 << MARK);
/** [\p{Ll}\p{Lm}\p{Lo}\p{M}] */
const M_LO = (1 << LOWER) | (1 << LETTER) | (1 << MARK);
/** Prefix-eligible: [^\r\n\p{L}\p{N}] minus the \r\n test (done by value). */
const M_PREFIX = M_S | M_P;

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const APOS = 0x27;
const SLASH = 0x2f;

/** Class of each ASCII byte: the shared table's (generated with it, so the two never disagree). */
const ASCII_CLASS = ASCII_CLASSES;

/** Code point of the UTF-8 sequence starting at i (valid UTF-8 assumed). */
export function codePointAt(buf: Uint8Array, i: number): number {
  const b0 = buf[i]!;
  if (b0 < 0x80) return b0;
  if (b0 < 0xe0) return ((b0 & 0x1f) << 6) | (buf[i + 1]! & 0x3f);
  if (b0 < 0xf0) return ((b0 & 0x0f) << 12) | ((buf[i + 1]! & 0x3f) << 6) | (buf[i + 2]! & 0x3f);
  return (
    ((b0 & 0x07) << 18) | ((buf[i + 1]! & 0x3f) << 12) | ((buf[i + 2]! & 0x3f) << 6) | (buf[i + 3]! & 0x3f)
  );
}

/** Byte length of the UTF-8 sequence whose lead byte is b. */
export function seqLen(b: number): number {
  return b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
}

/** Class of the code point starting at i. */
function clsAt(buf: Uint8Array, i: number): number {
  const b = buf[i]!;
  return b < 0x80 ? ASCII_CLASS[b]! : classOf(codePointAt(buf, i));
}

/** End of the maximal run of code points whose class is in `mask`, starting at i. */
function run(buf: Uint8Array, i: number, end: number, mask: number): number {
  while (i < end) {
    const b = buf[i]!;
    if (b < 0x80) {
      if (((1 << ASCII_CLASS[b]!) & mask) === 0) break;
      i++;
    } else {
      if (((1 << classOf(codePointAt(buf, i))) & mask) === 0) break;
      i += b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
    }
  }
  return i;
}

/** End of the maximal run of \r / \n bytes from i (with `/` too when withSlash). */
function runNewlines(buf: Uint8Array, i: number, end: number, withSlash: boolean): number {
  while (i < end) {
    const b = buf[i]!;
    if (b === CR || b === LF || (withSlash && b === SLASH)) i++;
    else break;
  }
  return i;
}

/**
 * Length in bytes of a contraction at i (`'` then s|t|m|d, or re|ve|ll), 0 if none.
 * Case-insensitive matching (cl100k, o200k) also accepts upper case and U+017F (ſ, folds to s).
 */
function contraction(buf: Uint8Array, i: number, end: number, ci: boolean): number {
  if (buf[i] !== APOS || i + 1 >= end) return 0;
  let a = buf[i + 1]!;
  if (ci) {
    if (a === 0xc5 && i + 2 < end && buf[i + 2] === 0xbf) return 3; // 'ſ
    if (a >= 0x41 && a <= 0x5a) a |= 0x20;
  }
  if (a === 0x73 || a === 0x74 || a === 0x6d || a === 0x64) return 2; // s t m d
  if (i + 2 >= end) return 0;
  let b = buf[i + 2]!;
  if (ci && b >= 0x41 && b <= 0x5a) b |= 0x20;
  if ((a === 0x72 && b === 0x65) || (a === 0x76 && b === 0x65) || (a === 0x6c && b === 0x6c)) return 3; // re ve ll
  return 0;
}

/**
 * The whitespace rules (`\s*[\r\n]+` when newlines matter, then `\s+(?!\S)` and `\s+`)
 * for a piece starting at i, where the code point at i is SPACE.
 */
function whitespace(buf: Uint8Array, i: number, end: number, newlines: boolean): number {
  // Scan the ws run, remembering the end of its last \r/\n and the start of its last code point.
  let j = i;
  let lastNl = -1;
  let lastStart = i;
  while (j < end) {
    const b = buf[j]!;
    if (b < 0x80) {
      if (ASCII_CLASS[b] !== SPACE) break;
      lastStart = j;
      j++;
      if (b === CR || b === LF) lastNl = j;
    } else {
      if (classOf(codePointAt(buf, j)) !== SPACE) break;
      lastStart = j;
      j += b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
    }
  }
  if (newlines && lastNl >= 0) return lastNl;
  if (j >= end) return j; // run reaches the end of the text
  if (lastStart > i) return lastStart; // k >= 2: all but the last code point
  return j; // k == 1
}

/** r50k: end of the piece starting at i (i < end). */
export function r50kPieceEnd(buf: Uint8Array, i: number, end: number): number {
  const b = buf[i]!;
  // 1. contraction
  if (b === APOS) {
    const k = contraction(buf, i, end, false);
    if (k) return i + k;
  }
  let s = i;
  let c: number;
  if (b === SP && i + 1 < end) {
    const c2 = clsAt(buf, i + 1);
    if (c2 !== SPACE) {
      // 2.-4. with the optional leading space
      s = i + 1;
      c = c2;
    } else c = SPACE;
  } else c = b < 0x80 ? ASCII_CLASS[b]! : classOf(codePointAt(buf, i));
  switch (c) {
    case UPPER:
    case LOWER:
    case LETTER:
      return run(buf, s, end, M_L);
    case NUMBER:
      return run(buf, s, end, M_N);
    case OTHER:
    case MARK:
      return run(buf, s, end, M_P);
    default:
      return whitespace(buf, i, end, false);
  }
}

/** `\p{N}{1,3}` after the first number, which ends at n: up to two more numbers. */
function upToThreeNumbers(buf: Uint8Array, n: number, end: number): number {
  let j = n;
  for (let k = 1; k < 3 && j < end; k++) {
    const bj = buf[j]!;
    if (bj < 0x80) {
      if (ASCII_CLASS[bj] !== NUMBER) break;
      j++;
    } else {
      if (classOf(codePointAt(buf, j)) !== NUMBER) break;
      j += seqLen(bj);
    }
  }
  return j;
}

/** cl100k: end of the piece starting at i (i < end). */
export function cl100kPieceEnd(buf: Uint8Array, i: number, end: number): number {
  const b = buf[i]!;
  // 1. contraction (case-insensitive)
  if (b === APOS) {
    const k = contraction(buf, i, end, true);
    if (k) return i + k;
  }
  const len = seqLen(b);
  const c = b < 0x80 ? ASCII_CLASS[b]! : classOf(codePointAt(buf, i));
  // 2. letters, with an optional one-code-point prefix that is not \r, \n, L or N
  if (c === UPPER || c === LOWER || c === LETTER) return run(buf, i + len, end, M_L);
  const n = i + len;
  if (c !== NUMBER && b !== CR && b !== LF && n < end) {
    const cn = clsAt(buf, n);
    if (cn === UPPER || cn === LOWER || cn === LETTER) return run(buf, n, end, M_L);
  }
  // 3. up to three numbers
  if (c === NUMBER) {
    return upToThreeNumbers(buf, n, end);
  }
  // 4. punctuation run (optionally after one space), then \r/\n run
  if (c !== SPACE) return runNewlines(buf, run(buf, n, end, M_P), end, false);
  if (b === SP && n < end && ((1 << clsAt(buf, n)) & M_P) !== 0) {
    return runNewlines(buf, run(buf, n, end, M_P), end, false);
  }
  // 5. whitespace
  return whitespace(buf, i, end, true);
}

/**
 * o200k word alternative A1 (`[UP]*[LO]+`) or A2 (`[UP]+[LO]*`) starting at s; returns the
 * end, or -1 on failure.
 */
function o200kWord(buf: Uint8Array, s: number, end: number, a2: boolean): number {
  // R = maximal run of UP; remember the end of its last LETTER/MARK code point.
  let j = s;
  let lastLM = -1;
  let nextCls = -1;
  while (j < end) {
    const b = buf[j]!;
    let c: number;
    let l: number;
    if (b < 0x80) {
      c = ASCII_CLASS[b]!;
      l = 1;
    } else {
      c = classOf(codePointAt(buf, j));
      l = b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
    }
    if (c === UPPER) j += l;
    else if (c === LETTER || c === MARK) {
      j += l;
      lastLM = j;
    } else {
      nextCls = c;
      break;
    }
  }
  if (a2) return j > s ? run(buf, j, end, M_LO) : -1; // (n not LOWER: the LO run is empty)
  if (nextCls === LOWER) return run(buf, j, end, M_LO);
  return lastLM;
}

/** o200k: end of the piece starting at i (i < end). */
export function o200kPieceEnd(buf: Uint8Array, i: number, end: number): number {
  const b = buf[i]!;
  const len = seqLen(b);
  const c = b < 0x80 ? ASCII_CLASS[b]! : classOf(codePointAt(buf, i));
  // 1. the two word alternatives, each with its optional prefix, then an optional contraction
  const eligible = ((1 << c) & M_PREFIX) !== 0 && b !== CR && b !== LF;
  const n = i + len;
  let w = -1;
  if (((1 << c) & (M_L | (1 << MARK))) !== 0) {
    // c itself can start a word (a prefix cannot be a letter; a MARK prefix is tried first)
    if (eligible && n < end) w = o200kWord(buf, n, end, false);
    if (w < 0) w = o200kWord(buf, i, end, false);
    if (w < 0 && eligible && n < end) w = o200kWord(buf, n, end, true);
    if (w < 0) w = o200kWord(buf, i, end, true);
  } else if (eligible && n < end) {
    const cn = clsAt(buf, n);
    if (((1 << cn) & (M_L | (1 << MARK))) !== 0) {
      w = o200kWord(buf, n, end, false);
      if (w < 0) w = o200kWord(buf, n, end, true);
    }
  }
  if (w >= 0) {
    if (w < end && buf[w] === APOS) w += contraction(buf, w, end, true);
    return w;
  }
  // 2. up to three numbers
  if (c === NUMBER) {
    return upToThreeNumbers(buf, n, end);
  }
  // 3. punctuation run (optionally after one space), then [\r\n/] run
  if (c !== SPACE) return runNewlines(buf, run(buf, n, end, M_P), end, true);
  if (b === SP && n < end && ((1 << clsAt(buf, n)) & M_P) !== 0) {
    return runNewlines(buf, run(buf, n, end, M_P), end, true);
  }
  // 4. whitespace
  return whitespace(buf, i, end, true);
}

/** End of the piece of `pattern` that starts at `start` (start < end). */
export function nextPieceEnd(pattern: PatternId, buf: Uint8Array, start: number, end: number): number {
  return pattern === 2
    ? o200kPieceEnd(buf, start, end)
    : pattern === 1
      ? cl100kPieceEnd(buf, start, end)
      : r50kPieceEnd(buf, start, end);
}

/**
 * Splits buf[start..end) into pieces; writes the end of each piece to `ends` and returns how
 * many were written. Returns -1 if `ends` is too small (nothing useful was written then).
 */
export function scanPieces(
  pattern: PatternId,
  buf: Uint8Array,
  start: number,
  end: number,
  ends: Int32Array,
): number {
  let n = 0;
  const cap = ends.length;
  for (let i = start; i < end; ) {
    if (n >= cap) return -1;
    i = nextPieceEnd(pattern, buf, i, end);
    ends[n++] = i;
  }
  return n;
}
