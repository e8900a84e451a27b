// UTF-8 → UTF-16LE, exactly as the WHATWG Encoding Standard's UTF-8 decoder (TextDecoder): JS
// then makes the string with a copy (Node's Buffer#toString("utf16le")) instead of running a
// UTF-8 decoder (DESIGN.md "WASM ABI", PERFORMANCE.md "Decode").
//
// Error handling is the standard's, byte by byte: a lead byte sets the range of the next byte
// (E0: A0–BF, ED: 80–9F, F0: 90–BF, F4: 80–8F, else 80–BF); a byte out of range ends the
// sequence with one U+FFFD and is itself decoded afresh; 80–C1 and F5–FF are never leads. So
// every maximal subpart of an invalid sequence becomes one U+FFFD, and so does an unfinished
// character at the end of the input, as at the end of TextDecoder's. (JS never ends an input
// inside a character that more bytes could finish: it keeps those bytes for the next chunk.)
//
// The fast path takes a whole well-formed character from one 4-byte load: for a complete
// sequence those ranges are exactly "not overlong, not a surrogate, at most U+10FFFF". Anything
// else (an invalid sequence, the last bytes) goes byte by byte through the standard's steps.

/** where continueChar left the output */
let stepOut: usize = 0;

const REPLACEMENT: u32 = 0xfffd;
/** The high bit of each byte of a u64: a word is all ASCII when none is set. */
export const HIGH_BITS: u64 = 0x8080808080808080;

/** Four ASCII bytes (the low half of `w`) widened to four UTF-16 code units. */
@inline
function widen4(w: u64): u64 {
  w = (w | (w << 16)) & 0x0000ffff0000ffff;
  return (w | (w << 8)) & 0x00ff00ff00ff00ff;
}

/** Code point `cp` (a scalar value) as one or two code units at `o`; returns the new end. */
@inline
function put(o: usize, cp: u32): usize {
  if (cp < 0x10000) {
    store<u16>(o, cp);
    return o + 2;
  }
  cp -= 0x10000;
  store<u32>(o, (0xd800 | (cp >> 10)) | ((0xdc00 | (cp & 0x3ff)) << 16));
  return o + 4;
}

/**
 * The standard's steps for the continuation bytes of a character begun as (cp, need, lower,
 * upper), from p: writes the character, or one U+FFFD if a byte is out of range or the input
 * ends first, at o (stepOut: the new end). Returns where decoding goes on (an out-of-range byte
 * is not consumed).
 */
function continueChar(p: usize, end: usize, o: usize, cp: u32, need: u32, lower: u32, upper: u32): usize {
  while (p < end) {
    let b = <u32>load<u8>(p);
    if (b < lower || b > upper) {
      store<u16>(o, REPLACEMENT);
      stepOut = o + 2;
      return p;
    }
    p++;
    cp = (cp << 6) | (b & 0x3f);
    if (--need == 0) {
      stepOut = put(o, cp);
      return p;
    }
    lower = 0x80;
    upper = 0xbf;
  }
  store<u16>(o, REPLACEMENT);
  stepOut = o + 2;
  return p;
}

/** One lead byte at p (>= 0x80) by the standard's steps; see continueChar. */
function leadByte(p: usize, end: usize, o: usize): usize {
  let b = <u32>load<u8>(p++);
  if (b < 0xc2 || b > 0xf4) {
    store<u16>(o, REPLACEMENT);
    stepOut = o + 2;
    return p;
  }
  if (b < 0xe0) return continueChar(p, end, o, b & 0x1f, 1, 0x80, 0xbf);
  if (b < 0xf0) return continueChar(p, end, o, b & 0x0f, 2, b == 0xe0 ? 0xa0 : 0x80, b == 0xed ? 0x9f : 0xbf);
  return continueChar(p, end, o, b & 0x07, 3, b == 0xf0 ? 0x90 : 0x80, b == 0xf4 ? 0x8f : 0xbf);
}

/**
 * Transcodes the bytes [p, end); writes UTF-16LE code units from `o` and returns where they end
 * (at most one unit per byte).
 */
export function utf8ToUtf16(p: usize, end: usize, o: usize): usize {
  // Whole characters while 8 bytes remain (so that loads stay inside the input); a run of the
  // same kind of character stays in its own loop, whose branch predicts well within a script.
  let stop = end - min<usize>(end, 8);
  while (p < stop) {
    let w = load<u32>(p);
    if ((w & 0x80) == 0) {
      let x = load<u64>(p);
      if ((x & HIGH_BITS) == 0) {
        store<u64>(o, widen4(x & 0xffffffff));
        store<u64>(o, widen4(x >> 32), 8);
        p += 8;
        o += 16;
      } else {
        store<u16>(o, w & 0x7f);
        p++;
        o += 2;
      }
      continue;
    }
    // 2 bytes: C2–DF (C0, C1 would be overlong), 80–BF
    if ((w & 0xc0e0) == 0x80c0 && (w & 0x1e) != 0) {
      do {
        store<u16>(o, ((w & 0x1f) << 6) | ((w >> 8) & 0x3f));
        p += 2;
        o += 2;
        w = load<u32>(p);
      } while ((w & 0xc0e0) == 0x80c0 && (w & 0x1e) != 0 && p < stop);
      continue;
    }
    if ((w & 0xc0c0f0) == 0x8080e0) {
      let cp = ((w & 0x0f) << 12) | ((w & 0x3f00) >> 2) | ((w >> 16) & 0x3f);
      if (cp >= 0x800 && (cp & 0xf800) != 0xd800) {
        do {
          store<u16>(o, cp);
          p += 3;
          o += 2;
          w = load<u32>(p);
          cp = ((w & 0x0f) << 12) | ((w & 0x3f00) >> 2) | ((w >> 16) & 0x3f);
        } while ((w & 0xc0c0f0) == 0x8080e0 && cp >= 0x800 && (cp & 0xf800) != 0xd800 && p < stop);
        continue;
      }
    } else if ((w & 0xc0c0c0f8) == 0x808080f0) {
      let cp = ((w & 0x07) << 18) | ((w & 0x3f00) << 4) | ((w >> 10) & 0xfc0) | ((w >> 24) & 0x3f);
      if (cp - 0x10000 < 0x100000) {
        o = put(o, cp);
        p += 4;
        continue;
      }
    }
    // an invalid sequence
    p = leadByte(p, end, o);
    o = stepOut;
  }
  while (p < end) {
    if (load<u8>(p) < 0x80) {
      store<u16>(o, load<u8>(p));
      p++;
      o += 2;
    } else {
      p = leadByte(p, end, o);
      o = stepOut;
    }
  }
  return o;
}
