/**
 * Streaming decode for tokenizer.json tokenizers (`HfTokenizer.decoder()`), with the semantics of
 * HF's `DecodeStream` (tokenizers/src/tokenizer/mod.rs, `step_decode_stream`): the decoder chain
 * runs over a short window of ids (the ids of the text returned last, then the new ones), and
 * the new text is the window's text past the last returned text, given only when it is longer
 * and does not end in U+FFFD. So Metaspace's prefix space (dropped only for a first token),
 * ByteFallback's `<0x..>` bytes (a character spread over several byte tokens waits for its
 * last byte) and WordPiece's `##` (glued to the word before, a space otherwise) come out as
 * `decode` of all the ids gives them.
 *
 * `flush` (HF has none) gives what HF holds back at the end: the window's text past the last
 * returned text, U+FFFD and all (or, where the chain rewrote the returned text, the text of the
 * held ids alone).
 */
import { DecodeStreamPrefixError } from "../errors.js";
import { atStreamPosition, pushedIds, type TokenDecoder } from "../text/decode-stream.js";

/** What the stream needs of the tokenizer. */
export interface WindowDecoder {
  decode(ids: ArrayLike<number>, options?: { skipSpecialTokens?: boolean }): string;
  /** Throws InvalidTokenIdError (position from 0) for the first id that names no token. */
  checkIds(ids: ArrayLike<number>): void;
  readonly vocabSize: number;
}

/** Rust's `str::len`: the UTF-8 length (lone surrogates cannot occur in decoded token text). */
function byteLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) n += c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 1 : 2; // a surrogate pair: 4 bytes
  }
  return n;
}

export class HfStreamDecoder implements TokenDecoder {
  private ids: number[] = [];
  private prefix = "";
  private prefixIndex = 0;
  private position = 0;

  constructor(private readonly tok: WindowDecoder, private readonly skipSpecialTokens: boolean) {}

  private decode(ids: number[]): string {
    return this.tok.decode(ids, { skipSpecialTokens: this.skipSpecialTokens });
  }

  push(pushed: number | ArrayLike<number>): string {
    const list = pushedIds(pushed);
    try {
      this.tok.checkIds(list);
    } catch (err) {
      throw atStreamPosition(err, this.position, this.tok.vocabSize);
    }
    this.position += list.length;
    // step_decode_stream, line by line
    if (this.prefix.length === 0 && this.ids.length > 0) {
      const newPrefix = this.decode(this.ids);
      if (!newPrefix.endsWith("\ufffd")) {
        this.prefix = newPrefix;
        this.prefixIndex = this.ids.length;
      }
    }
    for (let i = 0; i < list.length; i++) this.ids.push(list[i]!);
    const text = this.decode(this.ids);
    if (!(byteLength(text) > byteLength(this.prefix)) || text.endsWith("\ufffd")) return "";
    if (!text.startsWith(this.prefix)) throw new DecodeStreamPrefixError(this.ids[this.ids.length - 1]!, this.prefix, text);
    const fresh = text.slice(this.prefix.length);
    const newPrefixIndex = this.ids.length - this.prefixIndex;
    this.ids = this.ids.slice(this.prefixIndex);
    this.prefix = this.decode(this.ids);
    this.prefixIndex = newPrefixIndex;
    return fresh;
  }

  flush(): string {
    let rest = "";
    if (this.ids.length > this.prefixIndex) {
      const text = this.decode(this.ids);
      // A chain that joins across tokens (ByteFallback reads a run of byte tokens as one
      // sequence, and an ill-formed run as one U+FFFD per byte) can make the window's text stop
      // starting with what was returned; the held ids then stand on their own.
      rest = text.startsWith(this.prefix) ? text.slice(this.prefix.length) : this.decode(this.ids.slice(this.prefixIndex));
    }
    this.ids = [];
    this.prefix = "";
    this.prefixIndex = 0;
    this.position = 0;
    return rest;
  }
}
