/**
 * Normalizers of tokenizer.json (tokenizers/src/normalizers/*), each an in-place transform of
 * an NStr that keeps HF's alignment semantics.
 */
import { UnsupportedComponentError } from "../errors.js";
import { toByteAlphabet } from "./byte-level.js";
import { componentList } from "./json-checks.js";
import { isCombiningMark, isNonspacingMark, isNormalizationUnknown, isOther } from "./char-classes.js";
import { alignedNormalize, normalizeLikeHf, type Form } from "./normalize-aligned.js";
import { NStr, unitLen } from "./normalized.js";
import { parsePattern } from "./pattern.js";
import { PrecompiledCharsmap } from "./precompiled.js";

export type Normalizer = (n: NStr) => void;

type Json = Record<string, unknown>;

export function buildNormalizer(j: Json | null | undefined): Normalizer | null {
  if (j == null) return null;
  const type = j.type;
  switch (type) {
    case "Sequence": {
      const parts = componentList(j.normalizers, "Sequence normalizer normalizers").map(buildNormalizer).filter((x): x is Normalizer => x !== null);
      if (parts.length === 0) return null;
      if (parts.length === 1) return parts[0]!;
      return (n) => {
        for (const p of parts) p(n);
      };
    }
    case "ByteLevel":
      // tokenizers/src/normalizers/byte_level.rs: the text in GPT-2's byte alphabet
      return toByteAlphabet;
    case "NFC":
    case "NFD":
    case "NFKC":
    case "NFKD":
      return (n) => unicodeNormalize(n, type);
    case "Lowercase":
      return lowercase;
    case "Strip":
      return strip(j.strip_left !== false, j.strip_right !== false);
    case "StripAccents":
      return stripAccents;
    case "Replace": {
      const pat = parsePattern(j.pattern, "Replace normalizer");
      const content = String(j.content ?? "");
      // Without alignments a literal is a plain replaceAll (Llama 2, Gemma 3: " " → "▁"); the
      // same non-overlapping left-to-right occurrences as pat.find, no match list built.
      const p = j.pattern as Json | string | undefined;
      const lit = typeof p === "string" ? p : typeof p?.String === "string" ? p.String : "";
      const literal = content.replaceAll("$", "$$$$"); // "$&", "$1"... are not patterns here
      return (n) => {
        if (!n.track && lit.length > 0) n.s = n.s.replaceAll(lit, literal);
        else n.replaceMatches(pat.find(n.s), content);
      };
    }
    case "Prepend": {
      const p = String(j.prepend ?? "");
      return (n) => n.prepend(p);
    }
    case "BertNormalizer":
      return bertNormalizer(j);
    case "Precompiled": {
      const cm = j.precompiled_charsmap;
      if (cm == null || cm === "") return null; // HF: an empty charsmap is the identity
      const map = PrecompiledCharsmap.fromBase64(String(cm));
      return (n) => map.normalize(n);
    }
    case "Nmt":
      return nmt;
    default:
      throw new UnsupportedComponentError(`normalizer ${JSON.stringify(type)}`);
  }
}

// ---- unicode normalization with alignments ----

const MARK = /\p{M}/u;

/** Non-mark chars whose compatibility decomposition starts with a mark or a Hangul medial/final (U+FF9E → U+3099). */
const leadsWithContinuation = new Map<number, boolean>();

function isContinuation(cp: number): boolean {
  // Chars that normalization can reorder with or absorb into the char before them: combining
  // marks, Hangul medial / final jamo, and chars that decompose to one of those first. A char
  // the reference's normalizer does not know is a starter to it.
  if (cp >= 0x1160 && cp <= 0x11ff) return true;
  if (cp < 0x300 || isNormalizationUnknown(cp)) return false;
  const ch = String.fromCodePoint(cp);
  if (MARK.test(ch)) return true;
  let v = leadsWithContinuation.get(cp);
  if (v === undefined) {
    const d = ch.normalize("NFKD");
    const first = d.codePointAt(0)!;
    v = d !== ch && ((first >= 0x1160 && first <= 0x11ff) || MARK.test(String.fromCodePoint(first)));
    if (leadsWithContinuation.size > 50_000) leadsWithContinuation.clear();
    leadsWithContinuation.set(cp, v);
  }
  return v;
}

/**
 * HF's `nfd()` / `nfkd()` / `nfc()` / `nfkc()` on a NormalizedString: the crate's (char, change)
 * stream applied with `transform`. Only the segments (a starter and the continuations after it)
 * that change go through the port; the whole string does when segments interact.
 */
