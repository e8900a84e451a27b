// What the whole-API entries add to Encoding, which the core and the per-encoding entries leave
// out to stay small. Each entry calls installEncodingTools() in its own top-level code, so that
// the call is in the entry file itself, which package.json's "sideEffects" names: bundlers keep
// it whatever a user imports.

import { installBoundaryTools } from "../boundary/index.js";
import { installSegmentations } from "../encoders/index.js";
import { installStreamingTools } from "../openai/streaming-tools.js";

export function installEncodingTools(): void {
  installBoundaryTools(); // enc.heal, tokensWithPrefix, isCanonical, coverEncodings, ...
  installStreamingTools(); // enc.decoder(), decodeStream, encodeWithOffsets, decodeWithOffsets, counter
  installSegmentations(); // enc.encode(text, { segmentation })
}
