/**
 * HF tokenizers' own character classes, which come from crates pinned to old Unicode versions
 * (Unicode 8.0 / 9.0, see scripts/gen-hf-unicode.mjs), not from the running engine's \p{...}:
 * with the engine's classes, every code point assigned since then (and, for BERT's "control"
 * test, every unassigned one) would be treated differently from the reference.
 */
import { MARK, MARK_NONSPACING, NORM_UNKNOWN, OTHER, PUNCT, REGEX_UNASSIGNED } from "./unicode-hf.js";

/** Sorted [start, end] pairs from the generated text form. */
function decode(text: string): Uint32Array {
  const parts = text.split(" ");
  const out = new Uint32Array(parts.length);
  let prev = 0;
  for (let i = 0; i < parts.length; i++) {
    prev += parseInt(parts[i]!, 36);
    out[i] = prev;
  }
  return out;
}

function inRanges(r: Uint32Array, cp: number): boolean {
  let lo = 0;
  let hi = r.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < r[2 * mid]!) hi = mid - 1;
    else if (cp > r[2 * mid + 1]!) lo = mid + 1;
    else return true;
  }
  return false;
}

let other: Uint32Array | null = null;
let mark: Uint32Array | null = null;
let nonspacing: Uint32Array | null = null;
let punct: Uint32Array | null = null;
let normUnknown: Uint32Array | null = null;
/** Per 256-code-point block: does it hold any normalization-unknown code point? */
let normUnknownBlocks: Uint8Array | null = null;

/** `is_other` of HF's bert.rs `is_control`: Cc, Cf or Co (Unicode 8.0). Unassigned is not. */
export function isOther(cp: number): boolean {
  if (cp >= 0x20 && cp < 0x7f) return false; // printable ASCII (Cc are 0-0x1f, 0x7f; no Cf, Co below 0x80)
  return inRanges((other ??= decode(OTHER)), cp);
}

/** `is_combining_mark` (Mn, Mc or Me of Unicode 9.0): what StripAccents removes. */
export function isCombiningMark(cp: number): boolean {
  if (cp < 0x300) return false;
  return inRanges((mark ??= decode(MARK)), cp);
}

/** `is_mark_nonspacing` (Mn of Unicode 8.0): what BertNormalizer's strip_accents removes after NFD. */
export function isNonspacingMark(cp: number): boolean {
  if (cp < 0x300) return false;
  return inRanges((nonspacing ??= decode(MARK_NONSPACING)), cp);
}

/** `is_punctuation` (P* of Unicode 8.0); ASCII punctuation is handled by the caller. */
export function isUnicodePunctuation(cp: number): boolean {
  return inRanges((punct ??= decode(PUNCT)), cp);
}

/**
 * A code point the reference's normalizer (Unicode 9.0) does not know but String.normalize may:
 * to the reference it is a starter that neither decomposes nor composes.
 */
export function isNormalizationUnknown(cp: number): boolean {
  if (cp < 0x7fd) return false;
  if (normUnknownBlocks === null) {
    normUnknown = decode(NORM_UNKNOWN);
    normUnknownBlocks = new Uint8Array(0x1100);
    for (let i = 0; i < normUnknown.length; i += 2) {
      for (let b = normUnknown[i]! >> 8; b <= normUnknown[i + 1]! >> 8; b++) normUnknownBlocks[b] = 1;
    }
  }
  return normUnknownBlocks[cp >> 8] === 1 && inRanges(normUnknown!, cp);
}

/** Sorted [start, end] pairs of the code points unassigned in Unicode 16.0 (the reference's regex classes). */
export function regexUnassignedRanges(): Uint32Array {
  return decode(REGEX_UNASSIGNED);
}
