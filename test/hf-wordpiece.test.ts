// WordPiece's greedy longest-match-first through double-array tries over UTF-8
// (src/hf/models/wordpiece.ts): the longest entry at a char boundary is HF's answer. Vocabs
// with multi-byte and astral entries, entries that end inside a char of the text, prefixes
// "##", "@@" and "", words over max_input_chars_per_word; ids and offsets against
// tokenizers@0.23.2, both engines.
import fc from "fast-check";
import { describe, it } from "vitest";
import { fromTokenizerJsonSync } from "../src/index.js";
import { check, hf } from "./helpers/hf-reference.js";

const PIECES = ["a", "b", "ab", "abc", "é", "e", "\u0301", "日", "日本", "😀", "😀a", "x", "ß", "ss"];

function file(prefix: string, maxChars: number): string {
  const vocab: Record<string, number> = { "[UNK]": 0 };
  const add = (t: string) => (vocab[t] ??= Object.keys(vocab).length);
  for (const p of PIECES) {
    add(p);
    add(prefix + p);
  }
  add(prefix); // the prefix alone: never a sub-word
  add("\u65e5\u672c\u8a9e"); // 日本語
  return JSON.stringify({
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: [],
    normalizer: null,
    pre_tokenizer: { type: "WhitespaceSplit" },
    post_processor: null,
    decoder: null,
    model: { type: "WordPiece", unk_token: "[UNK]", continuing_subword_prefix: prefix, max_input_chars_per_word: maxChars, vocab },
  });
}

describe("WordPiece on byte tries", () => {
  const ALPHABET = ["a", "b", "c", "é", "e\u0301", "\u0301", "日", "本", "語", "😀", "😁", "x", "ß", "s", " ", "##", "@@"];
  for (const [prefix, max] of [["##", 100], ["@@", 100], ["", 100], ["##", 5]] as const) {
    it(`prefix ${JSON.stringify(prefix)}, max ${max} chars`, async () => {
      const json = file(prefix, max);
      const ref = hf.Tokenizer.fromString(json);
      const ours = [fromTokenizerJsonSync(json), fromTokenizerJsonSync(json, { engine: "js" })];
      await fc.assert(
        fc.asyncProperty(fc.array(fc.constantFrom(...ALPHABET), { maxLength: 16 }), async (a) => {
          await check(JSON.stringify(a.join("")), ours, ref, a.join(""));
        }),
        { numRuns: 200, seed: 4242 + max + prefix.length },
      );
    });
  }
});
