// Every code point through the components whose character classes come from HF's pinned
// Unicode crates (src/hf/char-classes.ts), against the reference (npm `tokenizers`): the
// normalizers' output strings and the pre-tokenizers' pieces.
//
// Code points go in chunks joined by a separator the component leaves alone, one call per chunk
// on each side; a differing chunk is bisected down to the code point so a failure names it.
import fs from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { NStr } from "../src/hf/normalized.js";
import { buildNormalizer } from "../src/hf/normalizers.js";
import { buildPreTokenizer } from "../src/hf/pretokenizers.js";

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const hf = require("tokenizers") as typeof import("tokenizers");

const ALL: string[] = [];
for (let cp = 0; cp < 0x110000; cp++) if (cp < 0xd800 || cp > 0xdfff) ALL.push(String.fromCodePoint(cp));

/** The items whose text differs; `text(items)` must be a concatenation of per-item parts. */
function firstDiffs(items: string[], ours: (s: string) => string, ref: (s: string) => string, text: (items: string[]) => string, chunk = 4096): string[] {
  const bad: string[] = [];
  const walk = (part: string[]): void => {
    const t = text(part);
    if (ours(t) === ref(t)) return;
    if (part.length === 1) {
      bad.push(part[0]!);
      return;
    }
    const mid = part.length >> 1;
    walk(part.slice(0, mid));
    walk(part.slice(mid));
  };
  for (let i = 0; i < items.length && bad.length < 10; i += chunk) walk(items.slice(i, i + chunk));
  return bad;
}

const hex = (s: string) => [...s].map((c) => "U+" + c.codePointAt(0)!.toString(16).toUpperCase()).join(" ");

function ourNormalizer(json: Record<string, unknown>): (s: string) => string {
  const norm = buildNormalizer(json)!;
  return (s) => {
    const n = NStr.of(s);
    norm(n);
    return n.s;
  };
}

describe("normalizers on every code point vs HF tokenizers", () => {
  // " " separates: every normalizer here keeps it and nothing composes with it.
  const CASES: Array<[string, Record<string, unknown>, InstanceType<typeof hf.Normalizer>, (c: string) => string]> = [
    ["BertNormalizer (clean_text, chinese chars, strip_accents, lowercase)", { type: "BertNormalizer", clean_text: true, handle_chinese_chars: true, strip_accents: true, lowercase: true }, hf.bertNormalizer({ cleanText: true, handleChineseChars: true, stripAccents: true, lowercase: true }), (c) => c],
    ["BertNormalizer strip_accents alone", { type: "BertNormalizer", clean_text: false, handle_chinese_chars: false, strip_accents: true, lowercase: false }, hf.bertNormalizer({ cleanText: false, handleChineseChars: false, stripAccents: true, lowercase: false }), (c) => c],
    ["StripAccents", { type: "StripAccents" }, hf.stripAccentsNormalizer(), (c) => c],
    ["Lowercase", { type: "Lowercase" }, hf.lowercase(), (c) => c],
    // "a" U+0345 before each char: U+0345 has combining class 240, so the char moves before it
    // exactly when the normalizer gives it a (lower) combining class.
    ["NFD", { type: "NFD" }, hf.nfdNormalizer(), (c) => "a\u0345" + c],
    ["NFKD", { type: "NFKD" }, hf.nfkdNormalizer(), (c) => "a\u0345" + c],
    ["NFC", { type: "NFC" }, hf.nfcNormalizer(), (c) => "a\u0345" + c],
    ["NFKC", { type: "NFKC" }, hf.nfkcNormalizer(), (c) => c],
  ];
  // SentencePiece's nmt_nfkc charsmap (T5, ALBERT, XLM-R): each char alone, and as the start
  // of a grapheme with a mark (looked up whole, then by its shortest matching prefix)
  const charsmap = JSON.parse(fs.readFileSync(new URL("./fixtures/hf/spm-nmt-nfkc.json", import.meta.url), "utf8")).normalizer.normalizers[0].precompiled_charsmap as string;
  const precompiled = hf.precompiled([...Buffer.from(charsmap, "base64")]);
  CASES.push(["Precompiled", { type: "Precompiled", precompiled_charsmap: charsmap }, precompiled, (c) => c]);
  CASES.push(["Precompiled, char + U+0308", { type: "Precompiled", precompiled_charsmap: charsmap }, precompiled, (c) => c + "\u0308"]);
  for (const [name, json, ref, wrap] of CASES) {
    it(name, () => {
      const ours = ourNormalizer(json);
      const bad = firstDiffs(ALL, ours, (s) => ref.normalizeString(s), (items) => items.map(wrap).join(" "));
      expect(bad.map(hex)).toEqual([]);
    });
  }

  it("compositions of code points the reference's normalizer does not know (U+11935 U+11930, U+105D2 U+0307)", () => {
    const texts = ["\u{11935}\u{11930}", "\u{105D2}\u0307", "a\u0301\u{1DFA}\u0323", "\u{16D67}\u{16D67}x\u00e9", "e\u0301\u{1E08F}\u0301"];
    for (const [form, ref] of [["NFC", hf.nfcNormalizer()], ["NFKC", hf.nfkcNormalizer()], ["NFD", hf.nfdNormalizer()]] as const) {
      const ours = ourNormalizer({ type: form });
      for (const t of texts) expect(hex(ours(t)), `${form} ${hex(t)}`).toBe(hex(ref.normalizeString(t)));
    }
  });
});

describe("pre-tokenizers on every code point vs HF tokenizers", () => {
  // Pieces as their lengths in UTF-8 bytes: HF's ByteLevel hands out pieces already mapped to
  // its byte alphabet (one char per byte), ours keeps the text.
  const utf8 = new TextEncoder();
  function ourPieces(json: Record<string, unknown>): (s: string) => string {
    const run = buildPreTokenizer(json).run!;
    return (s) => {
      const out: NStr[] = [];
      run(NStr.of(s), out);
      return JSON.stringify(out.map((p) => (json.type === "ByteLevel" ? utf8.encode(p.s).length : p.s)));
    };
  }
  const refPieces = (p: InstanceType<typeof hf.PreTokenizer>, byteLevel: boolean) => (s: string) =>
    JSON.stringify(p.preTokenizeString(s).map((x) => (byteLevel ? [...x[0]].length : x[0])));
  // "a" between the chars: a char splits off exactly when it is punctuation (or whitespace).
  const CASES: Array<[string, Record<string, unknown>, InstanceType<typeof hf.PreTokenizer>]> = [
    ["BertPreTokenizer", { type: "BertPreTokenizer" }, hf.bertPreTokenizer()],
    ["Punctuation", { type: "Punctuation", behavior: "Isolated" }, hf.punctuationPreTokenizer("isolated")],
    ["Digits", { type: "Digits", individual_digits: true }, hf.digitsPreTokenizer(true)],
    ["WhitespaceSplit", { type: "WhitespaceSplit" }, hf.whitespaceSplitPreTokenizer()],
    // regex classes (\w, \p{L}, \p{N}: Oniguruma's Unicode 16.0, whatever this engine's is)
    ["Whitespace", { type: "Whitespace" }, hf.whitespacePreTokenizer()],
    ["ByteLevel", { type: "ByteLevel", add_prefix_space: false, use_regex: true }, hf.byteLevelPreTokenizer(false, true)],
  ];
  for (const [name, json, ref] of CASES) {
    it(name, () => {
      const bad = firstDiffs(ALL, ourPieces(json), refPieces(ref, json.type === "ByteLevel"), (items) => "a" + items.join("a") + "a", 2048);
      expect(bad.map(hex)).toEqual([]);
    });
  }
});
