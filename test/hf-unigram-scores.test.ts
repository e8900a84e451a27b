// Unigram scores as HF reads them (src/hf/serde-float.ts): serde_json's two-rounding decimal
// reader, not JSON.parse's correctly rounded one. Found by `npm run fuzz` (seed 1004): on a run
// of underscores, two Viterbi paths with the same pieces in another order sum to different
// doubles with our reading and to the same with HF's, and HF keeps the first.
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { fromTokenizerJsonSync } from "../src/index.js";
import { serdeF64 } from "../src/hf/serde-float.js";
import { hf } from "./helpers/hf-reference.js";

const JSON_TEXT = fs.readFileSync(new URL("./fixtures/hf/unigram-trained.json", import.meta.url), "utf8");

describe("Unigram scores read as HF reads them", () => {
  it("serdeF64: the f64 of u64 significand ÷ 10^k", () => {
    expect(serdeF64(-9.480183115094567)).toBe(-9480183115094567 / 1e15);
    expect(serdeF64(-9.480183115094567)).not.toBe(-9.480183115094567);
    expect(serdeF64(0.5)).toBe(0.5);
    expect(serdeF64(-3)).toBe(-3);
    expect(serdeF64(1.2345e-10)).toBe(12345 / 1e14);
  });

  it("runs of one character tokenize as HF does, both engines", async () => {
    const ref = hf.Tokenizer.fromString(JSON_TEXT);
    for (const engine of ["wasm", "js"] as const) {
      const ours = fromTokenizerJsonSync(JSON_TEXT, { engine });
      for (const ch of ["_", "=", "-", "a", "0"]) {
        for (let n = 1; n <= 160; n += ch === "_" ? 1 : 7) {
          const text = ch.repeat(n);
          const want = (await ref.encode(text, null, { addSpecialTokens: false })).getIds();
          expect([...ours.encode(text, { addSpecialTokens: false })], `${engine} ${JSON.stringify(ch)} × ${n}`).toEqual(want);
        }
      }
    }
  });
});
