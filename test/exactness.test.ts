// Differential tests: every engine must give tiktoken's ids, on real text from this machine and
// on generated text aimed at the pre-tokenizer's corners.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildCorpus } from "../scripts/corpus.mjs";
import { ENCODINGS, ENGINES, firstDifference, load, refOrdinary, reference } from "./helpers/reference.js";

const corpus = buildCorpus({ sizeBytes: 150_000, write: false });
const realTexts: Record<string, string> = {
  prose: corpus.prose,
  code: corpus.code,
  multilingual: corpus.multilingual,
};

const TRICKY = [
  "hello world", "Hello, World! It's a test.", "I'M DON'T you're WE'LL they'D it'S", "'s 't 're 've 'm 'll 'd",
  "ſ's 'ſ 'S 'T 'RE 'Ve 'lL", "don't", "rock'n'roll", "'''", "''s",
  "日本語のテキスト。中文也是。한국어", "Привет, мир!", "مرحبا بالعالم", "שלום עולם", "नमस्ते दुनिया", "สวัสดีครับ",
  "👨‍👩‍👧‍👦 🇺🇸 👍🏽 ❤️", "e\u0301\u0301 café naïve", "\u0301\u0301abc", " \u0301x", "A\u0301B\u0301c", "ǅungla ǈ ǋ",
  "a\r\n\r\n  b   \n", "\r\r\n\n\r", "x  \n  \n", "  \n  ", "\t\t\tx", "\u00a0\u2003\u3000x\u0085y\u2028z\u2029",
  "\ufeffBOM", "1234567890", "12 345 6789 00000", "١٢٣٤٥ ۱۲۳ १२३", "Ⅻ ½ ²³", "a1b2c3", "x".repeat(300), " ".repeat(200) + "x",
  "https://example.com/path?q=1&r=2 //comment\n/*x*/", "if (a && b) { return c; }\n\tfoo();\n",
  "ABCdef GHIjKL mnoPQR", "HTTPServer XMLHttpRequest iOS", "ªº", "ˆ", "ⅰⅱⅲ", "ﬁ ﬂ", "Σίσυφος", "ΑΒΓ", "ß ẞ",
  "\u0000\u0001\u001f\u007f", "<|endoftext|>", "a<|endoftext|>b", "<|fim_prefix|><|endofprompt|>",
  "\n", " ", "", "\t", "'", "''", " '", "a'", "a 'b",
];

