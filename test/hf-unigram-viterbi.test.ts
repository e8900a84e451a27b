// HF's Unigram through the shared double-array Viterbi (src/hf/models/unigram-viterbi.ts, f64
// path scores): the cases the trie walk over UTF-8 bytes must get as HF does — unknown chars
// (always fused: HF ignores `fuse_unk`), byte fallback (complete or missing `<0xXX>` tokens), the unk token and
// `<0xXX>` spelled in the text, equal tokens in the vocab, multi-byte and astral chars,
// near-ties between paths; ids and offsets against tokenizers@0.23.2, both engines.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromTokenizerJsonSync } from "../src/index.js";
import { check, hf } from "./helpers/hf-reference.js";

type Json = Record<string, unknown>;

function file(model: Json): string {
  return JSON.stringify({
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: [],
    normalizer: null,
    pre_tokenizer: { type: "Metaspace", replacement: "\u2581", prepend_scheme: "always", split: true },
    post_processor: null,
    decoder: { type: "Metaspace", replacement: "\u2581", prepend_scheme: "always", split: true },
    model: { type: "Unigram", ...model },
  });
}

const BYTES = Array.from({ length: 256 }, (_, b) => [`<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`, -20] as [string, number]);
// pieces with scores that make near-ties (sums of equal pieces in another order)
const BASE: Array<[string, number]> = [
  ["<unk>", 0],
  ["\u2581", -2],
  ["a", -3],
  ["b", -3.5],
  ["ab", -5],
  ["ba", -6.5],
  ["aba", -8],
  ["\u2581a", -4],
  ["\u2581ab", -6],
  ["é", -4],
  ["éa", -7],
  ["日本", -5],
  ["日", -6],
  ["本", -6],
  ["😀", -5],
  ["😀a", -8],
  ["ab", -1], // an equal token: the first one's id
  ["x", -2.25],
  ["xx", -4.5],
  ["xxx", -6.75],
];

const ALPHABET = ["a", "b", "é", "日", "本", "😀", "x", " ", "z", "ß", "\u0301", "<unk>", "<0x41>", "\u2581", "q"];

const CASES: Array<[string, Json]> = [
  ["fuse_unk, no byte fallback", { unk_id: 0, vocab: BASE }],
  ["fuse_unk false (HF ignores it: always fused)", { unk_id: 0, vocab: BASE, fuse_unk: false }],
  ["byte fallback, all bytes", { unk_id: 0, vocab: [...BASE, ...BYTES], byte_fallback: true }],
  ["byte fallback, some bytes missing", { unk_id: 0, vocab: [...BASE, ...BYTES.filter((_, b) => b % 3 !== 0)], byte_fallback: true }],
  ["byte fallback, fuse_unk false", { unk_id: 0, vocab: [...BASE, ...BYTES], byte_fallback: true, fuse_unk: false }],
  ["unk not at id 0", { unk_id: 3, vocab: BASE }],
];

describe("Unigram (tokenizer.json) on the shared Viterbi", () => {
  for (const [name, model] of CASES) {
    it(name, async () => {
      const json = file(model);
      const ref = hf.Tokenizer.fromString(json);
      const ours = [fromTokenizerJsonSync(json), fromTokenizerJsonSync(json, { engine: "js" })];
      const fixed = ["", "ab", "aba ba", "xxxxxxx", "qq z", "<unk>é<unk>", "日本日本本日", "😀😀a 😀", "<0x41>a", "ß\u0301é", "a\u0301b"];
      for (const t of fixed) await check(`${name} ${JSON.stringify(t)}`, ours, ref, t);
      await fc.assert(
        fc.asyncProperty(fc.array(fc.constantFrom(...ALPHABET), { maxLength: 24 }), async (parts) => {
          await check(`${name} ${JSON.stringify(parts.join(""))}`, ours, ref, parts.join(""));
        }),
        { numRuns: 150, seed: 1700 + name.length },
      );
    });
  }

  it("no unk_id: text with an unknown char is refused as HF refuses it", async () => {
    const json = file({ unk_id: null, vocab: BASE.slice(1) });
    const ref = hf.Tokenizer.fromString(json);
    const tok = fromTokenizerJsonSync(json);
    expect([...tok.encode("ab ba", { addSpecialTokens: false })]).toEqual((await ref.encode("ab ba", null, { addSpecialTokens: false })).getIds());
    await expect(ref.encode("aqb", null)).rejects.toThrow();
    expect(() => tok.encode("aqb")).toThrow(/unk_id/);
  });
});
