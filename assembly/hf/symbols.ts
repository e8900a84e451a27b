// A word's initial symbols, before any merge: one per UTF-8 byte through the ByteLevel alphabet
// (byte-level models), or one per char with byte_fallback / unk / fuse_unk (SentencePiece-style
// models). Mirrors BpeModel.initialSymbols / symbolsOf in src/hf/models/bpe.ts (prefix/suffix
// never reach WASM). Plus the UTF-8 decoding the HF core needs (input is TextEncoder output:
// well-formed, so no validation).

import { getU32 as g, setU32 as s } from "../shared/memory";
import { NONE, F_BYTE_LEVEL, F_BYTE_FALLBACK, F_FUSE_UNK, flags, unkId, byteIdsPtr, fallbackPtr, charId } from "./model";

/** Initial symbols of the word at [p, p+n) into ids/lens (scratch); returns their number. */
export function initialSymbols(p: usize, n: u32, ids: usize, lens: usize): u32 {
  if (flags & F_BYTE_LEVEL) {
    for (let k: u32 = 0; k < n; k++) {
      s(ids, k, g(byteIdsPtr, <u32>load<u8>(p + k)));
      s(lens, k, 1);
    }
    return n;
  }
  let count: u32 = 0;
  let pendingUnk: u32 = NONE;
  let unkLen: u32 = 0;
  let i: u32 = 0;
  while (i < n) {
    // width and code point from one branch chain (not utf8Width + decodeAt: two, per char)
    let b0 = <u32>load<u8>(p + i);
    let w: u32;
    let cp: u32;
    if (b0 < 0x80) {
      w = 1;
      cp = b0;
    } else if (b0 < 0xe0) {
      w = 2;
      cp = ((b0 & 0x1f) << 6) | (<u32>load<u8>(p + i + 1) & 0x3f);
    } else if (b0 < 0xf0) {
      w = 3;
      cp = ((b0 & 0x0f) << 12) | ((<u32>load<u8>(p + i + 1) & 0x3f) << 6) | (<u32>load<u8>(p + i + 2) & 0x3f);
    } else {
      w = 4;
      cp = ((b0 & 0x07) << 18) | ((<u32>load<u8>(p + i + 1) & 0x3f) << 12) | ((<u32>load<u8>(p + i + 2) & 0x3f) << 6) | (<u32>load<u8>(p + i + 3) & 0x3f);
    }
    let id = charId(cp);
    if (id != NONE) {
      if (pendingUnk != NONE) {
        s(ids, count, pendingUnk);
        s(lens, count, unkLen);
        count++;
        pendingUnk = NONE;
      }
      s(ids, count, id);
      s(lens, count, w);
      count++;
      i += w;
      continue;
    }
    if (flags & F_BYTE_FALLBACK) {
      let all = true;
      for (let k: u32 = 0; k < w; k++) if (g(fallbackPtr, <u32>load<u8>(p + i + k)) == NONE) all = false;
      if (all) {
        // as in HF, a pending unk is not flushed here (it comes after these bytes)
        for (let k: u32 = 0; k < w; k++) {
          s(ids, count, g(fallbackPtr, <u32>load<u8>(p + i + k)));
          s(lens, count, 1);
          count++;
        }
        i += w;
        continue;
      }
    }
    if (unkId != NONE) {
      if (pendingUnk != NONE && (flags & F_FUSE_UNK)) {
        unkLen += w;
      } else {
        if (pendingUnk != NONE) {
          s(ids, count, pendingUnk);
          s(lens, count, unkLen);
          count++;
        }
        pendingUnk = unkId;
        unkLen = w;
      }
    }
    // no unk token: the char is dropped, as in HF
    i += w;
  }
  if (pendingUnk != NONE) {
    s(ids, count, pendingUnk);
    s(lens, count, unkLen);
    count++;
  }
  return count;
}

/** Bytes in the UTF-8 sequence that starts with b0. */
@inline
export function utf8Width(b0: u8): u32 {
  return b0 < 0x80 ? 1 : b0 < 0xe0 ? 2 : b0 < 0xf0 ? 3 : 4;
}

/** The code point whose UTF-8 starts at p. */
export function decodeAt(p: usize): u32 {
  let b0 = <u32>load<u8>(p);
  if (b0 < 0x80) return b0;
  if (b0 < 0xe0) return ((b0 & 0x1f) << 6) | (<u32>load<u8>(p + 1) & 0x3f);
  if (b0 < 0xf0) return ((b0 & 0x0f) << 12) | ((<u32>load<u8>(p + 1) & 0x3f) << 6) | (<u32>load<u8>(p + 2) & 0x3f);
  return ((b0 & 0x07) << 18) | ((<u32>load<u8>(p + 1) & 0x3f) << 12) | ((<u32>load<u8>(p + 2) & 0x3f) << 6) | (<u32>load<u8>(p + 3) & 0x3f);
}
