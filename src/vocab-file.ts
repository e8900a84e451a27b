// The `.tkv` vocab file (DESIGN.md, "Vocab file format"). This module is the one implementation
// of the format on the JS side: scripts/build-vocab.mjs loads it (transpiled) to write the files.
// Browser-safe: no Node imports.

import { VocabFormatError } from "./errors.js";

export interface Vocab {
  /** Ranks 0..nTokens-1; an absent rank has zero length. */
  nTokens: number;
  /** nTokens + 1 entries: token r is bytes[offsets[r] .. offsets[r + 1]). */
  offsets: Uint32Array;
  bytes: Uint8Array;
  /** sha256 of the source rank data the file was built from. */
  sha256: Uint8Array;
}

/** "TKV1" read as a little-endian u32. */
export const VOCAB_MAGIC = 0x31564b54;
export const VOCAB_HEADER_SIZE = 44;
const SHA256_SIZE = 32;
const U32_MAX = 0xffffffff;

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Reads a `.tkv` file. `offsets` and `bytes` are views into `data` when it is suitably aligned
 * (the common case), so `data` must not be modified afterwards.
 */
export function parseVocabFile(data: Uint8Array): Vocab {
  if (!(data instanceof Uint8Array)) {
    throw new VocabFormatError(`vocab file: expected a Uint8Array, got ${describe(data)}`);
  }
  if (data.length < VOCAB_HEADER_SIZE) {
    throw new VocabFormatError(
      `vocab file: ${data.length} bytes is shorter than the ${VOCAB_HEADER_SIZE}-byte header`,
    );
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const magic = view.getUint32(0, true);
  if (magic !== VOCAB_MAGIC) {
    throw new VocabFormatError(
      `vocab file: bad magic 0x${magic.toString(16).padStart(8, "0")} (expected "TKV1"); ` +
        `this is not a tokenmill .tkv file`,
    );
  }
  const nTokens = view.getUint32(4, true);
  const totalBytes = view.getUint32(8, true);
  if (nTokens === U32_MAX) throw new VocabFormatError(`vocab file: nTokens ${nTokens} is too large`);
  const offsetsAt = VOCAB_HEADER_SIZE;
  const bytesAt = offsetsAt + 4 * (nTokens + 1);
  const expectedSize = bytesAt + totalBytes;
  if (data.length !== expectedSize) {
    throw new VocabFormatError(
      `vocab file: header says ${nTokens} tokens and ${totalBytes} token bytes, so the file ` +
        `should be ${expectedSize} bytes, but it is ${data.length} (truncated or corrupt)`,
    );
  }

  let offsets: Uint32Array;
  if (LITTLE_ENDIAN && (data.byteOffset + offsetsAt) % 4 === 0) {
    offsets = new Uint32Array(data.buffer, data.byteOffset + offsetsAt, nTokens + 1);
  } else {
    offsets = new Uint32Array(nTokens + 1);
    for (let i = 0; i <= nTokens; i++) offsets[i] = view.getUint32(offsetsAt + 4 * i, true);
  }
  if (offsets[0] !== 0) {
    throw new VocabFormatError(`vocab file: offsets[0] is ${offsets[0]}, expected 0`);
  }
  for (let r = 0; r < nTokens; r++) {
    if (offsets[r + 1]! < offsets[r]!) {
      throw new VocabFormatError(
        `vocab file: offsets decrease at rank ${r} (${offsets[r]} then ${offsets[r + 1]})`,
      );
    }
  }
  if (offsets[nTokens] !== totalBytes) {
    throw new VocabFormatError(
      `vocab file: last offset is ${offsets[nTokens]}, but the header says ${totalBytes} token bytes`,
    );
  }

  return {
    nTokens,
    offsets,
    bytes: data.subarray(bytesAt, bytesAt + totalBytes),
    sha256: data.slice(12, 12 + SHA256_SIZE),
  };
}

/** Builds a `.tkv` file; `tokens[r]` is the token of rank r (empty for an absent rank). */
export function serializeVocab(tokens: Uint8Array[], sha256: Uint8Array): Uint8Array {
  if (!(sha256 instanceof Uint8Array) || sha256.length !== SHA256_SIZE) {
    throw new VocabFormatError(`serializeVocab: sha256 must be ${SHA256_SIZE} bytes, got ${describe(sha256)}`);
  }
  const nTokens = tokens.length;
  if (nTokens >= U32_MAX) throw new VocabFormatError(`serializeVocab: ${nTokens} tokens is too many`);
  let totalBytes = 0;
  for (let r = 0; r < nTokens; r++) {
    const t = tokens[r];
    if (!(t instanceof Uint8Array)) {
      throw new VocabFormatError(`serializeVocab: token of rank ${r} is ${describe(t)}, expected a Uint8Array`);
    }
    totalBytes += t.length;
  }
  if (totalBytes > U32_MAX) {
    throw new VocabFormatError(`serializeVocab: ${totalBytes} token bytes do not fit a u32`);
  }

  const bytesAt = VOCAB_HEADER_SIZE + 4 * (nTokens + 1);
  const out = new Uint8Array(bytesAt + totalBytes);
  const view = new DataView(out.buffer);
  view.setUint32(0, VOCAB_MAGIC, true);
  view.setUint32(4, nTokens, true);
  view.setUint32(8, totalBytes, true);
  out.set(sha256, 12);
  let offset = 0;
  for (let r = 0; r < nTokens; r++) {
    const t = tokens[r]!;
    view.setUint32(VOCAB_HEADER_SIZE + 4 * r, offset, true);
    out.set(t, bytesAt + offset);
    offset += t.length;
  }
  view.setUint32(VOCAB_HEADER_SIZE + 4 * nTokens, offset, true);
  return out;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name} of ${value.byteLength} bytes`;
  return value.constructor?.name ?? "object";
}

// ---- Packed vocab (`.tkp`): the same ranks, smaller on the wire -------------------------------
//
// Every token of a byte-level BPE vocabulary except the single bytes is the concatenation of
// two tokens of lower rank. `.tkp` stores each token as that pair of ranks instead of its bytes,
// which brotli then shrinks to 0.68 MB for o200k_base (the `.tkv` brotlis to 1.0 MB). Browsers
// fetch it; `unpackVocab` rebuilds the exact `.tkv` bytes in a few milliseconds, so the engines
// only ever see `.tkv`. Layout (also in docs/BROWSER.md), little-endian:
//
//   0   4   magic "TKP1"
//   4   4   u32 nTokens, 8 4 u32 totalBytes, 12 32 sha256: as in the `.tkv` header
//   44  4   u32 length of the head stream
//   48  ..  head stream, one entry per rank: varint v; v > 0: the token is tok[v - 1] + tok[b]
//           with b the next entry of the tail stream; v = 0: a literal, varint length + bytes
//   ..  ..  tail stream: varint b of every pair, in rank order
//
// Both halves of a pair have lower ranks than the token, so the file decodes in one pass. Heads and tails are separate streams because they compress
// better apart (the tails are mostly a few thousand common suffixes).

/** "TKP1" read as a little-endian u32. */
export const PACKED_VOCAB_MAGIC = 0x31504b54;
const PACKED_HEADER_SIZE = VOCAB_HEADER_SIZE + 4;

/** True if `data` starts with the packed-vocab magic. */
export function isPackedVocab(data: Uint8Array): boolean {
  return data.length >= 4 && (data[0]! | (data[1]! << 8) | (data[2]! << 16) | (data[3]! << 24)) === PACKED_VOCAB_MAGIC;
}

/** Packs a `.tkv` file into the `.tkp` form; `unpackVocab(packVocab(f))` equals `f` byte for byte. */
export function packVocab(tkv: Uint8Array): Uint8Array {
  const vocab = parseVocabFile(tkv);
  const { nTokens, offsets, bytes } = vocab;
  const rankOf = new Map<string, number>();
  const keys: string[] = new Array(nTokens);
  for (let r = 0; r < nTokens; r++) {
    let s = "";
    for (let i = offsets[r]!; i < offsets[r + 1]!; i++) s += String.fromCharCode(bytes[i]!);
    keys[r] = s;
    if (s.length > 0 && !rankOf.has(s)) rankOf.set(s, r);
  }
  const head: number[] = [];
  const tail: number[] = [];
  for (let r = 0; r < nTokens; r++) {
    const s = keys[r]!;
    // Of all splits into two lower-ranked tokens, keep the one with the smallest
    // log(a + 2) + log(b + 2): small ranks are frequent and short as varints, and this choice
    // brotlis 1% smaller than always taking the longest left part.
    let bestA = -1;
    let bestB = -1;
    let bestCost = Infinity;
    for (let k = 1; k < s.length; k++) {
      const a = rankOf.get(s.slice(0, k));
      if (a === undefined || a >= r) continue;
      const b = rankOf.get(s.slice(k));
      if (b === undefined || b >= r) continue;
      const cost = Math.log2(a + 2) + Math.log2(b + 2);
      if (cost < bestCost) {
        bestCost = cost;
        bestA = a;
        bestB = b;
      }
    }
    if (bestA >= 0) {
      pushVarint(head, bestA + 1);
      pushVarint(tail, bestB);
    } else {
      pushVarint(head, 0);
      pushVarint(head, s.length);
      for (let i = 0; i < s.length; i++) head.push(s.charCodeAt(i));
    }
  }
  const out = new Uint8Array(PACKED_HEADER_SIZE + head.length + tail.length);
  out.set(tkv.subarray(0, VOCAB_HEADER_SIZE));
  const view = new DataView(out.buffer);
  view.setUint32(0, PACKED_VOCAB_MAGIC, true);
  view.setUint32(VOCAB_HEADER_SIZE, head.length, true);
  out.set(head, PACKED_HEADER_SIZE);
  out.set(tail, PACKED_HEADER_SIZE + head.length);
  return out;
}

function pushVarint(out: number[], x: number): void {
  while (x >= 0x80) {
    out.push((x & 0x7f) | 0x80);
    x >>>= 7;
  }
  out.push(x);
}

/**
 * Turns a `.tkp` file back into the `.tkv` file it was packed from. A `.tkv` is returned as is,
 * so callers can pass either.
 * @throws VocabFormatError if the packed streams are truncated or inconsistent.
 */
export function unpackVocab(data: Uint8Array): Uint8Array {
  if (!(data instanceof Uint8Array)) {
    throw new VocabFormatError(`vocab file: expected a Uint8Array, got ${describe(data)}`);
  }
  if (!isPackedVocab(data)) return data;
  if (data.length < PACKED_HEADER_SIZE) {
    throw new VocabFormatError(`packed vocab: ${data.length} bytes is shorter than the ${PACKED_HEADER_SIZE}-byte header`);
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const nTokens = view.getUint32(4, true);
  const totalBytes = view.getUint32(8, true);
  const headLen = view.getUint32(VOCAB_HEADER_SIZE, true);
  if (nTokens >= 0x3fffffff || PACKED_HEADER_SIZE + headLen > data.length) {
    throw new VocabFormatError(`packed vocab: header (nTokens ${nTokens}, head ${headLen} bytes) does not fit the ${data.length}-byte file`);
  }
  const bytesAt = VOCAB_HEADER_SIZE + 4 * (nTokens + 1);
  const out = new Uint8Array(bytesAt + totalBytes);
  out.set(data.subarray(0, VOCAB_HEADER_SIZE));
  const outView = new DataView(out.buffer);
  outView.setUint32(0, VOCAB_MAGIC, true);
  // Token r starts at start[r] within the token bytes; start[nTokens] = end. On little-endian
  // machines start is the offsets table of the output itself (offset 44 is 4-aligned).
  const start = LITTLE_ENDIAN ? new Uint32Array(out.buffer, VOCAB_HEADER_SIZE, nTokens + 1) : new Uint32Array(nTokens + 1);
  let h = PACKED_HEADER_SIZE;
  const headEnd = PACKED_HEADER_SIZE + headLen;
  let t = headEnd;
  const end = data.length;
  let pos = 0;
  const bad = (what: string, r: number): never => {
    throw new VocabFormatError(`packed vocab: ${what} at rank ${r} (corrupt or truncated file)`);
  };
  for (let r = 0; r < nTokens; r++) {
    start[r] = pos;
    // varint from the head stream
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      if (h >= headEnd || shift > 28) bad("head stream ends", r);
      const byte = data[h++]!;
      v += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) break;
    }
    if (v === 0) {
      let len = 0;
      for (let shift = 0; ; shift += 7) {
        if (h >= headEnd || shift > 28) bad("literal length ends", r);
        const byte = data[h++]!;
        len += (byte & 0x7f) * 2 ** shift;
        if (byte < 0x80) break;
      }
      if (h + len > headEnd || pos + len > totalBytes) bad("literal overruns", r);
      out.set(data.subarray(h, h + len), bytesAt + pos);
      h += len;
      pos += len;
      continue;
    }
    const a = v - 1;
    let b = 0;
    for (let shift = 0; ; shift += 7) {
      if (t >= end || shift > 28) bad("tail stream ends", r);
      const byte = data[t++]!;
      b += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) break;
    }
    if (a >= r || b >= r) bad(`pair (${a}, ${b}) refers forward`, r);
    const aLen = start[a + 1]! - start[a]!;
    const bLen = start[b + 1]! - start[b]!;
    if (pos + aLen + bLen > totalBytes) bad("pair overruns the token bytes", r);
    // Short copies by hand: most tokens are a few bytes and copyWithin's call cost dominates.
    let from = bytesAt + start[a]!;
    let to = bytesAt + pos;
    for (let i = 0; i < aLen; i++) out[to++] = out[from++]!;
    from = bytesAt + start[b]!;
    for (let i = 0; i < bLen; i++) out[to++] = out[from++]!;
    pos += aLen + bLen;
  }
  start[nTokens] = pos;
  if (h !== headEnd || t !== end || pos !== totalBytes) {
    throw new VocabFormatError(`packed vocab: streams do not end together (head ${h - PACKED_HEADER_SIZE}/${headLen}, token bytes ${pos}/${totalBytes})`);
  }
  if (!LITTLE_ENDIAN) for (let r = 0; r <= nTokens; r++) outView.setUint32(VOCAB_HEADER_SIZE + 4 * r, start[r]!, true);
  return out;
}
