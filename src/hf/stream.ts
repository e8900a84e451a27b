/**
 * `encodeStream` / `countStream` of a tokenizer.json: the text reader of src/text/stream.ts with
 * the pipeline's own cut rule (stream-cuts.ts), each chunk through the pipeline without the
 * post-processor, whose tokens (BOS, [CLS] / [SEP], ...) go before the first chunk and after the
 * last, where encode of the whole text puts them.
 */
import { InvalidArgumentError } from "../errors.js";
import { checkOptions } from "../openai/options.js";
import { textChunks, type InvalidUtf8Mode, type TextChunksOptions, type TextSource } from "../text/stream.js";
import type { Normalizer } from "./normalizers.js";
import { spaceCutScanner, streamPlan, type StreamInfo, type StreamPlan } from "./stream-cuts.js";

/** The options of a tokenizer.json's `encodeStream` / `countStream`. */
export interface HfStreamOptions {
  /** Apply the post-processor's special tokens at the stream's start and end. Default true, as in encode. */
  addSpecialTokens?: boolean;
  /**
   * Only `null` (none, overriding the file's): truncation keeps the first max_length tokens of
   * the whole text, which a stream cannot know until it ends, so a file with truncation is refused.
   */
  truncation?: null;
  /** Only `null` (none, overriding the file's): padding is for batches, not for a stream. */
  padding?: null;
  /** Chunks of at least this many UTF-16 code units where a cut is proven (default 1 Mi). */
  chunkChars?: number;
  /** Bytes that are not well-formed UTF-8: "error" (default, InvalidUtf8Error) or "replace" (U+FFFD). */
  invalidUtf8?: InvalidUtf8Mode;
  /** @internal test hook: code units scanned for cut points and the most held at once. */
  stats?: { scanned: number; maxHeld: number };
}

const STREAM_OPTIONS: ReadonlySet<string> = new Set(["addSpecialTokens", "truncation", "padding", "chunkChars", "invalidUtf8", "stats", "pair"]);
const DEFAULT_CHUNK_CHARS = 1 << 20;

/** What the stream needs of an HfTokenizer (its @internal methods). */
export interface StreamTarget {
  streamInfo(): StreamInfo;
  /** The ids of one chunk without the post-processor; `cont`: it continues the chunk before. */
  encodeChunk(text: string, cont: { normalizer: Normalizer | null } | undefined): number[];
  /** The post-processor's ids before and after one sequence. */
  postEnds(): [number[], number[]];
  /** Whether truncation / padding are set (by the file or setTruncation / setPadding). */
  truncationAndPadding(): { truncation: boolean; padding: boolean };
}

const plans = new WeakMap<StreamTarget, StreamPlan>();

/** The tokenizer's cut rule (computed on first use). @internal for tests and the README's list. */
export function planOf(tok: StreamTarget): StreamPlan {
  let p = plans.get(tok);
  if (p === undefined) {
    p = streamPlan(tok.streamInfo());
    plans.set(tok, p);
  }
  return p;
}

function check(tok: StreamTarget, options: HfStreamOptions | undefined): void {
  checkOptions(options, STREAM_OPTIONS, "encodeStream/countStream");
  const o = (options ?? {}) as HfStreamOptions & { pair?: unknown };
  if (o.pair !== undefined) throw new InvalidArgumentError("encodeStream/countStream: a pair of sequences cannot be streamed (the pair template puts tokens between the two texts); use encode(text, { pair })");
  if (o.truncation != null) throw refusal("truncation was given");
  if (o.padding != null) throw refusal("padding was given");
  const set = tok.truncationAndPadding();
  if (set.truncation && o.truncation === undefined) throw refusal("the tokenizer sets truncation (its tokenizer.json or setTruncation)");
  if (set.padding && o.padding === undefined) throw refusal("the tokenizer sets padding (its tokenizer.json or setPadding)");
  const n = o.chunkChars;
  if (n !== undefined && (!Number.isInteger(n) || n < 1)) throw new InvalidArgumentError(`encodeStream/countStream: chunkChars must be a positive integer, got ${String(n)}`);
  const m = o.invalidUtf8;
  if (m !== undefined && m !== "error" && m !== "replace") throw new InvalidArgumentError(`encodeStream/countStream: invalidUtf8 must be "error" or "replace", got ${JSON.stringify(m)}`);
  const a = o.addSpecialTokens;
  if (a !== undefined && typeof a !== "boolean") throw new InvalidArgumentError(`encodeStream/countStream: option addSpecialTokens must be true or false, got ${typeof a}`);
}

function refusal(why: string): InvalidArgumentError {
  return new InvalidArgumentError(
    `encodeStream/countStream: ${why}; truncation and padding act on the whole encoding (its length, its last tokens) and cannot be streamed. ` +
      "Pass { truncation: null, padding: null } to stream without them, or use encode on the whole text",
  );
}

/** The text chunks of a source, cut by the tokenizer's rule (the whole text where it has none). */
export function hfTextChunks(tok: StreamTarget, source: TextSource, options: HfStreamOptions | undefined): AsyncGenerator<string> {
  const plan = planOf(tok);
  const chunkChars = options?.chunkChars ?? DEFAULT_CHUNK_CHARS;
  const invalidUtf8 = options?.invalidUtf8 ?? "error";
  const o: TextChunksOptions = options?.stats ? { stats: options.stats } : {};
  if (plan.kind === "openai") return textChunks(source, chunkChars, true, invalidUtf8, { ...o, specials: plan.specials });
  if (plan.kind === "space") return textChunks(source, chunkChars, true, invalidUtf8, { ...o, scan: spaceCutScanner(plan.allowed, plan.context) });
  return textChunks(source, chunkChars, false, invalidUtf8, o);
}

/** Token ids of a streamed text, a chunk at a time; concatenated: encode(wholeText, options). */
export async function* hfEncodeStream(tok: StreamTarget, source: TextSource, options: HfStreamOptions | undefined): AsyncGenerator<Uint32Array, void, undefined> {
  check(tok, options);
  const plan = planOf(tok);
  const cont = plan.kind === "space" && plan.cont !== undefined ? plan.cont : undefined;
  const [before, after] = options?.addSpecialTokens === false ? [[], []] : tok.postEnds();
  let first = true;
  for await (const text of hfTextChunks(tok, source, options)) {
    // a later chunk continues a segment of the one before (no added token ends at a cut)
    const ids = tok.encodeChunk(text, first ? undefined : cont);
    const out = first && before.length > 0 ? Uint32Array.from([...before, ...ids]) : Uint32Array.from(ids);
    first = false;
    if (out.length > 0) yield out;
  }
  if (after.length > 0) yield Uint32Array.from(after);
}

/** Number of tokens of a streamed text: encode(wholeText, options).length. */
export async function hfCountStream(tok: StreamTarget, source: TextSource, options: HfStreamOptions | undefined): Promise<number> {
  let n = 0;
  for await (const ids of hfEncodeStream(tok, source, options)) n += ids.length;
  return n;
}
