/**
 * SentencePiece's precompiled normalization charsmap (`Precompiled` normalizer): a Darts
 * double-array trie over UTF-8 prefixes plus a table of NUL-separated replacement strings, as
 * in spm's `normalizer.cc` and HF's `spm_precompiled` crate.
 */
import { UnsupportedComponentError } from "../errors.js";
import { NStr } from "./normalized.js";

const enc = new TextEncoder();
const dec = new TextDecoder();

function b64(s: string): Uint8Array {
  if (typeof Buffer !== "undefined") return new Uint8Array(Buffer.from(s, "base64"));
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export class PrecompiledCharsmap {
  private constructor(private readonly trie: Uint32Array, private readonly normalized: Uint8Array) {}

  static fromBase64(s: string): PrecompiledCharsmap {
    const bytes = b64(s);
    if (bytes.length < 4) throw new UnsupportedComponentError("Precompiled normalizer", "charsmap too short");
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const trieSize = dv.getUint32(0, true);
    if (trieSize % 4 !== 0 || 4 + trieSize > bytes.length) throw new UnsupportedComponentError("Precompiled normalizer", "bad charsmap");
    const trie = new Uint32Array(trieSize / 4);
    for (let i = 0; i < trie.length; i++) trie[i] = dv.getUint32(4 + 4 * i, true);
    return new PrecompiledCharsmap(trie, bytes.subarray(4 + trieSize));
  }

  /** Longest prefix of `key` in the trie: its value (offset into normalized) or -1, and its length. */
  private commonPrefix(key: Uint8Array, from: number): [number, number] {
    const a = this.trie;
    let nodePos = 0;
    let unit = a[nodePos]!;
    nodePos ^= ((unit >>> 10) << ((unit & (1 << 9)) >>> 6)) >>> 0;
    let best = -1;
    let bestLen = 0;
    for (let i = from; i < key.length; i++) {
      const c = key[i]!;
      if (c === 0) break;
      nodePos ^= c;
      unit = a[nodePos]!;
      if ((unit & ((1 << 31) | 0xff)) >>> 0 !== c) return [best, bestLen];
      nodePos ^= ((unit >>> 10) << ((unit & (1 << 9)) >>> 6)) >>> 0;
      if (((unit >>> 8) & 1) === 1) {
        best = a[nodePos]! & 0x7fffffff;
        bestLen = i - from + 1;
      }
    }
    return [best, bestLen];
  }

  private lookup(s: string): string | null {
    const key = enc.encode(s);
    const [v, len] = this.commonPrefix(key, 0);
    if (v < 0 || len !== key.length) return null;
    let e = v;
    while (e < this.normalized.length && this.normalized[e] !== 0) e++;
    return dec.decode(this.normalized.subarray(v, e));
  }

  /** HF `Precompiled::normalize`: per grapheme if it maps as a whole, else per char. */
  normalize(n: NStr): void {
    const cps: number[] = [];
    const changes: number[] = [];
    let modified = false;
    const seg = new Intl.Segmenter(undefined, { granularity: "grapheme" });
    const push = (orig: string, rep: string): void => {
      const oldCount = [...orig].length;
      const newChars = [...rep];
      const newCount = newChars.length;
      newChars.forEach((c, i) => {
        cps.push(c.codePointAt(0)!);
        let change = 0;
        if (i >= oldCount) change = 1;
        else if (i === newCount - 1 && newCount < oldCount) change = -(oldCount - newCount);
        changes.push(change);
      });
      if (newCount === 0) modified = true; // removal: handled through initial offsets below
    };
    for (const { segment: g } of seg.segment(n.s)) {
      if (g.length < 6) {
        const r = this.lookup(g);
        if (r !== null) {
          modified = true;
          push(g, r);
          continue;
        }
      }
      for (const ch of g) {
        const r = this.lookup(ch);
        if (r !== null) {
          modified = true;
          push(ch, r);
        } else push(ch, ch);
      }
    }
    if (!modified) return;
    throw new UnsupportedComponentError("Precompiled normalizer", "alignment of rewritten graphemes is not implemented yet");
  }
}
