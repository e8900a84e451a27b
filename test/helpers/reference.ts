// The reference implementation (the tiktoken npm package, OpenAI's Rust core compiled to WASM)
// and the two engines under test, shared by the differential suites.
import { get_encoding, type Tiktoken } from "tiktoken";
import { getEncodingSync, type Encoding } from "../../src/index.js";

export const ENCODINGS = ["o200k_base", "cl100k_base", "p50k_base", "r50k_base"] as const;
export const ENGINES = ["wasm", "js"] as const;

const refs = new Map<string, Tiktoken>();
export function reference(name: string): Tiktoken {
  let r = refs.get(name);
  if (!r) refs.set(name, (r = get_encoding(name as Parameters<typeof get_encoding>[0])));
  return r;
}

/** tiktoken's ids for text with special-token text taken as ordinary text. */
export function refOrdinary(name: string, text: string): number[] {
  return Array.from(reference(name).encode(text, [], []));
}

export function load(name: string, engine: (typeof ENGINES)[number]): Encoding {
  return getEncodingSync(name, { engine });
}

export function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): string | undefined {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return `at ${i}: got ${Array.from(a).slice(i, i + 8)} expected ${Array.from(b).slice(i, i + 8)}`;
  }
  return undefined;
}
