// tokenmill/cl100k_base: the cl100k_base encoding (GPT-4, GPT-3.5-turbo, text-embedding-3), and nothing else in the bundle.
// The vocab (vocab/cl100k_base.tkp, next to this package) is fetched on the first load(), never at import.

import type { Encoding } from "../encoding.js";
import type { LoadOptions } from "../vocab-load.js";
import { loadBuiltin } from "./core.js";

export type { Encoding, LoadOptions };
export { TokenmillError, DisallowedSpecialTokenError, InvalidTokenIdError, InvalidUtf8Error, VocabFormatError } from "../../errors.js";

export const name = "cl100k_base";

/**
 * Loads cl100k_base. Repeated calls return the same Encoding.
 * @param options vocabUrl / vocab to supply the vocab yourself; engine "js" for the fallback.
 * @example const enc = await load(); enc.count("hello world")
 */
export function load(options?: LoadOptions): Promise<Encoding> {
  return loadBuiltin(name, () => new URL("../vocab/cl100k_base.tkp", import.meta.url), options);
}
