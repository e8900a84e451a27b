// The bytes of a string whose characters are bytes (code units 0–255), as the WASM cores are
// embedded (scripts/wasm-literal.mjs): the string's length is the number of bytes.

import { nodeBuffer } from "../platform/node.js";

/** The bytes of `text` (each char code, which must be < 256, is one byte). */
export function latin1Bytes(text: string): Uint8Array {
  // Node copies natively: the loop below, still interpreted when a fresh process compiles its
  // first core, took 0.5–2.5 ms of a cold start for the 64 KB core (PERFORMANCE.md C11).
  if (nodeBuffer) return nodeBuffer.from(text, "latin1");
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}
