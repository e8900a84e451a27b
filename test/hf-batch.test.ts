// hfEncodeBatch / hfCountBatch: tokenizer.json batches through the worker pool (dist/, as the
// workers load the built package) against each item encoded alone and against the reference's
// encodeBatch (npm `tokenizers`), whose padding spans the batch.
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectSameEncoding } from "./helpers/hf-encoding.js";
import { hf } from "./helpers/hf-reference.js";
import { MODELS, processors, text, tokenizerJson, type Json } from "./hf-configs.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
type Tm = typeof import("../src/index.js");
const tm = (await import(pathToFileURL(resolve(ROOT, "dist/index.js")).href)) as Tm;
const SEED = Number(process.env.HF_FUZZ_SEED ?? 0);

const model = MODELS["byte-level BPE"]!;
const post = processors(model)["Template BERT"]!;
const TRUNC: Json = { max_length: 12, stride: 2, strategy: "LongestFirst", direction: "Right" };
const PAD: Json = { strategy: "BatchLongest", direction: "Right", pad_to_multiple_of: 4, pad_id: 260, pad_type_id: 1, pad_token: "[PAD]" };

describe("hfEncodeBatch vs HF encodeBatch", () => {
  for (const [name, trunc, pad] of [["truncation and BatchLongest padding", TRUNC, PAD], ["plain", null, null], ["left padding, no truncation", null, { ...PAD, direction: "Left", pad_to_multiple_of: null }]] as const) {
    it(name, async () => {
      const json = tokenizerJson(model, post, trunc, pad);
      const tok = tm.fromTokenizerJsonSync(json);
      const ref = hf.Tokenizer.fromString(json);
      await fc.assert(
        // (the reference's encodeBatch takes all texts or all pairs)
        fc.asyncProperty(fc.boolean(), fc.array(fc.tuple(text, text), { maxLength: 12 }), async (paired, raw) => {
          const list = raw.map(([a, b]) => [a, paired ? b : undefined] as [string, string | undefined]);
          const items = list.map(([a, b]) => (b === undefined ? a : ([a, b] as [string, string])));
          const got = await tm.hfEncodeBatch(tok, items, { threads: 2 });
          let want;
          if (!paired) want = await ref.encodeBatch(list.map(([a]) => a));
          else {
            // pairs one by one (the binding's encodeBatch takes no pairs), padded to the batch's
            // longest as HF's pad_encodings does: the longest unpadded length, rounded up
            const noPad = hf.Tokenizer.fromString(tokenizerJson(model, post, trunc, null));
            const lens = await Promise.all(list.map(async ([a, b]) => (await noPad.encode(a, b!)).getIds().length));
            let target = Math.max(0, ...lens);
            const m = (pad as Json | null)?.pad_to_multiple_of as number | null | undefined;
            if (m && target % m) target += m - (target % m);
            const fixed = pad === null ? noPad : hf.Tokenizer.fromString(tokenizerJson(model, post, trunc, { ...pad, strategy: { Fixed: target }, pad_to_multiple_of: null }));
            want = await Promise.all(list.map(([a, b]) => fixed.encode(a, b!)));
          }
          expect(got.length).toBe(want.length);
          got.forEach((g, i) => expectSameEncoding(g, want[i]!, list[i]![0], list[i]![1], `${name} item ${i}`));
          expect(await tm.hfCountBatch(tok, items, { threads: 2 })).toEqual(want.map((w) => w.getIds().length));
        }),
        { numRuns: 25, seed: SEED + 2000 },
      );
    });
  }

  it("in input order over many texts, same as the calling thread, options passed through", async () => {
    const tok = tm.fromTokenizerJsonSync(tokenizerJson(model, post));
    const texts = Array.from({ length: 500 }, (_, i) => `text ${i} `.repeat(1 + (i % 17)));
    const opts = { addSpecialTokens: false, truncation: { maxLength: 20, stride: 3 }, padding: { maxLength: 24, padId: 261 } } as const;
    const got = await tm.hfEncodeBatch(tok, texts, { ...opts, threads: 2 });
    const alone = texts.map((t) => tok.encodeWithOffsets(t, opts));
    expect(got).toEqual(alone);
  });

  it("an error names the failing item; bad items are refused", async () => {
    const wl = tokenizerJson(MODELS.WordLevel!, null).replace('"unk_token":"<unk>"', '"unk_token":"<nope>"');
    const tok = tm.fromTokenizerJsonSync(wl);
    const err = await tm.hfEncodeBatch(tok, ["hello", "hello zzz"], { threads: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(tm.InvalidArgumentError);
    expect((err as { textIndex?: number }).textIndex).toBe(1);
    await expect(tm.hfEncodeBatch(tok, [["a"] as unknown as [string, string]])).rejects.toThrow(/items\[0\]/);
  });
});
