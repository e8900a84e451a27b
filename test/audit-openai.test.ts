// Regression tests for the outside audit's findings on the OpenAI Encoding side (issue 20 items
// 1, 4, 5, 8, 10, 11), each failing before its fix, on both engines where an engine is involved.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createEncoding,
  getEncoding,
  getEncodingSync,
  InvalidArgumentError,
  InvalidTokenIdError,
  parseTiktokenFile,
  UncuttableTextError,
  VocabFormatError,
} from "../src/index.js";
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

/** The 256 single bytes at ranks 0..255, plus `extra` tokens. */
function byteRanks(extra: [string, number][] = []): Map<Uint8Array, number> {
  const ranks = new Map<Uint8Array, number>();
  for (let b = 0; b < 256; b++) ranks.set(Uint8Array.of(b), b);
  for (const [t, r] of extra) ranks.set(new TextEncoder().encode(t), r);
  return ranks;
}
const R50K_PAT = String.raw`'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`;

describe("item 4: createEncoding refuses sparse ranks before allocating by rank", () => {
  it.each(ENGINES)("%s engine: one token at rank 2^28 (was: V8 out of memory) or 2^24 - 1 (was: 34 s, 3.5 GB)", (engine) => {
    for (const rank of [2 ** 28, 2 ** 24 - 1, 0x7ffffffe]) {
      let err: unknown;
      try {
        createEncoding({ name: "sparse", patStr: R50K_PAT, mergeableRanks: byteRanks([["ab", rank]]) }, { engine });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InvalidArgumentError);
      expect((err as Error).message).toMatch(new RegExp(`rank ${rank} is too sparse for 257 tokens`));
    }
  });

  it.each(ENGINES)("%s engine: gaps up to the number of tokens plus 65536 are fine", (engine) => {
    const enc = createEncoding({ name: "gaps", patStr: R50K_PAT, mergeableRanks: byteRanks([["ab", 256 + 65_000]]) }, { engine });
    expect(Array.from(enc.encode("abab"))).toEqual([65_256, 65_256]);
    expect(enc.nVocab).toBe(65_257);
  });
});

describe("item 5: a single byte without a rank is refused at load by both engines alike", () => {
  const missing = (): Map<Uint8Array, number> => {
    const ranks = new Map<Uint8Array, number>();
    for (let b = 0; b < 256; b++) if (b !== 0x7a) ranks.set(Uint8Array.of(b), b < 0x7a ? b : b - 1);
    return ranks;
  };
  it.each(ENGINES)("%s engine: InvalidArgumentError naming the byte (was, JS: encode(\"zoo\") → [4294967295, 111, 111])", (engine) => {
    for (const patStr of [R50K_PAT, String.raw`\S+|\s+`]) {
      let err: unknown;
      try {
        createEncoding({ name: "no-z", patStr, mergeableRanks: missing() }, { engine: patStr === R50K_PAT ? engine : "js" });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InvalidArgumentError);
      expect((err as Error).message).toMatch(/byte 0x7a has no rank/);
    }
  });

  it("the JS engine itself refuses a vocab without a byte (as the WASM core's init does)", async () => {
    const { JsEngine } = await import("../src/engines/js/engine.js");
    const { parseVocabFile, serializeVocab } = await import("../src/vocab/tkv.js");
    const tokens = Array.from({ length: 256 }, (_, b) => (b === 0x7a ? new Uint8Array(0) : Uint8Array.of(b)));
    const vocab = parseVocabFile(serializeVocab(tokens, new Uint8Array(32)));
    expect(() => new JsEngine(vocab, 0)).toThrow(/VOCAB_INCOMPLETE|lacks a token for the byte 0x7a/);
  });
});

describe("item 8: the JS engine does not keep the buffers of one huge text", () => {
  it("count / encode of 5 M characters leave at most a few MB of scratch; clearCache frees it all", () => {
    const enc = getEncodingSync("o200k_base", { engine: "js" });
    const core = (enc as unknown as { core: { scratchBytes: number } }).core;
    // ~5 M code units, with long pieces (the heap merge's scratch) and ~1 M tokens (the output buffer)
    const big = ("hello world, this is text ".repeat(1 << 15) + "x".repeat(300_000) + " ").repeat(4);
    const n = enc.count(big);
    expect(core.scratchBytes).toBeLessThanOrEqual(3 * (4 << 20)); // before: 3 bytes per code unit (15 MB), for good
    expect(enc.encode(big).length).toBe(n);
    expect(core.scratchBytes).toBeLessThanOrEqual(3 * (4 << 20));
    enc.encode("hello");
    enc.clearCache();
    expect(core.scratchBytes).toBeLessThanOrEqual(8192);
    expect(Array.from(enc.encode("hello world"))).toEqual([24912, 2375]); // still works afterwards
  });
});

