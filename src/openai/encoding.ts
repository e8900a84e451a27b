// The public Encoding: special-token policy (tiktoken's semantics), decoding, and the engine that
// does the ordinary encoding.

import type { Engine } from "../engines/engine.js";
import { DisallowedSpecialTokenError, InvalidArgumentError, InvalidTokenIdError } from "../errors.js";
import { SpecialMatcher } from "./special.js";
import { cuttable } from "../text/cuts.js";
import { textChunks, type InvalidUtf8Mode, type TextSource } from "../text/stream.js";
import { checkOptions, ENCODE_OPTIONS, STREAM_OPTIONS } from "./options.js";
import type { Vocab } from "../vocab/tkv.js";
import type { DecoderOptions, TokenDecoder } from "../text/decode-stream.js";
import type { DecodedOffsets, EncodingOffsets, OffsetsFn } from "./offsets.js";
import type { TokenCounter } from "../text/counter.js";

export type SpecialTokenSet = "all" | Iterable<string>;

export interface EncodeOptions {
  /**
   * Special tokens to encode as their special ids. Default none: their text is then either
   * rejected (see `disallowedSpecial`) or, if allowed through, encoded as ordinary text.
   */
  allowedSpecial?: SpecialTokenSet;
  /**
   * Special-token strings whose presence in the text raises `DisallowedSpecialTokenError`.
   * Default `"all"`: every special token not in `allowedSpecial`. Pass `[]` to encode special
   * text as ordinary text (what `encodeOrdinary` does).
   */
  disallowedSpecial?: SpecialTokenSet;
  /**
   * How ordinary text is split into tokens of the vocabulary: "bpe" (default: exact, as the
   * reference) or an alternative segmentation of the same vocabulary (README "Alternative
   * segmentations"): "min-tokens", "longest-first", "dropout" (with `p`, `seed`), "bytes".
   * Alternatives need the full `tokenmill` entry (they live in src/encoders/).
   */
  segmentation?: "bpe" | "min-tokens" | "longest-first" | "dropout" | "bytes";
  /** "dropout": the probability of dropping each candidate merge, in [0, 1]. */
  p?: number;
  /** "dropout": the seed of its generator (an integer; same seed, same ids). */
  seed?: number;
}

/** An alternative segmentation of ordinary text (see EncodeOptions.segmentation). */
export type Segmenter = (enc: Encoding, text: string, options: EncodeOptions) => Uint32Array;

// Alternative segmentations are a layer above the core (src/encoders/), which hands its entry
// point over when it is loaded: the core never imports it, and the per-encoding entries, which
// do not load it, stay small.
let segmenter: Segmenter | undefined;

/** Called once by src/encoders/ when it is loaded. */
export function registerSegmenter(f: Segmenter): void {
  segmenter = f;
}

/** Options of `heal`: how many tokens to take back (default 1), and `encode`'s special-token options. */
export interface HealOptions extends Pick<EncodeOptions, "allowedSpecial" | "disallowedSpecial"> {
  backtrack?: number;
}

/** Options of `tokensWithPrefix` / `tokensConsistentWith`. */
export interface PrefixOptions {
  /** A bitset of ceil(nVocab / 32) words (bit id & 31 of word id >> 5) instead of sorted ids. */
  mask?: boolean;
}

/**
 * The prompt-boundary tools (src/boundary/): a layer above the core, registered when it is loaded
 * (the full `tokenmill` entry), so the per-encoding entries do not carry it.
 */
export interface BoundaryTools {
  heal(enc: Encoding, text: string, options?: HealOptions): { ids: Uint32Array; prefix: Uint8Array };
  tokensWithPrefix(enc: Encoding, bytes: Uint8Array | string, consistent: boolean, options?: PrefixOptions): Uint32Array;
  firstNonCanonical(enc: Encoding, ids: ArrayLike<number>): number;
  canonicalize(enc: Encoding, ids: ArrayLike<number>): Uint32Array;
  coverEncodings(enc: Encoding, prefix: Uint8Array | string, options?: { limit?: number }): IterableIterator<Uint32Array>;
}
let boundary: BoundaryTools | undefined;

