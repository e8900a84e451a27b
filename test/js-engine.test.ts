// Differential tests of the pure-TS engine (src/engines/js) against the `tiktoken` npm package.
import { execSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { get_encoding, type Tiktoken, type TiktokenEncoding } from "tiktoken";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../src/errors.js";
import {
  CL100K_PATTERN,
  CL100K_PATTERN_NEW,
  JsEngine,
  knownPatternId,
  O200K_PATTERN,
  R50K_PATTERN,
  R50K_PATTERN_NEW,
  RegexJsEngine,
  hasCrossingNewlineToken,
} from "../src/engines/js/engine.js";
import { scanPieces, type PatternId } from "../src/engines/js/pretokenize.js";
import { compilePattern } from "../src/engines/js/regex.js";
import { classOf } from "../src/text/unicode-table.js";
import { parseVocabFile, type Vocab } from "../src/vocab/tkv.js";

const ROOT = join(__dirname, "..");
const ENCODINGS: [TiktokenEncoding, PatternId, string][] = [
  ["r50k_base", 0, R50K_PATTERN],
  ["p50k_base", 0, R50K_PATTERN],
  ["cl100k_base", 1, CL100K_PATTERN],
  ["o200k_base", 2, O200K_PATTERN],
];

interface Pair {
  vocab: Vocab;
  js: JsEngine;
  tk: Tiktoken;
}
const pairs = new Map<string, Pair>();

function pair(name: TiktokenEncoding): Pair {
  let p = pairs.get(name);
  if (!p) {
    const [, pattern] = ENCODINGS.find(([n]) => n === name)!;
    const vocab = parseVocabFile(new Uint8Array(readFileSync(join(ROOT, "vocab", `${name}.tkv`))));
    p = { vocab, js: new JsEngine(vocab, pattern), tk: get_encoding(name) };
    pairs.set(name, p);
  }
  return p;
}

beforeAll(() => {
  const missing = ENCODINGS.some(([n]) => !existsSync(join(ROOT, "vocab", `${n}.tkv`)));
  if (missing) execSync("node scripts/build-vocab.mjs", { cwd: ROOT, stdio: "inherit" });
}, 120_000);

afterAll(() => {
  for (const p of pairs.values()) p.tk.free();
  pairs.clear();
});

function reference(tk: Tiktoken, text: string): Uint32Array {
  return tk.encode(text, [], []);
}

function sameIds(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Expects JsEngine == tiktoken on `text`, with a readable message on failure. */
function check(name: TiktokenEncoding, text: string): void {
  const { js, tk } = pair(name);
  const got = js.encode(text);
  const want = reference(tk, text);
  if (!sameIds(got, want)) {
    expect({ name, text, ids: Array.from(got) }).toEqual({ name, text, ids: Array.from(want) });
  }
}

const HAND = [
  "",
  "a",
  " ",
  "Hello, world!",
  "It's John's car. They'll say we've, I'm, you'd, we're. 's 't 're 've 'm 'll 'd",
  "IT'S JOHN'S CAR. THEY'LL SAY WE'VE, I'M, YOU'D, WE'RE. 'S 'T 'RE 'VE 'M 'LL 'D",
  "It'S tHey'Ll we'vE i'M 'rE 'Re 'lL 'Ll 'vE 'Ve",
  "'ſ 'ſup Iſ'ſ word'ſ WORD'ſ 'ſ'ſ ſ'S", // U+017F folds to s
  "'K 'k 'K 'Å", // Kelvin sign / Ångström sign: not contractions
  "''s '''s 's's x'sy 'x '",
  "don't DON'T Don'T aren't isn't",
  "日本語のテキストです。東京都。",
  "中文文本，包括标点符号！“引号”",
  "한국어 텍스트 입니다",
  "مرحبا بالعالم. هذا نص عربي ١٢٣٤٥٦",
  "नमस्ते दुनिया, यह हिंदी पाठ है। ०१२३",
  "Привет, мир! ЗАГЛАВНЫЕ буквы и СмЕшАнНыЕ",
  "Ελληνικά ΚΕΦΑΛΑΙΑ σς",
  "👨‍👩‍👧‍👦 family 🏳️‍🌈 flag 👍🏽 thumbs 🇺🇸🇫🇷",
  "e\u0301 cafe\u0301 n\u0303 \u0301\u0301\u0301 a\u0308\u0304 Z\u0351\u0311 \u20dd",
  "ÉCOLE École école ǅungla ǄUNGLA ǆungla",
  "HTTPServer getHTTPResponse parseJSONData XMLHttpRequest iPhone eBay",
  "line1\r\nline2\r\n\r\nline3\n\n\nline4\r\r\n",
  "  \r\n  \r\n\t\r\n",
  "a\n  ",
  "x\n\n \n  ",
  "end with spaces   ",
  "end with tabs\t\t",
  "\u00a0non-breaking\u00a0\u00a0space\u00a0",
  "em\u2003space\u2003\u2003x",
  "ideographic\u3000space\u3000\u3000x",
  "next\u0085line\u0085\u0085x",
  "zero\u200bwidth\ufeffBOM\u2028ls\u2029ps",
  "digits 1 12 123 1234 12345 123456 1234567 ١٢٣٤ ⅫⅩ ½¾ ²³",
  "3.14159 1,000,000 0x1F 1e10 2024-01-01",
  "   leading spaces",
  "\t\ttabs\tand  spaces",
  " !!! ??? ... --- ;;; :)  :-( <br/> </div>\n",
  "path/to/file.js // comment\n/* block */\n",
  "https://example.com/a/b?c=d&e=f#g",
  "def f(x):\n    return x ** 2\n\n\nclass A:\n    pass\n",
  "function foo() {\n  return `${a}/${b}`;\n}\n",
  "<|endoftext|> is ordinary text here <|fim_prefix|>",
  "\u0000\u0001\u001f\u007f control chars",
  "mixed 123abc abc123 a1b2c3 ABC123def",
  "\ud800 lone \udc00 surrogates \ud83d",
  "🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂",
  "a".repeat(100),
  " ".repeat(100) + "x",
  "\n".repeat(50) + " x",
  "ab".repeat(80),
  "_".repeat(70) + "=".repeat(70),
];

describe("hand-written samples", () => {
  for (const [name] of ENCODINGS) {
    it(name, () => {
      for (const text of HAND) check(name, text);
    });
  }
});

/** A few text files from the machine (licenses, docs, JS sources), each ≤ 64 KB. */
function realFiles(): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  const add = (path: string) => {
    try {
      const st = statSync(path);
      if (!st.isFile() || st.size === 0 || st.size > 64 * 1024) return false;
      out.push({ path, text: readFileSync(path, "utf8") });
      return true;
    } catch {
      return false;
    }
  };
  const listDir = (dir: string) => {
    try {
      return readdirSync(dir).sort();
    } catch {
      return [];
    }
  };
  let n = 0;
  for (const f of listDir("/usr/share/common-licenses")) if (n < 4 && add(join("/usr/share/common-licenses", f))) n++;
  n = 0;
  for (const d of listDir("/usr/share/doc")) {
    if (n >= 6) break;
    for (const f of listDir(join("/usr/share/doc", d))) {
      if (/^(copyright|README|changelog)$/i.test(f) && add(join("/usr/share/doc", d, f))) {
        n++;
        break;
      }
    }
  }
  const js = [
    "node_modules/fast-check/lib/fast-check.js",
    "node_modules/chai/index.js",
    "node_modules/picocolors/picocolors.js",
    "node_modules/pathe/dist/index.mjs",
    "node_modules/tiktoken/tiktoken_bg.cjs",
    "node_modules/typescript/lib/lib.es5.d.ts",
    "node_modules/magic-string/dist/magic-string.es.mjs",
  ];
  for (const f of js) add(join(ROOT, f));
  return out;
}

describe("real files", () => {
  const files = realFiles();
  it("found some files", () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
  });
  for (const [name] of ENCODINGS) {
    it(name, () => {
      for (const { path, text } of files) {
        const { js, tk } = pair(name);
        const got = js.encode(text);
        const want = reference(tk, text);
        if (!sameIds(got, want)) {
          let k = 0;
          while (k < got.length && got[k] === want[k]) k++;
          expect.fail(`${name} ${path}: first difference at token ${k}: got ${got[k]} want ${want[k]}`);
        }
        expect(js.count(text)).toBe(want.length);
      }
    });
  }
});

