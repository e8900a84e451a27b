// The trainer's own contract: what a source is, determinism whatever the chunking, the two
// merge loops agree, bad input gives typed errors, and runTrain writes loadable files.
// (Exactness against HF: train-hf.test.ts.)
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { buildCorpus } from "../scripts/corpus.mjs";
import { InvalidArgumentError, InvalidUtf8Error, TokenmillError, parseTiktokenFile, fromTokenizerJsonSync } from "../src/index.js";
import {
  CorpusReadError,
  CorpusUtf8Error,
  EmptyCorpusError,
  PatternSyntaxError,
  SpecialTokenCollisionError,
  VocabSizeError,
  train,
  type TrainProgress,
} from "../src/train/index.js";
import { runTrain } from "../src/train/cli.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tm-train-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const corpus = buildCorpus({ sizeBytes: 120_000, write: false }) as Record<string, string>;
const text = corpus.prose! + corpus.multilingual! + corpus.code!;
const file = path.join(dir, "corpus.txt");
fs.writeFileSync(file, text);
const bytes = new TextEncoder().encode(text);

function chunks(b: Uint8Array, seed: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let x = seed;
  for (let i = 0; i < b.length; ) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    const n = 1 + (x % 5000);
    out.push(b.subarray(i, i + n));
    i += n;
  }
  return out;
}

async function* gen<T>(items: T[]): AsyncGenerator<T> {
  for (const x of items) yield x;
}

describe("sources and determinism", () => {
  it("a file, a byte stream in any chunking, a text stream and a Node Readable give the same merges", async () => {
    const opts = { vocabSize: 2000, pattern: "o200k" } as const;
    const ref = await train({ files: [file] }, opts);
    expect(ref.merges.length / 3).toBe(2000 - 256);
    for (const seed of [1, 2]) {
      const t = await train(gen(chunks(bytes, seed)), opts);
      expect(t.merges).toEqual(ref.merges);
    }
    const textChunks: string[] = [];
    for (let i = 0; i < text.length; i += 777) textChunks.push(text.slice(i, i + 777));
    expect((await train(gen(textChunks), opts)).merges).toEqual(ref.merges);
    expect((await train(Readable.from(chunks(bytes, 4).map((c) => Buffer.from(c))), opts)).merges).toEqual(ref.merges);
    // the lines as separate strings are the same sequences
    const lines = text.match(/[^\n]*\n|[^\n]+$/g)!;
    expect((await train(lines, opts)).merges).toEqual(ref.merges);
    // and whatever the number of counting threads (each file is one block: 3 blocks)
    const three = [file, file, file];
    const one = (await train({ files: three }, { ...opts, threads: 1 })).toTiktokenFile();
    for (const threads of [2, 3]) expect((await train({ files: three }, { ...opts, threads })).toTiktokenFile()).toBe(one);
    // the toTiktokenFile bytes are the same whatever the source
    expect((await train(gen(chunks(bytes, 9)), opts)).toTiktokenFile()).toBe(ref.toTiktokenFile());
  });

  it("a string is one sequence (the pattern sees across its lines)", async () => {
    const s = "a\n\n\n  b\n\n\n  b\n\n\n  ";
    const whole = await train(s, { vocabSize: 300, pattern: "o200k" });
    const byLine = await train({ [Symbol.iterator]: () => s.match(/[^\n]*\n|[^\n]+$/g)![Symbol.iterator]() }, { vocabSize: 300, pattern: "o200k" });
    expect(whole.tokens.some((t) => Buffer.from(t).toString() === "\n\n\n")).toBe(true);
    expect(byLine.tokens.some((t) => Buffer.from(t).toString() === "\n\n\n")).toBe(false);
  });

  it("the WASM and the pure-TS merge loops give the same merges and counts", async () => {
    // "none" on lines: one word per line (on the whole text it would be one 360 KB word)
    const lines = text.match(/[^\n]*\n|[^\n]+$/g)!;
    for (const pattern of ["cl100k", "none", "\\p{L}+|\\p{N}"]) {
      const src = pattern === "none" ? lines : text;
      const w = await train(src, { vocabSize: 3000, pattern, engine: "wasm" });
      const j = await train(src, { vocabSize: 3000, pattern, engine: "js" });
      expect(w.merges).toEqual(j.merges);
      expect(w.mergeCounts).toEqual(j.mergeCounts);
    }
  });

  it("merge counts never increase and the vocabulary reaches vocabSize", async () => {
    const t = await train(text, { vocabSize: 5000, specialTokens: ["<s>"] });
    expect(t.vocabSize).toBe(5000);
    for (let i = 1; i < t.mergeCounts.length; i++) expect(t.mergeCounts[i]).toBeLessThanOrEqual(t.mergeCounts[i - 1]!);
  });

  it("onProgress reports counting and merging", async () => {
    const seen: TrainProgress[] = [];
    await train({ files: [file] }, { vocabSize: 1000, onProgress: (p) => seen.push(p) });
    const count = seen.filter((p) => p.phase === "count");
    const merge = seen.filter((p) => p.phase === "merge");
    expect(count.at(-1)).toMatchObject({ bytes: bytes.length });
    expect(merge.length).toBeGreaterThan(5);
    expect(merge.at(-1)).toMatchObject({ vocabSize: 1000 });
  });

  it("a custom pattern keeps the text between matches as words (HF Split Isolated)", async () => {
    const t = await train(["xx--xx--xx--"], { vocabSize: 400, pattern: "x+" });
    const spelled = t.tokens.slice(256).map((b) => Buffer.from(b).toString());
    // both pairs occur 3 times: the tie goes to the smaller ids, "-" (0x2D) before "x"
    expect(spelled).toEqual(["--", "xx"]);
  });
});

