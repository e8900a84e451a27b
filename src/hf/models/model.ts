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
