// Pre-tokenizers: hand-written equivalents of the reference regexes, one per pattern family.
// DESIGN.md ("Pre-tokenizers") states each rule and why it is the regex's leftmost-first match;
// the code follows those rules in the same order.
//
// Every read goes through readClass(), which also notices reads at or past the end of the
// input. When the input is a chunk of a longer text (not final), a piece whose extent depended
// on such a read may continue in the next chunk, so the caller holds it back.

import { classOf } from "./unicode-table";

export const PATTERN_R50K: u32 = 0;
export const PATTERN_CL100K: u32 = 1;
export const PATTERN_O200K: u32 = 2;
/**
 * Added to a pattern id by the HF core's hfEncodeScan (assembly/hf/index.ts), not a scanner of
 * its own: the pattern's pieces with every \p{N} run cut into single code points (Qwen 2/3).
 */
export const PATTERN_SINGLE_DIGITS: u32 = 0x100;
/**
 * Added to PATTERN_O200K: the pattern without its optional contraction suffixes
 * (`(?i:'s|'t|'re|'ve|'m|'ll|'d)?` after each word alternative); Mistral's Tekken split, with
 * PATTERN_SINGLE_DIGITS. A word then ends where o200k's word part ends.
 */
export const PATTERN_NO_CONTRACTIONS: u32 = 0x200;

// Classes (DESIGN.md "Unicode classes") and EOF, as bits for set tests.
const OTHER: u32 = 0;
const UPPER: u32 = 1;
const LOWER: u32 = 2;
const LETTER: u32 = 3;
const MARK: u32 = 4;
const NUMBER: u32 = 5;
const SPACE: u32 = 6;
const EOF: u32 = 7;

const IS_L: u32 = (1 << UPPER) | (1 << LOWER) | (1 << LETTER);
const IS_N: u32 = 1 << NUMBER;
const IS_S: u32 = 1 << SPACE;
const IS_P: u32 = (1 << OTHER) | (1 << MARK); // [^\s\p{L}\p{N}]
const IS_UP: u32 = (1 << UPPER) | (1 << LETTER) | (1 << MARK);
const IS_LO: u32 = (1 << LOWER) | (1 << LETTER) | (1 << MARK);
const IS_BOTH: u32 = (1 << LETTER) | (1 << MARK); // in both UP and LO
// prefix of the word alternatives: [^\r\n\p{L}\p{N}] (\r, \n are checked by value)
const IS_PREFIX: u32 = (1 << OTHER) | (1 << MARK) | (1 << SPACE);

let src: usize = 0;
let srcLen: u32 = 0;
/** set when a read reached the end of the input */
let sawEnd: bool = false;
/** the code point and the position after it, from the last readClass */
let cpVal: u32 = 0;
let cpNext: u32 = 0;

export function setInput(ptr: usize, len: u32): void {
  src = ptr;
  srcLen = len;
}

@inline
function isIn(cls: u32, set: u32): bool {
  return ((1 << cls) & set) != 0;
}

// Input is always well-formed UTF-8 (TextEncoder output), so decoding needs no validation.
@inline
function readClass(pos: u32): u32 {
  if (pos >= srcLen) {
    sawEnd = true;
    cpVal = 0xffffffff;
    cpNext = pos;
    return EOF;
  }
  let p = src + pos;
  let b0 = <u32>load<u8>(p);
  if (b0 < 0x80) {
    cpVal = b0;
    cpNext = pos + 1;
    return classOf(b0);
  }
  let cp: u32;
  if (b0 < 0xe0) {
    cp = ((b0 & 0x1f) << 6) | (<u32>load<u8>(p, 1) & 0x3f);
    cpNext = pos + 2;
  } else if (b0 < 0xf0) {
    cp = ((b0 & 0x0f) << 12) | ((<u32>load<u8>(p, 1) & 0x3f) << 6) | (<u32>load<u8>(p, 2) & 0x3f);
    cpNext = pos + 3;
  } else {
    cp =
      ((b0 & 0x07) << 18) |
      ((<u32>load<u8>(p, 1) & 0x3f) << 12) |
      ((<u32>load<u8>(p, 2) & 0x3f) << 6) |
      (<u32>load<u8>(p, 3) & 0x3f);
    cpNext = pos + 4;
  }
  cpVal = cp;
  return classOf(cp);
}

/** class of the code point that stopped the last run */
let stopClass: u32 = 0;

/** End of the maximal run of code points in `set` starting at pos. */
@inline
function runOf(pos: u32, set: u32): u32 {
  // ASCII bytes are classified straight from the table with the loop state in locals; only
  // the code point that stops the run is published (stopClass, cpVal, cpNext).
  let base = src;
  let len = srcLen;
  while (pos < len) {
    let b = <u32>load<u8>(base + pos);
    if (b < 0x80) {
      let c = classOf(b);
      if (((1 << c) & set) == 0) {
        stopClass = c;
        cpVal = b;
        cpNext = pos + 1;
        return pos;
      }
      pos++;
    } else {
      let c = readClass(pos);
      if (((1 << c) & set) == 0) {
        stopClass = c;
        return pos;
      }
      pos = cpNext;
    }
  }
  return atEnd(pos);
}

