/**
 * Text of any size, a chunk at a time: the source → chunks generator behind
 * `Encoding#encodeStream`/`countStream` and the CLI (where it may cut: cuts.ts).
 *
 * A stream of hundreds of MB never becomes one JS string (V8 caps strings at ~512 MB): bytes are
 * decoded as UTF-8 incrementally and the text is cut only at points where
 * encode(text) == encode(text[0:p]) ++ encode(text[p:]) for the OpenAI pattern families.
 */

import { InvalidArgumentError, InvalidUtf8Error, UncuttableTextError } from "../errors.js";
import { firstInvalidUtf8, unfinishedTail } from "./utf8.js";
import { scanCuts, type CutScanner, type FoundCuts } from "./cuts.js";

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
 * The most text held without an exact cut point (UTF-16 code units): 64 Mi, i.e. one
 * pre-tokenizer piece of 64 Mi characters ("aaaa…", a run of NULs from /dev/zero), which no
 * rule can cut. Past it the stream fails with an UncuttableTextError instead of growing.
 */
export const MAX_HELD_CHARS = 1 << 26;

/** The longest JS string V8 makes (2^29 - 24 code units): the bound of text that may not be cut at all. */
const MAX_STRING_CHARS = (1 << 29) - 24;

/** Optional parts of `textChunks`' behaviour. */
export interface TextChunksOptions {
  /**
   * Special-token texts that must not be cut apart. The cuts of `safeCutBefore` (at whitespace)
   * never fall in one if none holds whitespace (the caller's `cuttable` check); those of
   * `isClassCut` can, so a chunk is never ended inside one of these.
   */
  specials?: readonly string[];
  /**
   * Where the text may be cut, when not where every OpenAI pattern allows (`scanCuts`): a
   * tokenizer.json pipeline's own rule (src/hf/stream-cuts.ts). Its cuts are reported as `safe`
   * (taken without the special-token check; the rule has excluded them already) or `cls`
   * (checked against `specials` as the class cuts are).
   */
  scan?: CutScanner;
  /** Bound of the text held without a cut point (default MAX_HELD_CHARS). */
  maxHeldChars?: number;
  /** Filled in for tests: code units examined for cut points, and the most held at once. */
  stats?: { scanned: number; maxHeld: number };
}

/**
 * The text read but not yet yielded, as parts never concatenated before they are yielded (a
 * `+=` string would be a rope that every look at a character flattens: quadratic), with what
 * the scan for cut points has learnt so far. Each code unit is examined for a cut point at most
 * once, when its part arrives (`append`); the parts are merged so that each is at least twice
 * as long as the next, which keeps them O(log n) and copies each code unit O(log n) times.
 */
class HeldText {
  private parts: string[] = [];
  length = 0;
  /** The last two code units held (-1: none since the last cut). */
  private last = -1;
  private last2 = -1;
  /** Positions (in the held text) of the last cut point of each rule found so far, -1 if none. */
  safeCut = -1;
  classCut = -1;

  constructor(
    private readonly scan: CutScanner,
    private readonly stats?: { scanned: number; maxHeld: number },
  ) {}

  private readonly found: FoundCuts = { safe: -1, cls: -1 };

  /** Appends `s`; with `scan`, first looks for the last cut point of each rule in it. */
  append(s: string, scan: boolean): void {
    if (s.length === 0) return;
    if (scan) {
      const found = this.found;
      const n = this.scan(s, this.last, this.last2, found);
      if (this.stats) this.stats.scanned += n;
      if (found.cls >= 0) this.classCut = this.length + found.cls;
      if (found.safe >= 0) this.safeCut = this.length + found.safe;
    }
    this.last2 = s.length >= 2 ? s.charCodeAt(s.length - 2) : this.last;
    this.last = s.charCodeAt(s.length - 1);
    this.length += s.length;
    const parts = this.parts;
    parts.push(s);
    while (parts.length >= 2 && parts[parts.length - 2]!.length < 2 * parts[parts.length - 1]!.length) {
      const tail = parts.pop()!;
      parts[parts.length - 1] += tail;
    }
    if (this.stats) this.stats.maxHeld = Math.max(this.stats.maxHeld, this.length);
  }

  /** The held text in [start, end). */
  slice(start: number, end: number): string {
    let out = "";
    let pos = 0;
    for (const part of this.parts) {
      const next = pos + part.length;
      if (next > start && pos < end) out += part.slice(Math.max(0, start - pos), Math.min(part.length, end - pos));
      if (next >= end) break;
      pos = next;
    }
    return out;
  }

  /** Removes and returns the first p code units (0 < p <= length); forgets the cut points. */
  take(p: number): string {
    const parts = this.parts;
    let pos = 0;
    let i = 0;
    while (i < parts.length && pos + parts[i]!.length <= p) pos += parts[i++]!.length;
    const taken = parts.slice(0, i);
    if (pos < p) {
      taken.push(parts[i]!.slice(0, p - pos));
      parts[i] = parts[i]!.slice(p - pos);
    }
    this.parts = parts.slice(i);
    this.length -= p;
    if (this.length < 2) this.last2 = -1; // the code units before the cut are no context
    if (this.length < 1) this.last = -1;
    this.safeCut = -1;
    this.classCut = -1;
    return taken.join("");
  }
}

