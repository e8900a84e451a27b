// Checking option objects: the README promises that an unknown option throws (a misspelt
// `allowedSpecials` must not silently encode differently), and that options are objects.

import { InvalidArgumentError } from "../errors.js";

/** The options `encode`, `count` and `isWithinTokenLimit` take (EncodeOptions). */
export const ENCODE_OPTIONS: ReadonlySet<string> = new Set(["allowedSpecial", "disallowedSpecial", "segmentation", "p", "seed"]);
/** The options `encodeStream` and `countStream` take (StreamOptions): EncodeOptions and two more. */
export const STREAM_OPTIONS: ReadonlySet<string> = new Set([...ENCODE_OPTIONS, "chunkChars", "invalidUtf8"]);
/** The options the loaders take (LoadOptions). */
export const LOAD_OPTIONS: ReadonlySet<string> = new Set(["engine", "wasm", "vocab", "vocabUrl"]);
/** The fields of createEncoding's spec (CustomEncodingSpec). */
export const CUSTOM_ENCODING_FIELDS: ReadonlySet<string> = new Set(["name", "patStr", "mergeableRanks", "specialTokens", "explicitNVocab"]);

/**
 * Throws InvalidArgumentError if `options` is neither undefined nor an object, or has an own
 * enumerable key not in `known` (naming it, and `where`). A for-in over a small object: no
 * allocation on the encode path.
 */
export function checkOptions(options: unknown, known: ReadonlySet<string>, where: string): void {
  if (options === undefined) return;
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new InvalidArgumentError(`${where}: options must be an object, got ${options === null ? "null" : Array.isArray(options) ? "an array" : typeof options}`);
  }
  for (const key in options) {
    if (!known.has(key) && Object.prototype.hasOwnProperty.call(options, key)) {
      throw new InvalidArgumentError(`${where}: unknown option ${JSON.stringify(key)}; the options are ${[...known].join(", ")}`);
    }
  }
}
