// Truncation (max_length, stride, strategy, direction, overflowing parts) and padding (BatchLongest,
// Fixed, direction, pad_to_multiple_of, pad_id, pad_type_id) from the file's fields and as options,
// single sequences and pairs, against the reference (npm `tokenizers`), both engines, fuzzed text.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromTokenizerJsonSync, InvalidArgumentError, type HfTokenizer } from "../src/index.js";
import { checkFull, expectSameEncoding } from "./helpers/hf-encoding.js";
import { hf, type Reference } from "./helpers/hf-reference.js";
import { MODELS, processors, text, tokenizerJson, type Json } from "./hf-configs.js";

const SEED = Number(process.env.HF_FUZZ_SEED ?? 0);

const truncation = fc.record({
  max_length: fc.integer({ min: 0, max: 14 }),
  stride: fc.integer({ min: 0, max: 4 }),
  strategy: fc.constantFrom("LongestFirst", "OnlyFirst", "OnlySecond"),
  direction: fc.constantFrom("Right", "Left"),
});
const padding = fc.option(
  fc.record({
    strategy: fc.oneof(fc.constant("BatchLongest" as unknown), fc.integer({ min: 0, max: 20 }).map((n) => ({ Fixed: n }) as unknown)),
    direction: fc.constantFrom("Right", "Left"),
    pad_to_multiple_of: fc.option(fc.integer({ min: 0, max: 8 }), { nil: null }),
    pad_id: fc.integer({ min: 0, max: 300 }),
    pad_type_id: fc.integer({ min: 0, max: 3 }),
    pad_token: fc.constant("[PAD]"),
  }),
  { nil: null },
);

const refs = new Map<string, [HfTokenizer[], Reference]>();
function load(json: string): [HfTokenizer[], Reference] {
  let r = refs.get(json);
  if (!r) {
    r = [[fromTokenizerJsonSync(json), fromTokenizerJsonSync(json, { engine: "js" })], hf.Tokenizer.fromString(json)];
    refs.set(json, r);
  }
  return r;
}

describe("truncation and padding from the file vs HF tokenizers", () => {
  let seed = SEED + 1900;
  for (const [modelName, model] of Object.entries(MODELS)) {
    const posts = processors(model);
    for (const postName of ["none", "Template BERT", "Template odd (multi-id token, type ids 2/3, B first)", "BertProcessing", "RobertaProcessing"]) {
      const s = seed++;
      it(`${modelName}, ${postName}`, async () => {
        await fc.assert(
          fc.asyncProperty(truncation, padding, text, fc.option(text, { nil: undefined }), fc.boolean(), async (t, p, a, b, add) => {
            const json = tokenizerJson(model, posts[postName]!, t as Json, p as Json | null);
            const [engines, ref] = load(json);
            await checkFull(`${modelName}, ${postName}, ${JSON.stringify(t)}, ${JSON.stringify(p)}`, engines, ref, a, b, add);
          }),
          { numRuns: 60, seed: s },
        );
        refs.clear();
      });
    }
  }
});

describe("truncation and padding as options", () => {
  const model = MODELS["byte-level BPE"]!;
  const post = processors(model)["Template BERT"]!;
  const plain = fromTokenizerJsonSync(tokenizerJson(model, post));

  it("options give what the same file fields give, and override the file (null turns it off)", async () => {
    await fc.assert(
      fc.asyncProperty(truncation, padding, text, fc.option(text, { nil: undefined }), async (t, p, a, b) => {
        const json = tokenizerJson(model, post, t as Json, p as Json | null);
        const [[fromFile], ref] = load(json);
        const opts = {
          truncation: { maxLength: t.max_length, stride: t.stride, strategy: ({ LongestFirst: "longest_first", OnlyFirst: "only_first", OnlySecond: "only_second" } as const)[t.strategy], direction: t.direction === "Right" ? ("right" as const) : ("left" as const) },
          padding:
            p === null
              ? null
              : {
                  maxLength: typeof p.strategy === "object" ? (p.strategy as { Fixed: number }).Fixed : undefined,
                  direction: p.direction === "Right" ? ("right" as const) : ("left" as const),
                  padToMultipleOf: p.pad_to_multiple_of ?? undefined,
                  padId: p.pad_id,
                  padTypeId: p.pad_type_id,
                },
          ...(b === undefined ? {} : { pair: b }),
        };
        let want: ReturnType<HfTokenizer["encodeWithOffsets"]> | null = null;
        try {
          want = fromFile!.encodeWithOffsets(a, b === undefined ? {} : { pair: b });
        } catch {
          expect(() => plain.encodeWithOffsets(a, opts)).toThrow(InvalidArgumentError);
          return;
        }
        expect(plain.encodeWithOffsets(a, opts)).toEqual(want);
        // the file's settings off: as the plain tokenizer
        expect(fromFile!.encodeWithOffsets(a, { truncation: null, padding: null, ...(b === undefined ? {} : { pair: b }) })).toEqual(plain.encodeWithOffsets(a, b === undefined ? {} : { pair: b }));
        void ref;
      }),
      { numRuns: 150, seed: SEED + 1990 },
    );
    refs.clear();
  });

  it("setTruncation / setPadding as HF's", async () => {
    const json = tokenizerJson(model, post);
    const ours = fromTokenizerJsonSync(json);
    const ref = hf.Tokenizer.fromString(json);
    ours.setTruncation({ maxLength: 9, stride: 2, strategy: "only_first", direction: "left" });
    ref.setTruncation(9, { stride: 2, strategy: "OnlyFirst" as never, direction: "left" });
    ours.setPadding({ maxLength: 12, padId: 260, padTypeId: 1, direction: "left" });
    ref.setPadding({ maxLength: 12, padId: 260, padTypeId: 1, direction: "left" });
    for (const [a, b] of [["hello world, the long first sequence", "b"], ["a", undefined]] as const) {
      const r = await ref.encode(a, b ?? null);
      expectSameEncoding(b === undefined ? ours.encodeWithOffsets(a) : ours.encodePair(a, b), r, a, b, "set*");
    }
    ours.setTruncation(null);
    ours.setPadding(null);
    expect(ours.encodeWithOffsets("hello world")).toEqual(plain.encodeWithOffsets("hello world"));
  });

  it("refuses bad options and what HF would abort on", () => {
    expect(() => plain.encode("a", { truncation: { maxLength: -1 } })).toThrow(InvalidArgumentError);
    expect(() => plain.encode("a", { truncation: { maxLength: 5, strategy: "middle" as never } })).toThrow(/strategy/);
    expect(() => plain.encode("a", { padding: { direction: "up" as never } })).toThrow(/direction/);
    expect(() => plain.encode("a", { padding: { padId: 1.5 } })).toThrow(/padId/);
    // stride not less than the cut length: HF's Encoding::truncate panics (aborting Node)
    expect(() => plain.encode("hello world", { truncation: { maxLength: 5, stride: 3 } })).toThrow(/stride/);
    expect(() => fromTokenizerJsonSync(tokenizerJson(model, post, { max_length: "5" } as Json))).toThrow(/max_length/);
    expect(() => fromTokenizerJsonSync(tokenizerJson(model, post, null, { strategy: "Longest" } as Json))).toThrow(/padding strategy/);
  });
});
