// The errors of the shard layer: bad input documents (naming the file and line) and shard
// directories that cannot be resumed or merged.

import { TokenmillError } from "../errors.js";

/**
 * A document of the corpus is bad: a line that is not JSON, a JSON line without the `--field`,
 * or bytes that are not UTF-8. `path` and `line` (1-based; 0 = the whole file) name it. Pass
 * `skipInvalid: true` (CLI: --skip-invalid) to skip such documents; they are counted in the index.
 */
export class ShardInputError extends TokenmillError {
  constructor(readonly path: string, readonly line: number, readonly reason: string) {
    super("SHARD_INPUT", `${path}${line > 0 ? `:${line}` : ""}: ${reason}`);
  }
}

/** An input file could not be opened or read (missing, a directory, no permission, a bad .gz). */
export class ShardReadError extends TokenmillError {
  constructor(readonly path: string, reason: string) {
    super("SHARD_READ", `${path}: ${reason}`);
  }
}

/** Task outputs that cannot be merged (different options or inputs, a task not finished). */
export class ShardMergeError extends TokenmillError {
  constructor(message: string) {
    super("SHARD_MERGE", message);
  }
}
