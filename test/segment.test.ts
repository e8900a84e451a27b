// Alternative segmentations (src/encoders): min-tokens is minimal (brute force), longest-first
// matches a direct transcription of its rule, dropout is reproducible and at p = 0 is exactly
// BPE (and so tiktoken), bytes are UTF-8; every segmentation spells the text back exactly.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { InvalidArgumentError, InvalidTokenIdError, createEncoding, getEncodingSync, type Encoding } from "../src/index.js";
import { SEGMENTATIONS, UTF8_CONTROL, decodeByteIds, decodeSegmented, regexSplitter, scannerSplitter, segment, segmentWithPieces, type DropStats } from "../src/encoders/index.js";
import { refOrdinary } from "./helpers/reference.js";

const O200K_PAT =
  "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?" +
  "|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?" +
  "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

const parallel = JSON.parse(readFileSync(new URL("./fixtures/parallel/parallel.json", import.meta.url), "utf8")) as {
  languages: string[];
  messages: Record<string, string[]>;
};
const MIXED =
  "The quick brown fox's tokenization: naïve café, 12345 + 678 = 13023!\n\n    def f(x):\n\t\treturn x**2  # 👋🌍 " +
  "日本語のテキスト、中文文本。 Привет, мир! مرحبا بالعالم   \r\n" + "=".repeat(40) + " " + "a".repeat(300);
const TEXTS = [MIXED, ...parallel.languages.map((l) => parallel.messages[l]!.join("\n"))];

/** Deterministic LCG, for random test strings. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296;
}

/** A small encoding: the 256 bytes, then `extra` tokens in rank order; a pattern of the given kind. */
function small(extra: string[], pattern: "scanner" | "regex"): Encoding {
  const ranks: Array<[Uint8Array, number]> = [];
  for (let b = 0; b < 256; b++) ranks.push([Uint8Array.of(b), b]);
  extra.forEach((t, i) => ranks.push([new TextEncoder().encode(t), 256 + i]));
  return createEncoding(
    { name: `small-${pattern}`, patStr: pattern === "scanner" ? O200K_PAT : "\\S+|\\s+", mergeableRanks: ranks },
    { engine: "js" },
  );
}

/** All token-length sequences spelling bytes (brute force), as arrays of token lengths. */
function allSegmentations(bytes: Uint8Array, isToken: (s: number, e: number) => boolean): number[][] {
  const out: number[][] = [];
  const walk = (i: number, acc: number[]): void => {
    if (i === bytes.length) {
      out.push([...acc]);
      return;
    }
    for (let j = i + 1; j <= bytes.length; j++) {
      if (isToken(i, j)) {
        acc.push(j - i);
        walk(j, acc);
        acc.pop();
      }
    }
  };
  walk(0, []);
  return out;
}

function tokenSet(enc: Encoding): Set<string> {
  const s = new Set<string>();
  for (let id = 0; id < enc.nVocab; id++) if (enc.isValidId(id)) s.add(Buffer.from(enc.tokenBytes(id)).toString("latin1"));
  return s;
}