/** Called once by src/boundary/ when it is loaded. */
export function registerBoundary(b: BoundaryTools): void {
  boundary = b;
}

function boundaryTools(what: string): BoundaryTools {
  if (!boundary) throw new InvalidArgumentError(`${what} needs the full "tokenmill" entry (import it, not only a per-encoding entry)`);
  return boundary;
}

/** @internal The engine and (JS engine) vocabulary of `enc`, for src/boundary/. */
export function internalsOf(enc: Encoding): { core: Engine; vocab?: Vocab } {
  return { core: enc["core"], vocab: enc["vocab"] };
}

/**
 * What the streaming decoder, the offsets and the live counter (src/openai/streaming-tools.ts)
 * need of an Encoding beyond its public API.
 */
export interface EncodingInternals {
  /** The bytes of ids (a view); InvalidTokenIdError with positions from 0. */
  bytesOf(ids: ArrayLike<number>): Uint8Array;
  /** A special token's bytes, or the InvalidTokenIdError for an id that is no token. */
  nonOrdinary(id: number, position: number): Uint8Array;
  /** Whether `id` is a special token and not an ordinary one. */
  isSpecialOnly(id: number): boolean;
  /** UTF-16 offsets of ids from `pos` on, by the engine (the WASM core's walk) if it has them. */
  readonly engineOffsets?: OffsetsFn;
  /** The vocabulary, when the engine does not keep it (the JS engine). */
  readonly vocab?: Vocab;
  /** Whether text may be cut at src/text/cuts.ts's points. */
  readonly cuttable: boolean;
}

/** The methods that live in src/openai/streaming-tools.ts (kept out of the per-encoding entries). */
export interface StreamingTools {
  decoder(enc: Encoding, internals: EncodingInternals, options: DecoderOptions | undefined): TokenDecoder;
  decodeStream(enc: Encoding, internals: EncodingInternals, source: unknown, options: DecoderOptions | undefined): AsyncGenerator<string, void, undefined>;
  encodeWithOffsets(enc: Encoding, internals: EncodingInternals, text: string, options: EncodeOptions | undefined): EncodingOffsets;
  decodeWithOffsets(enc: Encoding, internals: EncodingInternals, ids: ArrayLike<number>): DecodedOffsets;
  counter(enc: Encoding, internals: EncodingInternals, text: string, options: EncodeOptions | undefined): TokenCounter;
}

// Like the segmenter: src/openai/streaming-tools.ts hands them over when loaded (the full entry
// and tokenmill/worker load it), so that a per-encoding entry that never calls them stays small.
let streamingTools: StreamingTools | undefined;

/** Called once by src/openai/streaming-tools.ts when it is loaded. */
export function registerStreamingTools(t: StreamingTools): void {
  streamingTools = t;
}

// ignoreBOM: a text may begin with U+FEFF, and decode must give it back (the default strips it)
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
export interface StreamOptions extends EncodeOptions {
  /**
   * Text is encoded in pieces of at least this many UTF-16 code units where a safe cut point
   * allows it (default 1 Mi: memory stays a few MB whatever the stream's size).
   */
  chunkChars?: number;
  /**
   * Bytes that are not well-formed UTF-8: "error" (default) throws an InvalidUtf8Error naming
   * their offset in the stream; "replace" reads each ill-formed sequence as U+FFFD, as
   * TextDecoder does.
   */
  invalidUtf8?: InvalidUtf8Mode;
}

const NONE = new SpecialMatcher([]);
const STREAM_CHUNK_CHARS = 1 << 20;