describe.each(ENCODINGS)("%s", (name) => {
  describe.each(ENGINES)("%s engine", (engine) => {
    const enc = load(name, engine);

    it("matches tiktoken on tricky strings", () => {
      for (const text of TRICKY) {
        expect(Array.from(enc.encodeOrdinary(text)), JSON.stringify(text)).toEqual(refOrdinary(name, text));
      }
    });

    it.each(Object.keys(realTexts))("matches tiktoken on real %s text", (kind) => {
      const text = realTexts[kind]!;
      const ids = enc.encodeOrdinary(text);
      expect(firstDifference(ids, refOrdinary(name, text))).toBeUndefined();
      expect(enc.count(text, { disallowedSpecial: [] })).toBe(ids.length);
      expect(enc.decode(ids)).toBe(text);
    });

    it("matches tiktoken on the ~2 KB documents one by one", () => {
      for (const doc of corpus.docs.multilingual.slice(0, 40).concat(corpus.docs.code.slice(0, 40))) {
        expect(firstDifference(enc.encodeOrdinary(doc), refOrdinary(name, doc))).toBeUndefined();
      }
    });

    it("matches tiktoken on arbitrary Unicode (property-based)", () => {
      fc.assert(
        fc.property(fc.string({ unit: "binary", maxLength: 60 }), (text) => {
          expect(Array.from(enc.encodeOrdinary(text))).toEqual(refOrdinary(name, text));
        }),
        { numRuns: 400 },
      );
    });

    it("matches tiktoken on strings of tricky pieces (property-based)", () => {
      const pieces = fc.constantFrom(
        " ", "  ", "\n", "\r\n", "\t", "\u00a0", "\u3000", "\u0085", "'", "'s", "'S", "'ll", "'LL", "'ſ", "a", "A", "z", "Ab",
        "aB", "ǅ", "ª", "\u0301", "\u0903", "1", "12", "٣", "½", "!", "...", "/", "//", "-", "é", "日本", "ё", "Ж", "ab",
        "\u200d", "👍", "🏽", "🇺🇸", "<|endoftext|>", "x", "0", "\r", "\n\n", " \n", "?", "\ufffd", "ß", "ﬁ",
      );
      fc.assert(
        fc.property(fc.array(pieces, { maxLength: 25 }), (parts) => {
          const text = parts.join("");
          expect(Array.from(enc.encodeOrdinary(text))).toEqual(refOrdinary(name, text));
        }),
        { numRuns: 1500 },
      );
    });

    it("matches tiktoken on ASCII punctuation and whitespace next to words, digits and non-ASCII (property-based)", () => {
      // the scanner's punctuation and whitespace fast paths: where a word may take the first character as its
      // prefix, where a contraction comes first, the [\r\n/]* tail, and bytes it must leave alone
      const pieces = fc.constantFrom(
        "(", ")", ";", ",", ".", "'", '"', "/", "\\", "-", "=", "*", "&", "#", "@", "!", "?", "<", "{", "}", "|", "~", "`", "^", ":",
        " ", "  ", "\n", "\r", "\r\n", "\t", "\x01", "\x1f", "\x7f", "\x0b", "a", "Z", "s", "t", "ll", "re", "1", "42",
        "é", "п", "中", "—", "«", "。", "\u0301", "\u00a0", "\u2028", "😀", "'s", "'T", "ſ",
      );
      fc.assert(
        fc.property(fc.array(pieces, { maxLength: 30 }), (parts) => {
          const text = parts.join("");
          expect(Array.from(enc.encodeOrdinary(text))).toEqual(refOrdinary(name, text));
        }),
        { numRuns: 3000 },
      );
      for (const text of [";\n/", "}\n\n/x", ");\r\n//", "(x", "('s", "'s", " 's", "''s", "(1", " (", " (\n/", "-é", ".—", "x.\n", "::\u0301"]) {
        expect(Array.from(enc.encodeOrdinary(text)), JSON.stringify(text)).toEqual(refOrdinary(name, text));
      }
    });

    it("round-trips every well-formed string (property-based)", () => {
      fc.assert(
        fc.property(fc.string({ unit: "grapheme", maxLength: 80 }), (text) => {
          expect(enc.decode(enc.encodeOrdinary(text))).toBe(text);
        }),
        { numRuns: 500 },
      );
    });

    it("gives back a leading U+FEFF (a TextDecoder's default would strip it as a BOM)", () => {
      const long = "x".repeat(300_000);
      for (const text of ["\ufeffBOM", "\ufeff", "\ufeff\ufeffx", "\ufeffcafé", `\ufeff${long}`, `${long}\ufeffé`, `é\ufeff`]) {
        expect(enc.decode(enc.encodeOrdinary(text)) === text, JSON.stringify(text.slice(0, 12))).toBe(true);
        expect(enc.decode(Array.from(enc.encodeOrdinary(text))) === text).toBe(true);
      }
    });

    it("decodeBytes is byte-exact for arbitrary id sequences", () => {
      const ref = reference(name);
      const ordinary = Array.from({ length: 4000 }, (_, i) => Math.floor((i * 2654435761) % (name.startsWith("o200k") ? 199998 : 50000)));
      expect(Buffer.from(enc.decodeBytes(ordinary)).equals(Buffer.from(ref.decode(Uint32Array.from(ordinary))))).toBe(true);
    });

    it("turns lone surrogates into U+FFFD, as tiktoken's JS binding does", () => {
      for (const text of ["\ud800", "a\udc00b", "x\ud83d", "\ud83dx\ude00", "\udfff\ud800"]) {
        expect(Array.from(enc.encodeOrdinary(text)), JSON.stringify(text)).toEqual(refOrdinary(name, text));
        // Defined behaviour: the same ids as the text with each lone surrogate replaced by U+FFFD.
        const wellFormed = text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
        expect(Array.from(enc.encodeOrdinary(text))).toEqual(Array.from(enc.encodeOrdinary(wellFormed)));
        expect(enc.decode(enc.encodeOrdinary(text))).toBe(wellFormed);
      }
    });
  });
});
