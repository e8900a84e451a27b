// Normalizers, pre-tokenizers, added tokens and decoders of tokenizer.json in small synthetic
// configs, each against the reference (npm `tokenizers`) on fuzzed text: ids, offsets, decode.
//
// The model is byte-level BPE without merges, so every token is one byte of the normalized
// text and its offsets are that char's alignment to the input: every alignment a normalizer
// or pre-tokenizer produces is compared, not only the ones a real vocabulary happens to expose.
import fs from "node:fs";
import fc from "fast-check";
import { describe, it } from "vitest";
import { fromTokenizerJsonSync } from "../src/index.js";
import { BYTE_TO_CHAR } from "../src/hf/byte-level.js";
import { check, hf } from "./helpers/hf-reference.js";

type Json = Record<string, unknown>;

/** Fixed seeds; HF_FUZZ_SEED shifts them all, to probe further locally. */
const SEED = Number(process.env.HF_FUZZ_SEED ?? 0);

const CHARSMAP = (() => {
  const j = JSON.parse(fs.readFileSync(new URL("./fixtures/hf/spm-nmt-nfkc.json", import.meta.url), "utf8"));
  return j.normalizer.normalizers[0].precompiled_charsmap as string;
})();

const BYTE_VOCAB: Record<string, number> = {};
BYTE_TO_CHAR.forEach((c, b) => (BYTE_VOCAB[c] = b));

function byteLevelJson(parts: { normalizer?: Json | null; pre?: Json[]; added?: Json[]; post?: Json | null }): string {
  const added = parts.added ?? [];
  return JSON.stringify({
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: parts.normalizer ?? null,
    pre_tokenizer: { type: "Sequence", pretokenizers: [...(parts.pre ?? []), { type: "ByteLevel", add_prefix_space: false, trim_offsets: false, use_regex: false }] },
    post_processor: parts.post ?? null,
    decoder: { type: "ByteLevel", add_prefix_space: false, trim_offsets: false, use_regex: false },
    model: { type: "BPE", dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab: BYTE_VOCAB, merges: [] },
  });
}

// What normalizers and pre-tokenizers treat specially: marks (reordering, composing,
// decomposing), compatibility chars, ligatures, full-width and halfwidth forms, Hangul jamo,
// controls, every kind of whitespace, digits, punctuation, astral chars, and strings the
// configs below match.
const PIECES = [
  "a", "Z", "é", "e\u0301", "\u0301", "\u0323", "\u0308", "\u0345", "\u0f73", "\u0f71", "\u0344", "\u1dfa", "ǖ", "ệ", "Å", "Ω", "ß", "İ", "Σ", "ς",
  "ﬁ", "ﬀ", "ﬃ", "㍿", "①", "½", "²", "Ⅻ", "™", "…", "ｱ", "ﾞ", "ﾟ", "ｶﾞ", "Ａ", "ｚ", "１", "\uffa0", "\uffc2", "\u1100", "\u1161", "\u11a8", "가", "각",
  "日", "本", "\u{20000}", "😀", "👍🏽", "🇫🇷", "\u200d", "\u{1D400}", "\u{11935}\u{11930}", "क्ष", "ा", "ไ", "ا", "٣",
  " ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u3000", "\u2028", "\u0085", "\u200b", "\ufeff", "\u0000", "\u0001", "\u001f", "\u007f", "\u00ad", "\ufffd",
  "0", "7", "123", ".", ",", "!", "-", "_", "'", "¿", "«", "»", "「", "▁", "▁▁", "##", "<mask>", "<MASK>", "[x]", "hello",
];
const text = fc.oneof(
  { weight: 3, arbitrary: fc.array(fc.constantFrom(...PIECES), { maxLength: 16 }).map((a) => a.join("")) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 16 }) },
);

async function fuzz(name: string, json: string, runs: number, seed: number): Promise<void> {
  const engines = [fromTokenizerJsonSync(json), fromTokenizerJsonSync(json, { engine: "js" })];
  const ref = hf.Tokenizer.fromString(json);
  for (const t of PIECES) await check(name, engines, ref, t);
  await fc.assert(
    fc.asyncProperty(text, async (t) => {
      await check(name, engines, ref, t);
    }),
    { numRuns: runs, seed },
  );
}