export class Encoding {
  /** Encoding name, e.g. "o200k_base". */
  readonly name: string;
  /** One more than the largest token id (tiktoken's `n_vocab`). */
  readonly nVocab: number;
  /** Special token text → id. */
  readonly specialTokens: Readonly<Record<string, number>>;
  /** Which engine encodes: "wasm" or "js". */
  readonly engine: "wasm" | "js";

  private readonly core: Engine;
  /** Kept only for engines that cannot decode themselves (the JS engine): the WASM engine
   * has its own copy, and a second one would cost 2 MB of memory for o200k_base. */
  private readonly vocab?: Vocab;
  private readonly nTokens: number;
  private readonly specialBytes = new Map<number, Uint8Array>();
  private readonly allSpecials: SpecialMatcher;
  /** Whether streamed text may be cut (src/text/stream.ts): a built-in pattern, no special token with whitespace. */
  private readonly streamCuttable: boolean;

  /** @internal use getEncoding / createEncoding */
  constructor(name: string, vocab: Vocab, specialTokens: Record<string, number>, core: Engine, nVocab?: number) {
    this.name = name;
    this.nTokens = vocab.nTokens;
    this.vocab = core.decodeBytes && core.tokenLength ? undefined : vocab;
    this.core = core;
    this.engine = core.kind;
    this.specialTokens = Object.freeze({ ...specialTokens });
    const encoder = new TextEncoder();
    let maxId = vocab.nTokens - 1;
    for (const [text, id] of Object.entries(specialTokens)) {
      // Two names for one id (o200k_harmony's <|endofprompt|> and <|reserved_200018|>): the
      // first listed decodes.
      if (!this.specialBytes.has(id)) this.specialBytes.set(id, encoder.encode(text));
      if (id > maxId) maxId = id;
    }
    this.nVocab = nVocab ?? maxId + 1;
    this.allSpecials = new SpecialMatcher(Object.entries(specialTokens));
    this.streamCuttable = core.pattern !== undefined && cuttable(Object.keys(specialTokens));
  }

  /** Bytes of WebAssembly memory held by the engine (0 for the JS engine); for monitoring. */
  get engineMemoryBytes(): number {
    return this.core.memoryBytes ?? 0;
  }

  /**
   * Forgets the pieces the engine has memoized (the WASM engine keeps the ids of recently merged
   * words). Results never depend on it; use it to measure cold-cache speed, as benchmarks should.
   * @example enc.clearCache()
   */
  clearCache(): void {
    this.core.clearCache?.();
  }

  // ---- Encoding ---------------------------------------------------------------------------

  /**
   * Token ids of `text`, with tiktoken's special-token semantics.
   * @example enc.encode("hello world") // Uint32Array [24912, 2375] (o200k_base)
   * @example enc.encode("<|endoftext|>", { allowedSpecial: "all" }) // [199999]
   * @throws DisallowedSpecialTokenError if the text contains a disallowed special token.
   */
  encode(text: string, options?: EncodeOptions): Uint32Array {
    checkText(text);
    if (options !== undefined) checkOptions(options, ENCODE_OPTIONS, "encode");
    if (options?.segmentation !== undefined && options.segmentation !== "bpe") return this.encodeSegmented(text, options);
    const allowed = this.checkSpecial(text, options);
    if (allowed.size === 0) return this.core.encode(text);
    return this.encodeAround(text, allowed, (t) => this.core.encode(t));
  }

  /** `encode` with an alternative segmentation of the ordinary text between special tokens. */
  private encodeSegmented(text: string, options: EncodeOptions): Uint32Array {
    if (!segmenter) {
      throw new InvalidArgumentError(`segmentation ${JSON.stringify(options.segmentation)} needs the full "tokenmill" entry (import it, not only a per-encoding entry)`);
    }
    const allowed = this.checkSpecial(text, options);
    if (options.segmentation === "bytes" && allowed.size > 0) {
      throw new InvalidArgumentError('segmentation "bytes" gives byte values as ids, which special-token ids would collide with: use it without allowedSpecial');
    }
    const f = segmenter;
    const ordinary = (t: string): Uint32Array => f(this, t, options);
    return allowed.size === 0 ? ordinary(text) : this.encodeAround(text, allowed, ordinary);
  }

