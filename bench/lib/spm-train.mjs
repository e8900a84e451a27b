// A SentencePiece model trained with Debian's spm_train on the given text, cached in the OS temp
// dir by text and settings (bench/sentencepiece.mjs and bench/hf.mjs's Unigram rows).
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export const SPM_CACHE_DIR = path.join(os.tmpdir(), "tokenmill-bench-spm");

/** Path of a `.model` file of `type` ("unigram" | "bpe") with `vocab` pieces trained on `text`. */
export function trainedSpm(type, vocab, text) {
  fs.mkdirSync(SPM_CACHE_DIR, { recursive: true });
  const flags = [`--model_type=${type}`, `--vocab_size=${vocab}`, "--character_coverage=0.9995", "--hard_vocab_limit=false", "--num_threads=2", "--minloglevel=2"];
  const key = crypto.createHash("sha256").update(text).update(flags.join(" ")).digest("hex").slice(0, 16);
  const prefix = path.join(SPM_CACHE_DIR, `${type}-${key}`);
  if (!fs.existsSync(`${prefix}.model`)) {
    const input = `${prefix}.txt`;
    fs.writeFileSync(input, text);
    execFileSync("spm_train", [`--input=${input}`, `--model_prefix=${prefix}`, ...flags], { stdio: "ignore" });
  }
  return `${prefix}.model`;
}
