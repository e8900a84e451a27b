// SentencePiece `.model` files against SentencePiece itself (Debian's spm_train / spm_encode /
// spm_decode 0.1.97): models of both types and many trainer settings are trained on the
// machine's text in a temp dir, then ids, pieces and decodes are compared on real
// multilingual text, code and fuzzed text (emoji, CJK, whitespace runs, control characters,
// combining marks, the models' own symbols).
// SPM_DUMP=DIR trains into DIR and keeps the models and the compared lines there (debugging).
import fs from "node:fs";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  fromSentencePieceModel,
  fromTokenizerJsonSync,
  InvalidArgumentError,
  InvalidTokenIdError,
  sentencePieceToTokenizerJson,
  UnsupportedComponentError,
  VocabFormatError,
  type SentencePieceTokenizer,
} from "../src/index.js";
import { hf } from "./helpers/hf-reference.js";
import { spmCorpus, spmDecode, spmEncode, spmEncodeBosEos, spmIds, tempDir, trainModels, type TrainedModel } from "./helpers/spm.js";

const USER = "--user_defined_symbols=<sep>,[MASK],foo-bar,日本,▁▁";
const CONTROL = "--control_symbols=<ctl>,<extra_id_0>";
const CONFIGS: Record<string, string[]> = {
  unigram: ["--model_type=unigram", "--vocab_size=2000", "--character_coverage=0.995"],
  "unigram-bytes-user": ["--model_type=unigram", "--vocab_size=2000", "--character_coverage=0.995", "--byte_fallback=true", USER, CONTROL, "--split_digits=true"],
  "unigram-identity": ["--model_type=unigram", "--vocab_size=1500", "--character_coverage=0.98", "--normalization_rule_name=identity", "--remove_extra_whitespaces=false", "--add_dummy_prefix=false"],
  "unigram-nfkc-cf": ["--model_type=unigram", "--vocab_size=1500", "--character_coverage=0.995", "--normalization_rule_name=nmt_nfkc_cf", "--pad_id=3", "--bos_id=-1"],
  "unigram-suffix": ["--model_type=unigram", "--vocab_size=1500", "--character_coverage=0.995", "--treat_whitespace_as_suffix=true", "--remove_extra_whitespaces=false"],
  bpe: ["--model_type=bpe", "--vocab_size=2000", "--character_coverage=0.995"],
  "bpe-bytes-user": ["--model_type=bpe", "--vocab_size=2000", "--character_coverage=0.995", "--byte_fallback=true", USER, CONTROL, "--split_digits=true"],
  "bpe-identity": ["--model_type=bpe", "--vocab_size=1500", "--character_coverage=0.98", "--byte_fallback=true", "--normalization_rule_name=identity", "--add_dummy_prefix=false", "--remove_extra_whitespaces=false"],
};

let dir = "";
let models: Record<string, TrainedModel> = {};
const loaded = new Map<string, SentencePieceTokenizer>();
const sp = (name: string): SentencePieceTokenizer => {
  if (!loaded.has(name)) loaded.set(name, fromSentencePieceModel(models[name]!.bytes));
  return loaded.get(name)!;
};

beforeAll(async () => {
  dir = process.env.SPM_DUMP ?? tempDir();
  models = await trainModels(dir, CONFIGS);
}, 180_000);

afterAll(() => {
  if (dir && !process.env.SPM_DUMP) fs.rmSync(dir, { recursive: true, force: true });
});

// the texts: real lines of the machine (some long), then fuzzed lines
const FUZZ_PIECES = [
  "a", "e", "the", " ", "  ", "   ", "\t", "\u3000", "\u00a0", "\u2028", "\u0007", "\u0000", "\u001b", "\u007f", "\u200b", "\u200d", "\ufeff", "\r",
  "日本", "語", "テキスト", "한국어", "中文", "🦜", "👩‍👩‍👧", "🇯🇵", "é", "e\u0301", "A\u030a", "ﬁ", "㍻", "Ａ", "①", "½", "ǅ", "ß", "İ",
  "Ω", "ω", "ﷺ", "\u0928\u093f", "\u0e01\u0e33", "ا", "لا", "1", "2024", "3.14", "<sep>", "[MASK]", "foo-bar", "<s>", "</s>", "<unk>", "<ctl>", "<0x41>",
  "\u2581", "\u2581\u2581", ".", ",", "!", "?", "(", ")", "-", "--", "\\", "\ud800", "\udfff", "x\ud83d",
];
function fuzzLines(seed: number, n: number): string[] {
  const arb = fc.array(fc.constantFrom(...FUZZ_PIECES), { minLength: 0, maxLength: 24 }).map((a) => a.join(""));
  const arb2 = fc.string({ unit: "grapheme", maxLength: 30 });
  return [...fc.sample(arb, { seed, numRuns: n }), ...fc.sample(arb2, { seed: seed + 1, numRuns: n / 4 })].map((s) => s.replace(/\n/g, " "));
}