export function unicodeNormalize(n: NStr, form: Form): void {
  const s = n.s;
  // Below U+00C0 (U+00A0 for the compatibility forms) every form is the identity.
  const limit = form === "NFKC" || form === "NFKD" ? 0xa0 : 0xc0;
  let plain = true;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) >= limit) {
      plain = false;
      break;
    }
  }
  if (plain) return;
  const target = normalizeLikeHf(s, form);
  if (target === s) return; // already normalized: identity alignment
  if (!n.track) {
    n.s = target; // no alignments wanted: the native normalization is all there is to do
    return;
  }
  const regs: Array<{ a: number; b: number; cps: number[]; changes: number[] }> = [];
  const L = s.length;
  let i = 0;
  while (i < L) {
    if (s.charCodeAt(i) < limit) {
      i++;
      continue;
    }
    let a = i;
    while (a > 0 && isContinuation(s.codePointAt(a)!)) a = prevStart(s, a);
    if (regs.length > 0 && regs[regs.length - 1]!.b > a) a = regs[regs.length - 1]!.b;
    let b = i + unitLen(s, i);
    while (b < L && isContinuation(s.codePointAt(b)!)) b += unitLen(s, b);
    const seg = s.slice(a, b);
    if (normalizeLikeHf(seg, form) !== seg) {
      const r = alignedNormalize(codePoints(seg), form);
      regs.push({ a, b, cps: r.cps, changes: r.changes });
    }
    i = b;
  }
  let assembled = "";
  let prev = 0;
  for (const r of regs) {
    assembled += s.slice(prev, r.a);
    for (const c of r.cps) assembled += String.fromCodePoint(c);
    prev = r.b;
  }
  assembled += s.slice(prev);
  if (assembled === target) {
    n.transformRegions(regs);
    return;
  }
  // segments interact (a halfwidth Hangul vowel composing with the jamo before it): whole string
  const r = alignedNormalize(codePoints(s), form);
  n.transform(r.cps, r.changes, 0);
}

function codePoints(s: string): number[] {
  const out: number[] = [];
  for (const c of s) out.push(c.codePointAt(0)!);
  return out;
}

function prevStart(s: string, i: number): number {
  const lo = s.charCodeAt(i - 1);
  if (lo >= 0xdc00 && lo <= 0xdfff && i >= 2) {
    const hi = s.charCodeAt(i - 2);
    if (hi >= 0xd800 && hi <= 0xdbff) return i - 2;
  }
  return i - 1;
}

// ---- simple normalizers ----

function lowercase(n: NStr): void {
  const s = n.s;
  const lower = s.toLowerCase();
  if (lower === s) return;
  // JS's toLowerCase is the per-char mapping except for the final sigma (context-dependent),
  // which only U+03A3 can start. Without alignments its string is all there is; with them, a
  // lowercase that maps every char to one char of the same UTF-16 length (change 0 each) leaves
  // every alignment as it was. The one unconditional lowercase that is longer than its char is
  // U+0130 (→ i + U+0307, SpecialCasing.txt), and simple lowercase mappings stay in their plane,
  // so equal lengths without U+0130 mean char for char.
  if (!s.includes("\u03a3") && (!n.track || (lower.length === s.length && !s.includes("\u0130") && sameSurrogates(s, lower)))) {
    n.s = lower;
    return;
  }
  const cps: number[] = [];
  const changes: number[] = [];
  for (const ch of s) {
    // Rust's char::to_lowercase is the full (unconditional) lowercase mapping, like JS's
    // per-char toLowerCase except for the context-dependent final sigma, which Rust lacks.
    const cp = ch.codePointAt(0)!;
    const l = cp === 0x3a3 ? "\u03c3" : ch.toLowerCase();
    let k = 0;
    for (const c of l) {
      cps.push(c.codePointAt(0)!);
      changes.push(k++ > 0 ? 1 : 0);
    }
  }
  n.transform(cps, changes, 0);
}

/** Whether a and b (of equal length) have surrogates at the same positions. */
function sameSurrogates(a: string, b: string): boolean {
  for (let i = 0; i < a.length; i++) {
    if (((a.charCodeAt(i) & 0xf800) === 0xd800) !== ((b.charCodeAt(i) & 0xf800) === 0xd800)) return false;
  }
  return true;
}

const WS = /^\s$/u;
/** Rust `char::is_whitespace`: the White_Space property. JS `\s` adds U+FEFF and lacks U+0085. */
export function isWhitespace(cp: number): boolean {
  if (cp === 0xfeff) return false;
  if (cp === 0x85) return true;
  if (cp < 0x80) return cp === 0x20 || (cp >= 9 && cp <= 13);
  // the rest of White_Space (PropList.txt, unchanged since Unicode 6.3 dropped U+180E): no regex call for other chars
  if (cp !== 0xa0 && cp !== 0x1680 && (cp < 0x2000 || cp > 0x3000)) return false;
  return WS.test(String.fromCodePoint(cp));
}

