/**
 * SentencePiece's precompiled normalization charsmap (`Precompiled` normalizer): a Darts
 * double-array trie over UTF-8 prefixes plus a table of NUL-separated replacement strings, as
 * in spm's `normalizer.cc` and HF's `spm_precompiled` crate.
 */
import { UnsupportedComponentError } from "../errors.js";
import { utf8Len } from "./models/model.js";
import { NStr } from "./normalized.js";

const dec = new TextDecoder("utf-8", { ignoreBOM: true }); // a replacement may begin with U+FEFF

function b64(s: string): Uint8Array {
  if (typeof Buffer !== "undefined") return new Uint8Array(Buffer.from(s, "base64"));
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export class PrecompiledCharsmap {
  private readonly memo = new Map<string, string | null>();
  /** The replacement of each char under U+0300 (a grapheme of its own there), filled as met. */
  private readonly small: Array<string | null | undefined> = new Array(0x300).fill(undefined);
  private constructor(private readonly trie: Uint32Array, private readonly normalized: Uint8Array) {}

  static fromBase64(s: string): PrecompiledCharsmap {
    const { trie, normalized } = parseCharsmap(b64(s));
    return new PrecompiledCharsmap(trie, normalized);
  }

  /**
   * spm_precompiled's `transform`: the replacement of the SHORTEST key that prefixes `chunk`
   * (`common_prefix_search(..)[0]`), or null. A grapheme whose first char alone has a mapping is
   * thus replaced as a whole by that char's replacement, marks included: HF does exactly that.
   */
  private transform(chunk: string): string | null {
    // most graphemes are one char: those lookups are remembered
    if (chunk.length <= 2) {
      const hit = this.memo.get(chunk);
      if (hit !== undefined) return hit;
    }
    const r = this.lookup(chunk);
    if (chunk.length <= 2) {
      if (this.memo.size > 50_000) this.memo.clear();
      this.memo.set(chunk, r);
    }
    return r;
  }

  private lookup(chunk: string): string | null {
    const a = this.trie;
    let nodePos = 0;
    let unit = a[nodePos]!;
    nodePos ^= offsetOf(unit);
    // the chunk's UTF-8 bytes, fed to the trie as they are produced
    const bytes = [0, 0, 0, 0];
    for (let i = 0; i < chunk.length; i++) {
      const cp = chunk.codePointAt(i)!;
      let n: number;
      if (cp < 0x80) {
        bytes[0] = cp;
        n = 1;
      } else if (cp < 0x800) {
        bytes[0] = 0xc0 | (cp >> 6);
        bytes[1] = 0x80 | (cp & 63);
        n = 2;
      } else if (cp < 0x10000) {
        bytes[0] = 0xe0 | (cp >> 12);
        bytes[1] = 0x80 | ((cp >> 6) & 63);
        bytes[2] = 0x80 | (cp & 63);
        n = 3;
      } else {
        bytes[0] = 0xf0 | (cp >> 18);
        bytes[1] = 0x80 | ((cp >> 12) & 63);
        bytes[2] = 0x80 | ((cp >> 6) & 63);
        bytes[3] = 0x80 | (cp & 63);
        n = 4;
        i++;
      }
      for (let k = 0; k < n; k++) {
        const c = bytes[k]!;
        if (c === 0) return null;
        nodePos ^= c;
        unit = a[nodePos]!;
        if ((unit & ((1 << 31) | 0xff)) >>> 0 !== c) return null;
        nodePos ^= offsetOf(unit);
        if (((unit >>> 8) & 1) === 1) {
          const v = a[nodePos]! & 0x7fffffff;
          let e = v;
          while (e < this.normalized.length && this.normalized[e] !== 0) e++;
          return dec.decode(this.normalized.subarray(v, e));
        }
      }
    }
    return null;
  }

  /**
   * HF `Precompiled::normalize`: graphemes shorter than 6 UTF-8 bytes are looked up whole, the
   * others (and those without a mapping) char by char; the (char, change) list is then applied
   * in one transform. As in HF's `replace`, a shorter replacement puts the difference on the
   * last entry so far, which for an empty one is the previous char's.
   *
   * Only the graphemes that change are touched: the rest of the text is copied (no alignments
   * kept) or stays aligned as it was (`transformRegions`, each region being the changed
   * graphemes with, for an empty replacement, the char before them that takes the difference).
   * A char under U+0300 between two such chars is a grapheme of its own, and its replacement
   * depends on the char alone: a table. Only text that starts with a removed grapheme, whose
   * difference no char takes (HF then shifts the alignments of the whole text), goes through the
   * (char, change) list of the whole text.
   */
  normalize(n: NStr): void {
    const s = n.s;
    const len = s.length;
    const track = n.track;
    let out = ""; // !track: the text so far, up to `copied`
    let copied = 0;
    let regs: Region[] | null = null; // track: the changed ranges
    const small = this.small;
    // the replacement `rep` of the original units [a, b) (`count` chars); false: text start
    // removed while tracking, the whole-text path must run
    const replace = (a: number, b: number, count: number, rep: string): boolean => {
      if (!track) {
        out += s.slice(copied, a) + rep;
        copied = b;
        return true;
      }
      regs ??= [];
      const cps: number[] = [];
      const changes: number[] = [];
      for (let k = 0; k < rep.length; k++) {
        const cp = rep.codePointAt(k)!;
        if (cp > 0xffff) k++;
        cps.push(cp);
        changes.push(0);
      }
      const diff = cps.length - count;
      if (diff > 0) for (let k = changes.length - diff; k < changes.length; k++) changes[k] = 1;
      if (cps.length > 0) {
        if (diff < 0) changes[changes.length - 1]! += diff;
        regs.push({ a, b, cps, changes });
        return true;
      }
      // empty: the entry before takes the difference — the last region's if it ends here, else
      // the unchanged char before a, as a region of its own
      const last = regs[regs.length - 1];
      if (last !== undefined && last.b === a && last.cps.length > 0) {
        last.changes[last.changes.length - 1]! += diff;
        last.b = b;
        return true;
      }
      if (a === 0) return false;
      const lo = s.charCodeAt(a - 1);
      const pa = lo >= 0xdc00 && lo <= 0xdfff && a >= 2 && isHigh(s.charCodeAt(a - 2)) ? a - 2 : a - 1;
      regs.push({ a: pa, b, cps: [s.codePointAt(pa)!], changes: [diff] });
      return true;
    };
    const plain = plainChars();
    let i = 0;
    while (i < len) {
      const c = s.charCodeAt(i);
      if (plain[c] === 1 && c !== 0x0d && (i + 1 === len || plain[s.charCodeAt(i + 1)] === 1)) {
        let r: string | null | undefined;
        if (c < 0x300) {
          r = small[c];
          if (r === undefined) r = small[c] = this.lookup(s[i]!);
        } else r = this.transform(s[i]!);
        if (r !== null && !replace(i, i + 1, 1, r)) return this.normalizeWhole(n);
        i++;
        continue;
      }
      // a run up to a certain boundary: between two plain chars, the first not CR
      let j = i + 1;
      while (j < len && !(plain[s.charCodeAt(j)] === 1 && plain[s.charCodeAt(j - 1)] === 1 && s.charCodeAt(j - 1) !== 0x0d)) j++;
      let at = i;
      for (const g of segmentRun(s.slice(i, j))) {
        if (utf8Len(g) < 6) {
          const r = this.transform(g);
          if (r !== null) {
            let count = 0;
            for (const _ of g) count++;
            if (!replace(at, at + g.length, count, r)) return this.normalizeWhole(n);
            at += g.length;
            continue;
          }
        }
        for (let k = 0; k < g.length; ) {
          const cp = g.codePointAt(k)!;
          const w = cp > 0xffff ? 2 : 1;
          const r = this.transform(w === 1 ? g[k]! : g.slice(k, k + 2));
          if (r !== null && !replace(at + k, at + k + w, 1, r)) return this.normalizeWhole(n);
          k += w;
        }
        at += g.length;
      }
      i = j;
    }
    if (!track) {
      if (copied > 0) n.s = out + s.slice(copied);
    } else if (regs !== null) n.transformRegions(regs);
  }

  /** The (char, change) list of the whole text and one transform (HF's way, every case). */
  private normalizeWhole(n: NStr): void {
    const cps: number[] = [];
    const changes: number[] = [];
    let modified = false;
    const replace = (old: string, rep: string): void => {
      modified = true;
      let oldCount = 0;
      for (const _ of old) oldCount++;
      let newCount = 0;
      for (const c of rep) {
        cps.push(c.codePointAt(0)!);
        changes.push(0);
        newCount++;
      }
      const diff = newCount - oldCount;
      if (diff > 0) for (let k = changes.length - diff; k < changes.length; k++) changes[k] = 1;
      else if (diff < 0 && changes.length > 0) changes[changes.length - 1]! += diff;
    };
    for (const g of graphemes(n.s)) {
      if (utf8Len(g) < 6) {
        const r = this.transform(g);
        if (r !== null) {
          replace(g, r);
          continue;
        }
      }
      for (const ch of g) {
        const r = this.transform(ch);
        if (r !== null) replace(ch, r);
        else {
          cps.push(ch.codePointAt(0)!);
          changes.push(0);
        }
      }
    }
    if (modified) n.transform(cps, changes, 0);
  }
}

/**
 * BMP chars with a grapheme cluster boundary between any two of them (the first not CR):
 * everything under U+0300 (no Extend, SpacingMark, ZWJ or Prepend lies there; CR × LF is the
 * only rule), and blocks of letters, digits and punctuation whose chars all have
 * Grapheme_Cluster_Break = Other, Indic_Conjunct_Break = None or Consonant (GB9c binds only
 * after a Linker), and are not Extended_Pictographic, so UAX #29 leaves only GB999 (÷) between
 * them. Marks, Hangul, Prepend chars, emoji and controls are left out: around those the
 * segmenter decides. test/hf-precompiled.test.ts checks each char against Intl.Segmenter.
 */
export const PLAIN_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x0000, 0x02ff],
  [0x0370, 0x0482], // Greek, Cyrillic (0483–0489: marks)
  [0x048a, 0x052f],
  [0x0531, 0x0556], // Armenian
  [0x0561, 0x0587],
  [0x05d0, 0x05ea], // Hebrew letters
  [0x0621, 0x064a], // Arabic letters (0600–0605: Prepend; 064B–065F: marks)
  [0x0660, 0x066f],
  [0x0671, 0x06d3],
  [0x0904, 0x0939], // Devanagari vowels and consonants (signs and the virama left out)
  [0x0958, 0x0961],
  [0x0966, 0x096f],
  [0x0e01, 0x0e30], // Thai (0E31, 0E33–0E3A, 0E47–0E4E: marks)
  [0x0e32, 0x0e32],
  [0x0e3f, 0x0e46],
  [0x0e4f, 0x0e5b],
  [0x1e00, 0x1eff], // Latin Extended Additional
  [0x2010, 0x2027], // General Punctuation (200B–200F, 2028–202E: controls, ZWJ)
  [0x2030, 0x203b], // 203C, 2049: emoji
  [0x203d, 0x2048],
  [0x204a, 0x205e],
  [0x20a0, 0x20c0], // currency signs
  [0x3001, 0x3029], // CJK punctuation (302A–302F: marks, 3030, 303D: emoji)
  [0x3031, 0x303c],
  [0x3041, 0x3096], // Hiragana (3099, 309A: marks)
  [0x309b, 0x30ff], // Katakana
  [0x3400, 0x4dbf], // CJK Unified Ideographs Extension A
  [0x4e00, 0x9fff], // CJK Unified Ideographs
  [0xff01, 0xff9d], // fullwidth and halfwidth forms (FF9E, FF9F: marks)
];