const TRICKY = [
  "'", "'s", "'S", "'ſ", "'re", "'RE", "'ll", "'Ve", "'d", "s", "t", "re", "ll", "ſ", "K", "k",
  " ", "  ", "\t", "\n", "\r", "\r\n", "\u00a0", "\u2003", "\u3000", "\u0085", "\u200b", "\ufeff",
  "a", "A", "abc", "ABC", "Abc", "aBC", "é", "É", "e\u0301", "\u0301", "\u20dd", "ǅ", "ǆ", "Ǆ",
  "ß", "ẞ", "ʰ", "ー", "日本", "한", "ا", "ह", "ि", "्", "1", "12", "123", "١", "½", "Ⅻ", "²",
  "!", ".", ",", "/", "//", "-", "_", "(", ")", "<", ">", "|", "$", "€", "🙂", "👍🏽", "‍", "️",
  "\u0000", "\u007f", "\ud800", "\udc00",
];

describe("fuzz (fast-check)", () => {
  const arbs: [string, fc.Arbitrary<string>, number][] = [
    ["binary", fc.string({ unit: "binary", maxLength: 64 }), 400],
    ["grapheme", fc.string({ unit: "grapheme", maxLength: 64 }), 300],
    ["tricky pieces", fc.array(fc.constantFrom(...TRICKY), { maxLength: 40 }).map((a) => a.join("")), 1500],
    // single long pieces (> 64 bytes: the heap merge) from small alphabets, so merges interact
    ["long letter runs", fc.string({ unit: fc.constantFrom("a", "b", "e", "t", "h", "n", "r", "s"), minLength: 60, maxLength: 400 }), 200],
    ["long punct runs", fc.string({ unit: fc.constantFrom("=", "-", "*", "#", "/", ".", "_"), minLength: 60, maxLength: 400 }), 200],
    ["long digit runs", fc.string({ unit: fc.constantFrom("0", "1", "9"), minLength: 60, maxLength: 400 }), 100],
  ];
  for (const [name] of ENCODINGS) {
    for (const [kind, arb, numRuns] of arbs) {
      it(`${name} ${kind}`, () => {
        const { js, tk } = pair(name);
        fc.assert(
          fc.property(arb, (text) => sameIds(js.encode(text), reference(tk, text))),
          { numRuns, seed: 42 + numRuns },
        );
      });
    }
  }
});

