// Pairs of sequences through every post-processor (TemplateProcessing's pair template,
// BertProcessing, RobertaProcessing, ByteLevel, Sequence, none) against the reference (npm
// `tokenizers`): ids, type ids, special-tokens and attention masks, offsets per sequence, with
// and without special tokens, both engines, fuzzed text.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromTokenizerJsonSync, InvalidArgumentError } from "../src/index.js";
import { checkFull } from "./helpers/hf-encoding.js";
import { hf } from "./helpers/hf-reference.js";
import { ID, MODELS, processors, text, tokenizerJson } from "./hf-configs.js";

const SEED = Number(process.env.HF_FUZZ_SEED ?? 0);

describe("pairs vs HF tokenizers", () => {
  let seed = SEED + 1800;
  for (const [modelName, model] of Object.entries(MODELS)) {
    for (const [postName, post] of Object.entries(processors(model))) {
      const s = seed++;
      it(`${modelName}, ${postName}`, async () => {
        const json = tokenizerJson(model, post);
        const engines = [fromTokenizerJsonSync(json), fromTokenizerJsonSync(json, { engine: "js" })];
        const ref = hf.Tokenizer.fromString(json);
        const name = `${modelName}, ${postName}`;
        for (const [a, b] of [["hello world", "the c"], ["", ""], ["a", ""], ["", "b"], [" hello", "  world "]] as const) {
          for (const add of [true, false]) await checkFull(name, engines, ref, a, b, add);
        }
        await fc.assert(
          fc.asyncProperty(text, fc.option(text, { nil: undefined }), fc.boolean(), async (a, b, add) => {
            await checkFull(name, engines, ref, a, b, add);
          }),
          { numRuns: 40, seed: s },
        );
      });
    }
  }
});

describe("pair API", () => {
  const json = tokenizerJson(MODELS.WordLevel!, processors(MODELS.WordLevel!)["Template BERT"]!);
  const tok = fromTokenizerJsonSync(json);

  it("encode(a, { pair }) is encodePair(a, b).ids; count agrees", () => {
    const e = tok.encodePair("hello world", "a b");
    expect([...tok.encode("hello world", { pair: "a b" })]).toEqual([...e.ids]);
    expect(tok.count("hello world", { pair: "a b" })).toBe(e.ids.length);
    const W = JSON.parse(json).model.vocab as Record<string, number>;
    expect([...e.ids]).toEqual([W["[CLS]"], W.hello, W.world, W["[SEP]"], W.a, W.b, W["[SEP]"]]);
    expect([...e.typeIds]).toEqual([0, 0, 0, 0, 1, 1, 1]);
    expect([...e.specialTokensMask]).toEqual([1, 0, 0, 1, 0, 0, 1]);
    expect(e.offsets).toEqual([[0, 0], [0, 5], [6, 11], [0, 0], [0, 1], [2, 3], [0, 0]]);
    expect(ID["[CLS]"]).toBe(256);
  });

  it("a pair must be a string", () => {
    expect(() => tok.encodePair("a", null as unknown as string)).toThrow(InvalidArgumentError);
    expect(() => tok.encode("a", { pair: 5 as unknown as string })).toThrow(InvalidArgumentError);
  });

  it("a single template that uses sequence B loads and encodes pairs; one sequence is an error (HF panics)", async () => {
    const j = JSON.parse(json);
    j.post_processor.single = [{ Sequence: { id: "B", type_id: 0 } }];
    const s = JSON.stringify(j);
    const engines = [fromTokenizerJsonSync(s), fromTokenizerJsonSync(s, { engine: "js" })];
    const ref = hf.Tokenizer.fromString(s);
    for (const add of [true, false]) await checkFull("single uses B", engines, ref, "hello world", "a b", add);
    for (const tok of engines) {
      expect(() => tok.encode("hello")).toThrow(InvalidArgumentError);
      expect(() => tok.encodeWithOffsets("hello")).toThrow(/sequence B/);
    }
  });

  it("a TemplateProcessing without a pair template cannot encode a pair", () => {
    const j = JSON.parse(json);
    delete j.post_processor.pair;
    expect(() => fromTokenizerJsonSync(j).encodePair("a", "b")).toThrow(/no pair template/);
  });
});
