// Every Unicode scalar value (sampled in the unassigned and private-use planes unless
// TOKENMILL_EXHAUSTIVE=1: `npm run test:exhaustive`), alone and in contexts that exercise each pre-tokenizer rule,
// against tiktoken; then the JS engine against the WASM engine on the same text. This is what
// pins the generated class tables to the reference's Unicode version (16.0).
import { describe, expect, it } from "vitest";
import { firstDifference, load, reference } from "./helpers/reference.js";

// One pattern family each: p50k_base shares r50k's pattern.
const FAMILIES = ["o200k_base", "cl100k_base", "r50k_base"] as const;
const BLOCK = 2048;

// Planes 4–13 hold no assigned character (Unicode 16.0) and planes 15–16 only private use: one
// class each, so `npm test` takes every 61st of their code points (and each plane's first and
// last two); `npm run test:exhaustive` (TOKENMILL_EXHAUSTIVE=1) takes all of them.
const FULL = process.env.TOKENMILL_EXHAUSTIVE === "1";
const sampled = (cp: number): boolean =>
  FULL || !((cp >= 0x40000 && cp < 0xe0000) || cp >= 0xf0000) || cp % 61 === 0 || (cp & 0xffff) < 2 || (cp & 0xffff) >= 0xfffe;

function* scalarBlocks(): Generator<number[]> {
  for (let start = 0; start < 0x110000; start += BLOCK) {
    const cps: number[] = [];
    for (let cp = start; cp < start + BLOCK; cp++) if ((cp < 0xd800 || cp > 0xdfff) && sampled(cp)) cps.push(cp);
    if (cps.length > 0) yield cps;
  }
}

// Letters of each case, digits, spaces, newlines, apostrophes and marks around the code point.
function contexts(cp: number): string {
  const c = String.fromCodePoint(cp);
  return `a${c}a ${c}1 A${c}b ${c}${c}'s x${c}\u0301 ${c}\n1${c}2\t${c} \r\n${c}'LL Ab${c}C ${c}\n`;
}

describe.each(FAMILIES)("%s: every scalar value", (name) => {
  const wasm = load(name, "wasm");
  const js = load(name, "js");
  const ref = reference(name);

  it("alone, as tiktoken", () => {
    let bad: string[] = [];
    for (const cps of scalarBlocks()) {
      for (const cp of cps) {
        const t = String.fromCodePoint(cp);
        const got = wasm.encodeOrdinary(t);
        const want = ref.encode_ordinary(t);
        if (got.length !== want.length || got.some((v, i) => v !== want[i])) bad.push(cp.toString(16));
        if (bad.length > 20) break;
      }
    }
    expect(bad).toEqual([]);
  });

  it("between letters, spaces, digits and marks, as tiktoken", () => {
    const bad: string[] = [];
    for (const cps of scalarBlocks()) {
      const text = cps.map(contexts).join("");
      const got = wasm.encodeOrdinary(text);
      const want = ref.encode_ordinary(text);
      if (firstDifference(got, want) === undefined) continue;
      for (const cp of cps) {
        const t = contexts(cp);
        if (firstDifference(wasm.encodeOrdinary(t), ref.encode_ordinary(t)) !== undefined) bad.push(cp.toString(16));
      }
    }
    expect(bad.slice(0, 20)).toEqual([]);
  });

  it("the JS engine agrees with the WASM engine on all of it", () => {
    for (const cps of scalarBlocks()) {
      const alone = cps.map((cp) => String.fromCodePoint(cp)).join("\u0000");
      const text = cps.map(contexts).join("");
      expect(firstDifference(js.encodeOrdinary(text), wasm.encodeOrdinary(text))).toBeUndefined();
      expect(firstDifference(js.encodeOrdinary(alone), wasm.encodeOrdinary(alone))).toBeUndefined();
    }
  });
});