describe("item 10: typed errors for bad ids, bad ranks and unknown options", () => {
  describe.each(ENGINES)("%s engine", (engine) => {
    const enc = load("o200k_base", engine);
    it("decode of BigInt ids: InvalidTokenIdError with the position (was: TypeError)", () => {
      for (const f of [(ids: unknown) => enc.decode(ids as number[]), (ids: unknown) => enc.decodeBytes(ids as number[])]) {
        let err: unknown;
        try {
          f([1, 2, 12n]);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(InvalidTokenIdError);
        expect((err as InvalidTokenIdError).position).toBe(2);
        expect((err as Error).message).toMatch(/12n/);
        expect(() => f(new BigUint64Array([1n]))).toThrow(InvalidTokenIdError);
        expect(() => f(["2"])).toThrow(/invalid token id "2" at position 0/);
      }
    });

    it("decode of a function or an object with a bad length raises (was: \"\")", () => {
      for (const bad of [() => 1, { length: -1 }, { length: 1.5 }, { length: NaN }, { length: 2 ** 40 }, "12", 12, null]) {
        expect(() => enc.decode(bad as unknown as number[]), String(bad)).toThrow(InvalidArgumentError);
        expect(() => enc.decodeBytes(bad as unknown as number[]), String(bad)).toThrow(InvalidArgumentError);
      }
      expect(enc.decode({ length: 1, 0: 24912 } as ArrayLike<number>)).toBe("hello");
      expect(enc.decode(new Uint32Array([24912, 2375]))).toBe("hello world");
    });

    it("unknown options throw InvalidArgumentError naming the option (was: ignored)", async () => {
      const cases: [string, () => unknown][] = [
        ["encode", () => enc.encode("hi", { foo: 1 } as object)],
        ["count", () => enc.count("hi", { allowedSpecials: "all" } as object)],
        ["isWithinTokenLimit", () => enc.isWithinTokenLimit("hi", 5, { foo: 1 } as object)],
        ["getEncodingSync", () => getEncodingSync("o200k_base", { engine, foo: 1 } as object)],
        ["getEncodingSync (cached)", () => getEncodingSync("o200k_base", { foo: 1 } as object)],
      ];
      for (const [what, f] of cases) expect(f, what).toThrow(/unknown option "(foo|allowedSpecials)"/);
      await expect(enc.countStream("hi", { chunkchars: 5 } as object)).rejects.toThrow(/unknown option "chunkchars"/);
      await expect(getEncoding("o200k_base", { foo: 1 } as object)).rejects.toThrow(InvalidArgumentError);
      expect(() => createEncoding({ name: "x", patStr: R50K_PAT, mergeableRanks: byteRanks(), specialToken: {} } as never)).toThrow(/unknown option "specialToken"/);
      expect(() => createEncoding({ name: "x", patStr: R50K_PAT, mergeableRanks: byteRanks() }, { engin: "js" } as object)).toThrow(/unknown option "engin"/);
      expect(() => enc.encode("hi", 5 as unknown as object)).toThrow(InvalidArgumentError);
      // the stream options still reach the stream, and the encode options each chunk
      expect(await enc.countStream(["a b ", "<|endoftext|>"], { chunkChars: 2, allowedSpecial: "all" })).toBe(4);
      expect(enc.encode("hi", { allowedSpecial: "all", disallowedSpecial: [] })).toEqual(enc.encode("hi"));
    });
  });

  it("createEncoding: entries that are not [bytes, rank] pairs, and bad ranks or ids, are InvalidArgumentErrors (was: TypeError)", () => {
    const base = { name: "x", patStr: R50K_PAT };
    const bad: unknown[] = [[5], [null], [[1]], [[Uint8Array.of(1), 2, 3]], "ab", [[Uint8Array.of(1), 2n]], [[Uint8Array.of(1), "2"]], [[5, 1]]];
    for (const mergeableRanks of bad) {
      expect(() => createEncoding({ ...base, mergeableRanks } as never), JSON.stringify(mergeableRanks, (_, v) => (typeof v === "bigint" ? `${v}n` : v))).toThrow(InvalidArgumentError);
    }
    expect(() => createEncoding({ ...base, mergeableRanks: [5] } as never)).toThrow(/entry 0 is not a \[bytes, rank\] pair/);
    expect(() => createEncoding({ ...base, mergeableRanks: byteRanks(), specialTokens: { "<s>": 2 ** 32 } })).toThrow(/invalid id 4294967296/);
    expect(() => createEncoding({ ...base, mergeableRanks: byteRanks(), specialTokens: { "<s>": "300" } } as never)).toThrow(InvalidArgumentError);
    expect(() => createEncoding({ ...base, mergeableRanks: byteRanks(), specialTokens: [] } as never)).toThrow(InvalidArgumentError);
  });
});

describe("item 11: parseTiktokenFile refuses duplicate tokens and ranks beyond u32, with the line", () => {
  it("a token given twice (was: accepted; createEncoding then complained without the line)", () => {
    expect(() => parseTiktokenFile("YQ== 0\nYg== 1\nYQ== 2\n")).toThrow(VocabFormatError);
    expect(() => parseTiktokenFile("YQ== 0\nYg== 1\nYQ== 2\n")).toThrow(/line 3: token YQ== appears twice \(first on line 1\)/);
  });
  it("a 400-digit rank (was: read as Infinity) and 2^31 - 1", () => {
    expect(() => parseTiktokenFile(`YQ== ${"9".repeat(400)}\n`)).toThrow(/line 1: rank 9{20}… is larger than 2147483646/);
    expect(() => parseTiktokenFile("YQ== 0\nYg== 2147483647\n")).toThrow(/line 2: rank 2147483647 is larger/);
    expect(parseTiktokenFile("YQ== 0\nYg== 2147483646\n").size).toBe(2);
  });
});