describe("min-tokens", () => {
  const vocab = ["ab", "bc", "abc", "ca", "cab", "bca", "aa", "aaa", "cc", "bcab", "abca", " a", " ab", "  "];
  for (const kind of ["scanner", "regex"] as const) {
    it(`is minimal with the documented tie-break, by brute force over random strings (${kind} pre-tokenizer)`, () => {
      const enc = small(vocab, kind);
      const tokens = tokenSet(enc);
      const rand = lcg(kind === "scanner" ? 1 : 2);
      for (let trial = 0; trial < 300; trial++) {
        const len = 1 + Math.floor(rand() * 11);
        let word = "";
        for (let k = 0; k < len; k++) word += "abc"[Math.floor(rand() * 3)];
        const ids = segment(enc, word, { segmentation: "min-tokens" });
        expect(enc.decode(ids)).toBe(word);
        const bytes = new TextEncoder().encode(word);
        const latin = Buffer.from(bytes).toString("latin1");
        const all = allSegmentations(bytes, (s, e) => tokens.has(latin.slice(s, e)));
        const fewest = Math.min(...all.map((a) => a.length));
        expect(ids.length, word).toBe(fewest);
        // tie-break: lexicographically greatest token lengths from the left
        const best = all.filter((a) => a.length === fewest).sort((x, y) => {
          for (let k = 0; k < x.length; k++) if (x[k] !== y[k]) return y[k]! - x[k]!;
          return 0;
        })[0]!;
        expect(Array.from(ids, (id) => enc.tokenBytes(id).length), word).toEqual(best);
      }
    });
  }

  it("never needs more tokens than BPE, per pre-token, on o200k_base and cl100k_base", () => {
    for (const name of ["o200k_base", "cl100k_base"]) {
      const enc = getEncodingSync(name);
      for (const text of TEXTS) {
        const min = segment(enc, text, { segmentation: "min-tokens" });
        expect(enc.decode(min)).toBe(text);
        expect(min.length).toBeLessThanOrEqual(enc.encodeOrdinary(text).length);
      }
      // a known case: BPE spends more tokens than needed somewhere in mixed text
      const all = TEXTS.join("\n");
      expect(segment(enc, all, { segmentation: "min-tokens" }).length).toBeLessThan(enc.encodeOrdinary(all).length);
    }
  });
});

/** longest-first by its definition, transcribed directly: O(n²) per piece, no heap. */
function lbpeReference(enc: Encoding, piece: Uint8Array): number[] {
  const rank = new Map<string, number>();
  for (let id = 0; id < enc.nVocab; id++) if (enc.isValidId(id) && !Object.values(enc.specialTokens).includes(id)) rank.set(Buffer.from(enc.tokenBytes(id)).toString("latin1"), id);
  const s = Buffer.from(piece).toString("latin1");
  let parts = [...s];
  while (true) {
    let bi = -1;
    let bl = -1;
    let br = Infinity;
    for (let i = 0; i + 1 < parts.length; i++) {
      const m = parts[i]! + parts[i + 1]!;
      const r = rank.get(m);
      if (r === undefined) continue;
      if (m.length > bl || (m.length === bl && r < br)) {
        bi = i;
        bl = m.length;
        br = r;
      }
    }
    if (bi < 0) break;
    parts = [...parts.slice(0, bi), parts[bi]! + parts[bi + 1]!, ...parts.slice(bi + 2)];
  }
  return parts.map((p) => rank.get(p)!);
}

describe("longest-first (LBPE)", () => {
  it("prefers the longer merge where BPE prefers the lower rank", () => {
    // ab < cd < abc in rank: after "ab", BPE merges "cd" (rank) but LBPE "abc" (length).
    const enc = small(["ab", "cd", "abc"], "regex");
    const bpe = enc.encodeOrdinary("abcd");
    const lbpe = segment(enc, "abcd", { segmentation: "longest-first" });
    expect(Array.from(bpe, (id) => enc.decode([id]))).toEqual(["ab", "cd"]);
    expect(Array.from(lbpe, (id) => enc.decode([id]))).toEqual(["abc", "d"]);
  });

  it("equals a direct transcription of the rule on random strings", () => {
    const enc = small(["ab", "bc", "abc", "ca", "cab", "bca", "aa", "aaa", "cc", "bcab", "abca"], "regex");
    const rand = lcg(7);
    for (let trial = 0; trial < 300; trial++) {
      let word = "";
      const len = 1 + Math.floor(rand() * 14);
      for (let k = 0; k < len; k++) word += "abc"[Math.floor(rand() * 3)];
      const got = Array.from(segment(enc, word, { segmentation: "longest-first" }));
      expect(got, word).toEqual(lbpeReference(enc, new TextEncoder().encode(word)));
    }
  });

  it("spells o200k_base text back exactly", () => {
    const enc = getEncodingSync("o200k_base");
    for (const text of TEXTS) expect(enc.decode(segment(enc, text, { segmentation: "longest-first" }))).toBe(text);
  });
});

