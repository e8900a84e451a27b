/**
 * The pure-TypeScript engine: pre-tokenizer + rank table + byte-pair merge, for ordinary text
 * (special tokens are the caller's business). `JsEngine` runs the hand-written scanners of the
 * three OpenAI pattern families; `RegexJsEngine` runs any other tiktoken pattern through a
 * translated JS RegExp.
 */
import type { Engine } from "../engine.js";
import { TokenmillError } from "../../errors.js";
import type { Vocab } from "../../vocab/tkv.js";
import { BytePairEncoder } from "./bpe.js";
import { CLASS_SPACE, classOf } from "../../text/unicode-table.js";
import { cl100kPieceEnd, codePointAt, o200kPieceEnd, r50kPieceEnd, seqLen, type PatternId } from "./pretokenize.js";
import { RankTable } from "./rank-table.js";
import { compilePattern } from "./regex.js";

export type { PatternId } from "./pretokenize.js";
export { RankTable } from "./rank-table.js";
export { CL100K_PATTERN, O200K_PATTERN, R50K_PATTERN } from "../../text/patterns.js";
import { CL100K_PATTERN, O200K_PATTERN, R50K_PATTERN } from "../../text/patterns.js";

/**
 * r50k as written by newer tiktoken (Python `gpt2` / `r50k_base` since 0.8). It produces the
 * same pieces as R50K_PATTERN, hence the same ids:
 * - `'(?:[sdmt]|ll|ve|re)` is the same set of contractions;
 * - possessive `++` never changes a match here: each run is followed by a code point outside
 *   its class (or the end), so giving characters back can never let the rest match;
 * - `\s++$` only matches a whitespace run that reaches the end of the text, where
 *   `\s+(?!\S)` also takes the whole run; elsewhere it fails and we fall through;
 * - the final `\s` is reached only for a single whitespace code point followed by non-space
 *   (any longer run is taken by `\s+(?!\S)`), where `\s+` also takes exactly one.
 */
export const R50K_PATTERN_NEW =
  "'(?:[sdmt]|ll|ve|re)| ?\\p{L}++| ?\\p{N}++| ?[^\\s\\p{L}\\p{N}]++|\\s++$|\\s+(?!\\S)|\\s";

/**
 * cl100k as written by newer tiktoken (Python `cl100k_base` since 0.8). Its pieces are those of
 * CL100K_PATTERN except in one case: `\s++$` comes before `\s*[\r\n]`, so a whitespace run
 * that reaches the end of the text and contains a newline is one piece W = X + Y ("a\n  " →
 * "a", "\n  "), where CL100K_PATTERN splits it after its last newline into X and Y ("a",
 * "\n", "  "). (Everything else is as for R50K_PATTERN_NEW: same contractions, possessives
 * that never matter, `\s*[\r\n]` ≡ `\s*[\r\n]+` inside a whitespace run, final `\s` ≡ `\s+`.)
 * BPE(W) = BPE(X) + BPE(Y) whenever no merge can cross the X|Y boundary, i.e. when no
 * token ends with \r or \n followed by one or more other whitespace code points (every merge
 * result is a token, and such a crossing token would end that way). cl100k_base and o200k_base
 * have no such token (checked: `hasCrossingNewlineToken`); r50k_base/p50k_base have one
 * ("\n\u00a0"). So this pattern is recognized only together with a vocabulary passing that
 * check; otherwise it goes through RegexJsEngine.
 */
export const CL100K_PATTERN_NEW =
  "'(?i:[sdmt]|ll|ve|re)|[^\\r\\n\\p{L}\\p{N}]?+\\p{L}++|\\p{N}{1,3}+| ?[^\\s\\p{L}\\p{N}]++[\\r\\n]*+|\\s++$|\\s*[\\r\\n]|\\s+(?!\\S)|\\s";

const KNOWN_PATTERNS = new Map<string, PatternId>([
  [R50K_PATTERN, 0],
  [R50K_PATTERN_NEW, 0],
  [CL100K_PATTERN, 1],
  [O200K_PATTERN, 2],
]);

/**
 * True if some token ends with \r or \n followed by one or more White_Space code points other
 * than \r/\n (see CL100K_PATTERN_NEW). Bytes that are not valid UTF-8 count as non-space.
 */
