// The one-pass encoder of long pieces over a small alphabet (assembly/openai/small-alphabet.ts):
// ids against tiktoken on single long pieces over a few bytes (whitespace mixes, punctuation,
// two letters, non-ASCII spaces), across alphabet switches (the automaton is rebuilt, refused for
// alphabets with too many tokens, kept for shorter pieces), and engine against engine at 1 MB,
// where tiktoken's quadratic merge is too slow.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ENCODINGS, firstDifference, load, refOrdinary } from "./helpers/reference.js";
import { randomText } from "./helpers/random-text.js";

const ALPHABETS = ["\n\t", " \n", " \t\n", "\t\r\n ", "\u00a0 \n", "\u3000\u2003 \n", "-=", "*/#", "ab", "\n"];

describe("small-alphabet pass: long pieces vs tiktoken", () => {
  for (const name of ENCODINGS) {
    it(`${name}: random mixes over small alphabets, 4-12 KB`, () => {
      const enc = load(name, "wasm");
      fc.assert(
        fc.property(fc.constantFrom(...ALPHABETS), fc.integer({ min: 4096, max: 12_000 }), fc.integer(), (abc, n, seed) => {
          const text = randomText(n, abc, seed);
          expect(firstDifference(enc.encode(text), refOrdinary(name, text))).toBeUndefined();
        }),
        { numRuns: 12 },
      );
    });

    it(`${name}: alphabet switches (rebuilt, refused, reused for short pieces)`, () => {
      const enc = load(name, "wasm");
      const texts = [
        randomText(6000, "\n\t", 1),
        randomText(300, "\t\n", 2), // served by the automaton built above
        randomText(6000, " \n", 3), // a new alphabet, but within the scan gap: merged as before
        randomText(6000, "abcdefghijklmnopqrstuvwxyz", 4), // too many tokens: refused
        randomText(6000, "abcdefghijklmnopqrstuvwxyz0", 5), // a superset of the refused one
        randomText(70_000, " \n\t", 6), // past the gap: built for this alphabet
        randomText(200, "\n\t", 7),
        "x" + randomText(5000, "\t\n", 8) + "y" + randomText(5000, "\u00a0\n", 9),
      ];
      for (const text of texts) expect(firstDifference(enc.encode(text), refOrdinary(name, text))).toBeUndefined();
    });
  }
});

describe("small-alphabet pass: 1 MB, WASM engine vs JS engine", () => {
  const kinds: Record<string, () => string> = {
    "newlines and tabs": () => randomText(1 << 20, "\n\t", 11),
    "spaces, 1 newline in 8": () => randomText(1 << 20, "       \n", 12),
    "every ASCII whitespace": () => randomText(1 << 20, " \t\n\r\v\f", 13),
    "non-ASCII spaces and newlines": () => randomText(1 << 19, "\u00a0\u2003\u3000\u205f \n", 14),
  };
  for (const name of ["o200k_base", "cl100k_base"]) {
    for (const [kind, make] of Object.entries(kinds)) {
      it(`${name}: ${kind}`, () => {
        const text = make();
        expect(firstDifference(load(name, "wasm").encode(text), load(name, "js").encode(text))).toBeUndefined();
      });
    }
  }
});