function textLines(): string[] {
  const c = spmCorpus();
  const pick = (a: string[], n: number): string[] => a.filter((_, i) => i % Math.max(1, Math.floor(a.length / n)) === 0).slice(0, n);
  const real = [...pick(c.prose, 250), ...pick(c.multilingual, 350), ...pick(c.code, 200)];
  // a few long lines (whole paragraphs joined)
  real.push(c.prose.slice(0, 60).join(" "), c.multilingual.slice(100, 160).join("   "), c.code.slice(0, 40).join("\t"));
  // a line that opens with U+FEFF (TextDecoder drops one there unless told not to)
  return [...real, "\ufeffab c", "\ufeff\ufeff", ...fuzzLines(17, 400)];
}

/** Lines as spm_encode receives them: a lone surrogate becomes U+FFFD on its way into UTF-8, as in `encode`. */
const wellFormed = (s: string): string => new TextDecoder("utf-8", { ignoreBOM: true }).decode(new TextEncoder().encode(s));

describe.each(Object.keys(CONFIGS))("%s: ids, pieces and decode as SentencePiece", (name) => {
  const lines = textLines();

  it("ids and pieces equal spm_encode's", () => {
    const tok = sp(name);
    const model = models[name]!.path;
    const wf = lines.map(wellFormed);
    if (process.env.SPM_DUMP) fs.writeFileSync(`${process.env.SPM_DUMP}/${name}.json`, JSON.stringify(wf));
    const ids = spmIds(model, wf);
    const pieces = spmEncode(model, wf, "piece");
    for (let i = 0; i < lines.length; i++) {
      const ctx = `${name} line ${i} ${JSON.stringify(lines[i]!.slice(0, 120))}`;
      expect([...tok.encode(lines[i]!)], ctx).toEqual(ids[i]);
      expect(tok.encodeAsPieces(lines[i]!).join(" "), ctx).toBe(pieces[i]);
      expect(tok.count(lines[i]!), ctx).toBe(ids[i]!.length);
    }
  });

  it("decode equals spm_decode's, on encodings and on random id sequences", () => {
    const tok = sp(name);
    const model = models[name]!.path;
    const wf = lines.map(wellFormed);
    const ids = spmIds(model, wf);
    // random ids: every kind of piece, bytes that form no character included (no "\n" byte)
    const rnd = fc.sample(fc.array(fc.integer({ min: 0, max: tok.vocabSize - 1 }), { maxLength: 20 }), { seed: 5, numRuns: 300 });
    const lists = [...ids, ...rnd.map((l) => l.filter((id) => tok.idToPiece(id) !== "<0x0A>" && tok.idToPiece(id) !== "<0x0D>"))];
    const want = spmDecode(model, lists);
    for (let i = 0; i < lists.length; i++) expect(tok.decode(lists[i]!), `${name} ids ${lists[i]!.join(" ")}`).toBe(want[i]);
  });
});

