// A ByteLevel pre-tokenizer before others in a Sequence (HF materializes its byte alphabet, so
// the later pre-tokenizers split "Ġ" and friends), the ByteLevel normalizer (the same transform)
// and the FixedLength pre-tokenizer against the reference (npm `tokenizers`): ids, offsets,
// decode, both engines, fuzzed text.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromTokenizerJsonSync } from "../src/index.js";
import { BYTE_TO_CHAR } from "../src/hf/byte-level.js";
import { check, hf } from "./helpers/hf-reference.js";

type Json = Record<string, unknown>;
const SEED = Number(process.env.HF_FUZZ_SEED ?? 0);

const VOCAB: Record<string, number> = {};
BYTE_TO_CHAR.forEach((c, b) => (VOCAB[c] = b));
// a few merges so that words are not all single bytes
const MERGES = [["Ġ", "t"], ["h", "e"], ["Ġt", "he"], ["1", "2"], ["Ã", "©"]];
for (const [a, b] of MERGES) VOCAB[a! + b!] = Object.keys(VOCAB).length;

const PIECES = ["the", " the", "12", "123", " ", "  ", "é", "日本", "😀", "\n", "a-b", "Ġ", "x", "1 2", "\t", "ﬁ"];
const text = fc.oneof(
  { weight: 3, arbitrary: fc.array(fc.constantFrom(...PIECES), { maxLength: 14 }).map((a) => a.join("")) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 16 }) },
);

const BL = (o: Json = {}) => ({ type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true, ...o });
const CASES: Record<string, Json[] | { normalizer: Json; pre: Json[] }> = {
  // the ByteLevel normalizer: the same transform before any pre-tokenizer
  "ByteLevel normalizer, no pre-tokenizer": { normalizer: { type: "Sequence", normalizers: [{ type: "NFKC" }, { type: "ByteLevel" }] }, pre: [] },
  "ByteLevel normalizer, Split on Ġ": { normalizer: { type: "ByteLevel" }, pre: [{ type: "Split", pattern: { String: "Ġ" }, behavior: "MergedWithPrevious", invert: false }] },
  // FixedLength: pieces of n chars (default 5)
  "FixedLength 3, ByteLevel": [{ type: "FixedLength", length: 3 }, BL({ use_regex: false })],
  "FixedLength default, ByteLevel": [{ type: "FixedLength" }, BL()],
  "ByteLevel, Digits": [BL(), { type: "Digits", individual_digits: true }],
  "ByteLevel (prefix space, no regex), Split on Ġ": [BL({ add_prefix_space: true, use_regex: false }), { type: "Split", pattern: { String: "Ġ" }, behavior: "MergedWithNext", invert: false }],
  "ByteLevel, Punctuation": [BL(), { type: "Punctuation", behavior: "Isolated" }],
  "ByteLevel twice": [BL(), BL({ use_regex: false })],
};

describe("ByteLevel before another pre-tokenizer, the ByteLevel normalizer, FixedLength vs HF tokenizers", () => {
  let seed = SEED + 2100;
  for (const [name, c] of Object.entries(CASES)) {
    const s = seed++;
    const pretokenizers = Array.isArray(c) ? c : c.pre;
    const normalizer = Array.isArray(c) ? { type: "NFKC" } : c.normalizer;
    it(name, async () => {
      const json = JSON.stringify({
        version: "1.0",
        truncation: null,
        padding: null,
        added_tokens: [],
        normalizer,
        pre_tokenizer: pretokenizers.length ? { type: "Sequence", pretokenizers } : null,
        post_processor: null,
        decoder: { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true },
        model: { type: "BPE", dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab: VOCAB, merges: MERGES },
      });
      const engines = [fromTokenizerJsonSync(json), fromTokenizerJsonSync(json, { engine: "js" })];
      const ref = hf.Tokenizer.fromString(json);
      for (const t of PIECES) await check(name, engines, ref, t);
      await fc.assert(fc.asyncProperty(text, async (t) => check(name, engines, ref, t)), { numRuns: 100, seed: s });
    });
  }
});

describe("FixedLength length 0", () => {
  it("is refused (HF panics)", async () => {
    const { InvalidArgumentError } = await import("../src/index.js");
    const json = { version: "1.0", truncation: null, padding: null, added_tokens: [], normalizer: null, pre_tokenizer: { type: "FixedLength", length: 0 }, post_processor: null, decoder: null, model: { type: "WordLevel", vocab: { "<unk>": 0 }, unk_token: "<unk>" } };
    expect(() => fromTokenizerJsonSync(json)).toThrow(InvalidArgumentError);
  });
});