function strip(left: boolean, right: boolean): Normalizer {
  return (n) => {
    const cps = [...n.s].map((c) => c.codePointAt(0)!);
    let a = 0;
    let b = cps.length;
    if (left) while (a < b && isWhitespace(cps[a]!)) a++;
    if (right) while (b > a && isWhitespace(cps[b - 1]!)) b--;
    if (a === 0 && b === cps.length) return;
    // HF: transform of the kept chars with `initial_offset = leading_spaces` and the last one
    // carrying -trailing_spaces.
    const keep = cps.slice(a, b);
    const ch = keep.map(() => 0);
    if (ch.length > 0) ch[ch.length - 1] = -(cps.length - b);
    n.transform(keep, ch, a);
  };
}

/** HF StripAccents: removes `is_combining_mark` chars (all marks, not only Mn, of Unicode 9.0). */
function stripAccents(n: NStr): void {
  n.filter((cp) => !isCombiningMark(cp));
}

function nmt(n: NStr): void {
  n.filter((cp) => !((cp >= 1 && cp <= 8) || cp === 0xb || (cp >= 0xe && cp <= 0x1f) || cp === 0x7f || cp === 0x8f || cp === 0x9f));
  n.mapChars((cp) =>
    cp === 0x9 || cp === 0xa || cp === 0xc || cp === 0xd || cp === 0x1680 || (cp >= 0x200b && cp <= 0x200f) ||
    cp === 0x2028 || cp === 0x2029 || cp === 0x2581 || cp === 0xfeff || cp === 0xfffd
      ? 0x20
      : cp,
  );
}

// ---- BERT ----

/**
 * HF `is_control` (bert.rs): `is_other` except \t \n \r. Despite bert.rs's comment, that is
 * Cc/Cf/Co only: unassigned code points are kept (and become [UNK]).
 */
export function isControl(cp: number): boolean {
  if (cp === 9 || cp === 10 || cp === 13) return false;
  return isOther(cp);
}

/** Whether s has a char isChineseChar accepts (all of them are at U+3400 and above). */
function hasChineseChar(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x3400) continue;
    if (isChineseChar(s.codePointAt(i)!)) return true;
  }
  return false;
}

/** HF `is_chinese_char` (bert.rs). */
export function isChineseChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b920 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

function bertNormalizer(j: Json): Normalizer {
  const cleanText = j.clean_text !== false;
  const chinese = j.handle_chinese_chars !== false;
  const lower = j.lowercase !== false;
  const accents = j.strip_accents == null ? lower : j.strip_accents === true;
  return charByChar((n) => {
    if (cleanText) {
      n.filter((cp) => !(cp === 0 || cp === 0xfffd || isControl(cp)));
      n.mapChars((cp) => (isWhitespace(cp) ? 0x20 : cp));
    }
    if (chinese) {
      if (hasChineseChar(n.s)) {
        const cps: number[] = [];
        const changes: number[] = [];
        for (const ch of n.s) {
          const cp = ch.codePointAt(0)!;
          if (isChineseChar(cp)) {
            cps.push(0x20, cp, 0x20);
            changes.push(0, 1, 1);
          } else {
            cps.push(cp);
            changes.push(0);
          }
        }
        n.transform(cps, changes, 0);
      }
    }
    if (accents) {
      // bert.rs filters `is_mark_nonspacing` (Mn), where StripAccents filters all marks
      unicodeNormalize(n, "NFD");
      n.filter((cp) => !isNonspacingMark(cp));
    }
    if (lower) lowercase(n);
  });
}

const UNKNOWN = -2;
const COMPLEX = -1;
const REMOVED = 0x10000;
const EXPANDED = 0x10001; // + index into the expansions

/**
 * A normalizer whose steps are all per char or, for NFD, per run of marks (BertNormalizer:
 * filter, map, Chinese-char padding, NFD, Mn filter, Rust's per-char lowercase), run char by
 * char where that is the same thing. What `general` makes of each BMP char on its own is kept
 * in a table: nothing (a removed char), one unit, or several units all aligned to the char (a
 * padded Chinese char, a Hangul syllable's jamo, İ's lowercase). That is the char's result in
 * any context, because the one step that looks at neighbours is NFD's canonical reordering,
 * which moves only chars of nonzero combining class past each other, keeps their order
 * otherwise (a removed mark leaves the others in place), and never moves a char of class 0.
 * So the chars left to `general` itself are surrogates and the kept chars of nonzero class
 * (and any whose single-char alignments are not all the char's): each run of them, with the
 * removed chars next to them (transparent to the reordering: HF's alignments there are by
 * position), on its own (the steps stay local), its alignments composed with the piece's. A
 * char of the table keeps its alignment; a removed one drops it.
 */