  /** The ids of the allowed special tokens in `text`, and `ordinary` of the text between them. */
  private encodeAround(text: string, allowed: SpecialMatcher, ordinary: (text: string) => Uint32Array): Uint32Array {
    const parts: Uint32Array[] = [];
    let total = 0;
    let start = 0;
    while (true) {
      const m = allowed.find(text, start);
      const end = m ? m.index : text.length;
      if (end > start) {
        const ids = ordinary(text.slice(start, end));
        parts.push(ids);
        total += ids.length;
      }
      if (!m) break;
      parts.push(Uint32Array.of(m.id));
      total++;
      start = m.index + m.token.length;
    }
    if (parts.length === 1) return parts[0]!;
    const out = new Uint32Array(total);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }

  /** Token ids of `text`, with special-token text encoded as ordinary text. */
  encodeOrdinary(text: string): Uint32Array {
    checkText(text);
    return this.core.encode(text);
  }

  /**
   * Token ids of a text that arrives in parts — a Node stream, a `fetch` body, any (async)
   * iterable of strings or UTF-8 bytes — yielded a chunk at a time. Concatenated, they are
   * exactly `encode(wholeText, options)`, but the whole text is never held in memory: bytes are
   * decoded incrementally (a character split between parts is joined; a leading U+FEFF is
   * kept) and the text is cut only where a cut cannot change the tokens (after a space that
   * follows printable ASCII, at a line start between non-space characters, next to a digit,
   * between a letter and punctuation). A stretch with no such point is held up to 64 Mi code
   * units (src/text/stream.ts MAX_HELD_CHARS).
   * @example for await (const ids of enc.encodeStream(fs.createReadStream("big.txt"))) out.write(ids.join("\n") + "\n")
   * @throws DisallowedSpecialTokenError as encode, with `index` counted from the stream's start.
   * @throws InvalidArgumentError if the source is not iterable or yields other than strings/bytes.
   * @throws InvalidUtf8Error at bytes that are not well-formed UTF-8, unless `invalidUtf8: "replace"`.
   * @throws UncuttableTextError past 64 Mi code units without a cut point (/dev/zero, "aaaa…").
   */
  async *encodeStream(source: TextSource, options?: StreamOptions): AsyncGenerator<Uint32Array, void, undefined> {
    for await (const ids of this.perChunk(source, options, (text, encodeOptions) => this.encode(text, encodeOptions))) {
      if (ids.length > 0) yield ids;
    }
  }

  /**
   * Number of tokens of a text that arrives in parts (see `encodeStream`): the same as
   * `count(wholeText, options)`, in memory that does not grow with the stream.
   * @example await enc.countStream(fs.createReadStream("big.txt")) // 123456789
   * @example await enc.countStream((await fetch(url)).body)
   */
  async countStream(source: TextSource, options?: StreamOptions): Promise<number> {
    let total = 0;
    for await (const n of this.perChunk(source, options, (text, encodeOptions) => this.count(text, encodeOptions))) total += n;
    return total;
  }

