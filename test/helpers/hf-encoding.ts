// Compares tokenmill's full tokenizer.json encodings (HfEncoding: ids, offsets, type ids, masks,
// overflowing parts) with the reference's `Encoding` (npm `tokenizers`), for pairs, truncation
// and padding suites.
import { expect } from "vitest";
import type { HfEncoding, HfTokenizer } from "../../src/index.js";
import { toUtf16, type Reference } from "./hf-reference.js";

type RefEncoding = Awaited<ReturnType<Reference["encode"]>>;

const ASTRAL = /[\ud800-\udfff]/;

/**
 * The reference's char offsets as UTF-16, each token's against the sequence it came from (by
 * its sequence id), or null when that cannot be known: HF's overflowing parts lose their
 * sequence ids, so they are compared only when both texts are in the BMP (chars = code units).
 */
function refOffsets(r: RefEncoding, a: string, b: string | undefined): Array<[number, number]> | null {
  const offs = r.getOffsets();
  if (!ASTRAL.test(a) && !ASTRAL.test(b ?? "")) return offs.map(([s, e]) => [s!, e!]);
  const seq = r.getSequenceIds();
  const special = r.getSpecialTokensMask();
  if (seq.some((s, k) => s == null && special[k] === 0)) return null;
  const inA = toUtf16(a, offs.map((o, k) => (seq[k] === 1 ? [0, 0] : o)));
  const inB = b === undefined ? inA : toUtf16(b, offs.map((o, k) => (seq[k] === 1 ? o : [0, 0])));
  return offs.map((_, k) => (seq[k] === 1 ? inB[k]! : inA[k]!));
}

export function expectSameEncoding(ours: HfEncoding, r: RefEncoding, a: string, b: string | undefined, ctx: string, overflow = false): void {
  expect([...ours.ids], `${ctx} ids`).toEqual(r.getIds());
  expect([...ours.typeIds], `${ctx} typeIds`).toEqual(r.getTypeIds());
  expect([...ours.specialTokensMask], `${ctx} specialTokensMask`).toEqual(r.getSpecialTokensMask());
  expect([...ours.attentionMask], `${ctx} attentionMask`).toEqual(r.getAttentionMask());
  // (the sequence ids of HF's overflowing parts are not reliable: with astral chars only the
  // main encoding's offsets can be converted)
  const offs = overflow && ASTRAL.test(a + (b ?? "")) ? null : refOffsets(r, a, b);
  if (offs !== null) expect(ours.offsets, `${ctx} offsets`).toEqual(offs);
  const over = r.getOverflowing();
  expect(ours.overflowing.length, `${ctx} overflowing parts`).toBe(over.length);
  over.forEach((o, i) => expectSameEncoding(ours.overflowing[i]!, o, a, b, `${ctx} overflowing[${i}]`, true));
}

/** Both engines against one reference call; `expectError`: ours must throw where the reference rejects. */
export async function checkFull(name: string, engines: HfTokenizer[], ref: Reference, a: string, b: string | undefined, add: boolean): Promise<void> {
  const ctx = `${name} add=${add} a=${JSON.stringify(a.slice(0, 100))} b=${b === undefined ? "-" : JSON.stringify(b.slice(0, 100))}`;
  let ourErr: unknown = null;
  const got = engines.map((t) => {
    try {
      return b === undefined ? t.encodeWithOffsets(a, { addSpecialTokens: add }) : t.encodePair(a, b, { addSpecialTokens: add });
    } catch (e) {
      ourErr = e;
      return null;
    }
  });
  // HF aborts the process (a panic across the native boundary) on a stride that is not less
  // than the length a sequence is cut to: never hand it those; ours throws instead.
  if (ourErr !== null && /stride/.test(String(ourErr))) return;
  let r: RefEncoding;
  try {
    r = await ref.encode(a, b ?? null, { addSpecialTokens: add });
  } catch (e) {
    for (const g of got) expect(g, `${ctx}: HF rejects (${String(e)}), ours does not`).toBeNull();
    return;
  }
  if (ourErr !== null) throw new Error(`${ctx}: ours throws ${String(ourErr)}, HF encodes`);
  engines.forEach((t, i) => {
    const c = `${ctx} [${t.engine}]`;
    expectSameEncoding(got[i]!, r, a, b, c);
    const opts = { addSpecialTokens: add, ...(b === undefined ? {} : { pair: b }) };
    expect([...t.encode(a, opts)], `${c} encode`).toEqual(r.getIds());
    expect(t.count(a, opts), `${c} count`).toBe(r.getIds().length);
  });
}
