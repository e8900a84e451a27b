/**
 * A tokenizer.json encoding with everything HF's `Encoding` carries (tokenizers/src/tokenizer/
 * encoding.rs): ids, type ids (segment ids), offsets, the special-tokens mask, the attention mask
 * and overflowing parts; and `merge_with`, which post-processors, pairs and truncation rely on.
 */
import type { Enc } from "./tokenizer.js";

/** An encoding as HF's `Encoding` holds it (offsets: UTF-16, two per token, into `text`). */
export interface SeqEnc {
  ids: number[];
  typeIds: number[];
  offs: number[];
  special: number[];
  attention: number[];
  overflowing: SeqEnc[];
  /** The text the offsets point into (only read by offset trimming, before parts are merged). */
  text: string;
}

/** Token strings, for offset trimming. */
export interface TokenStrings {
  tokenString(id: number): string;
}

export function seqEnc(e: Enc, typeId: number, text: string): SeqEnc {
  const n = e.ids.length;
  return {
    ids: e.ids,
    typeIds: new Array<number>(n).fill(typeId),
    offs: e.offs.length === 2 * n ? e.offs : new Array<number>(2 * n).fill(0),
    special: new Array<number>(n).fill(0),
    attention: new Array<number>(n).fill(1),
    overflowing: [],
    text,
  };
}

export function emptyEnc(): SeqEnc {
  return { ids: [], typeIds: [], offs: [], special: [], attention: [], overflowing: [], text: "" };
}

export function cloneEnc(e: SeqEnc): SeqEnc {
  return {
    ids: e.ids.slice(),
    typeIds: e.typeIds.slice(),
    offs: e.offs.slice(),
    special: e.special.slice(),
    attention: e.attention.slice(),
    overflowing: e.overflowing.map(cloneEnc),
    text: e.text,
  };
}

/** Tokens [a, b) of e as a new encoding without overflowing parts. */
export function sliceEnc(e: SeqEnc, a: number, b: number): SeqEnc {
  return {
    ids: e.ids.slice(a, b),
    typeIds: e.typeIds.slice(a, b),
    offs: e.offs.slice(2 * a, 2 * b),
    special: e.special.slice(a, b),
    attention: e.attention.slice(a, b),
    overflowing: [],
    text: e.text,
  };
}

/** The tokens of special pieces: ids with type id, offsets [0, 0], mask 1. */
export function specialEnc(ids: readonly number[], typeId: number): SeqEnc {
  const n = ids.length;
  return {
    ids: ids.slice(),
    typeIds: new Array<number>(n).fill(typeId),
    offs: new Array<number>(2 * n).fill(0),
    special: new Array<number>(n).fill(1),
    attention: new Array<number>(n).fill(1),
    overflowing: [],
    text: "",
  };
}

function concatInto(self: SeqEnc, p: SeqEnc): void {
  for (const x of p.ids) self.ids.push(x);
  for (const x of p.typeIds) self.typeIds.push(x);
  for (const x of p.offs) self.offs.push(x);
  for (const x of p.special) self.special.push(x);
  for (const x of p.attention) self.attention.push(x);
}

/**
 * HF `Encoding::merge_with` (growing_offsets false): appends `pair`; the overflowing parts
 * become every combination, in HF's order: each of ours with the pair and with each of the
 * pair's overflowing parts, then ourself with each of the pair's overflowing parts.
 */
export function mergeWith(self: SeqEnc, pair: SeqEnc): void {
  const overflowing: SeqEnc[] = [];
  for (const o of self.overflowing) {
    const n = cloneEnc(o);
    mergeWith(n, cloneEnc(pair));
    overflowing.push(n);
    for (const po of pair.overflowing) {
      const m = cloneEnc(o);
      mergeWith(m, cloneEnc(po));
      overflowing.push(m);
    }
  }
  for (const po of pair.overflowing) {
    const n = cloneEnc(self);
    mergeWith(n, cloneEnc(po));
    overflowing.push(n);
  }
  concatInto(self, pair);
  self.overflowing = overflowing;
}

