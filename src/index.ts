// tokenmill: exact, fast BPE tokenization of the OpenAI encodings (and custom tiktoken-style ones).

export { Encoding, type EncodeOptions, type SpecialTokenSet, type StreamOptions } from "./encoding.js";
export type { TextSource, InvalidUtf8Mode } from "./stream.js";
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
} from "./load.js";
export { ENCODING_NAMES, encodingNameForModel, isEncodingName, type EncodingName } from "./models.js";
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
import { ENCODING_NAMES as ENCODING_NAMES_LIST } from "./models.js";
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
export { UnsupportedComponentError } from "./errors.js";
export {
  createTokenizerPool,
  encodeBatch,
  countBatch,
  type TokenizerPool,
  type TokenizerPoolOptions,
  type BatchOptions,
} from "./pool.js";
export * from "./train/index.js";
