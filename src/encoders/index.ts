// Alternative segmentations of an Encoding's vocabulary: the same tokens, chosen differently
// inside each pre-token. Entry point `segment`; one module per segmentation.

import type { Encoding } from "../index.js";
import { registerSegmenter } from "../openai/encoding.js";
import { InvalidArgumentError } from "../errors.js";
import { byteIds, decodeByteIds } from "./bytes.js";
import { IdBuffer } from "./id-buffer.js";
import { MinTokensSegmenter } from "./min-tokens.js";
import { piecesOf, type PieceSplitter } from "./pieces.js";
import { mulberry32 } from "../shared/prng.js";
import { LONGEST_FIRST_KEY, RANK_KEY, RankMerger, type DropStats } from "./rank-merge.js";
import { vocabIndex } from "./vocab-trie.js";
import { internalsOf } from "../openai/encoding.js";

export { UTF8_CONTROL, byteIds, decodeByteIds } from "./bytes.js";
export type { DropStats } from "./rank-merge.js";
export { regexSplitter, scannerSplitter, type PieceSplitter, type PieceVisitor } from "./pieces.js";

export const SEGMENTATIONS = ["bpe", "min-tokens", "longest-first", "dropout", "bytes"] as const;
export type Segmentation = (typeof SEGMENTATIONS)[number];

export interface SegmentOptions {
  /**
   * - "bpe": the encoding's own (exact) BPE, `encodeOrdinary`;
   * - "min-tokens": fewest tokens per pre-token (PathPiece, arXiv 2402.18376), longest-first ties;
   * - "longest-first": LBPE's long-token-first merge order (arXiv 2411.05504);
   * - "dropout": BPE-dropout (arXiv 1910.13267) with probability `p`, seeded by `seed`;
   * - "bytes": UTF8Tokenizer (arXiv 2510.16987): ids are the UTF-8 byte values.
   */
  segmentation: Segmentation;
  /** "dropout" only: probability of dropping each candidate merge at each step, in [0, 1]. */
  p?: number;
  /** "dropout" only: seed of the generator (an integer; default 0). Same seed, same ids. */
  seed?: number;
  /** "dropout" only: filled with how many candidate merges were drawn and dropped. */
  stats?: DropStats;
}

export function isSegmentation(s: unknown): s is Segmentation {
  return typeof s === "string" && (SEGMENTATIONS as readonly string[]).includes(s);
}

interface Segmenters {
  min?: MinTokensSegmenter;
  longest?: RankMerger;
  rank?: RankMerger;
}
const segmenters = new WeakMap<Encoding, Segmenters>();

function segmentersOf(enc: Encoding): Segmenters {
  let s = segmenters.get(enc);
  if (!s) segmenters.set(enc, (s = {}));
  return s;
}

/**
 * Token ids of ordinary `text` (special-token text is plain text here, as in
 * `encodeOrdinary`) under another segmentation of `enc`'s vocabulary. Every segmentation
 * spells the text exactly: `enc.decode(ids) === text` (for "bytes": `decodeByteIds`), for text
 * without lone surrogates. The first call of a segmentation other than "bpe"/"bytes" builds a
 * trie of the vocabulary, kept with the Encoding: in the WASM core for "min-tokens" with the
 * WASM engine (~0.1 s for o200k_base), in TypeScript otherwise (~1 s).
 * @example segment(enc, "tokenization", { segmentation: "min-tokens" })
 * @example segment(enc, "tokenization", { segmentation: "dropout", p: 0.1, seed: 42 })
 * @throws InvalidArgumentError for an unknown segmentation or bad p/seed.
 */
export function segment(enc: Encoding, text: string, options: SegmentOptions): Uint32Array {
  return segmentWithPieces(enc, () => piecesOf(enc), text, options, true);
}

/**
 * `segment` with the pre-tokenizer given by the caller (an Encoding that knows its pattern can
 * pass `scannerSplitter(pattern)` or `regexSplitter(regex)` instead of having it looked up).
 * `split` is a function returning the splitter, called only when a segmentation needs pieces.
 * `useEngine` (when `split` is the encoding's own pre-tokenizer): "min-tokens" runs in the WASM
 * core where the engine has it (assembly/openai/min-tokens.ts: the same DP and tie rule).
 */
export function segmentWithPieces(enc: Encoding, split: () => PieceSplitter, text: string, options: SegmentOptions, useEngine = false): Uint32Array {
  if (typeof text !== "string") throw new InvalidArgumentError(`segment: expected text to be a string, got ${text === null ? "null" : typeof text}`);
  const seg = options?.segmentation;
  if (!isSegmentation(seg)) {
    throw new InvalidArgumentError(`segment: unknown segmentation ${JSON.stringify(seg)}; expected one of ${SEGMENTATIONS.join(", ")}`);
  }
  if (seg !== "dropout" && (options.p !== undefined || options.seed !== undefined)) {
    throw new InvalidArgumentError(`segment: p and seed apply to "dropout" only, not ${JSON.stringify(seg)}`);
  }
  if (seg === "bpe") return enc.encodeOrdinary(text);
  if (seg === "bytes") return byteIds(text);
  if (seg === "min-tokens" && useEngine) {
    // the WASM core's DP over its own trie (assembly/openai/min-tokens.ts), same result
    const core = internalsOf(enc).core;
    if (core.encodeMinTokens) return core.encodeMinTokens(text);
  }
  const out = new IdBuffer();
  const pieces = split();
  const s = segmentersOf(enc);
  if (seg === "min-tokens") {
    const m = (s.min ??= new MinTokensSegmenter(vocabIndex(enc)));
    pieces(text, (buf, a, b) => m.segmentPiece(buf, a, b, out));
  } else if (seg === "longest-first") {
    const m = (s.longest ??= new RankMerger(vocabIndex(enc), LONGEST_FIRST_KEY));
    pieces(text, (buf, a, b) => m.segmentPiece(buf, a, b, out));
  } else {
    const p = options.p ?? 0;
    if (typeof p !== "number" || !(p >= 0 && p <= 1)) throw new InvalidArgumentError(`segment: dropout p must be a number in [0, 1], got ${String(p)}`);
    const seed = options.seed ?? 0;
    if (!Number.isSafeInteger(seed)) throw new InvalidArgumentError(`segment: dropout seed must be an integer, got ${String(seed)}`);
    const m = (s.rank ??= new RankMerger(vocabIndex(enc), RANK_KEY));
    // Seeds beyond 32 bits: the high half folded in, so seeds 1 and 2^32 + 1 differ.
    const next = mulberry32((seed >>> 0) ^ Math.imul(Math.floor(seed / 4294967296) >>> 0, 0x9e3779b1));
    const drop = p === 0 ? undefined : () => next() < p;
    const stats = options.stats;
    pieces(text, (buf, a, b) => m.segmentPiece(buf, a, b, out, drop, stats));
  }
  return out.take();
}

/** The text of ids produced by `segment` with `segmentation`. */
export function decodeSegmented(enc: Encoding, ids: ArrayLike<number>, segmentation: Segmentation): string {
  return segmentation === "bytes" ? decodeByteIds(ids) : enc.decode(ids);
}

/** Makes `enc.encode(text, { segmentation })` work (the core calls back into this layer). */
export function installSegmentations(): void {
  registerSegmenter((enc, text, options) =>
    segment(enc, text, { segmentation: options.segmentation ?? "bpe", ...(options.p !== undefined ? { p: options.p } : {}), ...(options.seed !== undefined ? { seed: options.seed } : {}) }),
  );
}