function charByChar(general: Normalizer): Normalizer {
  const table = new Int32Array(0x10000).fill(UNKNOWN);
  const expansions: string[] = [];
  const classify = (c: number): number => {
    let t = COMPLEX;
    if (c < 0xd800 || c > 0xdfff) {
      const ch = String.fromCharCode(c);
      const one = NStr.of(ch, 0, true);
      general(one);
      let own = true; // every unit aligned to the char
      for (let k = 0; k < one.s.length && own; k++) own = one.origStart(k) === 0 && one.origEnd(k + 1) === 1;
      // a kept char that canonical reordering may move (combining class > 0, by the reorder it
      // causes after U+0345, class 240), or one the reference's tables may not know
      const moves = one.s.length > 0 && (isNormalizationUnknown(c) || c === 0x345 || ("\u0345" + ch).normalize("NFD") !== "\u0345" + ch.normalize("NFD"));
      if (one.s.length === 0) t = REMOVED;
      else if (!own || moves) t = COMPLEX;
      else if (one.s.length === 1) t = one.s.charCodeAt(0);
      else {
        t = EXPANDED + expansions.length;
        expansions.push(one.s);
      }
    }
    table[c] = t;
    return t;
  };
  return (n) => {
    const s = n.s;
    const len = s.length;
    // a first pass: nothing but simple chars mapped to themselves is the common case
    let i = 0;
    for (; i < len; i++) {
      const c = s.charCodeAt(i);
      let t = table[c]!;
      if (t === UNKNOWN) t = classify(c);
      if (t !== c) break;
    }
    if (i === len) return;
    let out = s.slice(0, i);
    const track = n.track;
    let al: number[] | null = null;
    if (track) {
      al = [];
      for (let k = 0; k < i; k++) al.push(n.origStart(k), n.origEnd(k + 1));
    }
    let removedOrComplex = false;
    while (i < len) {
      const c = s.charCodeAt(i);
      let t = table[c]!;
      if (t === UNKNOWN) t = classify(c);
      if (t >= 0) {
        if (t < REMOVED) {
          out += String.fromCharCode(t);
          if (al !== null) al.push(n.origStart(i), n.origEnd(i + 1));
        } else if (t === REMOVED) {
          // removed chars are transparent to NFD's reordering (clean_text drops controls
          // before it, and a dropped mark's place is a place in the reordering): next to a
          // char left to `general`, they go with it
          removedOrComplex = true;
          let j = i + 1;
          let u = COMPLEX;
          for (; j < len; j++) {
            const d = s.charCodeAt(j);
            u = table[d]!;
            if (u === UNKNOWN) u = classify(d);
            if (u !== REMOVED) break;
          }
          if (j < len && u === COMPLEX) t = COMPLEX;
          else {
            i = j;
            continue;
          }
        } else {
          const x = expansions[t - EXPANDED]!;
          out += x;
          removedOrComplex = true;
          if (al !== null) {
            const a0 = n.origStart(i);
            const a1 = n.origEnd(i + 1);
            for (let k = 0; k < x.length; k++) al.push(a0, a1);
          }
        }
        if (t !== COMPLEX) {
          i++;
          continue;
        }
      }
      removedOrComplex = true;
      let j = i + 1;
      for (; j < len; j++) {
        const d = s.charCodeAt(j);
        let u = table[d]!;
        if (u === UNKNOWN) u = classify(d);
        if (u >= 0 && u !== REMOVED) break;
      }
      const r = NStr.of(s.slice(i, j), 0, track);
      general(r);
      out += r.s;
      if (al !== null) {
        for (let k = 0; k < r.s.length; k++) {
          const x = r.origStart(k);
          const y = r.origEnd(k + 1);
          if (y > x) al.push(n.origStart(i + x), n.origEnd(i + y));
          else {
            const p = x < j - i ? n.origStart(i + x) : n.origEnd(i + x);
            al.push(p, p);
          }
        }
      }
      i = j;
    }
    n.s = out;
    // simple chars mapped one to one leave every alignment where it was
    if (al !== null && removedOrComplex) n.al = Int32Array.from(al);
  };
}
