// The scanners' pieces, made visible. With the OpenAI vocabularies a piece boundary placed
// differently from the reference regex often leaves the ids unchanged (no o200k token holds
// "\n" before a letter, say), so the differential suites cannot see every scanner mistake. Here
// the vocabulary is every byte and every byte pair, the pairs ranked in a scrambled order: the
// ids of a piece then depend on exactly where it starts and ends (an odd cut regroups the
// pairs). Checked against tiktoken's own Tiktoken class (Rust regex) with the same ranks and
// each family's pattern, for the WASM scanner and the pure-TS one.
import { createRequire } from "node:module";
import fc from "fast-check";
import { Tiktoken } from "tiktoken";
import { afterAll, describe, expect, it } from "vitest";
import { buildCorpus } from "../scripts/corpus.mjs";
import { createEncoding, parseTiktokenFile } from "../src/index.js";
import { firstDifference } from "./helpers/reference.js";

const require = createRequire(import.meta.url);
const registry = require("tiktoken/registry.json") as Record<string, { pat_str: string }>;

// bytes keep ranks 0-255; pair (a, b) gets 256 + a bijection of a * 256 + b (odd multiplier)
const lines: string[] = [];
for (let b = 0; b < 256; b++) lines.push(`${Buffer.from([b]).toString("base64")} ${b}`);
for (let x = 0; x < 65536; x++) lines.push(`${Buffer.from([x >> 8, x & 255]).toString("base64")} ${256 + ((x * 40503) & 0xffff)}`);
const RANKS = lines.join("\n");

const corpus = buildCorpus({ sizeBytes: 40_000, write: false });
const ATOMS = [
  "(", ")", ";", ",", ".", "'", '"', "/", "\\", "-", "_", "=", "*", "&", "#", "!", "?", "<", "{", "}", "|", "`", ":",
  " ", "  ", "   ", "\n", "\r", "\r\n", "\n\n", "\t", "\x0b", "\x0c", "\x01", "\x1c", "\x1f", "\x7f",
  "a", "b", "Z", "Ab", "aB", "HTTP", "s", "t", "ll", "re", "'s", "'T", "'ll", "ſ", "1", "42", "1234",
  "é", "É", "п", "Ж", "中", "日本", "ǅ", "ʰ", "\u0301", "\u0903", "—", "«", "。", "\u00a0", "\u0085", "\u2028", "\u3000", "\ufeff",
  "😀", "🇺🇸", "١٢٣", "½", "Ⅻ", "\ufffd",
];

describe.each(["o200k_base", "cl100k_base", "r50k_base"])("%s pattern: pieces equal to tiktoken's regex", (family) => {
  const patStr = registry[family]!.pat_str;
  const ref = new Tiktoken(RANKS, {}, patStr);
  afterAll(() => ref.free());
  const engines = (["wasm", "js"] as const).map((engine) =>
    createEncoding({ name: `pairs-${family}`, patStr, mergeableRanks: parseTiktokenFile(RANKS) }, { engine }),
  );
  const check = (text: string): void => {
    const want = Array.from(ref.encode(text, [], []));
    for (const enc of engines) {
      const got = enc.encodeOrdinary(text);
      const diff = firstDifference(got, want);
      if (diff !== undefined) expect.fail(`${enc.engine} engine, ${JSON.stringify(text.slice(0, 200))}: ${diff}`);
    }
  };

  it("the built-in scanners run (not the RegExp fallback)", () => {
    expect(engines.map((e) => e.engine)).toEqual(["wasm", "js"]);
  });

  it("strings of tricky atoms (property-based)", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ATOMS), { maxLength: 30 }), (parts) => check(parts.join(""))),
      { numRuns: 3000 },
    );
  });

  it("arbitrary Unicode (property-based)", () => {
    fc.assert(fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), check), { numRuns: 1000 });
  });

  it.each(["prose", "code", "multilingual"] as const)("real %s text", (kind) => {
    check(corpus[kind]);
  });
});
