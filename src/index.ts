// tokenmill: exact, fast BPE tokenization of the OpenAI encodings (and custom tiktoken-style ones).

export { Encoding, type EncodeOptions, type SpecialTokenSet, type StreamOptions, type HealOptions, type PrefixOptions } from "./openai/encoding.js";
// enc.heal, tokensWithPrefix, isCanonical, coverEncodings, ... (registered into Encoding when loaded)
import "./boundary/index.js";
import { installStreamingTools } from "./openai/streaming-tools.js";
installStreamingTools(); // enc.decoder(), decodeStream, encodeWithOffsets, decodeWithOffsets, counter
export type { TextSource, InvalidUtf8Mode } from "./text/stream.js";
export {
  getEncoding,
  getEncodingSync,
  encodingForModel,
  getEncodingForModel,
  createEncoding,
  parseTiktokenFile,
  type LoadOptions,
  type CustomEncodingSpec,
  type MergeableRanks,
} from "./openai/load.js";
export { ENCODING_NAMES, encodingNameForModel, isEncodingName, type EncodingName } from "./openai/models.js";
export {
  TokenmillError,
  DisallowedSpecialTokenError,
  InvalidTokenIdError,
  UnknownEncodingError,
  UnknownModelError,
  VocabFormatError,
  InvalidArgumentError,
  InvalidUtf8Error,
  DecodeStreamPrefixError,
  UncuttableTextError,
} from "./errors.js";
export type { TokenDecoder, DecoderOptions } from "./text/decode-stream.js";
export type { EncodingOffsets, DecodedOffsets } from "./openai/offsets.js";
export type { TokenCounter } from "./text/counter.js";

/** Names of the built-in encodings. */
export function listEncodings(): string[] {
  return [...ENCODING_NAMES_LIST];
}
import { ENCODING_NAMES as ENCODING_NAMES_LIST } from "./openai/models.js";
export {
  fromTokenizerJson,
  fromTokenizerJsonSync,
  HfTokenizer,
  type TokenizerJsonSource,
  type TokenizerJsonOptions,
  type HfEncodeOptions,
  type HfDecodeOptions,
  type EncodingWithOffsets,
  type HfEncoding,
  type HfTruncationOptions,
  type HfPaddingOptions,
  type HfStreamOptions,
} from "./hf/index.js";
export { UnsupportedComponentError, TokenizerJsonError, BacktrackingPatternError } from "./errors.js";
export {
  fromSentencePieceModel,
  sentencePieceToTokenizerJson,
  SentencePieceTokenizer,
  type SentencePieceOptions,
  type SentencePieceEncodeOptions,
  type SpModelProto,
  type SpPiece,
  type SpNormalizerSpec,
  type SpTrainerSpec,
} from "./sentencepiece/index.js";
export {
  createTokenizerPool,
  type TokenizerPool,
  type TokenizerPoolOptions,
  type BatchOptions,
} from "./parallel/pool.js";
export { encodeBatch, countBatch } from "./parallel/batch.js";
export { hfEncodeBatch, hfCountBatch, type HfBatchItem, type HfBatchOptions } from "./parallel/hf-batch.js";
export { segment, decodeSegmented, isSegmentation, SEGMENTATIONS, UTF8_CONTROL, type Segmentation, type SegmentOptions, type DropStats } from "./encoders/index.js";
export * from "./analysis/index.js";
export * from "./train/index.js";
export {
  encodeChat,
  countChat,
  isChatWithinTokenLimit,
  type ChatMessage,
  type ChatTool,
  type ChatToolCall,
  type ChatFunctionCall,
  type ChatFunctionDefinition,
  type ChatToolProperty,
  type ChatTarget,
  type ChatOptions,
} from "./chat/index.js";
export * from "./shard/index.js";