/** Publishes a read at the end of the input. */
@inline
function atEnd(pos: u32): u32 {
  sawEnd = true;
  stopClass = EOF;
  cpVal = 0xffffffff;
  cpNext = pos;
  return pos;
}

/** Extends over \r and \n (and '/' if withSlash). */
@inline
function runOfNewlines(pos: u32, withSlash: bool): u32 {
  while (true) {
    readClass(pos);
    let v = cpVal;
    if (v == 13 || v == 10 || (withSlash && v == 47)) pos = cpNext;
    else return pos;
  }
}

@inline
function lower(v: u32): u32 {
  return v >= 65 && v <= 90 ? v + 32 : v;
}

/**
 * Contraction after the apostrophe that ends at `pos`: 's 't 'm 'd 're 've 'll.
 * Returns the end, or 0. With ignoreCase, Unicode simple case folding applies: besides ASCII
 * case, U+017F LATIN SMALL LETTER LONG S folds to 's' (the regex crate's (?i) does this).
 */
function contraction(pos: u32, ignoreCase: bool): u32 {
  readClass(pos);
  let a = cpVal;
  let next = cpNext;
  if (ignoreCase) {
    a = a == 0x17f ? 115 : lower(a);
  }
  if (a == 115 || a == 116 || a == 109 || a == 100) return next; // s t m d
  let want: u32 = 0;
  if (a == 114 || a == 118) want = 101; // re ve
  else if (a == 108) want = 108; // ll
  else return 0;
  readClass(next);
  let b = ignoreCase ? lower(cpVal) : cpVal;
  return b == want ? cpNext : 0;
}

/**
 * Whitespace rule shared by all patterns. `newlineRule`: \s*[\r\n]+ comes first (cl100k, o200k).
 * Then \s+(?!\S): the whole run at the end of text, else all but its last code point; then one.
 */
function whitespace(i: u32, newlineRule: bool): u32 {
  let pos = i;
  let lastStart = i;
  let afterNewline: u32 = 0;
  let count: u32 = 0;
  while (true) {
    let c = readClass(pos);
    if (c != SPACE) break;
    lastStart = pos;
    count++;
    if (cpVal == 10 || cpVal == 13) afterNewline = cpNext;
    pos = cpNext;
  }
  if (newlineRule && afterNewline != 0) return afterNewline;
  if (pos >= srcLen) return pos;
  return count >= 2 ? lastStart : pos;
}

// ---- ASCII fast paths ---------------------------------------------------------------------
// Most pieces of English and code are an ASCII word with an optional leading space. These
// functions recognise exactly the cases where the full rules below give the same piece, and
// return 0 ("not sure") otherwise — at a non-ASCII byte (it may continue the word), at an
// apostrophe where a contraction may follow, or at the end of the input (the caller's chunking
// needs to know about that read) — so the general path decides.

@inline
function isLowerAscii(b: u32): bool {
  return b - 97 < 26;
}

@inline
function isUpperAscii(b: u32): bool {
  return b - 65 < 26;
}

/**
 * End of o200k's optional word prefix `[^\r\n\p{L}\p{N}]` at i, for an ASCII byte b: i + 1 for
 * punctuation and whitespace other than \r and \n, else i.
 */
@inline
function wordPrefixEnd(i: u32, b: u32): u32 {
  if (b == 32) return i + 1;
  if (b >= 0x80 || b == 10 || b == 13) return i;
  let k = classOf(b);
  return k == OTHER || k == SPACE ? i + 1 : i;
}

/**
 * o200k: `[^\r\n\p{L}\p{N}]?[A-Z]*[a-z]*` (some letter) followed by an ASCII byte that is not
 * `'`: both word rules give that piece (UP* LO+ when a lowercase letter follows the capitals,
 * else UP+ LO*).
 */
function fastWordO200k(i: u32): u32 {
  let base = src;
  let len = srcLen;
  let b = <u32>load<u8>(base + i);
  let p = isLowerAscii(b | 32) ? i : wordPrefixEnd(i, b);
  if (p != i) {
    if (p >= len) return 0;
    b = <u32>load<u8>(base + p);
  }
  let start = p;
  while (isUpperAscii(b)) {
    if (++p >= len) return 0;
    b = <u32>load<u8>(base + p);
  }
  while (isLowerAscii(b)) {
    if (++p >= len) return 0;
    b = <u32>load<u8>(base + p);
  }
  return p != start && b < 0x80 && b != 39 ? p : 0;
}

