/**
 * Text of any size, a chunk at a time: the source → chunks generator behind
 * `Encoding#encodeStream`/`countStream` and the CLI (where it may cut: cuts.ts).
 *
 * A stream of hundreds of MB never becomes one JS string (V8 caps strings at ~512 MB): bytes are
 * decoded as UTF-8 incrementally and the text is cut only at points where
 * encode(text) == encode(text[0:p]) ++ encode(text[p:]) for the OpenAI pattern families.
 */

import { InvalidArgumentError, InvalidUtf8Error } from "../errors.js";
import { firstInvalidUtf8, unfinishedTail } from "./utf8.js";
import { lastSafeSplit } from "./cuts.js";

/**
 * What the stream functions read: strings or UTF-8 bytes, from any (async) iterable or WHATWG
 * ReadableStream (a Node `Readable`, `fs.createReadStream`, `fetch(...).body`, an array of
 * strings, an async generator, ...). A lone string or Uint8Array is one part.
 */
export type TextSource =
  | string
  | Uint8Array
  | AsyncIterable<string | Uint8Array>
  | Iterable<string | Uint8Array>
  | ReadableStream<string | Uint8Array>;

/** Iterates a TextSource, whatever its kind (a lone string counts as one part). */
async function* items(src: TextSource): AsyncGenerator<string | Uint8Array> {
  if (typeof src === "string" || src instanceof Uint8Array) {
    yield src;
    return;
  }
  if (src === null || typeof src !== "object" || !(Symbol.asyncIterator in src || Symbol.iterator in src || "getReader" in src)) {
    throw new InvalidArgumentError(`text stream: expected an iterable, async iterable or ReadableStream of strings or bytes, got ${src === null ? "null" : typeof src}`);
  }
  if (typeof (src as ReadableStream).getReader === "function" && !(Symbol.asyncIterator in src)) {
    // a WHATWG stream in a runtime without async iteration of streams (older browsers)
    const reader = (src as ReadableStream<string | Uint8Array>).getReader();
    try {
      while (true) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      reader.releaseLock();
    }
  }
  yield* src as AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;
}

/** What the stream readers do with bytes that are not well-formed UTF-8. */
export type InvalidUtf8Mode = "error" | "replace";

/**
 * Decodes UTF-8 bytes incrementally and yields text pieces that can be encoded independently,
 * each of at least `chunkChars` UTF-16 code units where a cut point allows it (`splittable`
 * false: the whole text as one piece). Strings and bytes may be mixed; a leading U+FEFF is kept.
 * Ill-formed UTF-8 throws (`invalidUtf8` "error") or becomes U+FFFD, one per maximal ill-formed
 * subpart as TextDecoder does ("replace"); a string that follows bytes ending mid-character
 * finishes them as ill-formed.
 * @throws InvalidArgumentError if an item is neither a string nor a Uint8Array.
 * @throws InvalidUtf8Error in "error" mode, naming the offending bytes' offset in the stream.
 */
export async function* textChunks(
  src: TextSource,
  chunkChars: number,
  splittable: boolean,
  invalidUtf8: InvalidUtf8Mode = "error",
): AsyncGenerator<string> {
  const fatal = invalidUtf8 === "error";
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true, fatal });
  // For the error's position: stream bytes before the current item, and the bytes of an
  // unfinished character the decoder holds from earlier items.
  let offset = 0;
  let held: Uint8Array = new Uint8Array(0);
  const fail = (bytes: Uint8Array, final: boolean): never => {
    const joined = new Uint8Array(held.length + bytes.length);
    joined.set(held);
    joined.set(bytes, held.length);
    const at = Math.max(0, firstInvalidUtf8(joined, final));
    let end = at + 1;
    while (end < joined.length && end - at < 4 && (joined[end]! & 0xc0) === 0x80) end++;
    throw new InvalidUtf8Error(offset - held.length + at, joined.slice(at, end));
  };
  const flush = (): string => {
    if (!fatal || held.length === 0) return decoder.decode();
    return fail(new Uint8Array(0), true);
  };
  let pending = "";
  let scanned = 1; // cut points below this were already looked for and not found
  for await (const item of items(src)) {
    if (typeof item === "string") {
      pending += flush() + item; // bytes of an unfinished character before a string: ill-formed
      held = new Uint8Array(0);
    } else if (item instanceof Uint8Array) {
      if (fatal) {
        try {
          pending += decoder.decode(item, { stream: true });
        } catch {
          fail(item, false);
        }
        const tail = item.length >= 3 ? item : Uint8Array.of(...held, ...item);
        held = tail.slice(tail.length - unfinishedTail(tail, 0, tail.length));
        offset += item.length;
      } else {
        pending += decoder.decode(item, { stream: true });
      }
    } else {
      throw new InvalidArgumentError(`text stream: expected string or Uint8Array chunks, got ${item === null ? "null" : typeof item}`);
    }
    if (splittable && pending.length >= chunkChars) {
      const p = lastSafeSplit(pending, scanned);
      if (p > 0) {
        yield pending.slice(0, p);
        pending = pending.slice(p);
      }
      scanned = pending.length;
    }
  }
  pending += flush();
  yield pending;
}
