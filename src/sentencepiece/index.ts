/**
 * SentencePiece `.model` files: `fromSentencePieceModel`, and their conversion to a
 * HuggingFace tokenizer.json (`sentencePieceToTokenizerJson`).
 */
export {
  SentencePieceTokenizer,
  fromSentencePieceModel,
  sentencePieceToTokenizerJson,
  type SentencePieceOptions,
  type SentencePieceEncodeOptions,
} from "./tokenizer.js";
export type { SpModelProto, SpPiece, SpNormalizerSpec, SpTrainerSpec } from "./model-proto.js";
