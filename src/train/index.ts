// The BPE trainer's public surface.
import type { TrainSource } from "./count.js";
import type { TrainOptions } from "./train.js";
import type { TrainedTokenizer } from "./trained.js";

export type { TrainOptions, TrainProgress } from "./train.js";

/**
 * Trains a byte-level BPE vocabulary (train.ts has the details). The trainer (corpus reading,
 * counting, the merge loop, its WASM core) is its own chunk, loaded on the first call, so that
 * importing the whole API does not compile it (PERFORMANCE.md C8); train is asynchronous anyway.
 *
 * `source`: a string (one sequence), an iterable of strings (each one sequence), a Node
 * stream / async iterable of text or UTF-8 bytes (read line by line), or `{ files: [...] }`
 * (each file read line by line, like HF `Tokenizer.train(files)`).
 *
 * @example const tok = await train({ files: ["corpus.txt"] }, { vocabSize: 8000, pattern: "o200k" });
 *          tok.encode("hello world"); fs.writeFileSync("mine.tiktoken", tok.toTiktokenFile());
 * @throws EmptyCorpusError, VocabSizeError, SpecialTokenCollisionError, PatternSyntaxError,
 *         CorpusUtf8Error, CorpusReadError, InvalidArgumentError.
 */
export async function train(source: TrainSource, options: TrainOptions): Promise<TrainedTokenizer> {
  const trainer = await import("./train.js");
  return trainer.train(source, options);
}
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
