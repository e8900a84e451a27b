// The bytes of a string whose characters are bytes (code units 0–255), as the WASM cores are
// embedded (scripts/wasm-literal.mjs): the string's length is the number of bytes.

/** The bytes of `text` (each char code, which must be < 256, is one byte). */
export function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}