const NORMALIZERS: Record<string, Json> = {
  NFC: { type: "NFC" },
  NFD: { type: "NFD" },
  NFKC: { type: "NFKC" },
  NFKD: { type: "NFKD" },
  Lowercase: { type: "Lowercase" },
  "NFD + StripAccents": { type: "Sequence", normalizers: [{ type: "NFD" }, { type: "StripAccents" }] },
  "StripAccents alone": { type: "StripAccents" },
  "Strip both": { type: "Strip", strip_left: true, strip_right: true },
  "Strip right": { type: "Strip", strip_left: false, strip_right: true },
  "Replace string": { type: "Replace", pattern: { String: " " }, content: "▁▁" },
  "Replace regex to nothing": { type: "Replace", pattern: { Regex: "\\s+" }, content: "" },
  Prepend: { type: "Prepend", prepend: "▁" },
  "BertNormalizer defaults": { type: "BertNormalizer", clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
  "BertNormalizer cased, accents kept": { type: "BertNormalizer", clean_text: true, handle_chinese_chars: false, strip_accents: false, lowercase: false },
  "BertNormalizer strip_accents without lowercase": { type: "BertNormalizer", clean_text: false, handle_chinese_chars: true, strip_accents: true, lowercase: false },
  Precompiled: { type: "Precompiled", precompiled_charsmap: CHARSMAP },
  "ALBERT-like sequence": {
    type: "Sequence",
    normalizers: [
      { type: "Replace", pattern: { String: "``" }, content: '"' },
      { type: "NFKD" },
      { type: "StripAccents" },
      { type: "Lowercase" },
      { type: "Precompiled", precompiled_charsmap: CHARSMAP },
      { type: "Replace", pattern: { Regex: " {2,}" }, content: " " },
    ],
  },
  Nmt: { type: "Nmt" },
  "Precompiled then NFC": { type: "Sequence", normalizers: [{ type: "Precompiled", precompiled_charsmap: CHARSMAP }, { type: "NFC" }] },
};

describe("normalizers vs HF tokenizers (per-char alignments)", () => {
  let seed = SEED + 100;
  for (const [name, normalizer] of Object.entries(NORMALIZERS)) {
    const s = seed++;
    it(name, async () => {
      await fuzz(name, byteLevelJson({ normalizer }), 150, s);
    });
  }
});

const PRE_TOKENIZERS: Record<string, Json[]> = {};
for (const behavior of ["Removed", "Isolated", "MergedWithPrevious", "MergedWithNext", "Contiguous"]) {
  for (const invert of [false, true]) {
    PRE_TOKENIZERS[`Split regex ${behavior}${invert ? " inverted" : ""}`] = [{ type: "Split", pattern: { Regex: "\\s+|\\p{P}" }, behavior, invert }];
  }
  PRE_TOKENIZERS[`Split string ${behavior}`] = [{ type: "Split", pattern: { String: "▁" }, behavior, invert: false }];
  PRE_TOKENIZERS[`Punctuation ${behavior}`] = [{ type: "Punctuation", behavior }];
}
for (const scheme of ["always", "first", "never"]) {
  for (const split of [true, false]) PRE_TOKENIZERS[`Metaspace ${scheme}${split ? "" : " unsplit"}`] = [{ type: "Metaspace", replacement: "▁", prepend_scheme: scheme, split }];
}
Object.assign(PRE_TOKENIZERS, {
  Whitespace: [{ type: "Whitespace" }],
  WhitespaceSplit: [{ type: "WhitespaceSplit" }],
  BertPreTokenizer: [{ type: "BertPreTokenizer" }],
  "Digits individual": [{ type: "Digits", individual_digits: true }],
  "Digits grouped": [{ type: "Digits", individual_digits: false }],
  CharDelimiterSplit: [{ type: "CharDelimiterSplit", delimiter: "-" }],
  "Sequence: WhitespaceSplit, Punctuation, Digits": [{ type: "WhitespaceSplit" }, { type: "Punctuation", behavior: "Isolated" }, { type: "Digits", individual_digits: true }],
});

describe("pre-tokenizers vs HF tokenizers", () => {
  let seed = SEED + 200;
  for (const [name, pre] of Object.entries(PRE_TOKENIZERS)) {
    const s = seed++;
    it(name, async () => {
      // after NFKC, so pre-tokenizers also see pieces whose alignments are not the identity
      await fuzz(name, byteLevelJson({ normalizer: { type: "NFKC" }, pre }), 60, s);
    });
  }
});

describe("Metaspace prepend_scheme first", () => {
  // "first" means the piece's first char is at original offset 0: not after Strip removed
  // leading whitespace, nor after an added token
  it("after a Strip normalizer and an added token", async () => {
    const added = [{ id: 256, content: "<mask>", single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }];
    for (const split of [true, false]) {
      const pre = [{ type: "Metaspace", replacement: "▁", prepend_scheme: "first", split }];
      await fuzz("Metaspace first", byteLevelJson({ normalizer: { type: "Strip", strip_left: true, strip_right: true }, pre, added }), 100, SEED + 250);
    }
  });
});

describe("added tokens vs HF tokenizers", () => {
  const token = (id: number, content: string, o: Json) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: false, ...o });
  const CASES: Record<string, Json[]> = {
    "special, not normalized": [token(256, "<mask>", { special: true }), token(257, "[x]", { special: true })],
    "lstrip / rstrip": [token(256, "<mask>", { special: true, lstrip: true }), token(257, "[x]", { rstrip: true })],
    single_word: [token(256, "hello", { single_word: true }), token(257, "<mask>", { single_word: true, special: true })],
    "normalized (matched after Lowercase)": [token(256, "<mask>", { normalized: true }), token(257, "hello", { normalized: true, lstrip: true })],
    "overlapping contents, longest first": [token(256, "▁▁", {}), token(257, "▁", { special: true }), token(258, "##", { normalized: true })],
    // HF ignores a file's added-token ids: model id, else the next one after the vocabulary
    "ids the file gets wrong": [token(5, "hello", {}), token(999, "<mask>", { special: true }), token(3, "[x]", { special: true })],
  };
  let seed = SEED + 300;
  for (const [name, added] of Object.entries(CASES)) {
    const s = seed++;
    it(name, async () => {
      await fuzz(name, byteLevelJson({ normalizer: { type: "Lowercase" }, pre: [{ type: "WhitespaceSplit" }], added }), 120, s);
    });
  }
});

