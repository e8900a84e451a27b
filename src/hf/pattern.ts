/**
 * Patterns of tokenizer.json (`{"String": "..."}` or `{"Regex": "..."}`) as match finders over
 * UTF-16 text. Regexes are written for Oniguruma (HF's default backend) or fancy-regex; they go
 * through the tiktoken-pattern translator of the JS engine (src/js/regex.ts), which covers the
 * syntax real tokenizer files use: possessive quantifiers, scoped `(?i:...)`, `\p{..}`, Rust/
 * Oniguruma `\s` (White_Space), lookahead. Whatever it cannot translate faithfully is rejected
 * with UnsupportedComponentError instead of being approximated.
 */
import { UnsupportedComponentError } from "../errors.js";
import { translatePattern } from "../js/regex.js";

export interface HfPattern {
  /** Non-overlapping matches [start, end) in order (empty matches skipped). */
  find(s: string): Array<[number, number]>;
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
    find(s: string) {
      const out: Array<[number, number]> = [];
      if (lit.length === 0) return out;
      let i = s.indexOf(lit);
      while (i >= 0) {
        out.push([i, i + lit.length]);
        i = s.indexOf(lit, i + lit.length);
      }
      return out;
    },
  };
}

const regexCache = new Map<string, string>();

export function translateHfRegex(src: string, where: string): RegExp {
  let js = regexCache.get(src);
  if (js === undefined) {
    try {
      js = translatePattern(src);
    } catch (e) {
      throw new UnsupportedComponentError(`${where} regex ${JSON.stringify(src)}`, e instanceof Error ? e.message : String(e));
    }
    regexCache.set(src, js);
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

function regexPattern(src: string, where: string): HfPattern {
  const re = translateHfRegex(src, where);
  return { source: src, find: (s: string) => matchSpans(re, s) };
}
