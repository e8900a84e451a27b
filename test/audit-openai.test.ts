// Regression tests for the outside audit's findings on the OpenAI Encoding side (issue 20 items
// 1, 4, 5, 8, 10, 11), each failing before its fix, on both engines where an engine is involved.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { getEncodingSync, UncuttableTextError } from "../src/index.js";
import { isClassCut, sureClassName } from "../src/text/cuts.js";
import { textChunks } from "../src/text/stream.js";
import { CLASS_LETTER, CLASS_LOWER, CLASS_NUMBER, CLASS_OTHER, CLASS_UPPER, classOf } from "../src/text/unicode-table.js";
import { cli } from "./helpers/cli.js";
import { ENCODINGS, ENGINES, load, reference } from "./helpers/reference.js";

const ordinary = (name: string, text: string): number[] => Array.from(reference(name).encode(text, [], []));

/** A pseudo-random base64 blob: one long line without spaces (the audit's example). */
function base64Blob(n: number, seed = 1): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  let x = seed >>> 0 || 1;
  let s = "";
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    s += alphabet[x >>> 26];
  }
  return s;
}

async function chunksOf(parts: Iterable<string>, chunkChars: number, options: Parameters<typeof textChunks>[4] = {}): Promise<string[]> {
  const out: string[] = [];
  for await (const c of textChunks(parts, chunkChars, true, "error", options)) out.push(c);
  return out;
}

