// The packed vocab (`.tkp`): the same ranks as a `.tkv` (tkv.ts), smaller on the wire.
//
// Every token of a byte-level BPE vocabulary except the single bytes is the concatenation of
// two tokens of lower rank. `.tkp` stores each token as that pair of ranks (a, b) instead of its
// bytes, coded with an adaptive binary range coder (LZMA's): 0.64 MB for o200k_base, which no
// server compression shrinks further (the `.tkv` brotlis to 1.0 MB; the same pairs as varints
// brotlied to 0.68 MB). Browsers fetch it; `unpackVocab` rebuilds the exact `.tkv` bytes, so the
// engines only ever see `.tkv` (~120 ms for o200k_base on a desktop, once per page). Layout,
// little-endian:
//
//   0   4   magic "TKP2"
//   4   4   u32 nTokens, 8 4 u32 totalBytes, 12 32 sha256: as in the `.tkv` header
//   44  4   u32 FNV-1a hash of the `.tkv` bytes from offset 44 on (offsets and token bytes),
//           checked after unpacking, so a damaged file is refused rather than giving wrong ranks
//   48  ..  one range-coded stream to the end of the file. Per rank r, in rank order:
//           v = a + 1 (v = 0: a literal) as a BITS-bit binary tree, BITS = bit length of nTokens;
//           pair: b as a BITS-bit tree whose context is the class of the last byte of token a
//           (space, A-Z, a-z, digit, UTF-8 lead, UTF-8 continuation, other);
//           literal: its length as an 8-bit tree (255: 32 raw bits follow), then each byte as an
//           8-bit tree.
//
// Probabilities are 12-bit, start at 1/2 and move 1/32 of the way after each bit. The encoder
// writes exactly the bytes the decoder reads, so truncated or lengthened files are refused.
// Of a token's possible splits the packer takes the one cheapest under the current model.

import { VocabFormatError } from "../errors.js";
import { describe, LITTLE_ENDIAN, parseVocabFile, VOCAB_HEADER_SIZE, VOCAB_MAGIC } from "./tkv.js";
import { corrupt, RangeDecoder, RangeEncoder, TOP } from "./range-coder.js";

/** "TKP2" read as a little-endian u32. */
export const PACKED_VOCAB_MAGIC = 0x32504b54;
const PACKED_HEADER_SIZE = VOCAB_HEADER_SIZE + 4;

function fnv1a(bytes: Uint8Array, from: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 16777619);
  return h >>> 0;
}

/** True if `data` starts with the packed-vocab magic. */
export function isPackedVocab(data: Uint8Array): boolean {
  return data.length >= 4 && (data[0]! | (data[1]! << 8) | (data[2]! << 16) | (data[3]! << 24)) === PACKED_VOCAB_MAGIC;
}

const CLASSES = 7;
/** Byte class of a token's last byte: the context of its right half's rank. */
function byteClasses(): Uint8Array {
  const c = new Uint8Array(256).fill(6);
  c[32] = 0;
  for (let i = 65; i <= 90; i++) c[i] = 1;
  for (let i = 97; i <= 122; i++) c[i] = 2;
  for (let i = 48; i <= 57; i++) c[i] = 3;
  for (let i = 128; i < 256; i++) c[i] = i >= 0xc0 ? 4 : 5;
  return c;
}

function bitLength(n: number): number {
  let bits = 1;
  while (2 ** bits <= n) bits++;
  return bits;
}

/** The models both sides share: one tree for v, CLASSES trees for b, two 8-bit trees. */
function models(nTokens: number) {
  const bits = bitLength(nTokens);
  return {
    bits,
    head: new Uint16Array(2 ** bits).fill(2048),
    tail: new Uint16Array(CLASSES * 2 ** bits).fill(2048),
    len: new Uint16Array(256).fill(2048),
    byte: new Uint16Array(256).fill(2048),
  };
}