  /**
   * `f` of each chunk of a streamed text (src/text/stream.ts cuts it where the tokens cannot change),
   * with a DisallowedSpecialTokenError's index counted from the stream's start.
   */
  private async *perChunk<T>(
    source: TextSource,
    options: StreamOptions | undefined,
    f: (text: string, options: EncodeOptions | undefined) => T,
  ): AsyncGenerator<T> {
    checkOptions(options, STREAM_OPTIONS, "encodeStream/countStream");
    let encodeOptions: EncodeOptions | undefined;
    if (options !== undefined) {
      const { chunkChars: _chunkChars, invalidUtf8: _invalidUtf8, ...rest } = options;
      encodeOptions = rest;
    }
    let offset = 0;
    const chunks = textChunks(source, chunkCharsOf(options), this.streamCuttable, invalidUtf8Of(options), { specials: Object.keys(this.specialTokens) });
    for await (const text of chunks) {
      let result: T;
      try {
        result = f(text, encodeOptions);
      } catch (e) {
        if (e instanceof DisallowedSpecialTokenError && offset > 0) throw new DisallowedSpecialTokenError(e.token, e.index + offset);
        throw e;
      }
      offset += text.length;
      yield result;
    }
  }

  /**
   * Number of tokens `encode(text, options)` would return, without building the ids array.
   * @example enc.count("hello world") // 2
   */
  count(text: string, options?: EncodeOptions): number {
    return this.countUpTo(text, options, Infinity);
  }

  /**
   * The token count if it is at most `limit`, else `false`. Stops encoding as soon as the limit
   * is passed, so a huge text over the limit costs little.
   * @example enc.isWithinTokenLimit("hello world", 5) // 2
   */
  isWithinTokenLimit(text: string, limit: number, options?: EncodeOptions): number | false {
    if (typeof limit !== "number" || !(limit >= 0)) {
      throw new InvalidArgumentError(`isWithinTokenLimit: limit must be a non-negative number, got ${String(limit)}`);
    }
    const n = this.countUpTo(text, options, limit);
    return n <= limit ? n : false;
  }

  private countUpTo(text: string, options: EncodeOptions | undefined, limit: number): number {
    checkText(text);
    if (options !== undefined) checkOptions(options, ENCODE_OPTIONS, "count");
    if (options?.segmentation !== undefined && options.segmentation !== "bpe") return this.encodeSegmented(text, options).length;
    const allowed = this.checkSpecial(text, options);
    let total = 0;
    let start = 0;
    while (true) {
      const m = allowed.size ? allowed.find(text, start) : undefined;
      const end = m ? m.index : text.length;
      if (end > start) total += this.core.count(start === 0 && end === text.length ? text : text.slice(start, end), limit - total);
      if (!m || total > limit) break;
      total++;
      start = m.index + m.token.length;
    }
    return total;
  }

  /** Applies the disallowed check; returns the matcher of allowed special tokens. */
  private checkSpecial(text: string, options: EncodeOptions | undefined): SpecialMatcher {
    const allowedOpt = options?.allowedSpecial;
    const disallowedOpt = options?.disallowedSpecial ?? "all";
    let allowed: SpecialMatcher;
    let allowedSet: Set<string> | undefined;
    if (allowedOpt === "all") {
      allowed = this.allSpecials;
    } else if (allowedOpt === undefined) {
      allowed = NONE;
    } else {
      allowedSet = toSet(allowedOpt, "allowedSpecial");
      allowed = allowedSet.size === 0 ? NONE : new SpecialMatcher(
        [...allowedSet].filter((t) => t in this.specialTokens).map((t) => [t, this.specialTokens[t]!]),
      );
    }
    let disallowed: SpecialMatcher;
    if (disallowedOpt === "all") {
      if (allowedOpt === "all") return allowed;
      disallowed = allowedSet && allowedSet.size > 0
        ? new SpecialMatcher(Object.entries(this.specialTokens).filter(([t]) => !allowedSet!.has(t)))
        : this.allSpecials;
    } else {
      const set = toSet(disallowedOpt, "disallowedSpecial");
      if (set.size === 0) return allowed;
      disallowed = new SpecialMatcher([...set].map((t) => [t, 0]));
    }
    const hit = disallowed.find(text, 0);
    if (hit) throw new DisallowedSpecialTokenError(hit.token, hit.index);
    return allowed;
  }

  // ---- Decoding ---------------------------------------------------------------------------