let plainTable: Uint8Array | null = null;

/** 1 for each UTF-16 unit in PLAIN_RANGES (surrogates are not). */
function plainChars(): Uint8Array {
  if (plainTable !== null) return plainTable;
  const t = new Uint8Array(0x10000);
  for (const [a, b] of PLAIN_RANGES) t.fill(1, a, b + 1);
  return (plainTable = t);
}

interface Region {
  a: number;
  b: number;
  cps: number[];
  changes: number[];
}

function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/**
 * The two parts of a charsmap blob: u32 trie size, the Darts double-array units (little-endian
 * u32), then the NUL-separated replacement strings. Shared with src/sentencepiece, whose
 * normalizer walks the same trie byte by byte (longest match, as spm's normalizer.cc does).
 */
export function parseCharsmap(bytes: Uint8Array): { trie: Uint32Array; normalized: Uint8Array } {
  if (bytes.length < 4) throw new UnsupportedComponentError("Precompiled normalizer", "charsmap too short");
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const trieSize = dv.getUint32(0, true);
  if (trieSize % 4 !== 0 || 4 + trieSize > bytes.length) throw new UnsupportedComponentError("Precompiled normalizer", "bad charsmap");
  const trie = new Uint32Array(trieSize / 4);
  for (let i = 0; i < trie.length; i++) trie[i] = dv.getUint32(4 + 4 * i, true);
  return { trie, normalized: bytes.subarray(4 + trieSize) };
}

