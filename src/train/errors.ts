// Errors of the trainer. Each says what was wrong and where; all are TokenmillErrors.
import { InvalidArgumentError, InvalidUtf8Error, TokenmillError } from "../errors.js";

/** The corpus gave no word at all to learn from (no text, or only empty strings). */
export class EmptyCorpusError extends TokenmillError {
  constructor(detail: string) {
    super("EMPTY_CORPUS", `train: the corpus is empty (${detail}); give at least one non-empty text`);
  }
}

/** vocabSize cannot hold the alphabet and the special tokens, or is not a usable number. */
export class VocabSizeError extends InvalidArgumentError {
  constructor(readonly vocabSize: unknown, readonly minimum: number, why: string) {
    super(`train: vocabSize ${String(vocabSize)} is invalid: ${why} (minimum ${minimum})`);
  }
}

/** Two special tokens are the same string, or one is empty. */
export class SpecialTokenCollisionError extends InvalidArgumentError {
  constructor(readonly token: string, why: string) {
    super(`train: special token ${JSON.stringify(token)} ${why}`);
  }
}

/** The `pattern` option is not a known name and does not compile as a JS regular expression. */
export class PatternSyntaxError extends InvalidArgumentError {
  constructor(readonly pattern: string, cause: string) {
    super(
      `train: pattern ${JSON.stringify(pattern.slice(0, 120))} is neither "o200k", "cl100k", "gpt2", ` +
        `"llama3", "none" nor a regular expression that compiles with the "u" flag: ${cause}`,
    );
  }
}

/** A corpus file (or byte stream) is not UTF-8; `file` is the path, or "<stream>". */
export class CorpusUtf8Error extends InvalidUtf8Error {
  constructor(readonly file: string, byteOffset: number, bytes: Uint8Array) {
    super(byteOffset, bytes);
    this.message = `${file}: ${this.message}`;
  }
}

/** A corpus file could not be read. */
export class CorpusReadError extends TokenmillError {
  constructor(readonly file: string, cause: string) {
    super("CORPUS_READ", `train: cannot read ${JSON.stringify(file)}: ${cause}`);
  }
}

/**
 * A vocabulary of a trainer variant asked for in a form that cannot encode as the variant
 * does: Scaffold-BPE's demolition and BoundlessBPE's supermerges are neither a .tiktoken rank
 * file, a tokenizer.json BPE model nor an Encoding.
 */
export class VariantExportError extends TokenmillError {
  constructor(readonly variant: "scaffold" | "boundless", readonly target: string) {
    const what = variant === "scaffold" ? "Scaffold-BPE" : "BoundlessBPE";
    const why =
      variant === "scaffold"
        ? "plain BPE over it would emit scaffold tokens, which only TrainedTokenizer.encode demolishes"
        : "its supermerges join whole pretokens after BPE, which only TrainedTokenizer.encode applies";
    super(
      "VARIANT_EXPORT",
      `train: a ${what} vocabulary cannot be written as ${target}: ${why} ` +
        "(use tok.encode / tok.count, or tok.expandedEncoding for plain BPE over every token)",
    );
  }
}
