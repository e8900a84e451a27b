// tokenmill: exact, fast BPE tokenization of the OpenAI encodings (and custom tiktoken-style ones).

export { Encoding, type EncodeOptions, type SpecialTokenSet, type StreamOptions } from "./openai/encoding.js";
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
} from "./errors.js";

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
} from "./hf/index.js";
export { UnsupportedComponentError, TokenizerJsonError, BacktrackingPatternError } from "./errors.js";
export {
  createTokenizerPool,
  type TokenizerPool,
  type TokenizerPoolOptions,
  type BatchOptions,
} from "./parallel/pool.js";
export { encodeBatch, countBatch } from "./parallel/batch.js";
export { segment, decodeSegmented, isSegmentation, SEGMENTATIONS, UTF8_CONTROL, type Segmentation, type SegmentOptions, type DropStats } from "./encoders/index.js";
export * from "./analysis/index.js";
export * from "./train/index.js";