describe("dropout (BPE-dropout)", () => {
  it("at p = 0 is exactly BPE: tiktoken's ids, WASM and JS engines", () => {
    // each Encoding builds its own trie (~1 s): both engines once, each family once
    const cases = [["o200k_base", "wasm"], ["o200k_base", "js"], ["cl100k_base", "wasm"], ["p50k_base", "js"]] as const;
    for (const [name, engine] of cases) {
      const enc = getEncodingSync(name, { engine });
      for (const text of TEXTS) {
        const ids = Array.from(segment(enc, text, { segmentation: "dropout", p: 0, seed: 3 }));
        expect(ids).toEqual(refOrdinary(name, text));
      }
    }
  });

  it("at p = 1 leaves every byte alone", () => {
    const enc = getEncodingSync("o200k_base");
    const ids = segment(enc, MIXED, { segmentation: "dropout", p: 1 });
    expect(ids.length).toBe(new TextEncoder().encode(MIXED).length);
    expect(enc.decode(ids)).toBe(MIXED);
  });

  it("is reproducible per seed, differs between seeds, and spells the text back", () => {
    const enc = getEncodingSync("o200k_base");
    const a = segment(enc, MIXED, { segmentation: "dropout", p: 0.1, seed: 42 });
    const b = segment(enc, MIXED, { segmentation: "dropout", p: 0.1, seed: 42 });
    const c = segment(enc, MIXED, { segmentation: "dropout", p: 0.1, seed: 43 });
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    for (const text of TEXTS) expect(enc.decode(segment(enc, text, { segmentation: "dropout", p: 0.3, seed: 9 }))).toBe(text);
  });

  it("keeps a share ≈ 1 − p of the merges it draws, and a one-merge word whole with probability 1 − p", () => {
    const enc = getEncodingSync("o200k_base");
    const text = TEXTS.join("\n");
    for (const p of [0.1, 0.3, 0.6]) {
      const stats: DropStats = { drawn: 0, dropped: 0 };
      segment(enc, text, { segmentation: "dropout", p, seed: 1234, stats });
      const kept = 1 - stats.dropped / stats.drawn;
      const sigma = Math.sqrt((p * (1 - p)) / stats.drawn);
      expect(stats.drawn).toBeGreaterThan(5000);
      expect(Math.abs(kept - (1 - p))).toBeLessThan(5 * sigma);
    }
    // "ab" has exactly one candidate merge: it survives with probability 1 − p (paper, Alg. 1).
    const small2 = small(["ab"], "regex");
    const p = 0.25;
    let whole = 0;
    const N = 4000;
    for (let seed = 0; seed < N; seed++) if (segment(small2, "ab", { segmentation: "dropout", p, seed }).length === 1) whole++;
    expect(Math.abs(whole / N - (1 - p))).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / N));
  });

  it("samples the segmentations of a small word with the paper's probabilities", () => {
    // Algorithm 1 of arXiv 1910.13267 on "abc" with merges ab < bc < abc (by rank): step 1 keeps
    // ab with 1 − p, else bc with p(1 − p), else stops; step 2 keeps the one merge to abc with 1 − p.
    const enc = small(["ab", "bc", "abc"], "regex");
    const p = 0.3;
    const expected: Record<string, number> = {
      abc: (1 - p) ** 2 * (1 + p),
      "ab|c": (1 - p) * p,
      "a|bc": p * p * (1 - p),
      "a|b|c": p * p,
    };
    const seen: Record<string, number> = {};
    const N = 6000;
    for (let seed = 0; seed < N; seed++) {
      const key = Array.from(segment(enc, "abc", { segmentation: "dropout", p, seed }), (id) => enc.decode([id])).join("|");
      seen[key] = (seen[key] ?? 0) + 1;
    }
    expect(Object.keys(seen).sort()).toEqual(Object.keys(expected).sort());
    for (const [k, q] of Object.entries(expected)) expect(Math.abs(seen[k]! / N - q), k).toBeLessThan(5 * Math.sqrt((q * (1 - q)) / N));
  });

  it("yields more tokens as p grows", () => {
    const enc = getEncodingSync("o200k_base");
    const text = TEXTS.join("\n");
    const counts = [0, 0.1, 0.3, 0.6].map((p) => segment(enc, text, { segmentation: "dropout", p, seed: 5 }).length);
    for (let i = 1; i < counts.length; i++) expect(counts[i]!).toBeGreaterThan(counts[i - 1]!);
  });
});

