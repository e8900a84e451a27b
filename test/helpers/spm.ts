// The SentencePiece reference (Debian's sentencepiece 0.1.97: spm_train, spm_encode,
// spm_decode) and the models the SentencePiece suites train with it on the machine's text
// (scripts/corpus.mjs), in a temp dir of this run.
import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
// @ts-expect-error: untyped .mjs
import { buildCorpus } from "../../scripts/corpus.mjs";

const run = promisify(execFile);

export interface SpmCorpus {
  prose: string[];
  multilingual: string[];
  code: string[];
}

let corpus: SpmCorpus | null = null;

/** Lines of the machine's prose, multilingual and code text (no empty lines). */
export function spmCorpus(): SpmCorpus {
  if (corpus === null) {
    const c = buildCorpus({ sizeBytes: 100_000, write: false }) as { prose: string; multilingual: string; code: string };
    const lines = (s: string): string[] => s.split("\n").filter((l) => l.trim().length > 0);
    corpus = { prose: lines(c.prose), multilingual: lines(c.multilingual), code: lines(c.code) };
  }
  return corpus;
}

export interface TrainedModel {
  name: string;
  path: string;
  bytes: Uint8Array;
}

/**
 * Trains one model per entry of `configs` (name → spm_train flags) on the corpus, all at once,
 * into `dir`.
 */
export async function trainModels(dir: string, configs: Record<string, string[]>): Promise<Record<string, TrainedModel>> {
  const c = spmCorpus();
  const input = path.join(dir, "train.txt");
  if (!fs.existsSync(input)) fs.writeFileSync(input, [...c.prose, ...c.multilingual].join("\n") + "\n");
  const out: Record<string, TrainedModel> = {};
  await Promise.all(
    Object.entries(configs).map(async ([name, flags]) => {
      const prefix = path.join(dir, name);
      await run("spm_train", [`--input=${input}`, `--model_prefix=${prefix}`, "--minloglevel=2", "--num_threads=1", "--hard_vocab_limit=false", ...flags]);
      out[name] = { name, path: `${prefix}.model`, bytes: new Uint8Array(fs.readFileSync(`${prefix}.model`)) };
    }),
  );
  return out;
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "tokenmill-spm-"));
}

/** spm_encode of each line (none may hold "\n"): ids, or pieces joined by spaces. */
export function spmEncode(model: string, lines: string[], format: "id" | "piece", extra: string[] = []): string[] {
  const out = execFileSync("spm_encode", [`--model=${model}`, `--output_format=${format}`, ...extra], { input: lines.join("\n") + "\n", maxBuffer: 1 << 28 }).toString("utf8");
  const res = out.split("\n");
  res.pop();
  if (res.length !== lines.length) throw new Error(`spm_encode gave ${res.length} lines for ${lines.length}`);
  return res;
}

/** spm_encode ids with `--extra_options=bos:eos` (ids joined by spaces). */
export function spmEncodeBosEos(model: string, lines: string[]): string[] {
  return spmEncode(model, lines, "id", ["--extra_options=bos:eos"]);
}

export function spmIds(model: string, lines: string[]): number[][] {
  return spmEncode(model, lines, "id").map((l) => (l.length === 0 ? [] : l.split(" ").map(Number)));
}

/** spm_decode of each id list, as bytes decoded to text (each output line). */
export function spmDecode(model: string, idLists: number[][]): string[] {
  const out = execFileSync("spm_decode", [`--model=${model}`, "--input_format=id"], { input: idLists.map((l) => l.join(" ")).join("\n") + "\n", maxBuffer: 1 << 28 }).toString("utf8");
  const res = out.split("\n");
  res.pop();
  return res;
}
