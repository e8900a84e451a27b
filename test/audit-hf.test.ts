// Regression tests for the tokenizer.json side of the outside audit (issue 20 items 3, 6, 7, 9,
// 10): each failed before its fix. Differential against the HF binding (`tokenizers`) where
// HF has an answer.
import { describe, expect, it } from "vitest";
import { fromTokenizerJsonSync } from "../src/index.js";
import { hf, toUtf16 } from "./helpers/hf-reference.js";

type Json = Record<string, unknown>;

/** A minimal BPE tokenizer.json (every field HF's serde wants), with `extra` merged in. */
function bpeFile(vocab: Record<string, number>, extra: Json = {}, model: Json = {}): Json {
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: [],
    normalizer: null,
    pre_tokenizer: null,
    post_processor: null,
    decoder: null,
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: [],
      ...model,
    },
    ...extra,
  };
}

describe("item 7: Split patterns that match the empty string split as in HF", () => {
  const vocab: Record<string, number> = {};
  for (const c of "abc xé😀") vocab[c] = Object.keys(vocab).length;
  // every pair of a, b, 😀 merges, so where a split falls shows in the ids
  const merges: string[] = [];
  for (const x of ["a", "b", "😀"]) for (const y of ["a", "b", "😀"]) {
    merges.push(`${x} ${y}`);
    vocab[x + y] = Object.keys(vocab).length;
  }
  const patterns = ["", "(?<=a)", "(?=b)", "a*", "x*", "b*", "a?", "(?<=a)(?=b)", "(?=a)|b", "^", "$", "a|", "(?<=😀)", "😀*", "\\s*"];
  const behaviors = ["Isolated", "Removed", "MergedWithPrevious", "MergedWithNext", "Contiguous"];
  const texts = ["ab", "aab", "ba", "a", "", "abba", "a😀b", "😀😀", "a b  c", "cab aa", "é a"];
  for (const pattern of patterns) {
    it(`Split ${JSON.stringify(pattern)}: ids and offsets of every behavior, inverted or not`, async () => {
      for (const behavior of behaviors) {
        for (const invert of [false, true]) {
          const j = bpeFile(vocab, { pre_tokenizer: { type: "Split", pattern: { Regex: pattern }, behavior, invert } }, { merges });
          const ref = hf.Tokenizer.fromString(JSON.stringify(j));
          const ours = fromTokenizerJsonSync(j);
          for (const text of texts) {
            const r = await ref.encode(text, null, { addSpecialTokens: false });
            const o = ours.encodeWithOffsets(text);
            const ctx = `${behavior} invert=${invert} ${JSON.stringify(text)}`;
            expect([...o.ids], ctx).toEqual(r.getIds());
            expect(o.offsets, ctx).toEqual(toUtf16(text, r.getOffsets()));
          }
        }
      }
    });
  }

  it('the audit\'s case: an empty pattern splits "ab" into [0, 1] (was [2])', () => {
    const j = bpeFile({ a: 0, b: 1, ab: 2 }, { pre_tokenizer: { type: "Split", pattern: { Regex: "" }, behavior: "Isolated", invert: false } }, { merges: ["a b"] });
    expect([...fromTokenizerJsonSync(j).encode("ab")]).toEqual([0, 1]);
  });
});
