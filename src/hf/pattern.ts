/**
 * Patterns of tokenizer.json (`{"String": "..."}` or `{"Regex": "..."}`) as match finders over
 * UTF-16 text. Regexes are written for Oniguruma (HF's default backend) or fancy-regex; they go
 * through the tiktoken-pattern translator of the JS engine (src/engines/js/regex.ts), which covers the
 * syntax real tokenizer files use: possessive quantifiers, scoped `(?i:...)`, `\p{..}`, Rust/
 * Oniguruma `\s` (White_Space), lookahead. Whatever it cannot translate faithfully is rejected
 * with UnsupportedComponentError instead of being approximated.
 */
import { BacktrackingPatternError, UnsupportedComponentError } from "../errors.js";
import { translatePattern } from "../engines/js/regex.js";
import { regexUnassignedRanges } from "./char-classes.js";

export interface HfPattern {
  /** Non-overlapping matches [start, end) in order (empty matches skipped). */
  find(s: string): Array<[number, number]>;
  /**
   * The matches as HF's `Pattern::find_matches` sees them, empty ones included (they end one
   * segment and start the next, which Split's behaviors act on: `(?<=a)` splits "ab" in two).
   */
  findWithEmpty(s: string): Array<[number, number]>;
  /** For error messages. */
  readonly source: string;
}

export function parsePattern(p: unknown, where: string): HfPattern {
  if (p && typeof p === "object") {
    const o = p as Record<string, unknown>;
    if (typeof o.String === "string") return stringPattern(o.String);
    if (typeof o.Regex === "string") return regexPattern(o.Regex, where);
  }
  if (typeof p === "string") return stringPattern(p);
  throw new UnsupportedComponentError(`${where} pattern ${JSON.stringify(p)}`);
}

function stringPattern(lit: string): HfPattern {
  return {
    source: lit,
    // HF: an empty literal matches nothing
    find,
    findWithEmpty: find,
  };
  function find(s: string): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    if (lit.length === 0) return out;
    let i = s.indexOf(lit);
    while (i >= 0) {
      out.push([i, i + lit.length]);
      i = s.indexOf(lit, i + lit.length);
    }
    return out;
  }
}

const regexCache = new Map<string, string>();

/**
 * `oniguruma` false: the pattern is one HF compiles with Rust's regex crate (the Whitespace
 * pre-tokenizer's), whose `\w` differs from Oniguruma's.
 */
export function translateHfRegex(src: string, where: string, oniguruma = true): RegExp {
  const key = oniguruma ? src : `rust:${src}`;
  let js = regexCache.get(key);
  if (js === undefined) {
    try {
      js = pinToReferenceUnicode(translatePattern(src, `tokenizer.json ${where}`, { oniguruma }));
    } catch (e) {
      if (e instanceof BacktrackingPatternError) throw e;
      throw new UnsupportedComponentError(`${where} regex ${JSON.stringify(src)}`, e instanceof Error ? e.message : String(e));
    }
    regexCache.set(key, js);
  }
  return new RegExp(js, "gu");
}

/** The [start, end) of every non-empty match of global regex `re` in `s` (empty matches skipped). */
export function matchSpans(re: RegExp, s: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    const a = m.index;
    const b = a + m[0].length;
    if (b === a) {
      re.lastIndex = a + (s.codePointAt(a)! > 0xffff ? 2 : 1);
      continue;
    }
    out.push([a, b]);
  }
  return out;
}

/**
 * Every match of global regex `re` in `s` as Oniguruma's `find_iter` (the onig crate's
 * FindMatches, HF's default regex backend) yields them: an empty match is kept, except one
 * that ends where the previous match ended (JS's exec would report `a*` on "ab" as [0, 1),
 * [1, 1), [2, 2); onig skips [1, 1)); after an empty match the search goes on one char later.
 */