  /**
   * The text of a sequence of token ids. Bytes that do not form valid UTF-8 on their own (a
   * sequence cut inside a character) become U+FFFD; use decodeBytes to keep them.
   * @throws InvalidTokenIdError naming the first bad id and its position.
   */
  decode(ids: ArrayLike<number>): string {
    checkIds(ids);
    if (this.core.decodeText) {
      try {
        return this.core.decodeText(ids, this.nonOrdinary);
      } catch (e) {
        throw this.idError(ids, e);
      }
    }
    return decoder.decode(this.bytesOf(ids));
  }

  /**
   * What to throw for an engine's TypeError while reading `ids` (a BigInt id cannot be mixed
   * with numbers): the InvalidTokenIdError of the first id that is not a number; else `e`.
   * Found after the fact, so valid ids pay no per-id type check.
   */
  private idError(ids: ArrayLike<number>, e: unknown): unknown {
    if (!(e instanceof TypeError)) return e;
    for (let i = 0; i < ids.length; i++) if (typeof ids[i] !== "number") return new InvalidTokenIdError(ids[i], i, this.nVocab);
    return e;
  }

  /** The exact bytes of a sequence of token ids. */
  decodeBytes(ids: ArrayLike<number>): Uint8Array {
    const bytes = this.bytesOf(ids);
    return bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
  }

  /** The bytes of `ids`, possibly a view of a larger buffer. */
  private bytesOf(ids: ArrayLike<number>): Uint8Array {
    checkIds(ids);
    try {
      return this.bytesOfChecked(ids);
    } catch (e) {
      throw this.idError(ids, e);
    }
  }