export function hasCrossingNewlineToken(vocab: Vocab): boolean {
  const { nTokens, offsets, bytes } = vocab;
  for (let r = 0; r < nTokens; r++) {
    const s = offsets[r]!;
    const e = offsets[r + 1]!;
    // 0 = other, 1 = just after \r/\n, 2 = \r/\n then only other whitespace since
    let state = 0;
    for (let i = s; i < e; ) {
      const b = bytes[i]!;
      if (b === 0x0a || b === 0x0d) {
        state = 1;
        i++;
        continue;
      }
      const len = seqLen(b);
      let ok = i + len <= e && (b < 0x80 || (b >= 0xc2 && b <= 0xf4));
      for (let k = 1; ok && k < len; k++) ok = (bytes[i + k]! & 0xc0) === 0x80;
      if (ok && classOf(codePointAt(bytes, i)) === CLASS_SPACE) {
        if (state !== 0) state = 2;
        i += len;
      } else {
        state = 0;
        i += ok ? len : 1;
      }
    }
    if (state === 2) return true;
  }
  return false;
}

const crossingCache = new WeakMap<Vocab, boolean>();

/**
 * The built-in scanner that gives the same token ids as `patStr`, if there is one: the three
 * DESIGN.md patterns and R50K_PATTERN_NEW by exact string; CL100K_PATTERN_NEW only when `vocab`
 * is given and passes the check described there.
 */
export function knownPatternId(patStr: string, vocab?: Vocab): PatternId | undefined {
  const id = KNOWN_PATTERNS.get(patStr);
  if (id !== undefined) return id;
  if (patStr === CL100K_PATTERN_NEW && vocab !== undefined) {
    let crossing = crossingCache.get(vocab);
    if (crossing === undefined) {
      crossing = hasCrossingNewlineToken(vocab);
      crossingCache.set(vocab, crossing);
    }
    return crossing ? undefined : 1;
  }
  return undefined;
}

/**
 * Scratch kept between calls, per buffer: a larger one (from a text of more than ~1 M
 * characters) is dropped after its call, so that one 200 MB count does not hold 1 GB for good.
 */
const KEEP_SCRATCH_BYTES = 4 << 20;

/** Shared text → UTF-8 step: one reused encoder and buffer. */
class Utf8Buffer {
  private readonly encoder = new TextEncoder();
  buf = new Uint8Array(4096);

  /** Drops the buffer if larger than `maxBytes` (0: always). */
  release(maxBytes: number): void {
    if (this.buf.length > Math.max(maxBytes, 4096)) this.buf = new Uint8Array(4096);
  }

  /** Encodes text (lone surrogates → U+FFFD) into `buf`; returns the byte length. */
  write(text: string): number {
    const need = text.length * 3; // UTF-8 bytes per UTF-16 unit ≤ 3
    if (need > this.buf.length) {
      let len = this.buf.length * 2;
      while (len < need) len *= 2;
      this.buf = new Uint8Array(len);
    }
    return this.encoder.encodeInto(text, this.buf).written;
  }
}

/**
 * The rank table of `vocab`, refusing one without a token for some single byte, as the WASM
 * engine does at load (its init's code 2): byte-level BPE starts from single bytes, so such a
 * byte would have no encoding (it once came out as rank u32 max).
 */
function tableOf(vocab: Vocab | RankTable): RankTable {
  const table = vocab instanceof RankTable ? vocab : new RankTable(vocab);
  const missing = table.byteRank.indexOf(-1);
  if (missing >= 0) {
    throw new TokenmillError("VOCAB_INCOMPLETE", `vocabulary lacks a token for the byte 0x${missing.toString(16).padStart(2, "0")}; byte-level BPE needs all 256`);
  }
  return table;
}

export class JsEngine implements Engine {
  readonly kind = "js" as const;
  readonly table: RankTable;
  private readonly bpe: BytePairEncoder;
  private readonly utf8 = new Utf8Buffer();

  /** `vocab` may be a prebuilt RankTable to share one between engines. */
  constructor(vocab: Vocab | RankTable, readonly pattern: PatternId) {
    if (pattern !== 0 && pattern !== 1 && pattern !== 2) throw new RangeError(`bad pattern id ${String(pattern)}`);
    this.table = tableOf(vocab);
    this.bpe = new BytePairEncoder(this.table);
  }

  /** Token ids of `text` (ordinary text only). */
  encode(text: string): Uint32Array {
    const n = this.utf8.write(text);
    const ids = this.encodeBytes(this.utf8.buf, n);
    this.utf8.release(KEEP_SCRATCH_BYTES);
    return ids;
  }

  /** Bytes of scratch buffers held between calls (for tests and monitoring). */
  get scratchBytes(): number {
    return this.utf8.buf.byteLength + this.bpe.scratchBytes;
  }

