/**
 * Offsets for the OpenAI encodings: `encodeWithOffsets` (UTF-16 [start, end) of each token in
 * the input) and `decodeWithOffsets` (tiktoken's decode_with_offsets: where each token's text
 * starts in the decoded text), both from the token ids alone: the bytes of the ids are the UTF-8
 * of the text, walked by src/text/utf16-position.ts (in the WASM core: assembly/openai/offsets.ts).
 */
import { Utf16Position } from "../text/utf16-position.js";

/**
 * What an engine fills in: for ids[i], starts[i] (and ends[i] when `ends` is given) in UTF-16
 * units, continuing from `pos`.
 */
export type OffsetsFn = (
  ids: ArrayLike<number>,
  other: (id: number, position: number) => Uint8Array,
  pos: Utf16Position,
  starts: Uint32Array,
  ends: Uint32Array | undefined,
) => void;

/** `OffsetsFn` over a vocabulary held in JS (the JS engine; the Encoding keeps its Vocab). */
export function offsetsFromVocab(offsets: Uint32Array, bytes: Uint8Array, nTokens: number): OffsetsFn {
  return (ids, other, pos, starts, ends) => {
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      let s = 0;
      let e = 0;
      if (id >= 0 && id < nTokens && id === (id | 0)) {
        s = offsets[id]!;
        e = offsets[id + 1]!;
      }
      if (e > s) {
        starts[i] = pos.token(bytes, s, e);
      } else {
        const b = other(id, i);
        starts[i] = b.length > 0 ? pos.token(b, 0, b.length) : pos.end();
      }
      if (ends) ends[i] = pos.end();
    }
  };
}

/** `Encoding.encodeWithOffsets`'s result. */
export interface EncodingOffsets {
  ids: Uint32Array;
  /** [start, end) of token i at 2i, 2i + 1, in UTF-16 code units of the input. */
  offsets: Uint32Array;
}

/** `Encoding.decodeWithOffsets`'s result. */
export interface DecodedOffsets {
  text: string;
  /** Where token i's text starts in `text` (UTF-16 code units). */
  offsets: Uint32Array;
}

/** Flat [start, end) pairs of `ids` in the text they make. */
export function spansOf(fn: OffsetsFn, ids: ArrayLike<number>, other: (id: number, position: number) => Uint8Array): Uint32Array {
  const n = ids.length;
  const starts = new Uint32Array(n);
  const ends = new Uint32Array(n);
  fn(ids, other, new Utf16Position(), starts, ends);
  const out = new Uint32Array(2 * n);
  for (let i = 0; i < n; i++) {
    out[2 * i] = starts[i]!;
    out[2 * i + 1] = ends[i]!;
  }
  return out;
}

/** Start of each of `ids` in the text they make. */
export function startsOf(fn: OffsetsFn, ids: ArrayLike<number>, other: (id: number, position: number) => Uint8Array): Uint32Array {
  const starts = new Uint32Array(ids.length);
  fn(ids, other, new Utf16Position(), starts, undefined);
  return starts;
}
