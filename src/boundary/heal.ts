// Token healing (Athiwaratkun et al., "Token Alignment via Character Matching for Subword
// Completion", ACL 2024 Findings, arXiv 2403.08688, §3): encode the prompt, take back its last B
// tokens (B = 1 is classic token healing), and let generation continue only with tokens
// consistent with the bytes taken back (`tokensConsistentWith`).

import type { Encoding, HealOptions } from "../openai/encoding.js";
import { InvalidArgumentError } from "../errors.js";

/**
 * `{ ids, prefix }`: `ids` are `encode(text, options)` without the last `backtrack` tokens, and
 * `prefix` the bytes of those tokens, so `decodeBytes(ids) ++ prefix` is the text's UTF-8. A
 * special token is never taken back (the prefix is ordinary bytes a sampler can match): the
 * backtrack stops after it. A backtrack past the start takes every token back.
 */
export function heal(enc: Encoding, text: string, options?: HealOptions): { ids: Uint32Array; prefix: Uint8Array } {
  const backtrack = options?.backtrack ?? 1;
  if (!Number.isInteger(backtrack) || backtrack < 0) throw new InvalidArgumentError(`heal: backtrack must be a non-negative integer, got ${String(backtrack)}`);
  const ids = enc.encode(text, options?.allowedSpecial !== undefined || options?.disallowedSpecial !== undefined ? { ...(options.allowedSpecial !== undefined ? { allowedSpecial: options.allowedSpecial } : {}), ...(options.disallowedSpecial !== undefined ? { disallowedSpecial: options.disallowedSpecial } : {}) } : undefined);
  const specials = new Set(Object.values(enc.specialTokens));
  let keep = ids.length;
  while (keep > 0 && ids.length - keep < backtrack && !specials.has(ids[keep - 1]!)) keep--;
  return { ids: ids.slice(0, keep), prefix: enc.decodeBytes(ids.subarray(keep)) };
}