  /** Frees all scratch (the JS engine memoizes no pieces; this is its whole cache). */
  clearCache(): void {
    this.utf8.release(0);
    this.bpe.release(0);
  }

  /** Token ids of UTF-8 bytes buf[0..n) (valid UTF-8), appended to nothing; for callers with bytes. */
  encodeBytes(buf: Uint8Array, n: number = buf.length): Uint32Array {
    const bpe = this.bpe;
    bpe.outLen = 0;
    const pattern = this.pattern;
    for (let i = 0; i < n; ) {
      const e = pattern === 2 ? o200kPieceEnd(buf, i, n) : pattern === 1 ? cl100kPieceEnd(buf, i, n) : r50kPieceEnd(buf, i, n);
      bpe.encodePiece(buf, i, e);
      i = e;
    }
    const out = bpe.out.slice(0, bpe.outLen);
    bpe.outLen = 0;
    bpe.release(KEEP_SCRATCH_BYTES);
    return out;
  }

  /** Number of tokens of `text`; stops as soon as the count exceeds `limit` (returning it). */
  count(text: string, limit: number = Infinity): number {
    const n = this.utf8.write(text);
    const buf = this.utf8.buf;
    const bpe = this.bpe;
    const pattern = this.pattern;
    let total = 0;
    for (let i = 0; i < n; ) {
      const e = pattern === 2 ? o200kPieceEnd(buf, i, n) : pattern === 1 ? cl100kPieceEnd(buf, i, n) : r50kPieceEnd(buf, i, n);
      bpe.outLen = 0;
      bpe.encodePiece(buf, i, e);
      total += bpe.outLen;
      if (total > limit) break;
      i = e;
    }
    bpe.outLen = 0;
    bpe.release(KEEP_SCRATCH_BYTES);
    this.utf8.release(KEEP_SCRATCH_BYTES);
    return total;
  }
}

const toWellFormed: (s: string) => string =
  typeof (String.prototype as { toWellFormed?: () => string }).toWellFormed === "function"
    ? (s) => (s as unknown as { toWellFormed(): string }).toWellFormed()
    : (s) => s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");

/** JS engine for an arbitrary tiktoken pattern (custom encodings). */
export class RegexJsEngine implements Engine {
  readonly kind = "js" as const;
  readonly table: RankTable;
  readonly regex: RegExp;
  private readonly bpe: BytePairEncoder;
  private readonly utf8 = new Utf8Buffer();

  /** Throws InvalidArgumentError if `patStr` cannot be translated to a JS RegExp. */
  constructor(vocab: Vocab | RankTable, readonly patStr: string) {
    this.regex = compilePattern(patStr, "createEncoding patStr");
    this.table = tableOf(vocab);
    this.bpe = new BytePairEncoder(this.table);
  }

  private run(text: string, limit: number, keep: boolean): number {
    const re = this.regex;
    const bpe = this.bpe;
    const utf8 = this.utf8;
    const s = toWellFormed(text);
    re.lastIndex = 0;
    bpe.outLen = 0;
    let total = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(s)) !== null) {
      const piece = m[0];
      if (piece.length === 0) {
        // empty match: no tokens; step over one code point
        const c = s.codePointAt(re.lastIndex);
        re.lastIndex += c !== undefined && c > 0xffff ? 2 : 1;
        if (re.lastIndex > s.length) break;
        continue;
      }
      const n = utf8.write(piece);
      if (!keep) bpe.outLen = 0;
      const before = bpe.outLen;
      bpe.encodePiece(utf8.buf, 0, n);
      total += bpe.outLen - before;
      if (total > limit) break;
    }
    re.lastIndex = 0;
    return total;
  }

  encode(text: string): Uint32Array {
    this.run(text, Infinity, true);
    const out = this.bpe.out.slice(0, this.bpe.outLen);
    this.bpe.outLen = 0;
    this.release(KEEP_SCRATCH_BYTES);
    return out;
  }

  count(text: string, limit: number = Infinity): number {
    const total = this.run(text, limit, false);
    this.bpe.outLen = 0;
    this.release(KEEP_SCRATCH_BYTES);
    return total;
  }

  private release(maxBytes: number): void {
    this.utf8.release(maxBytes);
    this.bpe.release(maxBytes);
  }

  /** Bytes of scratch buffers held between calls (for tests and monitoring). */
  get scratchBytes(): number {
    return this.utf8.buf.byteLength + this.bpe.scratchBytes;
  }

  /** Frees all scratch (see JsEngine.clearCache). */
  clearCache(): void {
    this.release(0);
  }
}
