// WordLevel model, CTC decoder and UnicodeScripts pre-tokenizer of tokenizer.json against the
// reference (npm `tokenizers`): synthetic configs, fuzzed text, both engines; UnicodeScripts
// also on every code point.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromTokenizerJsonSync, InvalidArgumentError } from "../src/index.js";
import { BYTE_TO_CHAR } from "../src/hf/byte-level.js";
import { NStr } from "../src/hf/normalized.js";
import { buildPreTokenizer } from "../src/hf/pretokenizers.js";
import { check, hf } from "./helpers/hf-reference.js";

type Json = Record<string, unknown>;
const SEED = Number(process.env.HF_FUZZ_SEED ?? 0);

const WORDS = ["hello", "world", "Hello", "a", "the", ".", ",", "!", "日本", "語", "り", "ん", "ご", "林檎", "Apples", "are", "123", "7", "é", "😀", "▁hello", "▁world", "▁a", "Ġhello", "Ġworld", "Ġa", "ĠÃ©", "Ã©", "|", "<pad>", "'s", "n't"];
const PIECES = [...WORDS, " ", "  ", "\t", "\n", "\u3000", "\u00a0", "ー", "カ", "ア", "Ω", "Я", "ا", "क", "\u0301", "\u{E0100}", "\u{1F600}", "$", "-", "x", "xyz", "<unk>", "[x]"];
const text = fc.oneof(
  { weight: 3, arbitrary: fc.array(fc.constantFrom(...PIECES), { maxLength: 14 }).map((a) => a.join("")) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 16 }) },
);

function vocabOf(tokens: string[]): Record<string, number> {
  const v: Record<string, number> = {};
  tokens.forEach((t, i) => (v[t] = i));
  return v;
}

function wordLevelJson(o: { pre: Json | null; normalizer?: Json | null; unk?: string | null; vocab?: string[]; added?: Json[]; post?: Json | null; decoder?: Json | null }): string {
  const vocab = o.vocab ?? ["<unk>", ...WORDS];
  const model: Json = { type: "WordLevel", vocab: vocabOf(vocab) };
  if (o.unk !== null) model.unk_token = o.unk ?? "<unk>";
  return JSON.stringify({
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: o.added ?? [],
    normalizer: o.normalizer ?? null,
    pre_tokenizer: o.pre,
    post_processor: o.post ?? null,
    decoder: o.decoder ?? null,
    model,
  });
}

async function fuzz(name: string, json: string, runs: number, seed: number, extra: string[] = []): Promise<void> {
  const engines = [fromTokenizerJsonSync(json), fromTokenizerJsonSync(json, { engine: "js" })];
  const ref = hf.Tokenizer.fromString(json);
  for (const t of [...PIECES, ...extra]) await check(name, engines, ref, t);
  await fc.assert(
    fc.asyncProperty(text, async (t) => {
      await check(name, engines, ref, t);
    }),
    { numRuns: runs, seed },
  );
}

