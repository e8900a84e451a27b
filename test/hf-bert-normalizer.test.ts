// BertNormalizer char by char (src/hf/normalizers.ts `charByChar`): a table of each char's own
// result, the general steps only on surrogates and kept chars of nonzero combining class.
// Around them: marks of every combining class in every order (canonical reordering), marks that
// stay (Mc), precomposed chars that decompose, padded Chinese chars, Hangul, İ, controls —
// ids and offsets against tokenizers@0.23.2, uncased and cased, both engines.
import fc from "fast-check";
import { describe, it } from "vitest";
import { fromTokenizerJsonSync } from "../src/index.js";
import { check, hf } from "./helpers/hf-reference.js";

const PARTS = [
  "a", "e", "K", "ß", "ệ", "é", "Å", "ǖ", "İ", "Σ", "ﬁ", "가", "각", "\u1100\u1161", "日", "本", "\u{20000}", "😀",
  "\u0301", "\u0323", "\u0345", "\u0308", "\u0f71", "\u0f72", "\u0e48", "\u0e31", "\u302e", "\u302f", "\u093f", "\u0902", "\u094d", "\u0bcd",
  "क", "ष", "ไ", "ก", "ｶ", "ﾞ", "\u0000", "\u0001", "\u00ad", "\ufffd", "\t", "\n", " ", "\u00a0", "\u3000", ".", "!", "'", "-", "##",
];

function bert(normalizer: Record<string, unknown>): string {
  const vocab: Record<string, number> = { "[UNK]": 0, "[CLS]": 1, "[SEP]": 2 };
  for (const p of PARTS) for (const ch of p.toLowerCase().normalize("NFD")) if (!(ch in vocab)) vocab[ch] = Object.keys(vocab).length;
  for (const w of ["ae", "ka", "##e", "##a", "##k", "ke"]) vocab[w] ??= Object.keys(vocab).length;
  return JSON.stringify({
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: [],
    normalizer: { type: "BertNormalizer", clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true, ...normalizer },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: null,
    decoder: null,
    model: { type: "WordPiece", unk_token: "[UNK]", continuing_subword_prefix: "##", max_input_chars_per_word: 100, vocab },
  });
}

describe("BertNormalizer char by char", () => {
  const CONFIGS: Record<string, Record<string, unknown>> = {
    uncased: {},
    cased: { lowercase: false },
    "accents stripped, cased": { lowercase: false, strip_accents: true },
    "lowercase, accents kept": { strip_accents: false },
  };
  let seed = 900 + Number(process.env.HF_FUZZ_SEED ?? 0);
  for (const [name, cfg] of Object.entries(CONFIGS)) {
    const s = seed++;
    it(name, async () => {
      const json = bert(cfg);
      const ref = hf.Tokenizer.fromString(json);
      const ours = [fromTokenizerJsonSync(json), fromTokenizerJsonSync(json, { engine: "js" })];
      for (const t of ["a\u0301\u0323", "a\u0323\u0301", "\u0301a", "e\u0345\u0301\u0323", "\u302e\u0301\u302f", "ệ\u0301", "가\u302e", "İ\u0301"]) await check(`${name} ${JSON.stringify(t)}`, ours, ref, t);
      await fc.assert(
        fc.asyncProperty(fc.array(fc.constantFrom(...PARTS), { maxLength: 20 }), async (a) => {
          await check(`${name} ${JSON.stringify(a.join(""))}`, ours, ref, a.join(""));
        }),
        { numRuns: 250, seed: s },
      );
    });
  }
});