export function matchSpansWithEmpty(re: RegExp, s: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let lastEnd = -1;
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    const a = m.index;
    const b = a + m[0].length;
    if (b === a) {
      re.lastIndex = a + (a < s.length && s.codePointAt(a)! > 0xffff ? 2 : 1);
      // V8 may report an empty match (a negative lookaround: \B, (?<!x)) between the halves of
      // a surrogate pair; Oniguruma only stops at chars
      if (a === lastEnd || insidePair(s, a)) continue;
    }
    out.push([a, b]);
    lastEnd = b;
  }
  return out;
}

/** Whether index i falls between the two halves of a surrogate pair. */
function insidePair(s: string, i: number): boolean {
  if (i === 0 || i >= s.length) return false;
  const lo = s.charCodeAt(i);
  const hi = s.charCodeAt(i - 1);
  return lo >= 0xdc00 && lo <= 0xdfff && hi >= 0xd800 && hi <= 0xdbff;
}

function regexPattern(src: string, where: string): HfPattern {
  const re = translateHfRegex(src, where);
  return { source: src, find: (s: string) => matchSpans(re, s), findWithEmpty: (s: string) => matchSpansWithEmpty(re, s) };
}

// ---- Unicode version of the regex classes ----
//
// The reference's Oniguruma classes (\p{L}, \w, ...) are Unicode 16.0: code points assigned
// later are unassigned to it. A JS engine whose \p{..} knows them (Node 20.20's ICU knows
// 17.0) would class them differently, so when the engine does, every class atom of a
// translated regex (bracket class or \p escape) is pinned: it excludes those code points, or,
// if it matches unassigned code points (a negated class), includes them all.

/** Class body of the code points assigned after 16.0 that this engine knows; "" if none. */
let laterAssigned: string | undefined;

function laterAssignedClass(): string {
  if (laterAssigned !== undefined) return laterAssigned;
  const r = regexUnassignedRanges();
  const known = /\P{Cn}/u;
  const test = (cp: number) => known.test(String.fromCodePoint(cp));
  // cheap look first (new blocks start gaps); then every code point, once
  let any = false;
  for (let k = 0; k < r.length && !any; k += 2) any = test(r[k]!) || test(r[k + 1]!) || test((r[k]! + r[k + 1]!) >>> 1);
  let body = "";
  if (any) {
    for (let k = 0; k < r.length; k += 2) {
      let runStart = -1;
      for (let cp = r[k]!; cp <= r[k + 1]! + 1; cp++) {
        const inside = cp <= r[k + 1]! && test(cp);
        if (inside && runStart < 0) runStart = cp;
        else if (!inside && runStart >= 0) {
          body += `\\u{${runStart.toString(16)}}-\\u{${(cp - 1).toString(16)}}`;
          runStart = -1;
        }
      }
    }
  }
  return (laterAssigned = body);
}

/** Noncharacters are unassigned in every Unicode version. */
const UNASSIGNED_PROBE = "\ufdd0";

function pinAtom(atom: string, later: string): string {
  return new RegExp(atom, "u").test(UNASSIGNED_PROBE) ? `(?:${atom}|[${later}])` : `(?:(?![${later}])${atom})`;
}

/** Rewrites the class atoms that hold a \p{..} escape (translatePattern's output syntax). */
export function pinToReferenceUnicode(js: string): string {
  if (!js.includes("\\p{") && !js.includes("\\P{")) return js;
  const later = laterAssignedClass();
  if (later === "") return js;
  let out = "";
  let i = 0;
  while (i < js.length) {
    const c = js[i]!;
    if (c === "\\") {
      const n = js[i + 1];
      if ((n === "p" || n === "P" || n === "u") && js[i + 2] === "{") {
        const end = js.indexOf("}", i) + 1;
        out += n === "u" ? js.slice(i, end) : pinAtom(js.slice(i, end), later);
        i = end;
      } else {
        out += js.slice(i, i + 2);
        i += 2;
      }
      continue;
    }
    if (c === "[") {
      let j = i + 1;
      while (j < js.length && js[j] !== "]") j += js[j] === "\\" ? 2 : 1;
      const atom = js.slice(i, j + 1);
      out += atom.includes("\\p{") || atom.includes("\\P{") ? pinAtom(atom, later) : atom;
      i = j + 1;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}