describe("special pieces and options", () => {
  it("bos/eos as spm's --extra_options=bos:eos; control, unknown, byte and user-defined types", () => {
    const tok = sp("unigram-bytes-user");
    const lines = ["Hello <sep> world [MASK] foo-bar", "日本語", "<ctl> is plain text", ""];
    const want = spmEncode(models["unigram-bytes-user"]!.path, lines, "id");
    lines.forEach((l, i) => expect(tok.encode(l).join(" ")).toBe(want[i]));
    const withBos = spmEncodeBosEos(models["unigram-bytes-user"]!.path, lines);
    lines.forEach((l, i) => expect([...tok.encode(l, { addBos: true, addEos: true })].join(" ")).toBe(withBos[i]));
    expect(tok.isControl(tok.pieceToId("<ctl>"))).toBe(true);
    expect(tok.isUserDefined(tok.pieceToId("<sep>"))).toBe(true);
    expect(tok.isByte(tok.pieceToId("<0x41>"))).toBe(true);
    expect(tok.isUnknown(tok.unkId)).toBe(true);
    expect(tok.bosId).toBe(tok.pieceToId("<s>"));
    expect(fromSentencePieceModel(models["unigram-nfkc-cf"]!.bytes).bosId).toBe(-1);
    expect(fromSentencePieceModel(models["unigram-nfkc-cf"]!.bytes).padId).toBe(3);
    expect(() => fromSentencePieceModel(models["unigram-nfkc-cf"]!.bytes).encode("a", { addBos: true })).toThrow(InvalidArgumentError);
  });

  it("BPE encodes word by word where no piece holds ▁ inside (and whole where one does): both paths are compared above", () => {
    const wordsApart = (name: string): boolean => (sp(name) as unknown as { bpe: { wordsApart: boolean } }).bpe.wordsApart;
    expect(wordsApart("bpe")).toBe(true);
    expect(wordsApart("bpe-identity")).toBe(true);
    expect(wordsApart("bpe-bytes-user")).toBe(false); // the user symbol "▁▁"
  });

  it("a 400 KB sentence (scratch arrays grow past their keep limit and are dropped) equals spm_encode's, twice", () => {
    const c = spmCorpus();
    const big = [...c.prose, ...c.multilingual].join(" ").repeat(3).slice(0, 400_000);
    for (const name of ["unigram", "bpe"]) {
      const want = spmIds(models[name]!.path, [big])[0]!;
      const tok = sp(name);
      expect([...tok.encode(big)], name).toEqual(want);
      expect([...tok.encode(big)], `${name} again`).toEqual(want);
      expect(tok.encode("Hello world").length, name).toBeGreaterThan(0);
    }
  }, 60_000);

  it("round trip: a byte-fallback identity model decodes every encoding back to the text", () => {
    const tok = sp("bpe-identity");
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), (s) => {
        fc.pre(!s.includes("\u2581"));
        expect(tok.decode(tok.encode(s))).toBe(s);
      }),
      { seed: 3, numRuns: 300 },
    );
  });

  it("refuses what it cannot read: truncated or foreign bytes, WORD/CHAR models, bad ids, bad options", async () => {
    const bytes = models.unigram!.bytes;
    expect(() => fromSentencePieceModel(bytes.subarray(0, 1000))).toThrow(VocabFormatError);
    expect(() => fromSentencePieceModel(new TextEncoder().encode('{"model": {}}'))).toThrow(VocabFormatError);
    expect(() => fromSentencePieceModel(new Uint8Array(0))).toThrow(VocabFormatError);
    expect(() => fromSentencePieceModel("x" as unknown as Uint8Array)).toThrow(InvalidArgumentError);
    expect(() => fromSentencePieceModel(bytes, { engine: "wasm" })).toThrow(InvalidArgumentError);
    expect(() => fromSentencePieceModel(bytes, { foo: 1 } as never)).toThrow(InvalidArgumentError);
    const wdir = tempDir();
    try {
      const w = await trainModels(wdir, { word: ["--model_type=word", "--vocab_size=500", "--character_coverage=0.995"] });
      expect(() => fromSentencePieceModel(w.word!.bytes)).toThrow(UnsupportedComponentError);
    } finally {
      fs.rmSync(wdir, { recursive: true, force: true });
    }
    const tok = sp("unigram");
    expect(() => tok.decode([0, tok.vocabSize])).toThrow(InvalidTokenIdError);
    expect(() => tok.decode([-1])).toThrow(InvalidTokenIdError);
    expect(() => tok.decode([1.5])).toThrow(InvalidTokenIdError);
    expect(() => tok.idToPiece(tok.vocabSize)).toThrow(InvalidTokenIdError);
  }, 60_000);
});

