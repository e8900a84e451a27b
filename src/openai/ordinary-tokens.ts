// Its own module, not a method of Encoding: only the layers that index the whole vocabulary in
// JS (src/boundary/cover.ts, src/encoders/vocab-trie.ts) need it, and the per-encoding entries
// share encoding.ts's chunk.
import type { Encoding } from "./encoding.js";

/** The bytes of every ordinary token of `enc` by id; undefined for special and absent ids. */
export function ordinaryTokenBytes(enc: Encoding): Array<Uint8Array | undefined> {
  const special = new Set(Object.values(enc.specialTokens));
  const tokens: Array<Uint8Array | undefined> = new Array(enc.nVocab);
  for (let id = 0; id < enc.nVocab; id++) tokens[id] = !special.has(id) && enc.isValidId(id) ? enc.tokenBytes(id) : undefined;
  return tokens;
}
