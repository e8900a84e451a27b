/**
 * SentencePiece's normalizer (normalizer.cc `Normalizer::Normalize`), over UTF-8 bytes:
 * at each position the longest user-defined symbol is kept as it is (PrefixMatcher), else the
 * longest key of the precompiled charsmap is replaced (`NormalizePrefix`: longest match, unlike
 * HF's Precompiled normalizer, which takes the shortest, grapheme by grapheme), else one UTF-8
 * character is copied. Around that: leading, trailing and repeated spaces dropped
 * (`remove_extra_whitespaces`), a space put first (`add_dummy_prefix`, or last with
 * `treat_whitespace_as_suffix`), and spaces written as U+2581 "▁" (`escape_whitespaces`).
 */
import { offsetOf, parseCharsmap } from "../hf/precompiled.js";
import type { SpNormalizerSpec } from "./model-proto.js";
import { ByteTrie } from "../hf/models/byte-trie.js";
import { oneCharLen } from "../hf/models/model.js";

const SPACE_SYMBOL = [0xe2, 0x96, 0x81]; // U+2581


/** A growable byte buffer. */
export class ByteSink {
  buf: Uint8Array;
  len = 0;
  constructor(cap = 256) {
    this.buf = new Uint8Array(cap);
  }
  reset(cap: number): void {
    if (this.buf.length < cap) this.buf = new Uint8Array(cap);
    this.len = 0;
  }
  /** Drops a buffer grown past 1 MB (one huge text) back to the initial size. */
  release(): void {
    if (this.buf.length > 1 << 20) this.buf = new Uint8Array(256);
    this.len = 0;
  }
  ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    const b = new Uint8Array(Math.max(this.buf.length * 2, this.len + extra));
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }
  push(b: number): void {
    if (this.len === this.buf.length) this.ensure(1);
    this.buf[this.len++] = b;
  }
}

// How an ASCII byte normalizes when the next byte is ASCII too (or the end): the charsmap has
// no longer key starting with it then, so the answer depends on the byte alone.
const COPY = 0;
const MAPPED = 1;
const SLOW = 2;

export class SpNormalizer {
  private readonly trie: Uint32Array | null;
  private readonly replacements: Uint8Array;
  private readonly repCache = new Map<number, Uint8Array>();
  private readonly asciiKind = new Uint8Array(128);
  private readonly asciiRep: Array<Uint8Array | null> = new Array(128).fill(null);
  private matchValue = 0;

  constructor(
    private readonly spec: SpNormalizerSpec,
    private readonly userSymbols: ByteTrie | null,
    private readonly treatWhitespaceAsSuffix: boolean,
  ) {
    if (spec.precompiledCharsmap.length > 0) {
      const { trie, normalized } = parseCharsmap(spec.precompiledCharsmap);
      this.trie = trie;
      this.replacements = normalized;
    } else {
      this.trie = null;
      this.replacements = new Uint8Array(0);
    }
    const one = new Uint8Array(2);
    for (let b = 0; b < 128; b++) {
      one[0] = b;
      if (userSymbols !== null && userSymbols.child(0, b) >= 0) this.asciiKind[b] = SLOW;
      else if (this.trie === null) this.asciiKind[b] = COPY;
      else {
        let continues = false;
        for (let c = 0; c < 128 && !continues; c++) {
          one[1] = c;
          continues = this.walks(one);
        }
        const len = this.longestKey(one, 0, 1);
        this.asciiKind[b] = continues ? SLOW : len > 0 ? MAPPED : COPY;
        if (len > 0) this.asciiRep[b] = this.replacement(this.matchValue);
      }
    }
  }

  /** Whether the charsmap trie has a path for all of `key` (a key, or the prefix of one). */
  private walks(key: Uint8Array): boolean {
    const a = this.trie!;
    let nodePos = offsetOf(a[0]!);
    for (let k = 0; k < key.length; k++) {
      const c = key[k]!;
      if (c === 0) return false;
      nodePos ^= c;
      const unit = a[nodePos]!;
      if ((unit & (0x80000000 | 0xff)) >>> 0 !== c) return false;
      nodePos ^= offsetOf(unit);
    }
    return true;
  }

