// The layers of the public API above the core: tokenizer.json, SentencePiece, the worker pool
// and batches, comparison and reports, training, chat counting and corpus sharding. Only
// functions and classes: the Node entry (../index-node.ts) stands in for each of them until its
// first use, and loads this module then (values a module must have at import are in ./core.ts).

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
} from "../hf/index.js";
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
} from "../sentencepiece/index.js";
export { createTokenizerPool, type TokenizerPool, type TokenizerPoolOptions, type BatchOptions } from "../parallel/pool.js";
export { encodeBatch, countBatch } from "../parallel/batch.js";
export { hfEncodeBatch, hfCountBatch, type HfBatchItem, type HfBatchOptions } from "../parallel/hf-batch.js";
export {
  compareTokenizers,
  parseTokenizerSpec,
  renderCsv,
  renderJson,
  renderTable,
  renderHtml,
  type CompareOptions,
  type CorpusInput,
  type CorpusText,
  type LabelledTokenizer,
  type Report,
  type ReportCorpus,
  type ReportParity,
  type ReportRow,
  type ReportTokenizer,
  type ReportTotal,
  type SegmentedTokenizer,
  type TokenizerInput,
  type TokenizerLike,
} from "../analysis/index.js";
export { train, TrainedTokenizer, type TrainOptions, type TrainProgress, type TrainSource, type InvalidUtf8Option, type PatternName } from "../train/index.js";
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
} from "../chat/index.js";
export {
  shardCorpus,
  listShardInputs,
  mergeShardTasks,
  megatronIndex,
  type ShardOptions,
  type ShardProgress,
  type ShardResult,
  type MergeOptions,
  type ShardIndex,
  type ShardEntry,
  type ShardRange,
  type ShardConfig,
  type ShardDtype,
  type TokenizerIdentity,
  type InputRecord,
} from "../shard/index.js";
