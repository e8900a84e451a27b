// Inputs of bench/worstcase.mjs: generated adversarial texts (deterministic, seeded) and, as
// the yardstick, the same amount of prose from the bench corpus.
//
// Every input is cut to `n` bytes of UTF-8 (not n UTF-16 units), so 1 MB of "中" and 1 MB of
// prose are the same amount of work to read; a kind never ends inside a character.
//
// Strings are built with Array#join, so they are flat: built with `s += c` they were ropes of a
// million pieces, and the first encode of each (inside the timed call) paid V8 for flattening
// them and for the garbage collection that followed, in every library.
import fs from "node:fs";
import path from "node:path";
import { rng, BENCH_DIR } from "./common.mjs";

const PROSE = path.join(BENCH_DIR, "corpus", "prose.txt");

// Unicode White_Space characters other than ASCII (\s in the patterns matches every one).
const UNICODE_SPACES = "\u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000";
const ALL_SPACES = ` \t\n\r\v\f${UNICODE_SPACES}`;
const PUNCT = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
// Decimal digits (\p{Nd}) of several scripts: ASCII, Arabic-Indic, Devanagari, Bengali, Thai,
// fullwidth, and mathematical bold (astral, 4 bytes)
const UNICODE_DIGITS = ["0123456789", "٠١٢٣٤٥٦٧٨٩", "०१२३४५६७८९", "০১২৩৪৫৬৭৮৯", "๐๑๒๓๔๕๖๗๘๙", "０１２３４５６７８９", "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗"].map((s) => [...s]);

/** kind → [description, unit generator (seeded random source) → next string unit] */
const GENERATED = {
  a: ['the letter "a" repeated', () => () => "a"],
  base64: ["random base64 characters", (r) => pick(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")],
  digits: ["random ASCII decimal digits", (r) => pick(r, "0123456789")],
  "unicode-digits": ["random decimal digits of 7 scripts (ASCII, Arabic-Indic, Devanagari, Bengali, Thai, fullwidth, math bold), runs of 1–20 of one script", (r) => runsOf(r, UNICODE_DIGITS, 20)],
  spaces: ["random spaces and newlines, 1 newline in 8", (r) => () => (r() < 0.125 ? "\n" : " ")],
  "only-spaces": ["one space repeated", () => () => " "],
  tabs: ["one tab repeated", () => () => "\t"],
  newlines: ['"\\n" repeated', () => () => "\n"],
  crlf: ['"\\r\\n" repeated', () => () => "\r\n"],
  "cr-only": ['"\\r" repeated', () => () => "\r"],
  "unicode-spaces": ["random non-ASCII White_Space characters (NBSP, U+2000–U+200A, U+3000, …)", (r) => pick(r, UNICODE_SPACES)],
  "space-newline": ['" \\n" alternating', () => alternate([" ", "\n"])],
  "tab-newline": ['"\\t\\n" alternating', () => alternate(["\t", "\n"])],
  "newlines-tabs": ["random newlines and tabs, half and half (the outside check's input)", (r) => pick(r, "\n\t")],
  "space-crlf": ['" \\r\\n" alternating', () => alternate([" ", "\r\n"])],
  "whitespace-random": ["random characters of every White_Space kind (ASCII and Unicode) and \\r\\n", (r) => pick(r, [...ALL_SPACES, "\r\n"])],
  "words-ws": ["a letter then a random run of 1–8 whitespace characters of every kind, repeated", (r) => {
    const ws = pick(r, [...ALL_SPACES]);
    return () => `x${Array.from({ length: 1 + ((r() * 8) | 0) }, ws).join("")}`;
  }],
  punct: ["random ASCII punctuation", (r) => pick(r, PUNCT)],
  "punct-repeat": ['"-" repeated', () => () => "-"],
  "punct-newlines": ["random ASCII punctuation with 1 newline in 8", (r) => () => (r() < 0.125 ? "\n" : PUNCT[(r() * PUNCT.length) | 0])],
  "2-byte": ['"é" repeated', () => () => "é"],
  "3-byte": ['"中" repeated', () => () => "中"],
  "4-byte": ['"😀" repeated', () => () => "😀"],
  "combining": ['"e" + U+0301 repeated (one letter piece of marks)', () => () => "e\u0301"],
  han: ["random CJK ideographs (U+4E00–U+9FFF): one letter piece", (r) => () => String.fromCharCode(0x4e00 + ((r() * 0x5200) | 0))],
  emoji: ["random emoji (U+1F300–U+1F64F)", (r) => () => String.fromCodePoint(0x1f300 + ((r() * 0x150) | 0))],
  "random-bmp": ["random BMP code points (no surrogates)", (r) => () => {
    for (;;) {
      const c = (r() * 0x10000) | 0;
      if (c < 0xd800 || c > 0xdfff) return String.fromCharCode(c);
    }
  }],
  "random-bytes": ["random bytes decoded as UTF-8 (invalid sequences become U+FFFD)", null],
};

export const KINDS = {
  ...(fs.existsSync(PROSE) ? { prose: "the start of bench/corpus/prose.txt (the yardstick: the target is at most 2× its time)" } : {}),
  ...Object.fromEntries(Object.entries(GENERATED).map(([k, [d]]) => [k, d])),
};

function pick(r, chars) {
  const a = typeof chars === "string" ? [...chars] : chars;
  return () => a[(r() * a.length) | 0];
}

function alternate(units) {
  let i = 0;
  return () => units[i++ % units.length];
}

function runsOf(r, alphabets, maxRun) {
  let left = 0;
  let abc;
  return () => {
    if (left === 0) {
      abc = alphabets[(r() * alphabets.length) | 0];
      left = 1 + ((r() * maxRun) | 0);
    }
    left--;
    return abc[(r() * abc.length) | 0];
  };
}

const utf8Len = (s) => Buffer.byteLength(s, "utf8");

let prose;

/** The input of one kind, `n` bytes of UTF-8 (a few bytes under when a character would cross n). */
export function makeInput(kind, n) {
  const r = rng(0x5eed + n);
  if (kind === "prose") {
    prose ??= fs.readFileSync(PROSE, "utf8");
    // warm-up sizes (~1 KB) come from further in, as the generated kinds use other seeds
    const from = n < 10_000 ? 200_000 + n * 10 : 0;
    return cutToBytes(prose.slice(from, from + n), n);
  }
  if (kind === "random-bytes") {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = (r() * 256) | 0;
    return cutToBytes(new TextDecoder().decode(b), n);
  }
  const g = GENERATED[kind];
  if (!g) throw new Error(`unknown input kind ${kind} (kinds: ${Object.keys(KINDS).join(", ")})`);
  const next = g[1](r);
  const parts = [];
  let bytes = 0;
  for (;;) {
    const u = next();
    const len = utf8Len(u);
    if (bytes + len > n) break;
    parts.push(u);
    bytes += len;
  }
  return parts.join("");
}

/** s cut to at most n bytes of UTF-8, at a character boundary. */
function cutToBytes(s, n) {
  const b = Buffer.from(s, "utf8");
  if (b.length <= n) return s;
  let end = n;
  while (end > 0 && (b[end] & 0xc0) === 0x80) end--;
  return b.subarray(0, end).toString("utf8");
}
