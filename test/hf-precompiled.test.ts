// HF's Precompiled normalizer (src/hf/precompiled.ts) on its fast path: only changed graphemes
// are rewritten, chars of PLAIN_RANGES are graphemes of their own between two such chars
// (checked here against Intl.Segmenter, char by char), and the alignments of the regions that
// change (empty replacements, removed chars at the start, CR LF, marks after plain chars) are
// HF's — ids and offsets against tokenizers@0.23.2 on the real nmt_nfkc charsmap, both engines.
import fs from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromTokenizerJsonSync } from "../src/index.js";
import { PLAIN_RANGES } from "../src/hf/precompiled.js";
import { check, hf } from "./helpers/hf-reference.js";

const JSON_TEXT = fs.readFileSync(new URL("./fixtures/hf/spm-nmt-nfkc.json", import.meta.url), "utf8");

describe("Precompiled normalizer", () => {
  it("PLAIN_RANGES: a grapheme boundary on both sides of each char, next to any plain char", () => {
    const seg = new Intl.Segmenter(undefined, { granularity: "grapheme" });
    const all: string[] = [];
    for (const [a, b] of PLAIN_RANGES) for (let c = Math.max(a, 0x300); c <= b; c++) all.push(String.fromCharCode(c));
    const count = (t: string): number => [...seg.segment(t)].length;
    for (const c of all) {
      expect(count(`a${c}${c}b${c}`), `U+${c.charCodeAt(0).toString(16)}`).toBe(5);
    }
    // pairs from different ranges
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...all), { minLength: 2, maxLength: 12 }), (cs) => count(cs.join("")) === cs.length),
      { numRuns: 2000, seed: 17 },
    );
  });

  it("ids and offsets as HF's on mixed text, both engines", async () => {
    const ref = hf.Tokenizer.fromString(JSON_TEXT);
    const ours = [fromTokenizerJsonSync(JSON_TEXT), fromTokenizerJsonSync(JSON_TEXT, { engine: "js" })];
    const parts = [
      "a", "Hello", " ", "  ", "\n", "\r\n", "\r", "\t", "日本", "語", "カタカナ", "ｶﾞ", "ﾞ", "ひらがな", "\u3099", "、", "。", "Ａ", "１",
      "привет", "\u0483", "Ωμέγα", "שלום", "\u05b0", "مرحبا", "\u064b", "\u0600", "क्ष", "कि", "नमस्ते", "ไทย", "\u0e31", "ำ",
      "ệ", "e\u0301", "\u0301", "—", "…", "‼", "€", "™", "ﬁ", "①", "\u200b", "\u200d", "\ufeff", "\u0000", "\u0001", "\u0007", "\u007f", "\u009f", "\u00ad", "\u2028",
      "😀", "👍🏽", "🇫🇷", "\u{20000}", "가", "\u1100\u1161", "\ufffd", "<s>", "</s>",
    ];
    // U+0001–U+0008, U+007F, U+009F… map to "" in nmt_nfkc: at the start, after a change, twice
    const fixed = ["\u0001abc", "\u0001\u0002", "a\u0001\u0002b", "\u00e9\u0001", "ﬁ\u0007x", "日\u007f\u009f本", "\u200babc", "\ufeff\ufeff日本", "\u00ad", "x\u00ad\u00ady", "\r\n\r\n", "日\u3099本", "ｶﾞｷﾞ", "\u0000a"];
    for (const t of fixed) await check(`fixed ${JSON.stringify(t)}`, ours, ref, t);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...parts), { maxLength: 20 }), async (a) => {
        await check(JSON.stringify(a.join("")), ours, ref, a.join(""));
      }),
      { numRuns: 400, seed: 1717 },
    );
  });
});
