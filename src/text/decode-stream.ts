/**
 * What the streaming decoders of both families share (src/openai/decoder.ts for the OpenAI
 * encodings, src/hf/decode-stream.ts for tokenizer.json files): the decoder's shape, checking
 * what is pushed, and `decodeStream`, which drives a decoder over an (async) iterable of ids.
 */
import { InvalidArgumentError, InvalidTokenIdError } from "../errors.js";

/** A streaming decoder: text out as ids come in (`Encoding.decoder()`, `HfTokenizer.decoder()`). */
export interface TokenDecoder {
  /**
   * Takes the next id or ids; returns the text they complete (possibly ""). Bytes of a
   * character whose tokens have not all arrived are held back, never turned into U+FFFD early.
   * @throws InvalidTokenIdError naming the bad id and its position in the whole stream (the
   *   decoder is left as it was before the call).
   */
  push(ids: number | ArrayLike<number>): string;
  /** Ends the stream: the text still held back (an unfinished character becomes U+FFFD, as in `decode`). The decoder can then start a new stream. */
  flush(): string;
}

export interface DecoderOptions {
  /** Leave out special tokens (default false). */
  skipSpecialTokens?: boolean;
}

/** Checks a decoder's options; returns skipSpecialTokens. */
export function decoderOptions(options: unknown, what: string): boolean {
  if (options === undefined) return false;
  if (options === null || typeof options !== "object") throw new InvalidArgumentError(`${what}: options must be an object, got ${options === null ? "null" : typeof options}`);
  for (const k of Object.keys(options)) {
    if (k !== "skipSpecialTokens") throw new InvalidArgumentError(`${what}: unknown option ${JSON.stringify(k)} (known: skipSpecialTokens)`);
  }
  const skip = (options as DecoderOptions).skipSpecialTokens;
  if (skip !== undefined && typeof skip !== "boolean") throw new InvalidArgumentError(`${what}: skipSpecialTokens must be a boolean, got ${typeof skip}`);
  return skip === true;
}

/**
 * What `push` was given, as an array-like of ids. A number that is not a valid id stays in (the
 * decoder's own check names it with its position); anything that is not a number or an
 * array-like of them is an InvalidArgumentError.
 */
export function pushedIds(ids: unknown): ArrayLike<number> {
  if (typeof ids === "number") return [ids];
  if (ids == null || typeof ids !== "object" || typeof (ids as ArrayLike<number>).length !== "number") {
    throw new InvalidArgumentError(`decoder.push: expected a token id or an array of ids, got ${ids === null ? "null" : typeof ids}`);
  }
  const n = (ids as ArrayLike<number>).length;
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`decoder.push: expected an array of ids, got length ${String(n)}`);
  return ids as ArrayLike<number>;
}

/** `err` (from decoding ids pushed at stream position `base`) with its position in the whole stream. */
export function atStreamPosition(err: unknown, base: number, nVocab: number): unknown {
  if (err instanceof InvalidTokenIdError && base > 0) return new InvalidTokenIdError(err.id, err.position + base, nVocab);
  return err;
}

/**
 * The text of a stream of ids (an iterable or async iterable of ids or arrays of ids), a piece
 * per item that completes any text, then what `flush` gives. Concatenated, the pieces are what
 * the decoder makes of all the ids.
 */
export async function* decodeStreamWith(decoder: TokenDecoder, source: unknown): AsyncGenerator<string, void, undefined> {
  const s = source as { [Symbol.asyncIterator]?: unknown; [Symbol.iterator]?: unknown } | null;
  if (s == null || typeof s === "string" || (typeof s[Symbol.asyncIterator] !== "function" && typeof s[Symbol.iterator] !== "function")) {
    throw new InvalidArgumentError(`decodeStream: expected an iterable or async iterable of token ids or id arrays, got ${s === null ? "null" : typeof s}`);
  }
  for await (const item of source as AsyncIterable<number | ArrayLike<number>>) {
    const text = decoder.push(item);
    if (text.length > 0) yield text;
  }
  const rest = decoder.flush();
  if (rest.length > 0) yield rest;
}
