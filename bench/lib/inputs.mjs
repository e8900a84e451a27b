// Generated adversarial inputs of bench/worstcase.mjs (deterministic, seeded).
import { rng } from "./common.mjs";

export const KINDS = {
  a: 'the letter "a" repeated',
  base64: "random base64 characters (seeded)",
  digits: "random decimal digits (seeded)",
  spaces: "random spaces and newlines, 1 newline in 8 (seeded)",
};

export function makeInput(kind, n) {
  const r = rng(0x5eed + n);
  switch (kind) {
    case "a":
      return "a".repeat(n);
    case "base64": {
      const A = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
      let s = "";
      for (let i = 0; i < n; i++) s += A[(r() * 64) | 0];
      return s;
    }
    case "digits": {
      let s = "";
      for (let i = 0; i < n; i++) s += String.fromCharCode(48 + ((r() * 10) | 0));
      return s;
    }
    case "spaces": {
      let s = "";
      for (let i = 0; i < n; i++) s += r() < 0.125 ? "\n" : " ";
      return s;
    }
    default:
      throw new Error(`unknown input kind ${kind}`);
  }
}