describe("bad input: typed errors", () => {
  const v = { vocabSize: 1000 };
  it("empty corpus", async () => {
    await expect(train("", v)).rejects.toThrow(EmptyCorpusError);
    await expect(train([], v)).rejects.toThrow(EmptyCorpusError);
    await expect(train(["", ""], v)).rejects.toThrow(EmptyCorpusError);
    const empty = path.join(dir, "empty.txt");
    fs.writeFileSync(empty, "");
    await expect(train({ files: [empty] }, v)).rejects.toThrow(/corpus is empty/);
  });

  it("a vocabulary smaller than the alphabet plus the special tokens", async () => {
    await expect(train("abc", { vocabSize: 255 })).rejects.toThrow(VocabSizeError);
    await expect(train("abc", { vocabSize: 257, specialTokens: ["<a>", "<b>"] })).rejects.toThrow(/256 bytes and 2 special/);
    await expect(train("abc", { vocabSize: 300.5 })).rejects.toThrow(VocabSizeError);
    await expect(train("abc", {} as never)).rejects.toThrow(VocabSizeError);
    const ok = await train("abc", { vocabSize: 258, specialTokens: ["<a>", "<b>"] });
    expect(ok.tokens.length).toBe(256);
  });

  it("special tokens that collide", async () => {
    await expect(train("abc", { vocabSize: 300, specialTokens: ["<x>", "<x>"] })).rejects.toThrow(SpecialTokenCollisionError);
    await expect(train("abc", { vocabSize: 300, specialTokens: [""] })).rejects.toThrow(SpecialTokenCollisionError);
    await expect(train("abc", { vocabSize: 300, specialTokens: ["<x>", "<x>"] })).rejects.toThrow(/"<x>" is given twice/);
  });

  it("bytes that are not UTF-8 in a file: the file and the byte offset; or replace", async () => {
    const bad = path.join(dir, "bad.txt");
    const good = new TextEncoder().encode("hello wörld\n".repeat(1000));
    const b = new Uint8Array(good.length + 3);
    b.set(good);
    b.set([0x61, 0xc3, 0x28], good.length);
    fs.writeFileSync(bad, b);
    const err = await train({ files: [bad] }, v).catch((e) => e);
    expect(err).toBeInstanceOf(CorpusUtf8Error);
    expect(err).toBeInstanceOf(InvalidUtf8Error);
    expect(err.byteOffset).toBe(good.length + 1);
    expect(err.message).toContain(bad);
    expect(err.message).toContain(`byte ${good.length + 1}`);
    const t = await train({ files: [bad] }, { ...v, invalidUtf8: "replace" });
    expect(t.merges.length).toBeGreaterThan(0);
    // truncated at the end of a stream
    const err2 = await train(gen([new Uint8Array([0x61, 0x0a, 0xe2, 0x82])]), v).catch((e) => e);
    expect(err2).toBeInstanceOf(CorpusUtf8Error);
    expect(err2.byteOffset).toBe(2);
  });

  it("a pattern that does not compile", async () => {
    await expect(train("abc", { vocabSize: 300, pattern: "(unclosed" })).rejects.toThrow(PatternSyntaxError);
    await expect(train("abc", { vocabSize: 300, pattern: "a*" })).rejects.toThrow(/empty string/);
    await expect(train("abc", { vocabSize: 300, pattern: "" })).rejects.toThrow(PatternSyntaxError);
  });

  it("other bad arguments", async () => {
    await expect(train("abc", { vocabSize: 300, minFrequency: -1 })).rejects.toThrow(InvalidArgumentError);
    await expect(train("abc", { vocabSize: 300, threads: 0 })).rejects.toThrow(/threads/);
    await expect(train("abc", { vocabSize: 300, vocab: 3 } as never)).rejects.toThrow(/unknown option "vocab"/);
    await expect(train("abc", { vocabSize: 300, byteLevel: false })).rejects.toThrow(InvalidArgumentError);
    await expect(train(42 as never, { vocabSize: 300 })).rejects.toThrow(InvalidArgumentError);
    await expect(train([1, 2] as never, { vocabSize: 300 })).rejects.toThrow(/item 0/);
    await expect(train({ files: [path.join(dir, "missing.txt")] }, { vocabSize: 300 })).rejects.toThrow(CorpusReadError);
    const e = await train("abc", { vocabSize: 1 }).catch((x) => x);
    expect(e).toBeInstanceOf(TokenmillError);
  });
});