describe("decoders vs HF tokenizers (random id sequences)", () => {
  // A vocabulary of the tokens decoders treat specially.
  const TOKENS = ["▁", "▁a", "a▁", "▁▁", "##", "##a", "a", "b", "Ġ", "Ġa", "ĠĠ", "Ã", "©", "<0x41>", "<0xC3>", "<0xA9>", "<0xE6>", "<0x97>", "<0xA5>", "<0xFF>", "<0xc3>", "<0xa9>", "<0x+9>", "<0x-1>", " ", "  ", ".", ",", "'s", "n't", "?", "!", "</w>", "a</w>", "<s>", "</s>", "\u00a0", "x y"];
  const vocab: Array<[string, number]> = TOKENS.map((t) => [t, -1]);
  const DECODERS: Record<string, Json> = {
    "Metaspace always": { type: "Metaspace", replacement: "▁", prepend_scheme: "always", split: true },
    "Metaspace never": { type: "Metaspace", replacement: "▁", prepend_scheme: "never", split: true },
    "WordPiece cleanup": { type: "WordPiece", prefix: "##", cleanup: true },
    "WordPiece raw": { type: "WordPiece", prefix: "##", cleanup: false },
    ByteLevel: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
    "ByteFallback, Fuse": { type: "Sequence", decoders: [{ type: "ByteFallback" }, { type: "Fuse" }] },
    "Llama 2 chain": {
      type: "Sequence",
      decoders: [
        { type: "Replace", pattern: { String: "▁" }, content: " " },
        { type: "ByteFallback" },
        { type: "Fuse" },
        { type: "Strip", content: " ", start: 1, stop: 0 },
      ],
    },
    // (start + stop past a token's length makes the reference panic: not compared)
    "Strip end": { type: "Strip", content: "▁", start: 0, stop: 1 },
    "Replace regex": { type: "Replace", pattern: { Regex: "▁+" }, content: "_" },
    BPEDecoder: { type: "BPEDecoder", suffix: "</w>" },
  };
  let seed = SEED + 400;
  for (const [name, decoder] of Object.entries(DECODERS)) {
    const s = seed++;
    it(name, async () => {
      const json = JSON.stringify({
        version: "1.0",
        truncation: null,
        padding: null,
        added_tokens: [
          { id: TOKENS.indexOf("<s>"), content: "<s>", single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
          { id: TOKENS.indexOf("</s>"), content: "</s>", single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
        ],
        normalizer: null,
        pre_tokenizer: null,
        post_processor: null,
        decoder,
        model: { type: "Unigram", unk_id: 0, vocab, byte_fallback: true },
      });
      const ours = [fromTokenizerJsonSync(json), fromTokenizerJsonSync(json, { engine: "js" })];
      const ref = hf.Tokenizer.fromString(json);
      await fc.assert(
        fc.asyncProperty(fc.array(fc.nat(TOKENS.length - 1), { maxLength: 12 }), async (ids) => {
          for (const skip of [false, true]) {
            const want = await ref.decode(ids, skip);
            for (const tok of ours) {
              const got = tok.decode(ids, { skipSpecialTokens: skip });
              if (got !== want) throw new Error(`${name} skip=${skip} ids=${JSON.stringify(ids)}: ours ${JSON.stringify(got)}, HF ${JSON.stringify(want)}`);
            }
          }
        }),
        { numRuns: 300, seed: s },
      );
    });
  }
});
