// HF BpeTrainer as the reference for the trainer's exactness tests: the `tokenizers` native
// binding trains with its default BpeTrainer (vocab_size 30000, min_frequency 0, no special
// tokens, alphabet = the characters seen), which Node cannot change; see test/train-hf.test.ts.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const hf = require("tokenizers") as any;

export const HF_DEFAULT_VOCAB = 30000;

/** tokenizer.json pre_tokenizer for a pattern regex (undefined: GPT-2's, inside ByteLevel). */
export function hfPreTokenizer(regex: string | undefined): object {
  if (regex === undefined) return { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true };
  return {
    type: "Sequence",
    pretokenizers: [
      { type: "Split", pattern: { Regex: regex }, behavior: "Isolated", invert: false },
      { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: false },
    ],
  };
}

export interface HfTrained {
  merges: [string, string][];
  vocab: Record<string, number>;
  seconds: number;
}

/** Trains HF's default BpeTrainer on files with the given pre-tokenizer. */
export function hfTrain(files: string[], preTokenizer: object): HfTrained {
  const json = {
    version: "1.0", truncation: null, padding: null, added_tokens: [], normalizer: null,
    pre_tokenizer: preTokenizer, post_processor: null, decoder: null,
    model: { type: "BPE", dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null,
      fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab: {}, merges: [] },
  };
  const tok = hf.Tokenizer.fromString(JSON.stringify(json));
  const t0 = performance.now();
  tok.train(files);
  const seconds = (performance.now() - t0) / 1000;
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tm-hf-")), "tokenizer.json");
  tok.save(out);
  const saved = JSON.parse(fs.readFileSync(out, "utf8"));
  fs.rmSync(path.dirname(out), { recursive: true });
  const merges = (saved.model.merges as Array<string | [string, string]>).map((m) =>
    typeof m === "string" ? (m.split(" ") as [string, string]) : m,
  );
  return { merges, vocab: saved.model.vocab, seconds };
}

export { hf };
