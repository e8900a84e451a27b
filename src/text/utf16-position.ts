/**
 * Where tokens land in the text they make, in UTF-16 units (Encoding.encodeWithOffsets and
 * decodeWithOffsets, src/openai/offsets.ts). The bytes of all tokens go through one UTF-8 decoder that follows
 * TextDecoder (WHATWG: each maximal subpart of an ill-formed sequence is one U+FFFD), so the
 * positions are those of the text `decode` returns. A token starts at the character that holds
 * its first byte and ends after the character that holds its last byte: a character whose bytes
 * are split between tokens belongs to each of them (HF `tokenizers` gives such tokens the same
 * span; tiktoken's decode_with_offsets gives the later ones the character's start).
 *
 * assembly/openai/offsets.ts is the same machine in the WASM engine, on the same five-number
 * state: the JS side runs this one over the vocabulary (JS engine) or over special tokens' bytes
 * between the WASM engine's calls.
 */

/** Decoder state between tokens; all zeros at the start of a text. */
export class Utf16Position {
  /** UTF-16 units of the characters finished so far (a pending one not counted). */
  units = 0;
  /** Continuation bytes the pending character still needs (0 = none pending). */
  need = 0;
  /** The range its next continuation byte must be in. */
  lower = 0;
  upper = 0;
  /** Its UTF-16 length once finished (1, or 2 past U+FFFF). */
  width = 0;

  /**
   * Feeds one token's bytes u8[s, e) (e > s); returns its start unit. `end()` is then its end.
   */
  token(u8: Uint8Array, s: number, e: number): number {
    let units = this.units;
    let need = this.need;
    let lower = this.lower;
    let upper = this.upper;
    let width = this.width;
    let start = -1;
    for (let p = s; p < e; p++) {
      const b = u8[p]!;
      let pos = units;
      if (need > 0) {
        if (b >= lower && b <= upper) {
          need--;
          lower = 0x80;
          upper = 0xbf;
          if (need === 0) units += width;
          if (start < 0) start = pos;
          continue;
        }
        units++; // the pending character is ill-formed: one U+FFFD; b starts afresh
        need = 0;
        pos = units;
      }
      if (b < 0x80) {
        units++;
      } else if (b >= 0xc2 && b <= 0xdf) {
        need = 1;
        width = 1;
        lower = 0x80;
        upper = 0xbf;
      } else if (b >= 0xe0 && b <= 0xef) {
        need = 2;
        width = 1;
        lower = b === 0xe0 ? 0xa0 : 0x80;
        upper = b === 0xed ? 0x9f : 0xbf;
      } else if (b >= 0xf0 && b <= 0xf4) {
        need = 3;
        width = 2;
        lower = b === 0xf0 ? 0x90 : 0x80;
        upper = b === 0xf4 ? 0x8f : 0xbf;
      } else {
        units++; // cannot start a character: U+FFFD
      }
      if (start < 0) start = pos;
    }
    this.units = units;
    this.need = need;
    this.lower = lower;
    this.upper = upper;
    this.width = width;
    return start;
  }

  /**
   * End unit of the token just fed: after the character holding its last byte. One still
   * pending counts as finished (exact for well-formed text, the only kind encode produces).
   */
  end(): number {
    return this.need > 0 ? this.units + this.width : this.units;
  }

  /** Copies the state out of / into five u32s (the WASM engine's state block). */
  load(from: Uint32Array, at: number): void {
    this.units = from[at]!;
    this.need = from[at + 1]!;
    this.lower = from[at + 2]!;
    this.upper = from[at + 3]!;
    this.width = from[at + 4]!;
  }

  store(to: Uint32Array, at: number): void {
    to[at] = this.units;
    to[at + 1] = this.need;
    to[at + 2] = this.lower;
    to[at + 3] = this.upper;
    to[at + 4] = this.width;
  }
}