function randomBase64(n: number): string {
  let s = "";
  let x = 12345;
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    s += alphabet[(x >>> 16) & 63];
  }
  return s;
}

describe("hostile inputs", () => {
  const N = 200 * 1024;
  const inputs: [string, string][] = [
    ["a", "a".repeat(N)],
    ["digits", "1234567890".repeat(N / 10)],
    ["spaces+newlines", " \n  \n\n   ".repeat(N / 10)],
    ["spaces", " ".repeat(N) + "x"],
    ["base64", randomBase64(N)],
    ["emoji", "🙂".repeat(N / 4)],
  ];
  for (const [name] of ENCODINGS) {
    it(name, () => {
      const { js, tk, vocab } = pair(name);
      const enc = new TextEncoder();
      for (const [kind, text] of inputs) {
        const t0 = performance.now();
        const ids = js.encode(text);
        const ms = performance.now() - t0;
        expect(ms, `${name} ${kind}: ${ms.toFixed(0)} ms`).toBeLessThan(2000);
        // bytes round trip
        const bytes = enc.encode(text);
        let pos = 0;
        let ok = true;
        for (const id of ids) {
          const s = vocab.offsets[id]!;
          const e = vocab.offsets[id + 1]!;
          for (let k = s; k < e; k++) if (bytes[pos++] !== vocab.bytes[k]) ok = false;
        }
        expect(ok && pos === bytes.length, `${name} ${kind}: round trip`).toBe(true);
        expect(js.count(text)).toBe(ids.length);
        // against tiktoken on prefixes (tiktoken is quadratic on long pieces)
        for (const len of [1, 63, 64, 65, 200, 1000, 5000]) check(name, text.slice(0, len));
      }
    });
  }
});

