// What the Encoding needs from an engine: ordinary text in, ranks out. Special tokens are the
// Encoding's business; engines never see them.

export interface Engine {
  readonly kind: "wasm" | "js";
  /** The OpenAI pattern family it runs, if any: then text may be cut at src/text/stream.ts's points. */
  readonly pattern?: PatternId;
  /** Length of ordinary token `id`, 0 if it is none; engines that keep the vocabulary themselves. */
  tokenLength?(id: number): number;
  /** Bytes of WebAssembly memory the engine holds, if any. */
  readonly memoryBytes?: number;
  /** Empties any memo of merged pieces (results never depend on it). */
  clearCache?(): void;
  /** Token ids of `text`, no special tokens recognised. */
  encode(text: string): Uint32Array;
  /** Number of tokens of `text`; may stop counting once the count exceeds `limit`. */
  count(text: string, limit?: number): number;
  /** Optional fast path for decoding: all the bytes of `ids` (a view: it may be longer). */
  decodeBytes?(ids: ArrayLike<number>, other: (id: number, position: number) => Uint8Array): Uint8Array;
  /**
   * The prefix index (src/boundary/prefix.ts; WASM engine only): the ordinary tokens whose bytes
   * start with `bytes` (and, if `consistent`, those that are a proper prefix of it), as sorted
   * ranks, or as a bitset of ceil(ranks / 32) words when `mask`. Built on the first call.
   */
  prefixQuery?(bytes: Uint8Array, consistent: boolean, mask: boolean): Uint32Array;
  /**
   * "min-tokens" (src/encoders/min-tokens.ts) in the engine (WASM engine only): the fewest
   * tokens per pre-token, with the same tie rule; the first call builds a vocabulary trie.
   */
  encodeMinTokens?(text: string): Uint32Array;
  /** UTF-16 offsets of `ids` from `pos` on (src/openai/offsets.ts); engines that keep the vocabulary. */
  tokenOffsets?(
    ids: ArrayLike<number>,
    other: (id: number, position: number) => Uint8Array,
    pos: import("../text/utf16-position.js").Utf16Position,
    starts: Uint32Array,
    ends: Uint32Array | undefined,
  ): void;
  /** Optional fast path for decode(): the text of `ids`. */
  decodeText?(ids: ArrayLike<number>, other: (id: number, position: number) => Uint8Array): string;
}

/** Pre-tokenizer families with a hand-written scanner (DESIGN.md, "Pre-tokenizers"). */
/** 0 = r50k (r50k_base, gpt2, p50k_*), 1 = cl100k (cl100k_base), 2 = o200k (o200k_*). */
export type PatternId = 0 | 1 | 2;
export const PATTERN_R50K: PatternId = 0;
export const PATTERN_CL100K: PatternId = 1;
export const PATTERN_O200K: PatternId = 2;