/** cl100k and r50k: ` ?[A-Za-z]+` followed by an ASCII byte (contractions are pieces of their own). */
function fastWordCl100k(i: u32): u32 {
  let base = src;
  let len = srcLen;
  let p = i;
  let b = <u32>load<u8>(base + p);
  if (b == 32) {
    if (++p >= len) return 0;
    b = <u32>load<u8>(base + p);
  }
  if (!isLowerAscii(b | 32)) return 0;
  do {
    if (++p >= len) return 0;
    b = <u32>load<u8>(base + p);
  } while (isLowerAscii(b | 32));
  return b < 0x80 ? p : 0;
}

/** ASCII byte of class OTHER: punctuation, symbols, controls other than whitespace. */
@inline
function isAsciiOther(b: u32): bool {
  return b < 0x80 && classOf(b) == OTHER;
}

/**
 * ` ?[^\s\p{L}\p{N}]+` over ASCII punctuation, then `tail`: 0 nothing (r50k), 1 `[\r\n]*`
 * (cl100k), 2 `[\r\n/]*` (o200k). Exact where it answers: the rules before this one are the
 * contractions (cl100k and r50k: not sure at an apostrophe) and the words, which need a letter
 * right after an optional leading space or (`wordPrefix`: cl100k, o200k) one punctuation
 * character — not sure when a letter or a non-ASCII byte is there. Numbers cannot start at
 * punctuation. The run then ends at the first byte that is not ASCII punctuation (not sure if
 * that byte is not ASCII: it may be punctuation too), and the tail is greedy.
 */
@inline
function fastPunct(i: u32, wordPrefix: bool, apostropheFirst: bool, tail: u32): u32 {
  let base = src;
  let len = srcLen;
  let p = i;
  let b = <u32>load<u8>(base + p);
  if (b == 32) {
    if (++p >= len) return 0;
    b = <u32>load<u8>(base + p);
    if (!isAsciiOther(b)) return 0;
  } else {
    if (!isAsciiOther(b) || (apostropheFirst && b == 39)) return 0;
    if (wordPrefix) {
      if (p + 1 >= len) return 0;
      let n = <u32>load<u8>(base + p + 1);
      if (n >= 0x80 || isLowerAscii(n | 32)) return 0;
    }
  }
  do {
    if (++p >= len) return 0;
    b = <u32>load<u8>(base + p);
  } while (isAsciiOther(b));
  if (b >= 0x80) return 0;
  if (tail != 0) {
    while (b == 13 || b == 10 || (tail == 2 && b == 47)) {
      if (++p >= len) return 0;
      b = <u32>load<u8>(base + p);
    }
  }
  return p;
}

/**
 * The whitespace rule (`whitespace`) over a run of ASCII whitespace, where the rules before it
 * cannot apply: not sure (0) if the byte after the first one is not ASCII, or, after a first
 * byte that may prefix a word (not \r or \n; r50k: only ' '), is a letter, or after ' ' is
 * punctuation (or, r50k, a digit); also at a non-ASCII byte ending the run (it may be a space
 * too) and at the end of the input.
 */
@inline
function fastSpace(i: u32, newlineRule: bool): u32 {
  let base = src;
  let len = srcLen;
  let b = <u32>load<u8>(base + i);
  if (b >= 0x80 || classOf(b) != SPACE || i + 1 >= len) return 0;
  let n = <u32>load<u8>(base + i + 1);
  if (n >= 0x80) return 0;
  let k = classOf(n);
  if (newlineRule) {
    if (b != 10 && b != 13 && isIn(k, IS_L)) return 0;
    if (b == 32 && k == OTHER) return 0;
  } else if (b == 32 && k != SPACE) return 0;
  let pos = i;
  let lastStart = i;
  let afterNewline: u32 = 0;
  while (true) {
    if (pos >= len) return 0;
    b = <u32>load<u8>(base + pos);
    if (b >= 0x80) return 0;
    if (classOf(b) != SPACE) break;
    lastStart = pos;
    if (b == 10 || b == 13) afterNewline = pos + 1;
    pos++;
  }
  if (newlineRule && afterNewline != 0) return afterNewline;
  return pos - i >= 2 ? lastStart : pos;
}

function pieceR50k(i: u32): u32 {
  let fast = fastWordCl100k(i);
  if (fast != 0) return fast;
  fast = fastPunct(i, false, true, 0);
  if (fast != 0) return fast;
  fast = fastSpace(i, false);
  if (fast != 0) return fast;
  let c = readClass(i);
  let v = cpVal;
  let n1 = cpNext;
  if (v == 39) {
    let e = contraction(n1, false);
    if (e != 0) return e;
  }
  if (v == 32) {
    let k = readClass(n1);
    let n2 = cpNext;
    if (isIn(k, IS_L)) return runOf(n2, IS_L);
    if (k == NUMBER) return runOf(n2, IS_N);
    if (isIn(k, IS_P)) return runOf(n2, IS_P);
  }
  if (isIn(c, IS_L)) return runOf(n1, IS_L);
  if (c == NUMBER) return runOf(n1, IS_N);
  if (isIn(c, IS_P)) return runOf(n1, IS_P);
  return whitespace(i, false);
}