const FREE = 0; // no special token spans the point
const INSIDE = 1; // one does
const MAYBE = 2; // the held text ends with the start of one that would: wait for more text

/** Whether an occurrence of one of `specials` in `held` spans position p, or may once more text arrives. */
function specialAt(held: HeldText, p: number, specials: readonly string[], maxLen: number): number {
  if (maxLen < 2) return FREE;
  const from = Math.max(0, p - maxLen + 1);
  const window = held.slice(from, Math.min(held.length, p + maxLen - 1));
  const atEnd = from + window.length === held.length;
  const q = p - from;
  let result = FREE;
  for (const t of specials) {
    const first = Math.max(0, q - t.length + 1);
    const at = window.indexOf(t, first);
    if (at >= 0 && at < q) return INSIDE;
    // an occurrence starting at s in [first, q) that the held text cuts short
    if (atEnd && result === FREE) {
      for (let s = Math.max(first, window.length - t.length + 1); s < q; s++) {
        if (t.startsWith(window.slice(s))) {
          result = MAYBE;
          break;
        }
      }
    }
  }
  return result;
}

/**
 * Decodes UTF-8 bytes incrementally and yields text pieces that can be encoded independently,
 * each of at least `chunkChars` UTF-16 code units where a cut point allows it (`splittable`
 * false: the whole text as one piece). Cut points: `safeCutBefore` (whitespace) and
 * `isClassCut` (a digit next to a non-digit, a letter before punctuation); the last one held is
 * taken. Work is linear in the text, and memory bounded: held text without any cut point
 * fails past `maxHeldChars`.
 * Strings and bytes may be mixed; a leading U+FEFF is kept.
 * Ill-formed UTF-8 throws (`invalidUtf8` "error") or becomes U+FFFD, one per maximal ill-formed
 * subpart as TextDecoder does ("replace"); a string that follows bytes ending mid-character
 * finishes them as ill-formed.
 * @throws InvalidArgumentError if an item is neither a string nor a Uint8Array.
 * @throws InvalidUtf8Error in "error" mode, naming the offending bytes' offset in the stream.
 * @throws UncuttableTextError if more than `maxHeldChars` code units (splittable) or than a JS
 *   string holds (not splittable) would have to be held.
 */
export async function* textChunks(
  src: TextSource,
  chunkChars: number,
  splittable: boolean,
  invalidUtf8: InvalidUtf8Mode = "error",
  options: TextChunksOptions = {},
): AsyncGenerator<string> {
  const fatal = invalidUtf8 === "error";
  const decoder = new TextDecoder("utf-8", { ignoreBOM: true, fatal });
  const specials = (options.specials ?? []).filter((t) => t.length >= 2);
  const maxSpecial = specials.reduce((m, t) => Math.max(m, t.length), 0);
  const maxHeld = splittable ? (options.maxHeldChars ?? MAX_HELD_CHARS) : MAX_STRING_CHARS;
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
  const text = new HeldText(options.scan ?? scanCuts, options.stats);
  let yielded = 0; // code units yielded so far: where the held text starts in the stream
  for await (const item of items(src)) {
    let decoded: string;
    if (item === "") continue; // no text: it neither ends nor continues a character's bytes
    if (typeof item === "string") {
      decoded = flush() + item; // bytes of an unfinished character before a string: ill-formed
      held = new Uint8Array(0);
    } else if (item instanceof Uint8Array) {
      if (fatal) {
        try {
          decoded = decoder.decode(item, { stream: true });
        } catch {
          decoded = fail(item, false);
        }
        const tail = item.length >= 3 ? item : Uint8Array.of(...held, ...item);
        held = tail.slice(tail.length - unfinishedTail(tail, 0, tail.length));
        offset += item.length;
      } else {
        decoded = decoder.decode(item, { stream: true });
      }
    } else {
      throw new InvalidArgumentError(`text stream: expected string or Uint8Array chunks, got ${item === null ? "null" : typeof item}`);
    }
    if (!splittable && text.length + decoded.length > maxHeld) throw new UncuttableTextError(yielded, maxHeld, false);
    text.append(decoded, splittable);
    if (splittable && (text.length >= chunkChars || text.length > maxHeld)) {
      let p = text.safeCut;
      if (text.classCut > p) {
        const special = specialAt(text, text.classCut, specials, maxSpecial);
        if (special === FREE) p = text.classCut;
        else if (special === INSIDE) text.classCut = -1; // (MAYBE: kept, to look again with more text)
      }
      if (p > 0) {
        const chunk = text.take(p);
        yielded += chunk.length;
        yield chunk;
      }
      if (text.length > maxHeld) throw new UncuttableTextError(yielded, maxHeld, true);
    }
  }
  text.append(flush(), false);
  yield text.take(text.length);
}