  /** Darts `commonPrefixSearch`, keeping the longest result: its length (0 = none), value in matchValue. */
  private longestKey(bytes: Uint8Array, pos: number, end: number): number {
    const a = this.trie!;
    let nodePos = offsetOf(a[0]!);
    let best = 0;
    for (let i = pos; i < end; i++) {
      const c = bytes[i]!;
      if (c === 0) break;
      nodePos ^= c;
      const unit = a[nodePos]!;
      if ((unit & (0x80000000 | 0xff)) >>> 0 !== c) break;
      nodePos ^= offsetOf(unit);
      if (((unit >>> 8) & 1) === 1) {
        best = i + 1 - pos;
        this.matchValue = a[nodePos]! & 0x7fffffff;
      }
    }
    return best;
  }

  private replacement(value: number): Uint8Array {
    let r = this.repCache.get(value);
    if (r === undefined) {
      let e = value;
      while (e < this.replacements.length && this.replacements[e] !== 0) e++;
      r = this.replacements.subarray(value, e);
      this.repCache.set(value, r);
    }
    return r;
  }

  /**
   * `NormalizePrefix` at `pos`: how many input bytes it consumes; the replacement is `rep`
   * afterwards, or null when the input bytes themselves are the output.
   */
  private rep: Uint8Array | null = null;
  private prefix(input: Uint8Array, pos: number, end: number): number {
    const b = input[pos]!;
    if (b < 0x80 && (pos + 1 === end || input[pos + 1]! < 0x80)) {
      const kind = this.asciiKind[b]!;
      if (kind === COPY) {
        this.rep = null;
        return 1;
      }
      if (kind === MAPPED) {
        this.rep = this.asciiRep[b]!;
        return 1;
      }
    }
    if (this.userSymbols !== null) {
      const n = this.userSymbols.longestPrefix(input, pos, end);
      if (n > 0) {
        this.rep = null;
        return n;
      }
    }
    if (this.trie !== null) {
      const n = this.longestKey(input, pos, end);
      if (n > 0) {
        this.rep = this.replacement(this.matchValue);
        return n;
      }
    }
    this.rep = null;
    return Math.min(oneCharLen(b), end - pos);
  }

  private isSpace(input: Uint8Array, pos: number, n: number): boolean {
    const r = this.rep;
    if (r === null) return n === 1 && input[pos] === 0x20;
    return r.length === 1 && r[0] === 0x20;
  }

  /** The normalized bytes of `input` (valid UTF-8) into `out` (reset first). */
  normalize(input: Uint8Array, out: ByteSink): void {
    const spec = this.spec;
    const n = input.length;
    out.reset(n + (n >> 1) + 8);
    let pos = 0;
    const removeExtra = spec.removeExtraWhitespaces;
    const escape = spec.escapeWhitespaces;
    if (removeExtra) {
      while (pos < n) {
        const len = this.prefix(input, pos, n);
        if (!this.isSpace(input, pos, len)) break;
        pos += len;
      }
    }
    if (pos === n) return;
    const addWs = (): void => {
      if (escape) for (const b of SPACE_SYMBOL) out.push(b);
      else out.push(0x20);
    };
    if (!this.treatWhitespaceAsSuffix && spec.addDummyPrefix) addWs();
    let prevSpace = removeExtra;
    while (pos < n) {
      const len = this.prefix(input, pos, n);
      const r = this.rep;
      const src = r ?? input;
      let i = r === null ? pos : 0;
      const e = r === null ? pos + len : r.length;
      // drop the spaces that open this piece if the previous one ended with a space
      if (prevSpace) while (i < e && src[i] === 0x20) i++;
      if (i < e) {
        out.ensure((e - i) * 3);
        const buf = out.buf;
        let o = out.len;
        for (; i < e; i++) {
          const c = src[i]!;
          if (c === 0x20 && escape) {
            buf[o++] = 0xe2;
            buf[o++] = 0x96;
            buf[o++] = 0x81;
          } else buf[o++] = c;
        }
        out.len = o;
        prevSpace = src[e - 1] === 0x20;
      }
      pos += len;
      if (!removeExtra) prevSpace = false;
    }
    if (removeExtra) {
      const buf = out.buf;
      if (escape) {
        while (out.len >= 3 && buf[out.len - 3] === 0xe2 && buf[out.len - 2] === 0x96 && buf[out.len - 1] === 0x81) out.len -= 3;
      } else while (out.len >= 1 && buf[out.len - 1] === 0x20) out.len--;
    }
    if (this.treatWhitespaceAsSuffix && spec.addDummyPrefix) addWs();
  }
}