/** A Darts unit's offset to its children. */
export function offsetOf(unit: number): number {
  return ((unit >>> 10) << ((unit & (1 << 9)) >>> 6)) >>> 0;
}

let segmenter: Intl.Segmenter | null = null;

/**
 * Extended grapheme clusters of s (HF: unicode-segmentation's `graphemes(true)`). Below U+0300
 * no char extends the one before it (marks, ZWJ, spacing marks and prepends all lie above), so
 * a char under U+0300 (except CR, which binds LF) followed by another is a grapheme of its own
 * and the segmenter only sees the runs between such places.
 */
function* graphemes(s: string): Generator<string> {
  const n = s.length;
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c < 0x300 && c !== 0x0d && (i + 1 === n || s.charCodeAt(i + 1) < 0x300)) {
      yield s[i]!;
      i++;
      continue;
    }
    // a run up to a certain boundary: between two chars under U+0300, the first not CR
    let j = i + 1;
    while (j < n && !(s.charCodeAt(j) < 0x300 && s.charCodeAt(j - 1) < 0x300 && s.charCodeAt(j - 1) !== 0x0d)) j++;
    yield* segmentRun(s.slice(i, j));
    i = j;
  }
}

/**
 * Intl.Segmenter over t, in windows: V8's segmenter takes time quadratic in the string's length
 * (80 K chars: ~15 s). Each window starts at a grapheme boundary, and its last grapheme, which
 * may go on past the window, starts the next one (a boundary depends only on the chars before
 * it and the one after it).
 */
function* segmentRun(t: string): Generator<string> {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: "grapheme" });
  const WINDOW = 128; // fastest in V8 for prose
  let start = 0;
  let w = WINDOW;
  while (start < t.length) {
    const end = Math.min(t.length, start + w);
    let last = "";
    let lastAt = -1;
    for (const { segment, index } of segmenter.segment(t.slice(start, end))) {
      if (lastAt >= 0) yield last;
      last = segment;
      lastAt = index;
    }
    if (end === t.length) {
      yield last;
      return;
    }
    if (lastAt === 0) {
      w *= 2; // one grapheme fills the window: widen it
      continue;
    }
    start += lastAt;
    w = WINDOW;
  }
}
