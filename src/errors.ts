/**
 * Every error tokenmill throws on purpose is a `TokenmillError`, with a `code` that programs can
 * switch on and a message that names what was wrong and where.
 */
export class TokenmillError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The text contains a special token that the call did not allow (tiktoken's default guard). */
export class DisallowedSpecialTokenError extends TokenmillError {
  constructor(readonly token: string, readonly index: number) {
    super(
      "DISALLOWED_SPECIAL",
      `text contains the special token ${JSON.stringify(token)} at index ${index}; ` +
        `pass { allowedSpecial: "all" } (or a set naming it) to encode it as a special token, ` +
        `or { disallowedSpecial: [] } to encode it as ordinary text`,
    );
  }
}

/** `decode`/`decodeBytes`/`tokenBytes` got something that is not a token id of this encoding. */
export class InvalidTokenIdError extends TokenmillError {
  constructor(readonly id: unknown, readonly position: number, nVocab: number) {
    super(
      "INVALID_TOKEN_ID",
      `invalid token id ${typeof id === "string" ? JSON.stringify(id) : typeof id === "bigint" ? `${id}n (a BigInt)` : String(id)} at position ${position}: ids are integers in [0, ${nVocab - 1}] that name a token of this encoding`,
    );
  }
}

export class UnknownEncodingError extends TokenmillError {
  constructor(readonly encodingName: string, readonly known: readonly string[]) {
    super("UNKNOWN_ENCODING", `unknown encoding ${JSON.stringify(encodingName)}; known encodings: ${known.join(", ")}`);
  }
}

export class UnknownModelError extends TokenmillError {
  constructor(readonly model: string, readonly known: readonly string[]) {
    super(
      "UNKNOWN_MODEL",
      `unknown model ${JSON.stringify(model)}; known models and prefixes: ${known.join(", ")}`,
    );
  }
}

/** A vocabulary (a `.tiktoken` rank file or a `.tkv` file of ours) is malformed. */
export class VocabFormatError extends TokenmillError {
  constructor(message: string, readonly line?: number) {
    super("VOCAB_FORMAT", line === undefined ? message : `line ${line}: ${message}`);
  }
}

/** Bad arguments: wrong types, unknown options, inconsistent custom encodings. */
export class InvalidArgumentError extends TokenmillError {
  constructor(message: string, code = "INVALID_ARGUMENT") {
    super(code, message);
  }
}

/**
 * A tokenizer.json that HF `tokenizers` would refuse to load: a value of the wrong type or out
 * of range, a missing required field, nesting deeper than HF's parser allows. `path` names the
 * value in the file, e.g. `model.vocab["a"]` or `added_tokens[2].id`. An InvalidArgumentError
 * (the file is the argument), with its own code.
 */
export class TokenizerJsonError extends InvalidArgumentError {
  constructor(readonly path: string, detail: string) {
    super(`tokenizer.json: ${path}: ${detail}`, "TOKENIZER_JSON");
  }
}

/**
 * A regular expression (a tokenizer.json Split/Replace pattern or a createEncoding pattern)
 * that a backtracking engine can take exponential time on: a quantified group whose body can
 * match the same text in more than one way, e.g. `(a+)+$` or `(a|a)*`. Refused at load, so no
 * input can block the thread. `pattern` is the pattern as given; `part` is the offending piece.
 */
export class BacktrackingPatternError extends InvalidArgumentError {
  constructor(readonly pattern: string, readonly part: string, where: string) {
    super(
      `${where}: the pattern ${JSON.stringify(pattern)} can take exponential time on a backtracking regex engine ` +
        `(${JSON.stringify(part)}, in its JS translation, is a repetition whose body can match the same text in more than one way); ` +
        `rewrite it without nested or ambiguous repetition`,
      "BACKTRACKING_PATTERN",
    );
  }
}

/**
 * A tokenizer.json names a component (model, normalizer, pre-tokenizer, post-processor,
 * decoder) or an option of one that tokenmill does not implement. Raised at load time, so a
 * tokenizer never silently encodes differently from HuggingFace `tokenizers`.
 */
export class UnsupportedComponentError extends TokenmillError {
  constructor(readonly component: string, detail?: string) {
    super(
      "UNSUPPORTED_COMPONENT",
      `tokenizer.json: ${component} is not supported${detail ? ` (${detail})` : ""}`,
    );
  }
}

/**
 * Bytes given as text (a stream of Uint8Array parts, a file for the CLI) are not well-formed
 * UTF-8. `byteOffset` counts from the start of the stream; `bytes` are the ill-formed sequence
 * (the lead byte and the continuation bytes that follow it, at most 4).
 */
export class InvalidUtf8Error extends TokenmillError {
  constructor(readonly byteOffset: number, readonly bytes: Uint8Array) {
    super(
      "INVALID_UTF8",
      `invalid UTF-8 at byte ${byteOffset} (${hexBytes(bytes)}): ` +
        `the text is not UTF-8 (or ends mid-character); to read each ill-formed sequence as U+FFFD instead, ` +
        `pass { invalidUtf8: "replace" } (CLI: --invalid-utf8 replace)`,
    );
  }
}

/**
 * A streamed text (`encodeStream`, `countStream`, the CLI) has no point where it can be cut
 * without changing its tokens within `bound` UTF-16 code units from `offset` (counted from the
 * stream's start): one pre-tokenizer piece that long ("aaaa…", a run of NUL bytes), or any text
 * that long when no cut is possible at all (a custom pattern, a tokenizer.json). Raised rather
 * than holding ever more of the stream in memory.
 */
export class UncuttableTextError extends TokenmillError {
  constructor(readonly offset: number, readonly bound: number, cuttable = true) {
    super(
      "UNCUTTABLE_TEXT",
      cuttable
        ? `text stream: no point where the text can be cut without changing its tokens in the ${bound} characters from character ${offset} ` +
            `(one pre-tokenizer piece that long, such as a run of one letter or of NUL bytes); encode such text with encode/count, or split it yourself`
        : `text stream: this encoding's text cannot be cut (a custom pattern or tokenizer.json), and it is longer than the ${bound} characters a JS string holds`,
    );
  }
}

/** Bytes as upper-case hex pairs separated by spaces ("F0 9F 98"), for messages. */
export function hexBytes(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).toUpperCase().padStart(2, "0")).join(" ");
}

/**
 * A tokenizer.json streaming decoder (HF `DecodeStream` semantics) found that the text of its
 * window no longer starts with the text it returned last: the decoder chain rewrote earlier
 * text (HF raises `DecodeStreamError::InvalidPrefix` there too).
 */
export class DecodeStreamPrefixError extends TokenmillError {
  constructor(readonly tokenId: number, readonly expectedPrefix: string, readonly actual: string) {
    super(
      "DECODE_STREAM_PREFIX",
      `decoder: after token ${tokenId} the decoded window ${JSON.stringify(actual)} no longer starts with the text returned before, ${JSON.stringify(expectedPrefix)} (the file's decoder chain rewrites earlier text)`,
    );
  }
}
