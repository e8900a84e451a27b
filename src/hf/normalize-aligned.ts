/**
 * Unicode normalization with HF's alignments: a port of the `unicode-normalization-alignments`
 * crate's iterators, which yield each output char with its change (0 = replaces the next input
 * char, 1 = inserted, -N = also removes the N that follow), the stream
 * `NormalizedString::transform` turns into offsets. The chars themselves are what
 * String.prototype.normalize gives (minus the code points the reference's Unicode 9.0 tables do
 * not know); the changes depend on the crate's exact steps, so those are reproduced here:
 *
 * - decomposition: each input char's full decomposition, its first char with change 0, the
 *   others 1; every run of non-starters is then stably sorted by combining class, changes moving
 *   with their chars;
 * - composition (C forms): over that stream, a starter absorbs the following chars it composes
 *   with, the composite taking change `starter + absorbed - 1`.
 */
import { isNormalizationUnknown } from "./char-classes.js";
import { COMBINING_CLASS_RANKS } from "./unicode-hf.js";

export type Form = "NFC" | "NFD" | "NFKC" | "NFKD";

/**
 * `s.normalize(form)` as the reference's Unicode 9.0 normalizer does it: code points it does not
 * know (assigned since) stay as they are and, being starters to it, cut the text into parts that
 * normalize independently.
 */
export function normalizeLikeHf(s: string, form: Form): string {
  let out = "";
  let prev = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x7fd) continue;
    const cp = s.codePointAt(i)!;
    const w = cp > 0xffff ? 2 : 1;
    if (isNormalizationUnknown(cp)) {
      out += s.slice(prev, i).normalize(form) + s.slice(i, i + w);
      prev = i + w;
    }
    i += w - 1;
  }
  return prev === 0 ? s.normalize(form) : out + s.slice(prev).normalize(form);
}

let ranks: Map<number, number> | null = null;

/** Combining class rank (0 = starter; only the order of classes matters to the algorithm). */
function combiningClass(cp: number): number {
  if (cp < 0x300) return 0;
  if (ranks === null) {
    ranks = new Map();
    const parts = COMBINING_CLASS_RANKS.split(" ");
    let prev = 0;
    for (let i = 0; i < parts.length; i += 3) {
      const a = prev + parseInt(parts[i]!, 36);
      const b = a + parseInt(parts[i + 1]!, 36);
      const r = parseInt(parts[i + 2]!, 36);
      for (let c = a; c <= b; c++) ranks.set(c, r);
      prev = b;
    }
  }
  return ranks.get(cp) ?? 0;
}

const decompositions: [Map<number, number[]>, Map<number, number[]>] = [new Map(), new Map()];

/** Full canonical (or compatibility) decomposition of one code point. */
function decompose(cp: number, compat: boolean): number[] {
  if (cp < (compat ? 0xa0 : 0xc0) || isNormalizationUnknown(cp)) return [cp];
  const memo = decompositions[compat ? 1 : 0];
  let d = memo.get(cp);
  if (d === undefined) {
    d = [];
    for (const c of String.fromCodePoint(cp).normalize(compat ? "NFKD" : "NFD")) d.push(c.codePointAt(0)!);
    if (memo.size > 20_000) memo.clear();
    memo.set(cp, d);
  }
  return d;
}

const compositions = new Map<number, number>();

/** The primary composite of (a, b), or -1 (`unicode_normalization::char::compose`). */
function compose(a: number, b: number): number {
  if (b < 0x300) return -1; // second parts are marks, vowel signs or Hangul jamo
  if (isNormalizationUnknown(a) || isNormalizationUnknown(b)) return -1;
  const key = a * 0x110000 + b;
  let r = compositions.get(key);
  if (r === undefined) {
    const s = (String.fromCodePoint(a) + String.fromCodePoint(b)).normalize("NFC");
    const c = s.codePointAt(0)!;
    r = s.length === (c > 0xffff ? 2 : 1) ? c : -1;
    if (compositions.size > 20_000) compositions.clear();
    compositions.set(key, r);
  }
  return r;
}

/** The code points of `cps` in `form`, with the crate's change per output code point. */
export function alignedNormalize(cps: ArrayLike<number>, form: Form): { cps: number[]; changes: number[] } {
  const compat = form === "NFKC" || form === "NFKD";
  // 1. decomposition, non-starter runs stably sorted by class
  const dc: number[] = [];
  const dch: number[] = [];
  const cls: number[] = [];
  let pending = 0; // start of the run not sorted yet
  const sortPending = (): void => {
    let sorted = true;
    for (let k = pending + 1; k < dc.length; k++) if (cls[k]! < cls[k - 1]!) sorted = false;
    if (!sorted) {
      const idx = [];
      for (let k = pending; k < dc.length; k++) idx.push(k);
      idx.sort((x, y) => cls[x]! - cls[y]! || x - y);
      const c2 = idx.map((k) => dc[k]!);
      const h2 = idx.map((k) => dch[k]!);
      const l2 = idx.map((k) => cls[k]!);
      for (let k = 0; k < idx.length; k++) {
        dc[pending + k] = c2[k]!;
        dch[pending + k] = h2[k]!;
        cls[pending + k] = l2[k]!;
      }
    }
    pending = dc.length;
  };
  for (let i = 0; i < cps.length; i++) {
    const d = decompose(cps[i]!, compat);
    for (let k = 0; k < d.length; k++) {
      const c = combiningClass(d[k]!);
      if (c === 0) sortPending();
      dc.push(d[k]!);
      dch.push(k === 0 ? 0 : 1);
      cls.push(c);
    }
  }
  sortPending();
  if (form === "NFD" || form === "NFKD") return { cps: dc, changes: dch };

  // 2. composition (the crate's Recompositions state machine)
  const out: number[] = [];
  const changes: number[] = [];
  let composee = -1;
  let composeeChange = 0;
  let lastClass = -1; // -1: nothing blocked since the composee
  const blocked: number[] = []; // (cp, change) pairs waiting behind the composee
  const flush = (): void => {
    out.push(composee);
    changes.push(composeeChange);
    for (let k = 0; k < blocked.length; k += 2) {
      out.push(blocked[k]!);
      changes.push(blocked[k + 1]!);
    }
    blocked.length = 0;
  };
  for (let i = 0; i < dc.length; i++) {
    const ch = dc[i]!;
    const change = dch[i]!;
    const c = cls[i]!;
    if (composee < 0) {
      if (c !== 0) {
        out.push(ch);
        changes.push(change);
      } else {
        composee = ch;
        composeeChange = change;
      }
      continue;
    }
    if (lastClass >= 0 && lastClass >= c) {
      // `ch` is blocked from the composee
      if (c === 0) {
        flush();
        composee = ch;
        composeeChange = change;
        lastClass = -1;
      } else {
        blocked.push(ch, change);
        lastClass = c;
      }
      continue;
    }
    const r = compose(composee, ch);
    if (r >= 0) {
      composee = r;
      composeeChange += change - 1;
      continue;
    }
    if (lastClass < 0 && c === 0) {
      flush();
      composee = ch;
      composeeChange = change;
      continue;
    }
    blocked.push(ch, change);
    lastClass = c;
  }
  if (composee >= 0) flush(); // (nothing is blocked without a composee)
  return { cps: out, changes };
}
