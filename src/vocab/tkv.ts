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

export const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

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

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name} of ${value.byteLength} bytes`;
  return value.constructor?.name ?? "object";
}