describe("WordLevel vs HF tokenizers", () => {
  const CASES: Record<string, Parameters<typeof wordLevelJson>[0]> = {
    WhitespaceSplit: { pre: { type: "WhitespaceSplit" } },
    Whitespace: { pre: { type: "Whitespace" } },
    "BertPreTokenizer, lowercase": { pre: { type: "BertPreTokenizer" }, normalizer: { type: "Lowercase" } },
    UnicodeScripts: { pre: { type: "UnicodeScripts" } },
    "UnicodeScripts + WhitespaceSplit": { pre: { type: "Sequence", pretokenizers: [{ type: "WhitespaceSplit" }, { type: "UnicodeScripts" }] } },
    Metaspace: { pre: { type: "Metaspace", replacement: "▁", prepend_scheme: "always", split: true }, decoder: { type: "Metaspace", replacement: "▁", prepend_scheme: "always", split: true } },
    "ByteLevel (words in the byte alphabet)": {
      pre: { type: "ByteLevel", add_prefix_space: true, trim_offsets: false, use_regex: true },
      decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: false, use_regex: true },
    },
    "no pre-tokenizer (the whole text is one word)": { pre: null },
    "custom unk_token": { pre: { type: "WhitespaceSplit" }, unk: "[UNK]", vocab: ["[UNK]", ...WORDS] },
    "added tokens and a template": {
      pre: { type: "WhitespaceSplit" },
      vocab: ["<unk>", "[CLS]", "[SEP]", ...WORDS],
      added: [
        { id: 1, content: "[CLS]", single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
        { id: 2, content: "[SEP]", single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
        { id: 99, content: "[x]", single_word: false, lstrip: false, rstrip: false, normalized: true, special: false },
      ],
      post: {
        type: "TemplateProcessing",
        single: [{ SpecialToken: { id: "[CLS]", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "[SEP]", type_id: 0 } }],
        pair: [{ Sequence: { id: "A", type_id: 0 } }, { Sequence: { id: "B", type_id: 1 } }],
        special_tokens: { "[CLS]": { id: "[CLS]", ids: [1], tokens: ["[CLS]"] }, "[SEP]": { id: "[SEP]", ids: [2], tokens: ["[SEP]"] } },
      },
    },
  };
  let seed = SEED + 1700;
  for (const [name, o] of Object.entries(CASES)) {
    const s = seed++;
    it(name, async () => {
      await fuzz(name, wordLevelJson(o), 80, s);
    });
  }

  it("an unknown word without unk_token in the vocab is an error, as in HF", async () => {
    // (HF requires the unk_token field; the vocab may lack it)
    const json = wordLevelJson({ pre: { type: "WhitespaceSplit" }, vocab: WORDS });
    const ref = hf.Tokenizer.fromString(json);
    await expect(ref.encode("hello xyz")).rejects.toThrow(/Missing \[UNK\]/);
    for (const tok of [fromTokenizerJsonSync(json), fromTokenizerJsonSync(json, { engine: "js" })]) {
      expect([...tok.encode("hello world")]).toEqual((await ref.encode("hello world")).getIds());
      expect(() => tok.encode("hello xyz")).toThrow(InvalidArgumentError);
      expect(() => tok.encode("hello xyz")).toThrow(/"xyz"/);
    }
  });

  it("a vocab that is not an object of integer ids is refused at load", () => {
    const j = JSON.parse(wordLevelJson({ pre: null }));
    j.model.vocab["<unk>"] = -1;
    expect(() => fromTokenizerJsonSync(j)).toThrow(InvalidArgumentError);
    j.model.vocab["<unk>"] = 0.5;
    expect(() => fromTokenizerJsonSync(j)).toThrow(/"<unk>" has id 0.5/);
    j.model.vocab = ["a"];
    expect(() => fromTokenizerJsonSync(j)).toThrow(/WordLevel model without a vocab object/);
  });

  it("vocabSize, idToToken and tokenToId as HF", () => {
    const json = wordLevelJson({ pre: { type: "WhitespaceSplit" } });
    const ref = hf.Tokenizer.fromString(json);
    const tok = fromTokenizerJsonSync(json);
    expect(tok.vocabSize).toBe(ref.getVocabSize(true));
    for (let id = 0; id < WORDS.length + 2; id++) expect(tok.idToToken(id) ?? null).toBe(ref.idToToken(id));
    for (const w of [...WORDS, "nope"]) expect(tok.tokenToId(w) ?? null).toBe(ref.tokenToId(w));
  });
});

describe("CTC decoder vs HF tokenizers (random id sequences)", () => {
  const TOKENS = ["<pad>", "|", "h", "e", "l", "o", "w", "r", "d", "A", "'", "s", "n't", ".", ",", "?", " ", "", "<pad>x", "a|b", "[PAD]", "do", "not", "'m", "'ve", "'re", "!"];
  const DECODERS: Record<string, Json> = {
    default: { type: "CTC", pad_token: "<pad>", word_delimiter_token: "|", cleanup: true },
    "no cleanup": { type: "CTC", pad_token: "<pad>", word_delimiter_token: "|", cleanup: false },
    "other pad and delimiter": { type: "CTC", pad_token: "[PAD]", word_delimiter_token: " ", cleanup: true },
    "empty pad and delimiter": { type: "CTC", pad_token: "", word_delimiter_token: "", cleanup: true },
    "in a Sequence": { type: "Sequence", decoders: [{ type: "CTC", pad_token: "<pad>", word_delimiter_token: "|", cleanup: true }, { type: "Fuse" }] },
  };
  let seed = SEED + 1750;
  for (const [name, decoder] of Object.entries(DECODERS)) {
    const s = seed++;
    it(name, async () => {
      const json = wordLevelJson({
        pre: null,
        vocab: ["<unk>", ...TOKENS],
        decoder,
        added: [{ id: 1, content: "<pad>", single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }],
      });
      const ours = [fromTokenizerJsonSync(json), fromTokenizerJsonSync(json, { engine: "js" })];
      const ref = hf.Tokenizer.fromString(json);
      // ids as a CTC model emits them: runs of one id, pads between
      const ids = fc.array(fc.tuple(fc.nat(TOKENS.length), fc.integer({ min: 1, max: 3 })), { maxLength: 14 }).map((a) => a.flatMap(([id, n]) => new Array<number>(n).fill(id)));
      await fc.assert(
        fc.asyncProperty(ids, async (idList) => {
          for (const skip of [false, true]) {
            const want = await ref.decode(idList, skip);
            for (const tok of ours) expect(tok.decode(idList, { skipSpecialTokens: skip }), `${name} ${JSON.stringify(idList)} skip=${skip}`).toBe(want);
          }
        }),
        { numRuns: 300, seed: s },
      );
    });
  }
});

describe("UnicodeScripts vs HF tokenizers", () => {
  const refPre = hf.Tokenizer.fromString(wordLevelJson({ pre: { type: "UnicodeScripts" } })).getPreTokenizer()!;
  const ours = buildPreTokenizer({ type: "UnicodeScripts" }).run!;
  const piecesOf = (s: string): string[] => {
    const out: NStr[] = [];
    ours(NStr.of(s), out);
    return out.map((p) => p.s);
  };
  const refPieces = (s: string): string[] => refPre.preTokenizeString(s).map(([p]) => p);

  it("every code point, in order and between two scripts", () => {
    const all: string[] = [];
    for (let cp = 0; cp < 0x110000; cp++) if (cp < 0xd800 || cp > 0xdfff) all.push(String.fromCodePoint(cp));
    // in order (runs of one script meet at their edges), and each char between "a" and "一"
    // (a char cuts there exactly when its script is neither, and is Any when it cuts in neither)
    const layouts: Array<(chunk: string[]) => string> = [(c) => c.join(""), (c) => c.map((x) => "a" + x).join(""), (c) => c.map((x) => "\u4e00" + x).join("")];
    for (const layout of layouts) {
      for (let i = 0; i < all.length; i += 8192) {
        const s = layout(all.slice(i, i + 8192));
        const got = piecesOf(s);
        const want = refPieces(s);
        if (got.length !== want.length || got.some((p, k) => p !== want[k])) {
          const k = got.findIndex((p, j) => p !== want[j]);
          throw new Error(`chunk at U+${i.toString(16)}: piece ${k} ours ${JSON.stringify(got[k])}, HF ${JSON.stringify(want[k])}`);
        }
      }
    }
  });

  it("leading chars of script Any are dropped, as in HF", () => {
    for (const s of ["  abc", "   ", " a b", "a  ", "\u4e00 a", "\u{E0100}a", ""]) expect(piecesOf(s), JSON.stringify(s)).toEqual(refPieces(s));
  });

  it("with a byte-level BPE model and normalizers (offsets through alignments)", async () => {
    const BYTE_VOCAB: Record<string, number> = {};
    BYTE_TO_CHAR.forEach((c, b) => (BYTE_VOCAB[c] = b));
    for (const normalizer of [null, { type: "NFKC" }, { type: "Strip", strip_left: true, strip_right: true }]) {
      const json = JSON.stringify({
        version: "1.0",
        truncation: null,
        padding: null,
        added_tokens: [],
        normalizer,
        pre_tokenizer: { type: "Sequence", pretokenizers: [{ type: "UnicodeScripts" }, { type: "ByteLevel", add_prefix_space: false, trim_offsets: false, use_regex: false }] },
        post_processor: null,
        decoder: { type: "ByteLevel", add_prefix_space: false, trim_offsets: false, use_regex: false },
        model: { type: "BPE", dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab: BYTE_VOCAB, merges: [] },
      });
      await fuzz(`UnicodeScripts after ${JSON.stringify(normalizer)}`, json, 60, SEED + 1790);
    }
  });
});