describe("count", () => {
  it("stops once the count exceeds the limit", () => {
    const { js } = pair("cl100k_base");
    const text = "The quick brown fox jumps over the lazy dog. ".repeat(20);
    const total = js.encode(text).length;
    expect(js.count(text)).toBe(total);
    expect(js.count(text, total)).toBe(total);
    expect(js.count(text, total + 5)).toBe(total);
    for (const limit of [0, 1, 5, 17, total - 1]) {
      const c = js.count(text, limit);
      expect(c).toBeGreaterThan(limit);
      expect(c).toBeLessThanOrEqual(limit + 10); // at most one piece past the limit
    }
    expect(js.count("")).toBe(0);
  });
});

describe("pre-tokenizer pieces", () => {
  it("scanPieces covers the input", () => {
    const bytes = new TextEncoder().encode("Hello  world's 123456\r\n\n  end ");
    const ends = new Int32Array(64);
    for (const p of [0, 1, 2] as PatternId[]) {
      const n = scanPieces(p, bytes, 0, bytes.length, ends);
      expect(n).toBeGreaterThan(0);
      expect(ends[n - 1]).toBe(bytes.length);
      for (let k = 1; k < n; k++) expect(ends[k]!).toBeGreaterThan(ends[k - 1]!);
      expect(scanPieces(p, bytes, 0, bytes.length, new Int32Array(2))).toBe(-1);
    }
  });
});

/** Pieces of the scanner, as strings. */
function scannerPieces(pattern: PatternId, text: string): string[] {
  const bytes = new TextEncoder().encode(text);
  const ends = new Int32Array(bytes.length + 1);
  const n = scanPieces(pattern, bytes, 0, bytes.length, ends);
  const dec = new TextDecoder("utf-8", { ignoreBOM: true });
  const out: string[] = [];
  for (let k = 0, s = 0; k < n; s = ends[k++]!) out.push(dec.decode(bytes.subarray(s, ends[k]!)));
  return out;
}

/** Lone surrogates → U+FFFD, as TextEncoder and tiktoken's binding do. */
function wellFormed(s: string): string {
  return (s as unknown as { toWellFormed(): string }).toWellFormed();
}

/** Class of cp by Node's own Unicode data (may be a newer version than the table). */
function jsClass(cp: number): number {
  const c = String.fromCodePoint(cp);
  if (/\p{White_Space}/u.test(c)) return 6;
  if (/[\p{Lu}\p{Lt}]/u.test(c)) return 1;
  if (/\p{Ll}/u.test(c)) return 2;
  if (/[\p{Lm}\p{Lo}]/u.test(c)) return 3;
  if (/\p{M}/u.test(c)) return 4;
  if (/\p{N}/u.test(c)) return 5;
  return 0;
}

/** True if every code point of text has the same class in Node's RegExp data and in the table. */
function sameUnicodeData(text: string): boolean {
  for (const ch of wellFormed(text)) {
    const cp = ch.codePointAt(0)!;
    if (jsClass(cp) !== classOf(cp)) return false;
  }
  return true;
}

describe("scanner pieces == translated reference regex", () => {
  // Piece-level check: catches scanner differences that BPE happens to hide in the ids (e.g.
  // the 'ſ contraction, whose presence never changes cl100k/o200k ids).
  for (const [name, pattern, pat] of ENCODINGS.filter(([n]) => n !== "p50k_base")) {
    it(name, () => {
      const re = compilePattern(pat);
      const pieces = (t: string) => wellFormed(t).match(re) ?? [];
      for (const text of HAND) expect(scannerPieces(pattern, text)).toEqual(pieces(text));
      expect(scannerPieces(pattern, "x'ſup 'ſ'S'ſt")).toEqual(pieces("x'ſup 'ſ'S'ſt"));
      fc.assert(
        fc.property(
          fc.oneof(
            fc.string({ unit: "binary", maxLength: 48 }),
            fc.array(fc.constantFrom(...TRICKY), { maxLength: 40 }).map((a) => a.join("")),
          ).filter(sameUnicodeData), // Node's RegExp may know a newer Unicode than the table
          (text) => {
            expect(scannerPieces(pattern, text)).toEqual(pieces(text));
          },
        ),
        { numRuns: 3000, seed: 3 },
      );
    });
  }
});