/** Packs a `.tkv` file into the `.tkp` form; `unpackVocab(packVocab(f))` equals `f` byte for byte. */
export function packVocab(tkv: Uint8Array): Uint8Array {
  const { nTokens, offsets, bytes } = parseVocabFile(tkv);
  const rankOf = new Map<string, number>();
  const keys: string[] = new Array(nTokens);
  for (let r = 0; r < nTokens; r++) {
    let s = "";
    for (let i = offsets[r]!; i < offsets[r + 1]!; i++) s += String.fromCharCode(bytes[i]!);
    keys[r] = s;
    if (s.length > 0 && !rankOf.has(s)) rankOf.set(s, r);
  }
  const m = models(nTokens);
  const cls = byteClasses();
  const tailBase = (a: number) => cls[keys[a]!.charCodeAt(keys[a]!.length - 1)]! << m.bits;
  const rc = new RangeEncoder();
  for (let r = 0; r < nTokens; r++) {
    const s = keys[r]!;
    let bestA = -1;
    let bestB = -1;
    let bestCost = Infinity;
    for (let k = 1; k < s.length; k++) {
      const a = rankOf.get(s.slice(0, k));
      if (a === undefined || a >= r) continue;
      const b = rankOf.get(s.slice(k));
      if (b === undefined || b >= r) continue;
      const cost = RangeEncoder.cost(m.head, 0, m.bits, a + 1) + RangeEncoder.cost(m.tail, tailBase(a), m.bits, b);
      if (cost < bestCost) {
        bestCost = cost;
        bestA = a;
        bestB = b;
      }
    }
    if (bestA >= 0) {
      rc.tree(m.head, 0, m.bits, bestA + 1);
      rc.tree(m.tail, tailBase(bestA), m.bits, bestB);
    } else {
      rc.tree(m.head, 0, m.bits, 0);
      rc.tree(m.len, 0, 8, Math.min(s.length, 255));
      if (s.length >= 255) rc.direct(s.length, 32);
      for (let i = 0; i < s.length; i++) rc.tree(m.byte, 0, 8, s.charCodeAt(i));
    }
  }
  const stream = rc.finish();
  const out = new Uint8Array(PACKED_HEADER_SIZE + stream.length);
  out.set(tkv.subarray(0, VOCAB_HEADER_SIZE));
  const view = new DataView(out.buffer);
  view.setUint32(0, PACKED_VOCAB_MAGIC, true);
  view.setUint32(VOCAB_HEADER_SIZE, fnv1a(tkv, VOCAB_HEADER_SIZE), true);
  out.set(stream, PACKED_HEADER_SIZE);
  return out;
}

/**
 * Turns a `.tkp` file back into the `.tkv` file it was packed from. A `.tkv` is returned as is,
 * so callers can pass either.
 * @throws VocabFormatError if the packed stream is truncated or inconsistent.
 */