describe("item 1: streams without a whitespace cut are linear, bounded and exact", () => {
  it("sureClass is right for every BMP code unit it is sure of (checked against the Unicode table)", () => {
    let sure = 0;
    for (let c = 0; c < 0x10000; c++) {
      const name = sureClassName(c);
      if (name === undefined) continue;
      sure++;
      const cls = classOf(c);
      const right = name === "letter" ? cls === CLASS_UPPER || cls === CLASS_LOWER || cls === CLASS_LETTER
        : name === "digit" ? cls === CLASS_NUMBER
        : cls === CLASS_OTHER && c !== 0x27;
      if (!right) expect.fail(`U+${c.toString(16)}: sure of ${name}, but its class is ${cls}`);
    }
    expect(sure).toBeGreaterThan(20_000 + 11_000 + 170);
  });

  // pieces that meet at class-change points: digits, letters of several scripts (case, CJK, kana,
  // Hangul, fullwidth), punctuation incl. "'", "/", marks and whitespace (where no cut is made)
  const atoms = ["a", "Z", "abc", "Hello", "1", "12", "1234", "٣", "Ⅻ", ".", ",", "/", "=", "+", "'", "'s", "'LL", "-", "_", "\u0301", "é", "ß", "ǅ", "ʰ",
    "中", "文字", "。", "、", "「", "」", "あ", "カ", "\u3099", "한", "！", "？", "Ａ", "ｂ", "１", "（", " ", "\n", "\t", "Привет", "😀", "<", "|", ">"];
  const arb = fc.array(fc.constantFrom(...atoms), { minLength: 1, maxLength: 30 }).map((a) => a.join(""));
  it.each(ENCODINGS)("%s: encode(text) == encode(text[0:p]) ++ encode(text[p:]) at every class-change cut (tiktoken)", (name) => {
    let cuts = 0;
    fc.assert(
      fc.property(arb, (s) => {
        const full = ordinary(name, s);
        for (let p = 1; p < s.length; p++) {
          if (!isClassCut(s.charCodeAt(p - 1), s.charCodeAt(p))) continue;
          cuts++;
          expect([...ordinary(name, s.slice(0, p)), ...ordinary(name, s.slice(p))], JSON.stringify([s.slice(0, p), s.slice(p)])).toEqual(full);
        }
      }),
      { numRuns: 600 },
    );
    expect(cuts).toBeGreaterThan(300);
  });

  it("a base64 blob (no whitespace) is cut into chunks of about chunkChars; each code unit is examined once", async () => {
    const part = base64Blob(1 << 16);
    for (const mb of [2, 4]) {
      const stats = { scanned: 0, maxHeld: 0 };
      const chunks = await chunksOf(Array.from({ length: mb * 16 }, () => part), 1 << 18, { stats });
      expect(chunks.join("").length).toBe(mb << 20);
      expect(chunks.length).toBeGreaterThanOrEqual(mb * 4 - 1); // before: one chunk, the whole stream
      expect(stats.maxHeld).toBeLessThanOrEqual((1 << 18) + (1 << 16)); // chunkChars + one part
      expect(stats.scanned).toBeLessThanOrEqual(mb << 20); // linear: no re-scan of held text
    }
  });

  it("text without any cut point is scanned once, held up to the bound, then an UncuttableTextError", async () => {
    const stats = { scanned: 0, maxHeld: 0 };
    const a = "a".repeat(1 << 16);
    expect((await chunksOf(Array.from({ length: 32 }, () => a), 1 << 16, { stats })).length).toBe(1);
    expect(stats.scanned).toBe(32 << 16);
    // 40 parts of 64 Ki, bound 1 Mi: fails at the part that passes the bound, naming where the uncut text starts
    const err = await chunksOf(["x 1", ...Array.from({ length: 40 }, () => "\0".repeat(1 << 16))], 4096, { maxHeldChars: 1 << 20 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UncuttableTextError);
    expect((err as UncuttableTextError).offset).toBe(1); // "x" was yielded (a cut before the space); " 1\0\0…" has none
    expect((err as UncuttableTextError).bound).toBe(1 << 20);
  });

  it("never cuts inside a special token (class-change points inside <|endoftext|>, <|reserved_200018|>)", async () => {
    for (const name of ["o200k_base", "o200k_harmony"] as const) {
      const enc = getEncodingSync(name);
      const specials = Object.keys(enc.specialTokens).slice(0, 40);
      const text = Array.from({ length: 300 }, (_, i) => `ab${i}${specials[i % specials.length]}${i}x.`).join("");
      const parts = text.match(/[\s\S]{1,7}/gu)!;
      for (const chunkChars of [5, 50, 700]) {
        const got: number[] = [];
        for await (const ids of enc.encodeStream(parts, { allowedSpecial: "all", chunkChars })) got.push(...ids);
        expect(got).toEqual(Array.from(enc.encode(text, { allowedSpecial: "all" })));
        const err = await enc.countStream(parts, { chunkChars }).catch((e: unknown) => e);
        expect((err as { index: number }).index).toBe(text.indexOf(specials[0]!));
      }
    }
  });

  describe.each(ENGINES)("%s engine", (engine) => {
    const enc = load("o200k_base", engine);
    it("countStream / encodeStream of blobs, digit runs and CJK without spaces equal count / encode of the whole", async () => {
      const cjk = Array.from({ length: 3000 }, (_, i) => `第${i}章中文文本，没有空格。日本語のテキスト「かな」も！`).join("");
      for (const text of [base64Blob(300_000, 7), cjk, "1234567".repeat(20_000) + "x"]) {
        const parts = text.match(/[\s\S]{1,4093}/gu)!;
        expect(await enc.countStream(parts, { chunkChars: 10_000 })).toBe(enc.count(text));
        const got: number[] = [];
        for await (const ids of enc.encodeStream(parts, { chunkChars: 10_000 })) got.push(...ids);
        expect(got).toEqual(Array.from(enc.encode(text)));
      }
    });

    it("a NUL stream (/dev/zero) fails with UncuttableTextError at 64 Mi code units instead of growing", async () => {
      let sent = 0;
      const zeros = new Uint8Array(1 << 20);
      const source = (function* () {
        while (sent < 80) {
          sent++;
          yield zeros;
        }
      })();
      const err = await enc.countStream(source).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UncuttableTextError);
      expect((err as UncuttableTextError).offset).toBe(0);
      expect(sent).toBe(65); // read no further than one part past the bound
    }, 60_000);
  });

  it("CLI: tokenmill count /dev/zero ends with a tokenmill: error (exit 1)", async () => {
    const r = await cli(["count", "/dev/zero"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^tokenmill: .*no point where the text can be cut/m);
  }, 60_000);
});