describe("RegexJsEngine", () => {
  it("matches tiktoken with the built-in patterns", () => {
    for (const [name, , pat] of ENCODINGS) {
      const { vocab, tk } = pair(name);
      const re = new RegexJsEngine(vocab, pat);
      for (const text of HAND) expect(Array.from(re.encode(text)), `${name} ${JSON.stringify(text)}`).toEqual(Array.from(reference(tk, text)));
      fc.assert(
        fc.property(
          fc.array(fc.constantFrom(...TRICKY), { maxLength: 30 }).map((a) => a.join("")),
          (text) => sameIds(re.encode(text), reference(tk, text)),
        ),
        { numRuns: 300, seed: 7 },
      );
      const text = HAND.join(" ");
      expect(re.count(text)).toBe(reference(tk, text).length);
    }
  });

  it("newer tiktoken pattern variants give the same ids", () => {
    for (const [name, pat] of [
      ["r50k_base", R50K_PATTERN_NEW],
      ["cl100k_base", CL100K_PATTERN_NEW],
    ] as [TiktokenEncoding, string][]) {
      const { vocab, tk } = pair(name);
      const re = new RegexJsEngine(vocab, pat);
      for (const text of HAND) expect(Array.from(re.encode(text)), `${name} ${JSON.stringify(text)}`).toEqual(Array.from(reference(tk, text)));
      fc.assert(
        fc.property(
          fc.array(fc.constantFrom(...TRICKY), { maxLength: 30 }).map((a) => a.join("")),
          (text) => sameIds(re.encode(text), reference(tk, text)),
        ),
        { numRuns: 300, seed: 11 },
      );
    }
  });

  it("knownPatternId", () => {
    expect(knownPatternId(R50K_PATTERN)).toBe(0);
    expect(knownPatternId(R50K_PATTERN_NEW)).toBe(0);
    expect(knownPatternId(CL100K_PATTERN)).toBe(1);
    expect(knownPatternId(O200K_PATTERN)).toBe(2);
    expect(knownPatternId(CL100K_PATTERN_NEW)).toBeUndefined(); // needs the vocab check
    expect(knownPatternId(CL100K_PATTERN_NEW, pair("cl100k_base").vocab)).toBe(1);
    expect(hasCrossingNewlineToken(pair("o200k_base").vocab)).toBe(false);
    expect(hasCrossingNewlineToken(pair("r50k_base").vocab)).toBe(true); // "\n\u00a0"
    expect(knownPatternId(CL100K_PATTERN_NEW, pair("r50k_base").vocab)).toBeUndefined();
    expect(knownPatternId("\\w+")).toBeUndefined();
  });

  it("translates custom patterns", () => {
    const { vocab } = pair("cl100k_base");
    const words = new RegexJsEngine(vocab, "(?i:hello)|\\d+|\\s++|[^\\s\\d]++");
    const tk = pair("cl100k_base").tk;
    const text = "HeLLo 42 hellO ٣٤ world";
    // pieces: HeLLo, " ", 42, " ", hellO, " ", ٣٤, " ", world
    const want = ["HeLLo", " ", "42", " ", "hellO", " ", "٣٤", " ", "world"].flatMap((p) => Array.from(reference(tk, p)));
    expect(Array.from(words.encode(text))).toEqual(want);
    expect(new RegexJsEngine(vocab, "(?i)[a-c]+|.").encode("AbC").length).toBe(reference(tk, "AbC").length);
    expect(Array.from(new RegexJsEngine(vocab, "(?i:s)+").encode("sSſ"))).toEqual(Array.from(reference(tk, "sSſ")));
  });

  it("rejects patterns it cannot translate, naming the pattern", () => {
    const { vocab } = pair("cl100k_base");
    for (const bad of ["\\bfoo\\b", "(?x) a", "[a", "a{2", "(a", "[[:alpha:]]", "(?i:\\p{Lu})", "\\q"]) {
      expect(() => new RegexJsEngine(vocab, bad)).toThrow(InvalidArgumentError);
      expect(() => new RegexJsEngine(vocab, bad)).toThrow(JSON.stringify(bad));
    }
  });
});