export function unpackVocab(data: Uint8Array): Uint8Array {
  if (!(data instanceof Uint8Array)) {
    throw new VocabFormatError(`vocab file: expected a Uint8Array, got ${describe(data)}`);
  }
  if (!isPackedVocab(data)) return data;
  if (data.length < PACKED_HEADER_SIZE + 5) {
    throw new VocabFormatError(`packed vocab: ${data.length} bytes is shorter than the header and stream start`);
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const nTokens = view.getUint32(4, true);
  const totalBytes = view.getUint32(8, true);
  if (nTokens >= 0x3fffffff || totalBytes > 0x7fffffff) {
    throw new VocabFormatError(`packed vocab: header (nTokens ${nTokens}, ${totalBytes} token bytes) is not plausible`);
  }
  const bytesAt = VOCAB_HEADER_SIZE + 4 * (nTokens + 1);
  const out = new Uint8Array(bytesAt + totalBytes);
  out.set(data.subarray(0, VOCAB_HEADER_SIZE));
  const outView = new DataView(out.buffer);
  outView.setUint32(0, VOCAB_MAGIC, true);
  // Token r starts at start[r] within the token bytes; start[nTokens] = end. On little-endian
  // machines start is the offsets table of the output itself (offset 44 is 4-aligned).
  const start = LITTLE_ENDIAN ? new Uint32Array(out.buffer, VOCAB_HEADER_SIZE, nTokens + 1) : new Uint32Array(nTokens + 1);
  const m = models(nTokens);
  const cls = byteClasses();
  const bits = m.bits;
  // The range decoder for the pairs, inlined with its state in locals: this loop makes ~40
  // binary decisions per token, and a method call per tree doubled its time. Literals (the
  // 256 single bytes, once each) go through RangeDecoder, which takes over the state.
  const head = m.head;
  const tail = m.tail;
  const end = data.length;
  const d = new RangeDecoder(data, PACKED_HEADER_SIZE);
  let range = d.range;
  let code = d.code;
  let at = d.at;
  const top = 1 << bits;
  let pos = 0;
  let r = 0;
  for (; r < nTokens; r++) {
    start[r] = pos;
    let v = 1;
    while (v < top) {
      const p = head[v]!;
      const bound = (range >>> 12) * p;
      if (code < bound) {
        range = bound;
        head[v] = p + ((4096 - p) >> 5);
        v <<= 1;
      } else {
        range -= bound;
        code -= bound;
        head[v] = p - (p >> 5);
        v = (v << 1) | 1;
      }
      if (range < TOP) {
        range = (range << 8) >>> 0;
        code = ((code << 8) | (at < end ? data[at]! : 0)) >>> 0;
        at++;
      }
    }
    v -= top;
    if (v === 0) {
      d.range = range;
      d.code = code;
      d.at = at;
      let len = d.tree(m.len, 0, 8);
      if (len === 255) len = d.direct(32);
      if (pos + len > totalBytes) corrupt("literal overruns the token bytes", r);
      for (let i = 0; i < len; i++) out[bytesAt + pos++] = d.tree(m.byte, 0, 8);
      range = d.range;
      code = d.code;
      at = d.at;
      continue;
    }
    const a = v - 1;
    if (a >= r) corrupt(`left half ${a} refers forward`, r);
    const aEnd = start[a + 1]!;
    const aLen = aEnd - start[a]!;
    if (aLen === 0) corrupt(`left half ${a} is empty`, r);
    const base = cls[out[bytesAt + aEnd - 1]!]! << bits;
    let b = 1;
    while (b < top) {
      const p = tail[base + b]!;
      const bound = (range >>> 12) * p;
      if (code < bound) {
        range = bound;
        tail[base + b] = p + ((4096 - p) >> 5);
        b <<= 1;
      } else {
        range -= bound;
        code -= bound;
        tail[base + b] = p - (p >> 5);
        b = (b << 1) | 1;
      }
      if (range < TOP) {
        range = (range << 8) >>> 0;
        code = ((code << 8) | (at < end ? data[at]! : 0)) >>> 0;
        at++;
      }
    }
    b -= top;
    if (b >= r) corrupt(`right half ${b} refers forward`, r);
    const bLen = start[b + 1]! - start[b]!;
    if (pos + aLen + bLen > totalBytes) corrupt("pair overruns the token bytes", r);
    // Short copies by hand: most tokens are a few bytes and copyWithin's call cost dominates.
    let from = bytesAt + start[a]!;
    let to = bytesAt + pos;
    for (let i = 0; i < aLen; i++) out[to++] = out[from++]!;
    from = bytesAt + start[b]!;
    for (let i = 0; i < bLen; i++) out[to++] = out[from++]!;
    pos += aLen + bLen;
  }
  start[nTokens] = pos;
  if (at !== end || pos !== totalBytes) {
    throw new VocabFormatError(`packed vocab: stream and token bytes do not end together (stream ${at}/${end}, token bytes ${pos}/${totalBytes})`);
  }
  if (!LITTLE_ENDIAN) for (let i = 0; i <= nTokens; i++) outView.setUint32(VOCAB_HEADER_SIZE + 4 * i, start[i]!, true);
  if (fnv1a(out, VOCAB_HEADER_SIZE) !== view.getUint32(VOCAB_HEADER_SIZE, true)) {
    throw new VocabFormatError("packed vocab: the unpacked ranks fail their checksum (corrupt file)");
  }
  return out;
}