describe("conversion to tokenizer.json", () => {
  const CONVERTIBLE = ["unigram", "unigram-bytes-user", "unigram-identity", "unigram-nfkc-cf", "bpe", "bpe-bytes-user", "bpe-identity"];
  // text that spells a control/unknown/byte piece is that token in HF (see the README)
  const SPELLS = /<s>|<\/s>|<unk>|<ctl>|<extra_id_0>|<0x|<pad>/;

  it.each(CONVERTIBLE)("%s: HF tokenizers on the converted file gives SentencePiece's ids", async (name) => {
    const tok = sp(name);
    const json = sentencePieceToTokenizerJson(models[name]!.bytes);
    expect(json).toBe(tok.toTokenizerJson());
    const ref = hf.Tokenizer.fromString(json);
    const ours = ["wasm", "js"].map((engine) => fromTokenizerJsonSync(json, { engine: engine as "wasm" | "js" }));
    // HF has no frozen symbols: BPE's user-defined pieces become added tokens, around which HF
    // normalizes each side on its own; unigram's stay in the vocabulary but are normalized
    // (the nmt charsmaps turn "▁" into a space). Both are documented differences.
    const users = Array.from({ length: tok.vocabSize }, (_, id) => id).filter((id) => tok.isUserDefined(id)).map((id) => tok.idToPiece(id));
    // HF's Precompiled looks a grapheme up whole and, when only its first char has a mapping,
    // replaces the grapheme by it, marks included (spm maps char by char, longest key first)
    const charsmap = tok.proto.normalizerSpec.precompiledCharsmap.length > 0;
    const skip = (l: string): boolean =>
      SPELLS.test(l) ||
      (charsmap && /\p{M}/u.test(l)) ||
      (tok.modelType === "bpe" ? users.some((u) => l.includes(u)) : users.length > 0 && l.includes("\u2581"));
    const lines = textLines().map(wellFormed).filter((l) => !skip(l));
    let ties = 0;
    for (const l of lines) {
      const want = [...tok.encode(l)];
      const got = (await ref.encode(l, null, { addSpecialTokens: false })).getIds();
      for (const o of ours) expect([...o.encode(l, { addSpecialTokens: false })], `${name} [${o.engine}] ${JSON.stringify(l)}`).toEqual(got);
      if (JSON.stringify(got) === JSON.stringify(want)) continue;
      // the only allowed difference: a unigram tie that spm's float sums and HF's doubles break
      // differently (same total score, same pieces in another order, or another split of equal score)
      if (process.env.SPM_DUMP) console.log("DIFF", name, [...l].map((c) => c.codePointAt(0)!.toString(16)).join(" "), want.join(" "), "/", got.join(" "));
      expect(tok.modelType, `${name} ${JSON.stringify(l)}`).toBe("unigram");
      const total = (ids: number[]): number => ids.reduce((s, id) => s + tok.score(id), 0);
      expect(Math.abs(total(got) - total(want)), `${name} ${JSON.stringify(l)}`).toBeLessThan(1e-3);
      ties++;
    }
    expect(ties).toBeLessThanOrEqual(lines.length / 100);
  }, 120_000);

  it("treat_whitespace_as_suffix has no HF equivalent: refused", () => {
    expect(() => sp("unigram-suffix").toTokenizerJson()).toThrow(UnsupportedComponentError);
  });
});

describe("CLI -t model.model", () => {
  it("count, encode (--special all adds <s> </s>), decode and compare take a .model", async () => {
    const { cli } = await import("./helpers/cli.js");
    const model = models.unigram!.path;
    const text = "Hello wörld, 日本語のテキスト 🦜  and   spaces";
    const want = spmIds(model, [text])[0]!;
    const enc = await cli(["encode", "-t", model], text);
    expect(enc.code, enc.err).toBe(0);
    expect(enc.out).toBe(`[${want.join(",")}]\n`);
    const cnt = await cli(["count", "-t", model], text);
    expect(cnt.out).toBe(`${want.length}\n`);
    const withBos = spmEncodeBosEos(model, [text])[0]!;
    const all = await cli(["encode", "-t", model, "--special", "all"], text);
    expect(all.out).toBe(`[${withBos.split(" ").join(",")}]\n`);
    const dec = await cli(["decode", "-t", model, ...want.map(String)]);
    expect(dec.out).toBe(spmDecode(model, [want])[0]);
    // a .model under another name is recognised by its bytes
    const other = `${dir}/renamed.bin`;
    fs.copyFileSync(model, other);
    expect((await cli(["count", "-t", other], text)).out).toBe(`${want.length}\n`);
    const corpus = `${dir}/corpus.txt`;
    fs.writeFileSync(corpus, text);
    const cmp = await cli(["compare", "-t", model, "--corpus", `c=${corpus}`, "--json"]);
    expect(cmp.code, cmp.err).toBe(0);
    expect(JSON.stringify(JSON.parse(cmp.out))).toContain(`"tokens":${want.length}`);
    const bad = await cli(["count", "-t", `${dir}/train.txt`], text);
    expect(bad.code).toBe(1);
  });
});
