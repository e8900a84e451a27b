// Synthetic tokenizer.json pieces shared by the pairs / truncation / padding suites: models
// (byte-level BPE without merges, so every byte is a token and lengths are easy to reach;
// WordLevel over whitespace words; WordPiece), post-processors and fuzzed text.
import fc from "fast-check";
import { BYTE_TO_CHAR } from "../src/hf/byte-level.js";

export type Json = Record<string, unknown>;

const BYTE_VOCAB: Record<string, number> = {};
BYTE_TO_CHAR.forEach((c, b) => (BYTE_VOCAB[c] = b));
// specials after the bytes
const SPECIALS = ["[CLS]", "[SEP]", "<s>", "</s>", "[PAD]", "[2FR]"];
SPECIALS.forEach((t, i) => (BYTE_VOCAB[t] = 256 + i));
export const ID = Object.fromEntries(SPECIALS.map((t, i) => [t, 256 + i])) as Record<string, number>;

const WORDS = ["hello", "world", "a", "b", "c", "the", "日本", "😀", ".", "é"];
const WORD_VOCAB: Record<string, number> = { "<unk>": 0 };
[...SPECIALS, ...WORDS].forEach((t, i) => (WORD_VOCAB[t] = i + 1));
const WP_VOCAB: Record<string, number> = { "[UNK]": 0 };
[...SPECIALS, ...WORDS, "##o", "##l", "##d", "h", "w", "##e", "##r", "##ll"].forEach((t, i) => (WP_VOCAB[t] = i + 1));

const added = (vocab: Record<string, number>): Json[] =>
  SPECIALS.map((t) => ({ id: vocab[t], content: t, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }));

export const MODELS: Record<string, Json> = {
  "byte-level BPE": {
    normalizer: null,
    pre_tokenizer: { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true },
    decoder: { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true },
    model: { type: "BPE", dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab: BYTE_VOCAB, merges: [] },
    added_tokens: added(BYTE_VOCAB),
  },
  WordLevel: {
    normalizer: null,
    pre_tokenizer: { type: "WhitespaceSplit" },
    decoder: null,
    model: { type: "WordLevel", vocab: WORD_VOCAB, unk_token: "<unk>" },
    added_tokens: added(WORD_VOCAB),
  },
  WordPiece: {
    normalizer: { type: "BertNormalizer", clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: "BertPreTokenizer" },
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: { type: "WordPiece", unk_token: "[UNK]", continuing_subword_prefix: "##", max_input_chars_per_word: 100, vocab: WP_VOCAB },
    added_tokens: added(WP_VOCAB),
  },
};

const tok = (vocab: Record<string, number>, t: string) => ({ id: t, ids: [vocab[t]], tokens: [t] });
const sp = (id: string, type_id: number) => ({ SpecialToken: { id, type_id } });
const sq = (id: "A" | "B", type_id: number) => ({ Sequence: { id, type_id } });

/** Post-processors for a model's vocab (ids differ per model). */
export function processors(model: Json): Record<string, Json | null> {
  const v = (model.model as Json).vocab as Record<string, number>;
  return {
    none: null,
    "Template BERT": {
      type: "TemplateProcessing",
      single: [sp("[CLS]", 0), sq("A", 0), sp("[SEP]", 0)],
      pair: [sp("[CLS]", 0), sq("A", 0), sp("[SEP]", 0), sq("B", 1), sp("[SEP]", 1)],
      special_tokens: { "[CLS]": tok(v, "[CLS]"), "[SEP]": tok(v, "[SEP]") },
    },
    "Template odd (multi-id token, type ids 2/3, B first)": {
      type: "TemplateProcessing",
      single: [sq("A", 2), sp("[2FR]", 1)],
      pair: [sp("[2FR]", 3), sq("B", 2), sp("[SEP]", 0), sq("A", 1)],
      special_tokens: { "[2FR]": { id: "[2FR]", ids: [v["[2FR]"], v["<s>"], v["[2FR]"]], tokens: ["[2FR]", "<s>", "[2FR]"] }, "[SEP]": tok(v, "[SEP]") },
    },
    "Template Llama (BOS only)": {
      type: "TemplateProcessing",
      single: [sp("<s>", 0), sq("A", 0)],
      pair: [sp("<s>", 0), sq("A", 0), sp("<s>", 1), sq("B", 1)],
      special_tokens: { "<s>": tok(v, "<s>") },
    },
    BertProcessing: { type: "BertProcessing", sep: ["[SEP]", v["[SEP]"]], cls: ["[CLS]", v["[CLS]"]] },
    RobertaProcessing: { type: "RobertaProcessing", sep: ["</s>", v["</s>"]], cls: ["<s>", v["<s>"]], trim_offsets: true, add_prefix_space: true },
    "RobertaProcessing untrimmed": { type: "RobertaProcessing", sep: ["</s>", v["</s>"]], cls: ["<s>", v["<s>"]], trim_offsets: false, add_prefix_space: false },
    "ByteLevel trim": { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
    "Sequence ByteLevel + Template": {
      type: "Sequence",
      processors: [
        { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true },
        { type: "TemplateProcessing", single: [sp("<s>", 0), sq("A", 0), sp("</s>", 0)], pair: [sp("<s>", 0), sq("A", 0), sp("</s>", 0), sp("</s>", 1), sq("B", 1), sp("</s>", 1)], special_tokens: { "<s>": tok(v, "<s>"), "</s>": tok(v, "</s>") } },
      ],
    },
  };
}

export function tokenizerJson(model: Json, post: Json | null, truncation: Json | null = null, padding: Json | null = null): string {
  return JSON.stringify({ version: "1.0", truncation, padding, ...model, post_processor: post });
}

const PIECES = ["hello", "world", " ", "  ", "a", "b", "c", "the", "日本", "😀", ".", "é", "Hello", "[SEP]", "<s>", "\n", "x", "hellO", "wor", "ld"];
export const text = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.constantFrom(...PIECES), { maxLength: 12 }).map((a) => a.join(" ")) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...PIECES), { maxLength: 12 }).map((a) => a.join("")) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 12 }) },
);
