// GPT-2's byte-level alphabet (HF `ByteLevel`): every byte has a printable stand-in character,
// so byte strings can be stored as text in tokenizer.json. The trainer needs two facts from it:
// the stand-in of each byte (for the exported vocab and merges) and HF's *order* of the
// alphabet, because HF numbers the alphabet by sorting the stand-in characters by code point,
// and its tie-break between equal pair counts compares those numbers (see core-js.ts).

/** Stand-in code point of each byte (GPT-2 `bytes_to_unicode`). */
export const BYTE_TO_CHAR: readonly number[] = (() => {
  const map = new Array<number>(256);
  let next = 256;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    map[b] = printable ? b : next++;
  }
  return map;
})();

/**
 * The 256 bytes in HF's alphabet order (stand-ins sorted by code point): the printable bytes
 * in value order, then the others in value order (their stand-ins are 256, 257, ... in byte
 * order). Index = the trainer's symbol id of the byte.
 */
export const HF_BYTE_ORDER: Uint8Array = (() => {
  const bytes = Array.from({ length: 256 }, (_, b) => b);
  bytes.sort((x, y) => BYTE_TO_CHAR[x]! - BYTE_TO_CHAR[y]!);
  return Uint8Array.from(bytes);
})();

/** Symbol id of each byte: the inverse of HF_BYTE_ORDER. */
export const BYTE_TO_SYMBOL: Uint32Array = (() => {
  const inv = new Uint32Array(256);
  HF_BYTE_ORDER.forEach((b, i) => (inv[b] = i));
  return inv;
})();

/** A byte string spelled in the stand-in alphabet (as HF writes vocab entries and merges). */
export function byteLevelString(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(BYTE_TO_CHAR[bytes[i]!]!);
  return s;
}
