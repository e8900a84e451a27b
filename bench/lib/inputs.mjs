// Inputs of bench/worstcase.mjs: generated adversarial texts (deterministic, seeded) and, as
// the yardstick, the same amount of prose from the bench corpus.
//
// Strings are built with Array#join, so they are flat: built with `s += c` they were ropes of a
// million pieces, and the first encode of each (inside the timed call) paid V8 for flattening
// them and for the garbage collection that followed, in every library.
import fs from "node:fs";
import path from "node:path";
import { rng, BENCH_DIR } from "./common.mjs";

const PROSE = path.join(BENCH_DIR, "corpus", "prose.txt");

export const KINDS = {
  ...(fs.existsSync(PROSE) ? { prose: "the start of bench/corpus/prose.txt (the yardstick: the target is at most 2× its time)" } : {}),
  a: 'the letter "a" repeated',
  base64: "random base64 characters (seeded)",
  digits: "random decimal digits (seeded)",
  spaces: "random spaces and newlines, 1 newline in 8 (seeded)",
};

let prose;

export function makeInput(kind, n) {
  const r = rng(0x5eed + n);
  const chars = (f) => {
    const a = new Array(n);
    for (let i = 0; i < n; i++) a[i] = f();
    return a.join("");
  };
  switch (kind) {
    case "prose": {
      prose ??= fs.readFileSync(PROSE, "utf8");
      // warm-up sizes (~1 KB) come from further in, as the generated kinds use other seeds
      const from = n < 10_000 ? 200_000 + n * 10 : 0;
      return prose.slice(from, from + n);
    }
    case "a":
      return "a".repeat(n);
    case "base64": {
      const A = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
      return chars(() => A[(r() * 64) | 0]);
    }
    case "digits":
      return chars(() => String.fromCharCode(48 + ((r() * 10) | 0)));
    case "spaces":
      return chars(() => (r() < 0.125 ? "\n" : " "));
    default:
      throw new Error(`unknown input kind ${kind}`);
  }
}
