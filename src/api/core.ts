// The part of the public API that every whole-API entry evaluates at import: the OpenAI
// encodings and the tools installed into Encoding, the errors, the alternative segmentations,
// the metrics, and the constants and error classes of the layers (values a module must have at
// import, and small). The layers themselves are ./layers.ts.

export { Encoding, type EncodeOptions, type SpecialTokenSet, type StreamOptions, type HealOptions, type PrefixOptions } from "../openai/encoding.js";
export type { TextSource, InvalidUtf8Mode } from "../text/stream.js";
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
} from "../openai/load.js";
export { ENCODING_NAMES, encodingNameForModel, isEncodingName, listEncodings, type EncodingName } from "../openai/models.js";
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
  UnsupportedComponentError,
  TokenizerJsonError,
  BacktrackingPatternError,
} from "../errors.js";
export type { TokenDecoder, DecoderOptions } from "../text/decode-stream.js";
export type { EncodingOffsets, DecodedOffsets } from "../openai/offsets.js";
export type { TokenCounter } from "../text/counter.js";
export { segment, decodeSegmented, isSegmentation, SEGMENTATIONS, UTF8_CONTROL, type Segmentation, type SegmentOptions, type DropStats } from "../encoders/index.js";
export * as metrics from "../analysis/metrics.js";
export {
  EmptyCorpusError,
  VocabSizeError,
  SpecialTokenCollisionError,
  PatternSyntaxError,
  CorpusUtf8Error,
  CorpusReadError,
  VariantExportError,
} from "../train/errors.js";
export { ShardInputError, ShardReadError, ShardMergeError } from "../shard/errors.js";
export { DEFAULT_SHARD_TOKENS } from "../shard/defaults.js";
