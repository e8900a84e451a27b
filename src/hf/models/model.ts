// What every tokenizer.json model (BPE, WordPiece, Unigram) gives the pipeline.

export interface ModelOutput {
  ids: number[];
  /** Byte offsets [start, end) of each token within the piece's UTF-8 (HF `Token.offsets`), two per token. */
  offs: number[];
}

export interface TokenModel {
  /** Token ids (and byte lengths) of one pre-token. `byteLevel`: symbols are UTF-8 bytes. */
  tokenize(piece: string, byteLevel: boolean, out: ModelOutput): void;
  tokenToId(token: string): number | undefined;
  idToToken(id: number): string | undefined;
  readonly vocabSize: number;
}

/** UTF-8 length from a lead byte, as spm's `OneCharLen` (a stray continuation byte counts 1). */
export function oneCharLen(lead: number): number {
  return lead < 0xc0 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
}

/** UTF-8 length of a JS string (a lone surrogate counts 3, as TextEncoder's U+FFFD). */
export function utf8Len(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/**
 * Writes the UTF-8 of s into out from pos (lone surrogates as U+FFFD, as TextEncoder does;
 * out must have room for 3 bytes per UTF-16 unit); returns the end. Faster than
 * `TextEncoder.encodeInto` on the short strings of pre-tokens.
 */
export function writeUtf8(s: string, out: Uint8Array, pos: number): number {
  let o = pos;
  const n = s.length;
  for (let k = 0; k < n; k++) {
    let c = s.charCodeAt(k);
    if (c < 0x80) {
      out[o++] = c;
      continue;
    }
    if (c < 0x800) {
      out[o++] = 0xc0 | (c >> 6);
      out[o++] = 0x80 | (c & 63);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = k + 1 < n ? s.charCodeAt(k + 1) : 0;
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        const cp = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
        out[o++] = 0xf0 | (cp >> 18);
        out[o++] = 0x80 | ((cp >> 12) & 63);
        out[o++] = 0x80 | ((cp >> 6) & 63);
        out[o++] = 0x80 | (cp & 63);
        k++;
        continue;
      }
      c = 0xfffd;
    }
    out[o++] = 0xe0 | (c >> 12);
    out[o++] = 0x80 | ((c >> 6) & 63);
    out[o++] = 0x80 | (c & 63);
  }
  return o;
}