describe('pattern "none"', () => {
  it("a vocabulary trained without pre-tokenization encodes (regression: its pat_str did not compile for the JS engine)", async () => {
    const t = await train("hello world hello world\nhello", { vocabSize: 270, pattern: "none" });
    const ids = t.encode("hello world\n");
    expect(t.decode(ids)).toBe("hello world\n");
    expect(ids.length).toBeLessThan(12);
  });
});

describe("runTrain (the CLI's job)", () => {
  it("writes a .tiktoken file and a tokenizer.json that load", async () => {
    const out1 = path.join(dir, "m.tiktoken");
    const out2 = path.join(dir, "m.json");
    await runTrain({ files: [file], vocabSize: 1500, pattern: "cl100k", format: "tiktoken", output: out1, special: ["<|eot|>"] });
    await runTrain({ files: [file], vocabSize: 1500, pattern: "cl100k", format: "tokenizer.json", output: out2, special: ["<|eot|>"] });
    expect(parseTiktokenFile(fs.readFileSync(out1, "utf8")).size).toBe(1499);
    const hfTok = fromTokenizerJsonSync(fs.readFileSync(out2, "utf8"));
    const t = await train({ files: [file] }, { vocabSize: 1500, pattern: "cl100k", specialTokens: ["<|eot|>"] });
    expect(Array.from(hfTok.encode("Hello wörld <|eot|>"))).toEqual(Array.from(t.encode("Hello wörld <|eot|>", { allowedSpecial: "all" })));
    await expect(runTrain({ files: [], vocabSize: 300, format: "tiktoken", output: out1 })).rejects.toThrow(InvalidArgumentError);
    await expect(runTrain({ files: [file], vocabSize: 300, format: "bin" as never, output: out1 })).rejects.toThrow(/format/);
  });
});
