// The trainer against HF's own BpeTrainer (npm `tokenizers`, native): the same merges in the
// same order on real text of the machine (English prose, ~170 languages of gettext catalogs,
// JS source), for each pattern family and both merge loops; pre-tokens equal to HF's Split;
// and the exported tokenizer.json / .tiktoken give the same ids in HF, tiktoken and here.
//
// The Node binding trains only with HF's default BpeTrainer (vocab_size 30000, min_frequency 0,
// no special tokens, alphabet = characters seen), so: the same vocabulary budget is given to
// ours (30000 - HF's alphabet + our 256 bytes), smaller vocabularies must give a prefix of
// HF's merges, and minFrequency must cut the full list where the counts fall below it.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { Tiktoken } from "tiktoken";
import { afterAll, describe, expect, it } from "vitest";
import { buildCorpus } from "../scripts/corpus.mjs";
import { fromTokenizerJsonSync, parseTiktokenFile, createEncoding } from "../src/index.js";
import { train, type TrainedTokenizer } from "../src/train/index.js";
import { byteLevelString } from "../src/train/byte-level.js";
import { resolvePattern } from "../src/train/patterns.js";
import { countInto } from "../src/train/count-kernel.js";
import { HF_DEFAULT_VOCAB, hf, hfPreTokenizer, hfTrain, type HfTrained } from "./train-reference.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tm-train-hf-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const corpus = buildCorpus({ sizeBytes: 160_000, write: false }) as Record<string, string>;
const files: Record<string, string> = {};
for (const kind of ["prose", "multilingual", "code"]) {
  files[kind] = path.join(dir, `${kind}.txt`);
  fs.writeFileSync(files[kind]!, corpus[kind]!);
}
const all = Object.values(files);

function spelled(tok: TrainedTokenizer): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < tok.merges.length; i += 3) {
    out.push([byteLevelString(tok.tokens[tok.merges[i]!]!), byteLevelString(tok.tokens[tok.merges[i + 1]!]!)]);
  }
  return out;
}

function firstMismatch(a: [string, string][], b: [string, string][]): string | undefined {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (!x || !y || x[0] !== y[0] || x[1] !== y[1]) return `merge ${i}: ours ${JSON.stringify(x)}, HF ${JSON.stringify(y)}`;
  }
  return undefined;
}

const hfAlphabet = (r: HfTrained): number => Object.keys(r.vocab).length - r.merges.length;
const refs = new Map<string, HfTrained>();
function reference(pattern: string, which: string[]): HfTrained {
  const key = `${pattern}|${which.join(",")}`;
  let r = refs.get(key);
  if (!r) {
    const p = resolvePattern(pattern);
    r = hfTrain(which, hfPreTokenizer(pattern === "gpt2" ? undefined : p.hfRegex));
    refs.set(key, r);
  }
  return r;
}

describe("merges equal to HF BpeTrainer's", () => {
  const cases: Array<[string, string[], "wasm" | "js"]> = [
    ["o200k", all, "wasm"],
    ["cl100k", [files.multilingual!, files.code!], "wasm"],
    ["gpt2", [files.prose!], "wasm"],
    ["o200k", all, "js"],
  ];
  it.each(cases)("%s pattern, %j, %s merge loop", async (pattern, which, engine) => {
    const ref = reference(pattern, which);
    expect(ref.merges.length).toBeGreaterThan(4000);
    const tok = await train({ files: which }, { vocabSize: HF_DEFAULT_VOCAB - hfAlphabet(ref) + 256, pattern, engine });
    expect(firstMismatch(spelled(tok), ref.merges)).toBeUndefined();
    expect(tok.duplicateMerges).toBe(0);
  });

  it("a smaller vocabulary gives a prefix of the merges", async () => {
    const ref = reference("o200k", all);
    for (const vocabSize of [256, 257, 1000, 4321]) {
      const tok = await train({ files: all }, { vocabSize, pattern: "o200k" });
      expect(tok.merges.length / 3).toBe(vocabSize - 256);
      expect(firstMismatch(spelled(tok), ref.merges.slice(0, vocabSize - 256))).toBeUndefined();
    }
  });

  it("minFrequency cuts the merges where the pair count falls below it (HF min_frequency)", async () => {
    const ref = reference("o200k", all);
    const full = await train({ files: all }, { vocabSize: HF_DEFAULT_VOCAB - hfAlphabet(ref) + 256, pattern: "o200k" });
    for (const m of [2, 40]) {
      const cut = full.mergeCounts.findIndex((c) => c < m);
      expect(cut).toBeGreaterThan(0);
      const tok = await train({ files: all }, { vocabSize: 1_000_000, pattern: "o200k", minFrequency: m });
      expect(tok.merges.length / 3).toBe(cut);
      expect(firstMismatch(spelled(tok), ref.merges.slice(0, cut))).toBeUndefined();
    }
  });

  it("special tokens take vocabulary room and ids after the ordinary tokens", async () => {
    const ref = reference("gpt2", [files.prose!]);
    const tok = await train({ files: [files.prose!] }, { vocabSize: 1000, pattern: "gpt2", specialTokens: ["<|endoftext|>", "<pad>"] });
    expect(tok.merges.length / 3).toBe(1000 - 256 - 2);
    expect(tok.specialTokens).toEqual({ "<|endoftext|>": 998, "<pad>": 999 });
    expect(firstMismatch(spelled(tok), ref.merges.slice(0, 742))).toBeUndefined();
  });
});

