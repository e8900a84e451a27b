// tokenmill/gpt2: the gpt2 encoding (r50k_base ranks), and nothing else in the bundle.
// The vocab (vocab/r50k_base.tkp, next to this package) is fetched on the first load(), never at import.

import type { Encoding } from "../encoding.js";
import type { LoadOptions } from "../vocab-load.js";
import { loadBuiltin } from "./core.js";

export type { Encoding, LoadOptions };
export { TokenmillError, DisallowedSpecialTokenError, InvalidTokenIdError, InvalidUtf8Error, VocabFormatError } from "../../errors.js";

export const name = "gpt2";

/**
 * Loads gpt2. Repeated calls return the same Encoding.
 * @param options vocabUrl / vocab to supply the vocab yourself; engine "js" for the fallback.
 * @example const enc = await load(); enc.count("hello world")
 */
export function load(options?: LoadOptions): Promise<Encoding> {
  return loadBuiltin(name, () => new URL("../vocab/r50k_base.tkp", import.meta.url), options);
}
