// Long pieces cut where no token holds the two bytes on either side (assembly/openai/cuts.ts):
// ids against tiktoken on long pieces with many cuts (random punctuation, symbols, U+FFFD runs,
// mixes of cut and uncut stretches, pieces past the 8 KB window), and on a made-up vocabulary
// whose token "#$%" is not the encoding of its own bytes: a part between two cuts that equals
// it must still be merged from bytes (tiktoken looks up whole pieces only).
import { createRequire } from "node:module";
import fc from "fast-check";
import { Tiktoken } from "tiktoken";
import { afterAll, describe, expect, it } from "vitest";
import { createEncoding, parseTiktokenFile } from "../src/index.js";
import { ENCODINGS, firstDifference, load, refOrdinary } from "./helpers/reference.js";
import { randomText } from "./helpers/random-text.js";

const require = createRequire(import.meta.url);
const registry = require("tiktoken/registry.json") as Record<string, { pat_str: string }>;

const PUNCT = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
// symbol runs: all one piece of [^\s\p{L}\p{N}]+ in every OpenAI pattern
const ALPHABETS = [PUNCT, PUNCT + "\ufffd", "\ufffd\u2500\u00a9\u00ae\u20ac", "😀🎉👍\ufffd!", "-=_+*", "!\ufffd", PUNCT + "\u3002\u3001\u300c\u300d"];

describe("cut long pieces vs tiktoken", () => {
  for (const name of ENCODINGS) {
    it(`${name}: random symbol runs of 65 B - 3 KB`, () => {
      const enc = load(name, "wasm");
      fc.assert(
        fc.property(fc.constantFrom(...ALPHABETS), fc.integer({ min: 65, max: 3000 }), fc.integer(), (abc, n, seed) => {
          const text = randomText(n, abc, seed);
          expect(firstDifference(enc.encode(text), refOrdinary(name, text))).toBeUndefined();
        }),
        { numRuns: 40 },
      );
    });

    it(`${name}: cut and uncut stretches, pieces past the window, in running text`, () => {
      const enc = load(name, "wasm");
      const texts = [
        randomText(20_000, PUNCT, 1), // windows of a piece with cuts
        randomText(9000, "-=", 2) + randomText(9000, PUNCT, 3), // few cuts, then many
        "=".repeat(5000) + "!@" + "-".repeat(5000), // long uncut parts (window, small alphabet) between cuts
        randomText(300, PUNCT, 4) + "word " + randomText(70, PUNCT, 5) + "\n" + randomText(65, PUNCT, 6),
        " " + randomText(500, PUNCT, 7) + "\r\n\r\n", // the leading space and the newline tail belong to the piece
        randomText(3000, "\ufffd\ufffd\ufffd!", 8),
      ];
      for (const text of texts) expect(firstDifference(enc.encode(text), refOrdinary(name, text))).toBeUndefined();
    });
  }
});

describe("cut long pieces on a vocabulary with a token that is not its own bytes' encoding", () => {
  // bytes 0-255, then "!!" and "#$%" (no "#$" or "$%": the merge loop never makes "#$%")
  const lines: string[] = [];
  for (let b = 0; b < 256; b++) lines.push(`${Buffer.from([b]).toString("base64")} ${b}`);
  lines.push(`${Buffer.from("!!").toString("base64")} 256`, `${Buffer.from("#$%").toString("base64")} 257`, `${Buffer.from("!!!!").toString("base64")} 258`);
  const RANKS = lines.join("\n");
  for (const family of ["cl100k_base", "o200k_base"]) {
    const patStr = registry[family]!.pat_str;
    const ref = new Tiktoken(RANKS, {}, patStr);
    afterAll(() => ref.free());
    it(`${family} pattern: "#$%" between cuts is merged from bytes, as tiktoken does`, () => {
      const enc = createEncoding({ name: `cuts-${family}`, patStr, mergeableRanks: parseTiktokenFile(RANKS) }, { engine: "wasm" });
      const texts = ["#$%", "!#$%!".repeat(30), "!!!!#$%!!".repeat(12), "#$%!".repeat(40) + "#$%", randomText(5000, "!#$%", 9)];
      for (const text of texts) {
        const want = Array.from(ref.encode(text, [], []));
        expect(firstDifference(enc.encodeOrdinary(text), want)).toBeUndefined();
      }
      // the piece "#$%" alone is a token, and tiktoken (and tokenmill) take whole pieces as found
      expect(Array.from(enc.encodeOrdinary("#$%"))).toEqual([257]);
      expect(Array.from(enc.encodeOrdinary("!#$%!".repeat(30))).includes(257)).toBe(false);
    });
  }
});