describe("tie-breaks on small random corpora (exhaustive training)", () => {
  // Two or three letters, many repeats: equal counts at nearly every step, so the order of the
  // merges is decided by the tie-break rule again and again.
  const lines = (re: RegExp) => fc.array(fc.stringMatching(re), { minLength: 1, maxLength: 40 });
  it.each([
    ["gpt2", /^[abc ]{1,12}$/],
    ["none", /^[ab]{1,16}$/],
  ] as const)("%s pattern: HF's merges, merge for merge", async (pattern, re) => {
    await fc.assert(
      fc.asyncProperty(lines(re), async (ls) => {
        const f = path.join(dir, "small.txt");
        fs.writeFileSync(f, ls.join("\n"));
        const ref = hfTrain([f], pattern === "gpt2" ? hfPreTokenizer(undefined) : { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: false });
        for (const engine of ["wasm", "js"] as const) {
          const tok = await train({ files: [f] }, { vocabSize: 100_000, pattern, engine });
          expect(firstMismatch(spelled(tok), ref.merges)).toBeUndefined();
          expect(tok.tokens.length - 256).toBe(Object.keys(ref.vocab).length - hfAlphabet(ref));
        }
      }),
      { numRuns: 25, seed: 14 },
    );
  });
});

function hfSplit(regex: string): { preTokenizeString(s: string): [string, unknown][] } {
  const json = JSON.parse(
    fromTokenizerJsonSafeTemplate.replace('"PRE"', JSON.stringify({ type: "Split", pattern: { Regex: regex }, behavior: "Isolated", invert: false })),
  );
  return hf.Tokenizer.fromString(JSON.stringify(json)).getPreTokenizer();
}
const fromTokenizerJsonSafeTemplate = JSON.stringify({
  version: "1.0", truncation: null, padding: null, added_tokens: [], normalizer: null, pre_tokenizer: "PRE",
  post_processor: null, decoder: null, model: { type: "BPE", vocab: {}, merges: [] },
});

describe("pre-tokens equal to HF's Split", () => {
  const ATOMS = [
    " ", "  ", "\n", "\r\n", "\n\n", "\t", "\x0b", "\u0085", "\u00a0", "\u2028", "\u3000", "\ufeff", "a", "Z", "Ab", "HTTP",
    "'s", "'S", "'ſ", "'ll", "'LL", "'d", "1", "1234", "é", "п", "中", "ǅ", "ʰ", "\u0301", "—", "😀", "١٢٣", "/", "(", ".", "!",
  ];
  const text = fc.array(fc.constantFrom(...ATOMS), { maxLength: 30 }).map((a) => a.join(""));
  it.each(["o200k", "cl100k", "gpt2"])("%s", (name) => {
    const p = resolvePattern(name);
    const re = p.compile();
    // splitPreTokenizer() of the binding takes a literal string, so the Split comes from JSON.
    const split = hfSplit(p.hfRegex!);
    // the kernel counts, so pieces are compared as multisets (their order never matters)
    const ours = (s: string): Map<string, number> => {
      const m = new Map<string, number>();
      countInto(re, s, false, m);
      return new Map([...m].sort());
    };
    const theirs = (s: string): Map<string, number> => {
      const m = new Map<string, number>();
      for (const [x] of split.preTokenizeString(s) as [string, unknown][]) m.set(x, (m.get(x) ?? 0) + 1);
      return new Map([...m].sort());
    };
    fc.assert(
      fc.property(text, (s) => {
        expect(ours(s)).toEqual(theirs(s));
      }),
      { numRuns: 400, seed: 3 },
    );
    const sample = corpus.multilingual!.slice(0, 60_000) + corpus.code!.slice(0, 20_000);
    expect(ours(sample)).toEqual(theirs(sample));
  });
});

describe("exports load elsewhere with the same ids", () => {
  const sample = corpus.prose!.slice(0, 20_000) + corpus.multilingual!.slice(0, 20_000) + corpus.code!.slice(0, 10_000);
  it.each(["o200k", "cl100k", "gpt2"])("%s: tokenizer.json in HF and fromTokenizerJsonSync, .tiktoken in tiktoken and parseTiktokenFile", async (pattern) => {
    const tok = await train({ files: all }, { vocabSize: 3000, pattern, specialTokens: ["<|endoftext|>"] });
    const ids = Array.from(tok.encode(sample));
    expect(tok.decode(ids)).toBe(sample);
    const json = tok.toTokenizerJson();
    const hfTok = hf.Tokenizer.fromString(json);
    expect((await hfTok.encode(sample)).getIds()).toEqual(ids);
    expect(Array.from(fromTokenizerJsonSync(json).encode(sample))).toEqual(ids);
    const file = tok.toTiktokenFile();
    const tt = new Tiktoken(file, tok.specialTokens as Record<string, number>, tok.patStr);
    try {
      expect(Array.from(tt.encode(sample, "all"))).toEqual(ids);
      expect(Array.from(tt.encode("<|endoftext|>x", "all"))).toEqual(Array.from(tok.encode("<|endoftext|>x", { allowedSpecial: "all" })));
    } finally {
      tt.free();
    }
    const enc = createEncoding({ name: "re", patStr: tok.patStr, mergeableRanks: parseTiktokenFile(file), specialTokens: { ...tok.specialTokens } });
    expect(Array.from(enc.encode(sample))).toEqual(ids);
    expect(tok.encoding.engine).toBe("wasm");
  });
});
