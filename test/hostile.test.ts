// Inputs that make other tokenizers quadratic or that stress chunking: one huge piece, long
// whitespace runs, digit runs, random base64. The reference is too slow on these at full size
// (tiktoken's binding is quadratic in the piece length), so full-size results are checked
// engine against engine, and against tiktoken on prefixes it can handle.
import { describe, expect, it } from "vitest";
import { ENCODINGS, firstDifference, load, refOrdinary } from "./helpers/reference.js";
import { randomText, seededRandom } from "./helpers/random-text.js";

const MB = 1 << 20;

function base64Text(n: number): string {
  const rnd = seededRandom(42);
  const abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  let s = "";
  for (let i = 0; i < n; i++) s += abc[Math.floor(rnd() * 64)];
  return s;
}


const HOSTILE: Record<string, () => string> = {
  "one letter": () => "a".repeat(MB),
  "random base64": () => base64Text(MB),
  digits: () => "1234567890".repeat(MB / 10),
  spaces: () => " ".repeat(MB) + "x",
  "spaces and newlines": () => " \n  \n\n   \r\n".repeat(MB / 10),
  "one CJK character": () => "字".repeat(MB / 3),
  "emoji ZWJ": () => "👨‍👩‍👧‍👦".repeat(MB / 25),
  "punctuation": () => "-_=+".repeat(MB / 4),
  // one piece with a varied encoding: the long-piece windows join at non-trivial tokens
  "random spaces and newlines": () => randomText(MB, "       \n", 3),
  "random lowercase letters": () => randomText(MB, "abcdefghijklmnopqrstuvwxyz", 4),
  // one 1 MB whitespace piece whose buckets are filled by many merge passes (issue 18)
  "random newlines and tabs": () => randomText(MB, "\n\t", 8),
  // windows with the same bytes reuse an encoding; an odd start shifts where they begin
  "periodic after an odd start": () => "b" + "ab".repeat(MB / 2),
};

describe.each(ENCODINGS)("%s", (name) => {
  const wasm = load(name, "wasm");
  const js = load(name, "js");
  it.each(Object.keys(HOSTILE))("%s: 1 MB, engines agree, prefixes match tiktoken, round trip", (kind) => {
    const text = HOSTILE[kind]!();
    const ids = wasm.encodeOrdinary(text);
    expect(firstDifference(ids, js.encodeOrdinary(text))).toBeUndefined();
    expect(wasm.count(text, { disallowedSpecial: [] })).toBe(ids.length);
    expect(wasm.decode(ids)).toBe(text);
    for (const n of [100, 1000, 4000]) {
      const prefix = text.slice(0, n);
      expect(Array.from(wasm.encodeOrdinary(prefix))).toEqual(refOrdinary(name, prefix));
    }
  });
});

describe.each(ENCODINGS)("%s: pieces longer than one merge window (8 KB)", (name) => {
  const wasm = load(name, "wasm");
  const LONG: Record<string, () => string> = {
    "one letter": () => "a".repeat(20_000),
    "random spaces and newlines": () => randomText(20_000, "       \n", 5),
    "random lowercase letters": () => randomText(20_000, "abcdefghijklmnopqrstuvwxyz", 6),
    "random letters a and b": () => randomText(20_000, "aaab", 7),
    "periodic after an odd start": () => "x" + "abc".repeat(7_000),
    // buckets that several merge passes push into (sorted by merging their runs)
    "random newlines and tabs": () => randomText(20_000, "\n\t", 9),
    "random whitespace of every kind": () => randomText(20_000, " \t\n\r\v\f\u0085\u00a0\u1680\u2000\u2003\u200a\u2028\u202f\u205f\u3000", 10),
    "random punctuation": () => randomText(20_000, "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", 11),
    "random CJK ideographs": () => randomText(7_000, "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长", 12),
    "random bytes": () => new TextDecoder().decode(Uint8Array.from(Array.from({ length: 20_000 }, seededRandom(13)), (x) => (x * 256) | 0)),
  };
  it.each(Object.keys(LONG))("%s: matches tiktoken", (kind) => {
    const text = LONG[kind]!();
    expect(firstDifference(wasm.encodeOrdinary(text), refOrdinary(name, text))).toBeUndefined();
  });
});

describe("chunking in the WASM engine", () => {
  const wasm = load("o200k_base", "wasm");
  const js = load("o200k_base", "js");
  it("gives the same ids whatever falls on a chunk boundary", () => {
    // Texts far larger than the initial arena, built from pieces whose extent depends on
    // lookahead (whitespace runs, contractions, newline runs), so some straddle chunk edges.
    const rnd = seededRandom(7);
    const parts = [" ", "   ", "\n", "\r\n", "\n\n   ", "'s", "'LL", "Hello", "WORLD", "x", "12345", "日本", "é\u0301", "!!", " //", "\t"];
    for (let round = 0; round < 6; round++) {
      let s = "";
      while (s.length < 400_000 + round * 77_777) s += parts[Math.floor(rnd() * parts.length)];
      expect(firstDifference(wasm.encodeOrdinary(s), js.encodeOrdinary(s))).toBeUndefined();
      expect(wasm.count(s, { disallowedSpecial: [] })).toBe(js.encodeOrdinary(s).length);
    }
  });

  it("gives the same ids when long pieces straddle chunk boundaries", () => {
    // runs of 20 KB to 300 KB (longer than a merge window, some longer than the initial arena)
    // of each hostile kind, separated by short text
    const rnd = seededRandom(11);
    const runs = ["a", "\n  ", " ", "ab", "9"];
    let s = "";
    for (let k = 0; k < 12; k++) {
      const n = 20_000 + Math.floor(rnd() * 280_000);
      const kind = k % 6;
      s += kind === 5 ? randomText(n, "      \n\n", k) : runs[kind]!.repeat(Math.ceil(n / runs[kind]!.length));
      s += " Hello, world 42!\n";
    }
    expect(firstDifference(wasm.encodeOrdinary(s), js.encodeOrdinary(s))).toBeUndefined();
    expect(wasm.count(s, { disallowedSpecial: [] })).toBe(js.encodeOrdinary(s).length);
  });

  it("matches tiktoken on a large real-looking text", () => {
    const line = "The quick brown fox's 12345 jumps\r\n  over the lazy dog!!! // and\tthen \n\n";
    const text = line.repeat(Math.ceil(300_000 / line.length));
    expect(firstDifference(wasm.encodeOrdinary(text), refOrdinary("o200k_base", text))).toBeUndefined();
  });
});
