// The `.tkv` vocab file (DESIGN.md, "Vocab file format"). This module is the one implementation
// of the format on the JS side: scripts/build-vocab.mjs loads it (transpiled) to write the files.
// Browser-safe: no Node imports.

import { VocabFormatError } from "../errors.js";

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
 * `offsetsCheckedLater`: skip the pass that checks every offset is in order, for a caller whose
 * engine checks them as it reads them (the WASM core does, while building its table): that
 * pass is 200 K iterations of cold JS for o200k_base, 3-8 ms of a fresh process's start.
 */
export function parseVocabFile(data: Uint8Array, offsetsCheckedLater = false): Vocab {
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
  for (let r = 0; r < nTokens && !offsetsCheckedLater; r++) {
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

const TOP = 2 ** 24;

class RangeEncoder {
  out: number[] = [];
  private low = 0;
  private range = 0xffffffff;
  private cache = 0;
  private cacheSize = 1;

  bit(probs: Uint16Array, i: number, bit: number): void {
    const p = probs[i]!;
    const bound = (this.range >>> 12) * p;
    if (bit) {
      this.low += bound;
      this.range -= bound;
      probs[i] = p - (p >> 5);
    } else {
      this.range = bound;
      probs[i] = p + ((4096 - p) >> 5);
    }
    while (this.range < TOP) {
      this.range = (this.range * 256) >>> 0;
      this.shiftLow();
    }
  }

  direct(value: number, count: number): void {
    for (let i = count - 1; i >= 0; i--) {
      this.range = this.range >>> 1;
      if ((value / 2 ** i) & 1) this.low += this.range;
      while (this.range < TOP) {
        this.range = (this.range * 256) >>> 0;
        this.shiftLow();
      }
    }
  }

  tree(probs: Uint16Array, base: number, bits: number, value: number): void {
    let m = 1;
    for (let i = bits - 1; i >= 0; i--) {
      const bit = (value >>> i) & 1;
      this.bit(probs, base + m, bit);
      m = (m << 1) | bit;
    }
  }

  /** Cost in bits of coding `value` with the tree as it is now (no update). */
  static cost(probs: Uint16Array, base: number, bits: number, value: number): number {
    let m = 1;
    let c = 0;
    for (let i = bits - 1; i >= 0; i--) {
      const bit = (value >>> i) & 1;
      const p = probs[base + m]!;
      c -= Math.log2(bit ? (4096 - p) / 4096 : p / 4096);
      m = (m << 1) | bit;
    }
    return c;
  }

  private shiftLow(): void {
    const lo = this.low % 2 ** 32;
    const carry = this.low >= 2 ** 32 ? 1 : 0;
    if (lo < 0xff000000 || carry) {
      let temp = this.cache;
      do {
        this.out.push((temp + carry) & 0xff);
        temp = 0xff;
      } while (--this.cacheSize !== 0);
      this.cache = lo >>> 24;
    }
    this.cacheSize++;
    this.low = (lo & 0xffffff) * 256;
  }

  finish(): number[] {
    for (let i = 0; i < 5; i++) this.shiftLow();
    return this.out;
  }
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

function corrupt(what: string, r: number): never {
  throw new VocabFormatError(`packed vocab: ${what} at rank ${r} (corrupt or truncated file)`);
}

/** LZMA's range decoder. Reading past the end reads zeros but counts on: `at` > length then. */
class RangeDecoder {
  range = 0xffffffff;
  code = 0;
  at: number;

  constructor(
    private readonly data: Uint8Array,
    from: number,
  ) {
    if (data[from] !== 0) corrupt("bad stream start", 0);
    this.at = from + 5;
    for (let i = from + 1; i < from + 5; i++) this.code = ((this.code << 8) | data[i]!) >>> 0;
  }

  tree(probs: Uint16Array, base: number, n: number): number {
    let range = this.range;
    let code = this.code;
    let x = 1;
    for (let i = 0; i < n; i++) {
      const p = probs[base + x]!;
      const bound = (range >>> 12) * p;
      if (code < bound) {
        range = bound;
        probs[base + x] = p + ((4096 - p) >> 5);
        x <<= 1;
      } else {
        range -= bound;
        code -= bound;
        probs[base + x] = p - (p >> 5);
        x = (x << 1) | 1;
      }
      if (range < TOP) {
        range = (range << 8) >>> 0;
        code = ((code << 8) | this.next()) >>> 0;
      }
    }
    this.range = range;
    this.code = code;
    return x - (1 << n);
  }

  direct(n: number): number {
    let x = 0;
    for (let i = 0; i < n; i++) {
      this.range >>>= 1;
      const bit = this.code >= this.range ? 1 : 0;
      if (bit) this.code -= this.range;
      x = x * 2 + bit;
      if (this.range < TOP) {
        this.range = (this.range << 8) >>> 0;
        this.code = ((this.code << 8) | this.next()) >>> 0;
      }
    }
    return x;
  }

  private next(): number {
    return this.at < this.data.length ? this.data[this.at++]! : (this.at++, 0);
  }
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
