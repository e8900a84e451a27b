// The prompt-boundary tools (issue 13 parts 5–7): token healing and prefix-consistent tokens,
// canonicality, cover encodings. They reach the Encoding through `enc.heal(...)` etc., which the
// core forwards here once the whole-API entry has called installBoundaryTools().

import { registerBoundary } from "../openai/encoding.js";
import { heal } from "./heal.js";
import { tokensWithPrefix } from "./prefix.js";
import { canonicalize, firstNonCanonical } from "./canonical.js";
import { coverEncodings } from "./cover.js";

export { heal, tokensWithPrefix, canonicalize, firstNonCanonical, coverEncodings };

/** Gives Encoding its heal, tokensWithPrefix, isCanonical, canonicalize and coverEncodings methods. */
export function installBoundaryTools(): void {
  registerBoundary({ heal, tokensWithPrefix, firstNonCanonical, canonicalize, coverEncodings });
}
