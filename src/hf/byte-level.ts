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

/** The byte-level form of UTF-8 bytes. */
export function bytesToByteLevel(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let s = "";
  for (let i = start; i < end; i++) s += BYTE_TO_CHAR[bytes[i]!];
  return s;
}

/** GPT-2's pre-tokenizer regex, as HF's ByteLevel `use_regex` has it. */
export const GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
