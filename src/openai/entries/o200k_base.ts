// tokenmill/o200k_base: the o200k_base encoding (GPT-4o, GPT-4.1, o1, o3, o4-mini, GPT-5), and nothing else in the bundle.
// The vocab (vocab/o200k_base.tkp, next to this package) is fetched on the first load(), never at import.

import type { Encoding } from "../encoding.js";
import type { LoadOptions } from "../vocab-load.js";
import { loadBuiltin } from "./core.js";

export type { Encoding, LoadOptions };
export { TokenmillError, DisallowedSpecialTokenError, InvalidTokenIdError, InvalidUtf8Error, VocabFormatError } from "../../errors.js";

export const name = "o200k_base";

/**
 * Loads o200k_base. Repeated calls return the same Encoding.
 * @param options vocabUrl / vocab to supply the vocab yourself; engine "js" for the fallback.
 * @example const enc = await load(); enc.count("hello world")
 */
export function load(options?: LoadOptions): Promise<Encoding> {
  return loadBuiltin(name, () => new URL("../vocab/o200k_base.tkp", import.meta.url), options);
}
