import type { NStr } from "./normalized.js";

/**
 * GPT-2's byte ↔ char table (`bytes_char` in tokenizers/src/pre_tokenizers/byte_level.rs):
 * printable bytes map to themselves, the other 68 to U+0100.. in byte order.
 */
export const BYTE_TO_CHAR: string[] = new Array(256);
export const CHAR_TO_BYTE = new Map<number, number>();
{
  let n = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    const cp = printable ? b : 256 + n++;
    BYTE_TO_CHAR[b] = String.fromCharCode(cp);
    CHAR_TO_BYTE.set(cp, b);
  }
}

/**
 * HF's ByteLevel transform materialized (its pre-tokenizer before others, its normalizer): every
 * char becomes the table's chars of its UTF-8 bytes, each aligned to the source char (HF's
 * `transform` with change 0 for the first byte, 1 for the others).
 */
export function toByteAlphabet(n: NStr): void {
  const cps: number[] = [];
  const changes: number[] = [];
  for (const c of n.s) {
    const bytes = utf8.encode(c);
    for (let k = 0; k < bytes.length; k++) {
      cps.push(BYTE_TO_CHAR[bytes[k]!]!.charCodeAt(0));
      changes.push(k > 0 ? 1 : 0);
    }
  }
  n.transform(cps, changes, 0);
}
const utf8 = new TextEncoder();

/** GPT-2's pre-tokenizer regex, as HF's ByteLevel `use_regex` has it. */
export { R50K_PATTERN as GPT2_PATTERN } from "../text/patterns.js";

/** The bytes a byte-level token's chars stand for, or null if a char is not in the table. */
export function byteLevelBytes(token: string): Uint8Array | null {
  const out = new Uint8Array(token.length);
  for (let i = 0; i < token.length; i++) {
    const b = CHAR_TO_BYTE.get(token.charCodeAt(i));
    if (b === undefined) return null;
    out[i] = b;
  }
  return out;
}
