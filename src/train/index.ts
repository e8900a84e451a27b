// The BPE trainer's public surface.
export { train, type TrainOptions, type TrainProgress } from "./train.js";
export { TrainedTokenizer } from "./trained.js";
export type { TrainSource, InvalidUtf8Option } from "./count.js";
export type { PatternName } from "./patterns.js";
export {
  EmptyCorpusError,
  VocabSizeError,
  SpecialTokenCollisionError,
  PatternSyntaxError,
  CorpusUtf8Error,
  CorpusReadError,
  VariantExportError,
} from "./errors.js";
