// Trained tokenizer.json pipelines (HF `tokenizers` trainers, assorted components: see
// scripts/fuzz-hf-pipelines.py, which found each case and writes these fixtures) against the
// reference (npm `tokenizers`): ids, offsets, count, decode with and without special tokens,
// pairs, both engines, on fixed hostile strings and fuzzed text.
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, it } from "vitest";
import { fromTokenizerJsonSync } from "../src/index.js";
import { check, hf } from "./helpers/hf-reference.js";
import { checkFull } from "./helpers/hf-encoding.js";

const SEED = Number(process.env.HF_FUZZ_SEED ?? 0);
const DIR = path.join(import.meta.dirname, "fixtures", "hf", "trained");

const HOSTILE = [
  "", " ", "  ", "\n", "\r\n", "a\r\nb", "\t\tx", "\0", "a\0b", "\ud800", "x\udc00y", "😀", "👨‍👩‍👧", "e\u0301", "é", "ﬁ",
  "İstanbul", "ß", "x\u200by", "\u00a0nbsp\u3000", "hello world", " hello  world ", "Hello, World! 123 4567", "don't you're",
  "日本語のテキスト", "中文 字符", "Привет мир", "مرحبا بالعالم", "नमस्ते", "x=1; y = [2, 3]; // ok", "trailing  ",
  "x yesy", " yes yes", "SP xSPy", "😀😀", "##ing", "a##b Up xUpy", "a ab\nabb", "the  x - y", "a  yes  b\tyes\n", "x\r\n", "a \n b \r\n", " first\n second \n", "xay\n", "x\ny\nx", "word\nword\n\n", "İstanbul", "x \t   \nx", "¡olé! ñ", "\u0007bell\u0001", "çà et là", "\r\n", "a\r\u000bb \u0085x", "\u3000\u2028", "a²b x¼y ⁰z", "a\u200db\u200c", "a²\u200d³b", "-- ²² ..", "Ġhello", "ĠĠ x", "a ab\u0307 \r", "the 本日 day", "слово,日本", "word_boundary x-y",
];
const PIECES = [...HOSTILE.filter((s) => s.length > 0), " ", "yes", "SP", "##", "Up", "the", "é", "中", "и", ".", "\n"];
const text = fc.oneof(
  { weight: 3, arbitrary: fc.array(fc.constantFrom(...PIECES), { maxLength: 8 }).map((a) => a.join("")) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 12 }) },
);

/** Fixture → what it pins (the mismatch the fuzzer found). */
const FIXTURES: Record<string, string> = {
  "wordpiece-bytelevel": "WordPiece behind ByteLevel sees the byte alphabet (\" \" is \"Ġ\", not unk)",
  "unigram-bytelevel": "Unigram behind ByteLevel sees the byte alphabet (no unk_id error on \" \")",
  "added-normalized-bytelevel": "a normalized added token decodes as its normalized content (ByteLevel normalizer)",
  "added-normalized-prepend": "a normalized added token decodes as its normalized content (Prepend)",
  "split-han-script": "\\p{Han} (Oniguruma's bare script name) in a Split regex loads",
  "added-lstrip-trim-offsets": "an lstrip/rstrip added token's offsets are trimmed by the text it matched (ByteLevel post-processor)",
  "added-rstrip-roberta": "an lstrip/rstrip added token's offsets are trimmed by the text it matched (RobertaProcessing)",
  "regex-line-anchors": "^ and $ in tokenizer.json regexes are Oniguruma's line anchors; \\A \\z \\Z the text's ends",
  "bytelevel-bpe-dropped-bytes": "ByteLevel BPE without some byte chars: a dropped char shifts the offsets (HF's byte-alphabet units)",
  "bytelevel-bpe-byte-fallback": "ByteLevel BPE with <0xXX> fallback for a missing byte char: both tokens get that char's offsets",
  "added-normalized-empty": "a normalized added token the normalizer empties splits the text at every char, as HF's empty pattern",
  "added-normalized-empty-rstrip": "an empty normalized added token with rstrip, and matches inside an rstrip token's whitespace (empty splits dropped)",
  "unigram-unk-trim-offsets": "Unigram's unk token string is the unknown text, which ByteLevel's trim_offsets trims",
  "regex-onig-word": "\\w in tokenizer.json regexes is Oniguruma's (² is a word char, ZWJ not); Whitespace's is Rust's",
  "unigram-unk-bytelevel-trim": "behind ByteLevel Unigram's unk text is in the byte alphabet (\"\\r\" is \"č\"): nothing to trim",
  "split-word-boundary": "\\b (Unicode word boundary) in a Split regex loads",
};

/**
 * Fixtures HF aborts on outside ASCII (its empty added-token pattern matches between the bytes
 * of a char, and slicing there panics): fed ASCII text only.
 */
const ASCII_ONLY = new Set(["added-normalized-empty", "added-normalized-empty-rstrip"]);
const isAscii = (t: string) => /^[\x00-\x7f]*$/.test(t);

describe("trained pipelines vs HF tokenizers", () => {
  let seed = SEED + 4200;
  for (const [name, what] of Object.entries(FIXTURES)) {
    const s = seed++;
    it(`${name}: ${what}`, async () => {
      const json = fs.readFileSync(path.join(DIR, `${name}.json`), "utf8");
      const engines = [fromTokenizerJsonSync(json), fromTokenizerJsonSync(json, { engine: "js" })];
      const ref = hf.Tokenizer.fromString(json);
      const texts = ASCII_ONLY.has(name) ? HOSTILE.filter(isAscii) : HOSTILE;
      for (const t of texts) await check(name, engines, ref, t);
      for (let i = 0; i + 1 < texts.length; i += 4) await checkFull(name, engines, ref, texts[i]!, texts[i + 1]!, true);
      const gen = ASCII_ONLY.has(name) ? text.map((t) => t.replace(/[^\x00-\x7f]/g, "x")) : text;
      await fc.assert(
        fc.asyncProperty(gen, fc.option(gen, { nil: undefined }), async (a, b) => {
          await check(name, engines, ref, a);
          await checkFull(name, engines, ref, a, b, true);
        }),
        { numRuns: 40, seed: s },
      );
    });
  }
});
