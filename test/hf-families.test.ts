// More tokenizer.json families from the registry (devDependencies @lenml/tokenizer-*: Claude's
// old BPE, Gemini, GPT-3.5/GPT-4o and gpt-oss as tokenizer.json, Llama 3.1, Mistral NeMo's Tekken,
// ChatGLM3, InternLM2, Baichuan2, Yi, Gemma 1/2, Command R+, Qwen 2.5), each against HF's
// own Rust implementation (npm `tokenizers`, native binding) through the shared check (ids,
// offsets, count, decode with and without special tokens; both engines): real corpus documents
// of prose, code and 48 languages, hostile strings and fuzzed mixes of special pieces. The five
// families test/hf.test.ts covers in depth are not repeated here.
import fs from "node:fs";
import { createRequire } from "node:module";
import fc from "fast-check";
import { describe, it } from "vitest";
import { buildCorpus } from "../scripts/corpus.mjs";
import { fromTokenizerJsonSync } from "../src/index.js";
import { check, hf } from "./helpers/hf-reference.js";
import { makeInput } from "../bench/lib/inputs.mjs";

const require = createRequire(import.meta.url);
const FAMILIES = [
  "claude", "gemini", "gpt35turbo", "gpt4o", "gptoss", "llama3_1", "mistral_nemo",
  // SentencePiece-converted BPE (Prepend/Replace normalizers, byte fallback), Gemma 1/2's
  // Split on " ", Cohere's Digits + ByteLevel regex, Qwen 2.5's NFC + split
  "chatglm3", "internlm2", "baichuan2", "yi", "gemma", "gemma2", "command_r_plus", "qwen2_5",
];

const corpus = buildCorpus({ sizeBytes: 12_000, write: false }) as { docs: Record<string, string[]> };
const DOCS = [...corpus.docs.prose!, ...corpus.docs.code!, ...corpus.docs.multilingual!];
const parallel = JSON.parse(fs.readFileSync(new URL("./fixtures/parallel/parallel.json", import.meta.url), "utf8")) as {
  languages: string[];
  messages: Record<string, string[]>;
};
const LANGS = parallel.languages.map((l) => parallel.messages[l]!.slice(0, 6).join("\n"));
const HOSTILE = ["newlines-tabs", "spaces", "crlf", "unicode-spaces", "punct-repeat", "combining", "emoji", "han", "random-bmp", "digits"].map((k) => makeInput(k, 3000));

const PIECES = [
  "a", "Z", "é", "e\u0301", "ß", "İ", "日", "한", "ไ", "क्ष", "😀", "👍🏽", "\u200d", " ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u3000",
  "0", "123", "٣", ".", "'s", "'LL", "!", "▁", "<s>", "</s>", "<unk>", "<|endoftext|>", "<|im_start|>", "<|begin_of_text|>", "<|start|>", "<|end|>", "<|return|>", "<bos>", "<eos>", "<start_of_turn>", "\ufffd", "\u0000", "\ud800",
];

for (const name of FAMILIES) {
  describe(`tokenizer.json ${name} (@lenml/tokenizer-${name}) vs HF tokenizers`, () => {
    const json = fs.readFileSync(require.resolve(`@lenml/tokenizer-${name}/models/tokenizer.json`), "utf8");
    const engines = [fromTokenizerJsonSync(json), fromTokenizerJsonSync(json, { engine: "js" })];
    const ref = hf.Tokenizer.fromString(json);

    it("corpus documents, 48 languages and hostile text", async () => {
      for (const text of [...DOCS, ...LANGS, ...HOSTILE]) await check(name, engines, ref, text);
    });

    it("fuzzed mixes of special and tricky pieces", async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.constantFrom(...PIECES), { maxLength: 20 }).map((a) => a.join("")), async (text) => {
          await check(name, engines, ref, text);
        }),
        { numRuns: 60, seed: 42 },
      );
    });
  });
}
