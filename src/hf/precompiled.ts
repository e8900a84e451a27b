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
   */
  normalize(n: NStr): void {
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