  private bytesOfChecked(ids: ArrayLike<number>): Uint8Array {
    if (this.core.decodeBytes) return this.core.decodeBytes(ids, this.nonOrdinary);
    const { offsets, bytes, nTokens } = this.vocab!;
    let size = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id >= 0 && id < nTokens && id === (id | 0)) {
        const len = offsets[id + 1]! - offsets[id]!;
        if (len > 0) {
          size += len;
          continue;
        }
      }
      const special = this.specialBytes.get(id);
      if (special === undefined) throw new InvalidTokenIdError(id, i, this.nVocab);
      size += special.length;
    }
    const out = new Uint8Array(size);
    let o = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id < nTokens) {
        const s = offsets[id]!;
        const e = offsets[id + 1]!;
        if (e > s) {
          for (let k = s; k < e; k++) out[o++] = bytes[k]!;
          continue;
        }
      }
      const special = this.specialBytes.get(id)!;
      out.set(special, o);
      o += special.length;
    }
    return out;
  }

  /** Bytes of a special token; the error for anything else that is not an ordinary token. */
  private readonly nonOrdinary = (id: number, position: number): Uint8Array => {
    const special = this.specialBytes.get(id);
    if (special === undefined) throw new InvalidTokenIdError(id, position, this.nVocab);
    return special;
  };

  /** The bytes of one token (a copy). */
  tokenBytes(id: number): Uint8Array {
    return this.decodeBytes([id]);
  }

  /** True if `id` names a token of this encoding (ordinary or special). */
  isValidId(id: number): boolean {
    if (!Number.isInteger(id) || id < 0) return false;
    if (this.core.tokenLength) return this.core.tokenLength(id) > 0 || this.specialBytes.has(id);
    const { offsets, nTokens } = this.vocab!;
    return (id < nTokens && offsets[id + 1]! > offsets[id]!) || this.specialBytes.has(id);
  }

  // ---- Streaming decode, offsets, live counts (src/openai/streaming-tools.ts; README "Streaming decode, offsets, live counts")

  /**
   * A streaming decoder: `push(ids)` returns the text the ids complete (a character whose bytes
   * are split across tokens waits for its last byte), `flush()` the rest. For every way of
   * cutting `ids` into pushes the texts concatenate to `decode(ids)`.
   * @example const d = enc.decoder(); d.push(4103) + d.push([99, 250]) + d.flush() // "🦜"
   */
  decoder(options?: DecoderOptions): TokenDecoder {
    return this.tools("decoder").decoder(this, this.internals, options);
  }

  /**
   * The text of ids that arrive over time (an iterable or async iterable of ids or id arrays,
   * e.g. a model's output), a piece at a time; concatenated, `decode` of all the ids.
   * @example for await (const text of enc.decodeStream(tokens)) process.stdout.write(text)
   */
  decodeStream(source: Iterable<number | ArrayLike<number>> | AsyncIterable<number | ArrayLike<number>>, options?: DecoderOptions): AsyncGenerator<string, void, undefined> {
    return this.tools("decodeStream").decodeStream(this, this.internals, source, options);
  }

  /**
   * Ids and each token's UTF-16 [start, end) in `text`, flat (token i at 2i, 2i + 1). A token
   * holding part of a character gets the whole character's span.
   * @example enc.encodeWithOffsets("hello world") // { ids: [24912, 2375], offsets: [0, 5, 5, 11] }
   */
  encodeWithOffsets(text: string, options?: EncodeOptions): EncodingOffsets {
    return this.tools("encodeWithOffsets").encodeWithOffsets(this, this.internals, text, options);
  }

  /**
   * tiktoken's decode_with_offsets: the text of `ids` (as `decode`) and where each token's text
   * starts in it, in UTF-16 code units; a token that begins inside a character gets that
   * character's start.
   * @example enc.decodeWithOffsets([24912, 2375]) // { text: "hello world", offsets: [0, 5] }
   */
  decodeWithOffsets(ids: ArrayLike<number>): DecodedOffsets {
    return this.tools("decodeWithOffsets").decodeWithOffsets(this, this.internals, ids);
  }

  /**
   * A live token count of a text being edited: after every `set(newText)` or `append(more)`,
   * `count` is `count(text, options)`, but only the stretch around the change is encoded again.
   * @example const c = enc.counter("hello"); c.append(" world"); c.count // 2
   */
  counter(text = "", options?: EncodeOptions): TokenCounter {
    return this.tools("counter").counter(this, this.internals, text, options);
  }

  private tools(what: string): StreamingTools {
    if (!streamingTools) throw new InvalidArgumentError(`${what} needs the full "tokenmill" entry (import it, not only a per-encoding entry)`);
    return streamingTools;
  }

  private internalsCache?: EncodingInternals;
  private get internals(): EncodingInternals {
    if (this.internalsCache) return this.internalsCache;
    const core = this.core;
    return (this.internalsCache = {
      bytesOf: (ids) => this.bytesOf(ids),
      nonOrdinary: this.nonOrdinary,
      isSpecialOnly: (id) => this.specialBytes.has(id) && !this.isValidOrdinary(id),
      engineOffsets: core.tokenOffsets ? (ids, other, pos, starts, ends) => core.tokenOffsets!(ids, other, pos, starts, ends) : undefined,
      vocab: this.vocab,
      cuttable: this.streamCuttable,
    });
  }

  /** Whether `id` is an ordinary token (a special id may be one too, in a custom encoding). */
  private isValidOrdinary(id: number): boolean {
    if (this.core.tokenLength) return this.core.tokenLength(id) > 0;
    const { offsets, nTokens } = this.vocab!;
    return id >= 0 && id < nTokens && offsets[id + 1]! > offsets[id]!;
  }

  /** The set of special token strings. */
  get specialTokenSet(): Set<string> {
    return new Set(Object.keys(this.specialTokens));
  }

  // ---- Prompt boundaries (src/boundary/; README "Prompt boundaries") ---------------------

  /**
   * Token healing (arXiv 2403.08688): the ids of `text` without their last `backtrack` tokens
   * (never a special token), and the bytes the next generated tokens must start with.
   * @example enc.heal("https://") // { ids: [...ids of "https"], prefix: Uint8Array of "://" }
   */
  heal(text: string, options?: HealOptions): { ids: Uint32Array; prefix: Uint8Array } {
    return boundaryTools("heal").heal(this, text, options);
  }

  /** Sorted ids of every ordinary token whose bytes start with `bytes` (a string is its UTF-8). */
  tokensWithPrefix(bytes: Uint8Array | string, options?: PrefixOptions): Uint32Array {
    return boundaryTools("tokensWithPrefix").tokensWithPrefix(this, bytes, false, options);
  }

  /** Sorted ids of the ordinary tokens whose bytes start with `bytes` or are a proper prefix of it. */
  tokensConsistentWith(bytes: Uint8Array | string, options?: PrefixOptions): Uint32Array {
    return boundaryTools("tokensConsistentWith").tokensWithPrefix(this, bytes, true, options);
  }

  /** Whether `ids` is exactly what `encode(decode(ids), { allowedSpecial: "all" })` gives. */
  isCanonical(ids: ArrayLike<number>): boolean {
    return boundaryTools("isCanonical").firstNonCanonical(this, ids) === -1;
  }

  /** The index of the first token where `ids` departs from the canonical encoding of its bytes, or -1. */
  firstNonCanonical(ids: ArrayLike<number>): number {
    return boundaryTools("firstNonCanonical").firstNonCanonical(this, ids);
  }

  /** The canonical ids of the same bytes (`encode(decode(ids), { allowedSpecial: "all" })`, computed locally). */
  canonicalize(ids: ArrayLike<number>): Uint32Array {
    return boundaryTools("canonicalize").canonicalize(this, ids);
  }

  /** The cover encodings of a byte prefix (arXiv 2410.09303; README "Cover encodings"). */
  coverEncodings(prefix: Uint8Array | string, options?: { limit?: number }): IterableIterator<Uint32Array> {
    return boundaryTools("coverEncodings").coverEncodings(this, prefix, options);
  }
}

