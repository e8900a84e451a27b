/**
 * Text of any size, a chunk at a time: where text can be cut without changing its tokens, and
 * the source → chunks generator behind `Encoding#encodeStream`/`countStream` and the CLI.
 *
 * A stream of hundreds of MB never becomes one JS string (V8 caps strings at ~512 MB): bytes are
 * decoded as UTF-8 incrementally and the text is cut only at points where
 * encode(text) == encode(text[0:p]) ++ encode(text[p:]) for the OpenAI pattern families.
 */

import { InvalidArgumentError, InvalidUtf8Error } from "../errors.js";
import { firstInvalidUtf8, unfinishedTail } from "./utf8.js";

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

/**
 * Whether code unit `c` is certainly not whitespace for the patterns' `\s` (Unicode White_Space)
 * and not a line break. Errs on the side of "maybe whitespace" (format characters such as
 * U+200B and U+FEFF count as such): a rejected cut point only costs a later one.
 */
function solid(c: number): boolean {
  if (c <= 0x7e) return c >= 0x21;
  if (c < 0xa1) return false; // DEL, C1 controls incl. U+0085, U+00A0
  if (c >= 0x2000 && c <= 0x206f) return c >= 0x2010 && c !== 0x2028 && c !== 0x2029 && c !== 0x202f && c < 0x205f;
  return c !== 0x1680 && c !== 0x180e && c !== 0x3000 && c !== 0xfeff;
}

/**
 * The largest p in [lo, text.length) at which `text` can be cut without changing its tokens
 * (encode(text) == encode(text[0:p]) ++ encode(text[p:])), or -1 if there is none. Two kinds of
 * cut point, both safe for every OpenAI pattern (r50k/p50k, cl100k, o200k):
 *
 * 1. A U+0020 SPACE at p whose predecessor is printable non-space ASCII (U+0021..U+007E):
 *    - No piece ends with whitespace after non-whitespace: whitespace only ever *leads* a
 *      non-space piece (` ?\p{L}+`, `[^\r\n\p{L}\p{N}]?\p{L}+`, …), and the only trailing
 *      extensions, `[\r\n]*` / `[\r\n/]*` after punctuation and `'s|'t|…` after words, cannot
 *      take a space. So in the full text a piece boundary falls at p.
 *    - The pieces before p are decided by characters before p plus "the next character is
 *      whitespace / not a letter / not a digit / not an apostrophe", which holds equally at end
 *      of text; the only lookahead, `\s+(?!\S)`, belongs to whitespace runs, which end before p-1.
 *    - The patterns have no look-behind or anchors, so pieces from p on are found the same way
 *      in the suffix alone. BPE then works piece by piece.
 * 2. Just after a "\n" that has a solid (non-whitespace) character on both sides, the one after
 *    it not "/" (text without ASCII spaces, such as Chinese or Japanese, has these at line ends):
 *    - The "\n" is either the end of a punctuation run (` ?[^\s\p{L}\p{N}]+[\r\n]*`, in o200k
 *      `[\r\n/]*`: hence no "/" after it) or a piece of its own (`\s*[\r\n]+` in cl100k/o200k,
 *      `\s+` in r50k, as `\s+(?!\S)` fails before a solid character); both end at p, because
 *      the next character is neither whitespace nor "/". At end of text the same pieces are
 *      found: a run that starts at the "\n" is just "\n" either way (the character before it
 *      is solid, so no longer whitespace run reaches it: with " \n" before a letter, r50k's
 *      `\s+(?!\S)` would take " " alone, but " \n" at the end of text).
 *    - As in 1, no alternative looks past p except through those classes.
 *
 * Special tokens (when allowed or checked for) must contain no whitespace, so that none spans
 * a cut: the caller checks (see `cuttable`). A cut before "\n" would NOT be safe ("a.\nB":
 * cl100k/o200k glue ".\n"), nor one after whitespace in general (r50k: " \n" + "X" is " ",
 * "\n" but " \n" at the end of text is one piece). test/stream.test.ts checks every cut point it
 * picks on generated text against tiktoken itself.
 */
export function lastSafeSplit(text: string, lo = 1): number {
  for (let p = text.length - 1; p >= Math.max(lo, 1); p--) {
    const c = text.charCodeAt(p);
    const before = text.charCodeAt(p - 1);
    if (c === 0x20) {
      if (before >= 0x21 && before <= 0x7e) return p;
    } else if (before === 0x0a && p >= 2 && c !== 0x2f && solid(c) && solid(text.charCodeAt(p - 2))) {
      return p;
    }
  }
  return -1;
}

/**
 * Whether text for an encoding with these special tokens may be cut at `lastSafeSplit`'s points:
 * only if no special token holds whitespace (else one could span a cut and go unrecognised).
 */
export function cuttable(specialTokens: Iterable<string>): boolean {
  for (const t of specialTokens) if (/\s/u.test(t)) return false;
  return true;
}

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
