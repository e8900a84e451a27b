// The HF reference (npm `tokenizers`: HuggingFace's Rust through its native binding) and the
// differential check the tokenizer.json suites share: ids, offsets, count, and decode with and
// without special tokens, with and without the post-processor's special tokens.
//
// Offsets: the binding reports char offsets (Unicode code points, OffsetType::Char); tokenmill
// reports UTF-16 code units. `toUtf16` converts the reference's through the code point → UTF-16
// index table of the input.
import { createRequire } from "node:module";
import { expect } from "vitest";
import type { HfTokenizer } from "../../src/index.js";

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const hf = require("tokenizers") as typeof import("tokenizers");

export type Reference = InstanceType<typeof hf.Tokenizer>;

export function toUtf16(text: string, offs: number[][]): Array<[number, number]> {
  const u = [0];
  for (const c of text) u.push(u[u.length - 1]! + c.length);
  return offs.map(([a, b]) => [u[a!]!, u[b!]!] as [number, number]);
}

/** Both engines against one reference run (the reference is the slow part). */
export async function check(name: string, engines: HfTokenizer[], ref: Reference, text: string): Promise<void> {
  for (const add of [true, false]) {
    const r = await ref.encode(text, null, { addSpecialTokens: add });
    const refIds = r.getIds();
    const refOffsets = toUtf16(text, r.getOffsets());
    const refDecode = await ref.decode(refIds, false);
    const refDecodeSkip = await ref.decode(refIds, true);
    for (const ours of engines) {
      const o = ours.encodeWithOffsets(text, { addSpecialTokens: add });
      const ctx = `${name} [${ours.engine}] add=${add} text=${JSON.stringify(text.slice(0, 200))}`;
      expect([...o.ids], ctx).toEqual(refIds);
      expect([...ours.encode(text, { addSpecialTokens: add })], `${ctx} encode`).toEqual(refIds);
      expect(o.offsets, `${ctx} offsets`).toEqual(refOffsets);
      expect(ours.count(text, { addSpecialTokens: add }), ctx).toBe(refIds.length);
      expect(ours.decode(o.ids), `${ctx} decode`).toBe(refDecode);
      expect(ours.decode(o.ids, { skipSpecialTokens: true }), `${ctx} decode skip`).toBe(refDecodeSkip);
    }
  }
}