function toSet(value: SpecialTokenSet, what: string): Set<string> {
  if (typeof value === "string" || value == null || typeof (value as Iterable<string>)[Symbol.iterator] !== "function") {
    throw new InvalidArgumentError(`${what} must be "all" or an iterable of strings, got ${JSON.stringify(value)}`);
  }
  const set = new Set<string>();
  for (const t of value) {
    if (typeof t !== "string") throw new InvalidArgumentError(`${what} must contain strings, got ${typeof t}`);
    set.add(t);
  }
  return set;
}

export function checkIds(ids: unknown): asserts ids is ArrayLike<number> {
  // an object (not a string or a function, which have lengths too) with a valid length
  if (ids === null || typeof ids !== "object" || typeof (ids as ArrayLike<number>).length !== "number") {
    throw new InvalidArgumentError(`decode: expected an array of token ids, got ${ids === null ? "null" : typeof ids}`);
  }
  const n = (ids as ArrayLike<number>).length;
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw new InvalidArgumentError(`decode: expected an array of token ids, got an object whose length is ${n}`);
  }
}

function chunkCharsOf(options: StreamOptions | undefined): number {
  const n = options?.chunkChars;
  if (n === undefined) return STREAM_CHUNK_CHARS;
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`chunkChars must be a positive integer, got ${String(n)}`);
  return n;
}

function invalidUtf8Of(options: StreamOptions | undefined): InvalidUtf8Mode {
  const m = options?.invalidUtf8 ?? "error";
  if (m !== "error" && m !== "replace") throw new InvalidArgumentError(`invalidUtf8 must be "error" or "replace", got ${JSON.stringify(m)}`);
  return m;
}

export function checkText(text: unknown): asserts text is string {
  if (typeof text !== "string") {
    throw new InvalidArgumentError(`expected text to be a string, got ${text === null ? "null" : typeof text}`);
  }
}
