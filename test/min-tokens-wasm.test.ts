// "min-tokens" in the WASM core (assembly/openai/min-tokens.ts) against its definition and
// against the TypeScript DP (src/encoders/min-tokens.ts): minimal by brute force on small
// vocabularies, the same ids as the TS DP (the same tie rule) on real, hostile and random text,
// both engines equal, and the text spelled back exactly.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createEncoding, getEncodingSync, type Encoding } from "../src/index.js";
import { scannerSplitter, segment, segmentWithPieces } from "../src/encoders/index.js";
import { internalsOf } from "../src/openai/encoding.js";
import { KINDS, makeInput } from "../bench/lib/inputs.mjs";

const O200K_PAT =
  "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?" +
  "|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?" +
  "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const PATTERN_OF: Record<string, 0 | 1 | 2> = { r50k_base: 0, p50k_base: 0, cl100k_base: 1, o200k_base: 2 };

const parallel = JSON.parse(readFileSync(new URL("./fixtures/parallel/parallel.json", import.meta.url), "utf8")) as {
  languages: string[];
  messages: Record<string, string[]>;
};

const same = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => a.length === b.length && Array.prototype.every.call(a, (v, k) => v === b[k]);

/** The TypeScript DP over the encoding's own scanner: the reference the core is held to. */
function tsMinTokens(enc: Encoding, pattern: 0 | 1 | 2, text: string): Uint32Array {
  return segmentWithPieces(enc, () => scannerSplitter(pattern), text, { segmentation: "min-tokens" });
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296;
}

describe("min-tokens in the WASM core", () => {
  it("runs in the core for the WASM engine", () => {
    const enc = getEncodingSync("o200k_base");
    expect(enc.engine).toBe("wasm");
    expect(typeof internalsOf(enc).core.encodeMinTokens).toBe("function");
    // and leaves BPE as it was for the next plain encode
    const text = "tokenization of unbelievably long words";
    const bpe = enc.encodeOrdinary(text);
    segment(enc, text, { segmentation: "min-tokens" });
    expect(Array.from(enc.encodeOrdinary(text))).toEqual(Array.from(bpe));
  });

  it("is minimal with the documented tie-break, by brute force (small vocabularies, WASM engine)", () => {
    const vocabs = [
      ["ab", "bc", "abc", "ca", "cab", "bca", "aa", "aaa", "cc", "bcab", "abca", " a", " ab", "  "],
      ["aa", "aaa", "aaaa", "ab", "ba", "bab", "abab", "bb", "aab", "baa"],
      ["abcabc", "bca", "ab", "cab", "abcab", "bcabca", "ca", "bcab"],
    ];
    const rand = lcg(7);
    for (const [v, vocab] of vocabs.entries()) {
      const ranks: Array<[Uint8Array, number]> = [];
      for (let b = 0; b < 256; b++) ranks.push([Uint8Array.of(b), b]);
      vocab.forEach((t, i) => ranks.push([new TextEncoder().encode(t), 256 + i]));
      const enc = createEncoding({ name: `small-${v}`, patStr: O200K_PAT, mergeableRanks: ranks }, { engine: "wasm" });
      expect(enc.engine).toBe("wasm");
      const tokens = new Set(vocab.concat(Array.from({ length: 256 }, (_, b) => String.fromCharCode(b))));
      for (let trial = 0; trial < 300; trial++) {
        const len = 1 + Math.floor(rand() * 12);
        let word = "";
        for (let k = 0; k < len; k++) word += "abc"[Math.floor(rand() * 3)];
        const ids = segment(enc, word, { segmentation: "min-tokens" });
        expect(enc.decode(ids)).toBe(word);
        // every segmentation into tokens, by brute force: the fewest, then the greatest lengths
        const all: number[][] = [];
        const walk = (i: number, acc: number[]): void => {
          if (i === word.length) all.push([...acc]);
          for (let j = i + 1; j <= word.length; j++) if (tokens.has(word.slice(i, j))) walk(j, [...acc, j - i]);
        };
        walk(0, []);
        const fewest = Math.min(...all.map((a) => a.length));
        const best = all.filter((a) => a.length === fewest).sort((x, y) => {
          for (let k = 0; k < x.length; k++) if (x[k] !== y[k]) return y[k]! - x[k]!;
          return 0;
        })[0]!;
        expect(Array.from(ids, (id) => enc.tokenBytes(id).length), word).toEqual(best);
      }
    }
  });

  for (const name of ["o200k_base", "cl100k_base", "r50k_base"]) {
    it(`gives the TypeScript DP's ids on 48 languages and every hostile kind (${name})`, () => {
      const enc = getEncodingSync(name);
      const js = getEncodingSync(name, { engine: "js" });
      const pattern = PATTERN_OF[name]!;
      const texts = parallel.languages.map((l) => parallel.messages[l]!.join("\n"));
      for (const kind of Object.keys(KINDS)) texts.push(makeInput(kind, 20_000), makeInput(kind, 300));
      for (const text of texts) {
        const wasm = segment(enc, text, { segmentation: "min-tokens" });
        const ts = tsMinTokens(enc, pattern, text);
        expect(same(wasm, ts), text.slice(0, 40)).toBe(true);
        expect(same(segment(js, text, { segmentation: "min-tokens" }), wasm)).toBe(true);
        expect(enc.decode(wasm)).toBe(text.toWellFormed());
      }
    });
  }

  it("gives the TypeScript DP's ids on pieces longer than any token and on random text (o200k_base)", () => {
    const enc = getEncodingSync("o200k_base");
    for (const text of [" ".repeat(70_000), "a".repeat(50_000), "\n\t".repeat(20_000) + "x", "ab1".repeat(30_000), "😀".repeat(5000), "日本".repeat(9000)]) {
      const wasm = segment(enc, text, { segmentation: "min-tokens" });
      expect(same(wasm, tsMinTokens(enc, 2, text))).toBe(true);
      expect(enc.decode(wasm)).toBe(text);
    }
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 400 }), (text) => {
        const wasm = segment(enc, text, { segmentation: "min-tokens" });
        return same(wasm, tsMinTokens(enc, 2, text)) && enc.decode(wasm) === text.toWellFormed();
      }),
      { numRuns: 400, seed: 2026 },
    );
  });

  it("through encode({ segmentation }) with special tokens between the ordinary runs", () => {
    const enc = getEncodingSync("o200k_base");
    const text = "hello<|endoftext|>unbelievable tokenization<|endoftext|>";
    const ids = enc.encode(text, { segmentation: "min-tokens", allowedSpecial: "all" });
    expect(enc.decode(ids)).toBe(text);
    expect(Array.from(ids).filter((id) => id === 199999)).toHaveLength(2);
    expect(enc.count(text, { segmentation: "min-tokens", allowedSpecial: "all" })).toBe(ids.length);
  });
});