/** HF `Encoding::merge`: all parts in order, from an empty encoding. */
export function mergeAll(parts: SeqEnc[]): SeqEnc {
  const e = emptyEnc();
  for (const p of parts) mergeWith(e, p);
  return e;
}

/** What `encodeWithOffsets` / `encodePair` return: HF's `Encoding`, with UTF-16 offsets. */
export interface HfEncoding {
  ids: Uint32Array;
  /** [start, end) in UTF-16 code units of the sequence the token came from; [0, 0] for added special and pad tokens. */
  offsets: Array<[number, number]>;
  /** Segment ids (HF `type_ids`): 0 for the first sequence, 1 for the second, as the post-processor sets them. */
  typeIds: Uint32Array;
  /** 1 for tokens the post-processor or padding added, else 0 (HF `special_tokens_mask`). */
  specialTokensMask: Uint8Array;
  /** 0 for padding, else 1 (HF `attention_mask`). */
  attentionMask: Uint8Array;
  /** The parts truncation cut off, each post-processed and padded like the encoding (HF `overflowing`). */
  overflowing: HfEncoding[];
}

/**
 * An HfEncoding whose `offsets` are made as [start, end] pairs from the flat two numbers per
 * token when first read: an own, enumerable accessor, so spread, JSON, structuredClone and deep
 * equality all see the pairs, and assigning it works. Most callers of a BERT-style batch read
 * ids and masks only, and 512 small arrays per encoding cost more than the rest of it.
 */
function hfEncoding(ids: Uint32Array, flat: ArrayLike<number>, typeIds: Uint32Array, special: Uint8Array, attention: Uint8Array, overflowing: HfEncoding[]): HfEncoding {
  let pairs: Array<[number, number]> | null = null;
  return {
    ids,
    get offsets(): Array<[number, number]> {
      if (pairs === null) {
        const n = ids.length;
        pairs = new Array<[number, number]>(n);
        for (let k = 0; k < n; k++) pairs[k] = [flat[2 * k]!, flat[2 * k + 1]!];
      }
      return pairs;
    },
    set offsets(v: Array<[number, number]>) {
      pairs = v;
    },
    typeIds,
    specialTokensMask: special,
    attentionMask: attention,
    overflowing,
  };
}

export function toHfEncoding(e: SeqEnc): HfEncoding {
  return hfEncoding(Uint32Array.from(e.ids), Int32Array.from(e.offs), Uint32Array.from(e.typeIds), Uint8Array.from(e.special), Uint8Array.from(e.attention), e.overflowing.map(toHfEncoding));
}

/**
 * An HfEncoding as worker threads send it: typed arrays only (offsets flat), which the
 * structured clone copies as blocks, where 512 [start, end] arrays per encoding are 512 objects.
 */
export interface HfWireEncoding {
  ids: Uint32Array;
  offs: Int32Array;
  typeIds: Uint32Array;
  special: Uint8Array;
  attention: Uint8Array;
  overflowing: HfWireEncoding[];
}

export function toWire(e: SeqEnc): HfWireEncoding {
  return {
    ids: Uint32Array.from(e.ids),
    offs: Int32Array.from(e.offs),
    typeIds: Uint32Array.from(e.typeIds),
    special: Uint8Array.from(e.special),
    attention: Uint8Array.from(e.attention),
    overflowing: e.overflowing.map(toWire),
  };
}

export function fromWire(w: HfWireEncoding): HfEncoding {
  return hfEncoding(w.ids, w.offs, w.typeIds, w.special, w.attention, w.overflowing.map(fromWire));
}

export function fromHfEncoding(h: HfEncoding): SeqEnc {
  const offs: number[] = [];
  for (const [a, b] of h.offsets) offs.push(a, b);
  return {
    ids: Array.from(h.ids),
    typeIds: Array.from(h.typeIds),
    offs,
    special: Array.from(h.specialTokensMask),
    attention: Array.from(h.attentionMask),
    overflowing: h.overflowing.map(fromHfEncoding),
    text: "",
  };
}