@inline
function digits3(n1: u32): u32 {
  let e = n1;
  if (readClass(e) == NUMBER) {
    e = cpNext;
    if (readClass(e) == NUMBER) e = cpNext;
  }
  return e;
}

function pieceCl100k(i: u32): u32 {
  let fast = fastWordCl100k(i);
  if (fast != 0) return fast;
  fast = fastPunct(i, true, true, 1);
  if (fast != 0) return fast;
  fast = fastSpace(i, true);
  if (fast != 0) return fast;
  let c = readClass(i);
  let v = cpVal;
  let n1 = cpNext;
  if (v == 39) {
    let e = contraction(n1, true);
    if (e != 0) return e;
  }
  if (isIn(c, IS_L)) return runOf(n1, IS_L);
  if (isIn(c, IS_PREFIX) && v != 13 && v != 10) {
    if (isIn(readClass(n1), IS_L)) return runOf(cpNext, IS_L);
  }
  if (c == NUMBER) return digits3(n1);
  if (v == 32) {
    if (isIn(readClass(n1), IS_P)) return runOfNewlines(runOf(cpNext, IS_P), false);
  }
  if (isIn(c, IS_P)) return runOfNewlines(runOf(n1, IS_P), false);
  return whitespace(i, true);
}

/** o200k word alternative 1 from s: UP* LO+ (see DESIGN.md). 0 = no match. */
function wordLowerTail(s: u32): u32 {
  let pos = s;
  let afterBoth: u32 = 0;
  let base = src;
  let len = srcLen;
  while (true) {
    let c: u32;
    let next: u32;
    if (pos >= len) {
      atEnd(pos);
      return afterBoth;
    }
    let b = <u32>load<u8>(base + pos);
    if (b < 0x80) {
      c = classOf(b);
      next = pos + 1;
    } else {
      c = readClass(pos);
      next = cpNext;
    }
    if (!isIn(c, IS_UP)) {
      if (c == LOWER) return runOf(next, IS_LO);
      stopClass = c;
      cpVal = b < 0x80 ? b : cpVal;
      cpNext = next;
      return afterBoth;
    }
    pos = next;
    if (c != UPPER) afterBoth = pos;
  }
}

/** o200k word alternative 2 from s: UP+ LO*. 0 = no match. */
function wordUpperHead(s: u32): u32 {
  let e = runOf(s, IS_UP);
  if (e == s) return 0;
  return isIn(stopClass, IS_LO) ? runOf(e, IS_LO) : e;
}

function pieceO200k(i: u32, contractions: bool): u32 {
  let fast = fastWordO200k(i);
  if (fast != 0) return fast;
  fast = fastPunct(i, true, false, 2);
  if (fast != 0) return fast;
  fast = fastSpace(i, true);
  if (fast != 0) return fast;
  let c = readClass(i);
  let v = cpVal;
  let n1 = cpNext;
  let prefixable = isIn(c, IS_PREFIX) && v != 13 && v != 10;
  let e: u32 = 0;
  if (prefixable) e = wordLowerTail(n1);
  if (e == 0 && isIn(c, IS_UP | IS_LO)) e = wordLowerTail(i);
  if (e == 0 && prefixable) e = wordUpperHead(n1);
  if (e == 0 && isIn(c, IS_UP)) e = wordUpperHead(i);
  if (e != 0) {
    if (!contractions) return e;
    readClass(e);
    if (cpVal == 39) {
      let t = contraction(cpNext, true);
      if (t != 0) return t;
    }
    return e;
  }
  if (c == NUMBER) return digits3(n1);
  if (v == 32) {
    if (isIn(readClass(n1), IS_P)) return runOfNewlines(runOf(cpNext, IS_P), true);
  }
  if (isIn(c, IS_P)) return runOfNewlines(runOf(n1, IS_P), true);
  return whitespace(i, true);
}

/**
 * End of the piece that starts at i (< input length). `touchedEnd()` then tells whether the
 * answer depended on what lies past the input.
 */
export function pieceEnd(pattern: u32, i: u32): u32 {
  sawEnd = false;
  if (pattern == PATTERN_O200K) return pieceO200k(i, true);
  if (pattern == (PATTERN_O200K | PATTERN_NO_CONTRACTIONS)) return pieceO200k(i, false);
  if (pattern == PATTERN_CL100K) return pieceCl100k(i);
  return pieceR50k(i);
}

export function touchedEnd(): bool {
  return sawEnd;
}