describe("bytes (UTF8Tokenizer)", () => {
  it("gives the UTF-8 bytes as ids and decodes them back", () => {
    const enc = getEncodingSync("o200k_base");
    for (const text of TEXTS) {
      const ids = segment(enc, text, { segmentation: "bytes" });
      expect(Array.from(ids)).toEqual(Array.from(new TextEncoder().encode(text)));
      expect(decodeByteIds(ids)).toBe(text);
      expect(decodeSegmented(enc, ids, "bytes")).toBe(text);
    }
    expect(UTF8_CONTROL.startOfText).toBe(0x02);
    expect(UTF8_CONTROL.endOfText).toBe(0x03);
    expect(UTF8_CONTROL.pad).toBe(0);
    expect(() => decodeByteIds([65, 256])).toThrow(InvalidTokenIdError);
  });
});

describe("segment", () => {
  it("spells every text back exactly under every segmentation", () => {
    const enc = getEncodingSync("cl100k_base");
    for (const seg of SEGMENTATIONS) {
      for (const text of TEXTS) {
        const ids = segment(enc, text, seg === "dropout" ? { segmentation: seg, p: 0.2, seed: 1 } : { segmentation: seg });
        expect(decodeSegmented(enc, ids, seg)).toBe(text);
      }
    }
  });

  it("rejects bad options with InvalidArgumentError", () => {
    const enc = getEncodingSync("o200k_base");
    expect(() => segment(enc, "x", { segmentation: "nope" as never })).toThrow(InvalidArgumentError);
    expect(() => segment(enc, "x", { segmentation: "dropout", p: 1.5 })).toThrow(/\[0, 1\]/);
    expect(() => segment(enc, "x", { segmentation: "dropout", seed: 0.5 })).toThrow(InvalidArgumentError);
    expect(() => segment(enc, "x", { segmentation: "min-tokens", p: 0.1 })).toThrow(/dropout/);
    expect(() => segment(enc, 5 as never, { segmentation: "bytes" })).toThrow(InvalidArgumentError);
  });

  it("takes the pre-tokenizer from the caller too (what Encoding.encode will pass)", () => {
    const enc = getEncodingSync("o200k_base");
    for (const text of TEXTS) {
      const a = segment(enc, text, { segmentation: "min-tokens" });
      expect(Array.from(segmentWithPieces(enc, () => scannerSplitter(2), text, { segmentation: "min-tokens" }))).toEqual(Array.from(a));
    }
    // a splitter that makes every code point a piece gives one token per character run of bytes
    const perChar = regexSplitter(/[\s\S]/gu);
    const ids = segmentWithPieces(enc, () => perChar, "héllo", { segmentation: "min-tokens" });
    expect(Array.from(ids, (id) => enc.decode([id]))).toEqual(["h", "é", "l", "l", "o"]);
  });

  it("treats special-token text as ordinary text", () => {
    const enc = getEncodingSync("o200k_base");
    const ids = segment(enc, "a<|endoftext|>b", { segmentation: "min-tokens" });
    expect(ids).not.toContain(199999);
    expect(enc.decode(ids)).toBe("a<|endoftext|>b");
  });
});
