/**
 * Streaming decode for the OpenAI encodings (`Encoding.decoder()`): the ids' bytes go through one
 * streaming TextDecoder, so a character whose bytes are split across tokens (an emoji, most CJK
 * in cl100k) is held until its last byte arrives, and for every way of cutting a sequence of ids
 * into pushes the texts concatenate to `decode(ids)` (a streaming WHATWG decoder gives the same
 * text as a one-shot decode of all the bytes, which is what `decode` is).
 */
import { atStreamPosition, pushedIds, type TokenDecoder } from "../text/decode-stream.js";

export class StreamDecoder implements TokenDecoder {
  // ignoreBOM: a leading U+FEFF is text, as in decode
  private utf8 = new TextDecoder("utf-8", { ignoreBOM: true });
  private position = 0;

  /**
   * `bytesOf` gives the bytes of ids (throwing InvalidTokenIdError with positions from 0);
   * `isSpecial`, when given, names the ids to leave out.
   */
  constructor(
    private readonly bytesOf: (ids: ArrayLike<number>) => Uint8Array,
    private readonly nVocab: number,
    private readonly isSpecial?: (id: number) => boolean,
  ) {}

  push(ids: number | ArrayLike<number>): string {
    let list = pushedIds(ids);
    let bytes: Uint8Array;
    try {
      bytes = this.bytesOf(list); // checks every id before anything is decoded
      if (this.isSpecial) {
        const kept: number[] = [];
        for (let i = 0; i < list.length; i++) if (!this.isSpecial(list[i]!)) kept.push(list[i]!);
        if (kept.length !== list.length) bytes = this.bytesOf((list = kept));
      }
    } catch (err) {
      throw atStreamPosition(err, this.position, this.nVocab);
    }
    this.position += typeof ids === "number" ? 1 : ids.length;
    return bytes.length === 0 ? "" : this.utf8.decode(bytes, { stream: true });
  }

  flush(): string {
    const rest = this.utf8.decode();
    this.position = 0;
    return rest;
  }
}
