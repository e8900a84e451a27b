/**
 * Translation of a tiktoken `pat_str` (Rust `regex` / `fancy-regex` syntax) to a JavaScript
 * RegExp with the `u` flag, for custom encodings. What changes:
 * - possessive quantifiers (`++`, `*+`, `?+`, `{n,m}+`) become greedy ones;
 * - scoped case-insensitivity `(?i:...)` / `(?i)` (V8 in Node 20 has no regex modifiers) is
 *   expanded into explicit case-variant character classes (simple case folding, as in Rust);
 * - `\s` becomes Unicode White_Space (JS `\s` also has U+FEFF and lacks U+0085); `\d` and `\w`
 *   become their Unicode meanings (Rust's are Unicode, JS's ASCII); `.` excludes only `\n`;
 * - `\pL`-style one-letter classes get braces; `(?P<name>` becomes `(?<name>`.
 * What cannot be translated faithfully (word boundaries, other inline flags, class set
 * operations, POSIX classes, case-specific `\p{..}` under `(?i)`) is rejected, and so is a
 * pattern that could backtrack exponentially (regex-backtracking.ts: BacktrackingPatternError).
 */
import { BacktrackingPatternError, InvalidArgumentError } from "../../errors.js";
import { ambiguousRepetition } from "./regex-backtracking.js";

/** Rust's `\s`: the White_Space property. */
const WS_CLASS_BODY = "\\t-\\r \\u{85}\\u{A0}\\u{1680}\\u{2000}-\\u{200A}\\u{2028}\\u{2029}\\u{202F}\\u{205F}\\u{3000}";
/** Whether JS's /u regexes know \p{name}. */
function isJsProperty(name: string): boolean {
  try {
    new RegExp(`\\p{${name}}`, "u");
    return true;
  } catch {
    return false;
  }
}

/** Rust's `\w`: Alphabetic, M, Nd, Pc, Join_Control. */
const WORD_CLASS_BODY = "\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}";
/**
 * Oniguruma's `\w` (HF's regexes; measured against tokenizers 0.23.2 over every code point):
 * Alphabetic, M, Nd, Pc without Join_Control, and Latin-1's ² ³ ¹ ¼ ½ ¾ (its table for code
 * points below 256 calls them word chars).
 */
const ONIG_WORD_CLASS_BODY = "\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\u{B2}\\u{B3}\\u{B9}\\u{BC}-\\u{BE}";

const CASE_SPECIFIC_PROPS = new Set([
  "Lu", "Ll", "Lt", "LC", "Uppercase_Letter", "Lowercase_Letter", "Titlecase_Letter", "Cased_Letter",
  "Upper", "Lower", "Uppercase", "Lowercase", "gc=Lu", "gc=Ll", "gc=Lt", "General_Category=Lu",
  "General_Category=Ll", "General_Category=Lt",
]);

class Untranslatable extends Error {}

function hex(cp: number): string {
  return cp.toString(16).toUpperCase();
}

/** A code point as a JS `u`-mode regex atom that is valid both inside and outside classes. */
function lit(cp: number): string {
  if ((cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || cp === 0x5f) {
    return String.fromCharCode(cp);
  }
  return `\\u{${hex(cp)}}`;
}

// ---- case variants (lazily built; only custom patterns with (?i) need them) ----

let foldParent: Map<number, number> | null = null;

function find(m: Map<number, number>, x: number): number {
  let r = x;
  for (let p = m.get(r); p !== undefined && p !== r; p = m.get(r)) r = p;
  m.set(x, r);
  return r;
}

function buildFoldSets(): Map<number, number> {
  const parent = new Map<number, number>();
  const union = (a: number, b: number) => {
    if (!parent.has(a)) parent.set(a, a);
    if (!parent.has(b)) parent.set(b, b);
    const ra = find(parent, a);
    const rb = find(parent, b);
    if (ra !== rb) parent.set(ra, rb);
  };
  for (let cp = 0; cp < 0x20000; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const s = String.fromCodePoint(cp);
    for (const t of [s.toLowerCase(), s.toUpperCase()]) {
      const c = t.codePointAt(0)!;
      if (t.length === (c > 0xffff ? 2 : 1) && c !== cp) union(cp, c);
    }
  }
  return parent;
}

const variantCache = new Map<number, number[]>();

/** All code points equal to cp under simple case folding (cp first). */
export function caseVariants(cp: number): number[] {
  const cached = variantCache.get(cp);
  if (cached) return cached;
  foldParent ??= buildFoldSets();
  const out = [cp];
  if (foldParent.has(cp)) {
    const root = find(foldParent, cp);
    const re = new RegExp(`^${lit(cp)}$`, "iu");
    for (const x of foldParent.keys()) {
      if (x !== cp && find(foldParent, x) === root && re.test(String.fromCodePoint(x))) out.push(x);
    }
  }
  variantCache.set(cp, out);
  return out;
}

// ---- the translator ----

class Translator {
  private i = 0;
  /** `onig`: Oniguruma's (Ruby syntax) anchors and word boundary, as tokenizer.json regexes mean them. */
  constructor(private readonly src: string, private readonly onig = false) {}

  /** The class body of `\w`. */
  private get word(): string {
    return this.onig ? ONIG_WORD_CLASS_BODY : WORD_CLASS_BODY;
  }

  private peek(k = 0): string {
    return this.src[this.i + k] ?? "";
  }

  private cpHere(): number {
    const cp = this.src.codePointAt(this.i)!;
    this.i += cp > 0xffff ? 2 : 1;
    return cp;
  }

  translate(): string {
    const out = this.alternation(false);
    if (this.i < this.src.length) throw new Untranslatable(`unbalanced ')' at ${this.i}`);
    return out;
  }

  /** Sequence of terms up to ')' or the end; `ci` = case-insensitive. */
  private alternation(ci: boolean): string {
    let out = "";
    while (this.i < this.src.length) {
      const ch = this.peek();
      if (ch === ")") break;
      if (ch === "|") {
        out += "|";
        this.i++;
        continue;
      }
      if (ch === "(" && this.peek(1) === "?" && /^\(\?[a-zA-Z-]+\)/.test(this.src.slice(this.i))) {
        // inline flags for the rest of the group: only `i` / `-i`
        const m = /^\(\?([a-zA-Z-]+)\)/.exec(this.src.slice(this.i))!;
        ci = this.flags(m[1]!, ci);
        this.i += m[0].length;
        continue;
      }
      const atom = this.atom(ci);
      out += atom + this.quantifier();
    }
    return out;
  }

  private flags(spec: string, ci: boolean): boolean {
    let on = true;
    for (const f of spec) {
      if (f === "-") on = false;
      else if (f === "i") ci = on;
      else throw new Untranslatable(`inline flag '${f}' is not supported`);
    }
    return ci;
  }

  private quantifier(): string {
    let q = "";
    const ch = this.peek();
    if (ch === "*" || ch === "+" || ch === "?") {
      q = ch;
      this.i++;
    } else if (ch === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
      if (!m) throw new Untranslatable(`bad repetition at ${this.i}`);
      q = m[0];
      this.i += m[0].length;
    } else return "";
    if (this.peek() === "?") {
      q += "?"; // lazy
      this.i++;
    } else if (this.peek() === "+") {
      this.i++; // possessive → greedy
    }
    if ("*+?{".includes(this.peek()) && this.peek() !== "") {
      throw new Untranslatable(`nested quantifier at ${this.i}`);
    }
    return q;
  }

  private atom(ci: boolean): string {
    const ch = this.peek();
    if (ch === "(") return this.group(ci);
    if (ch === "[") return this.cls(ci);
    if (ch === "\\") return this.escape(ci, false);
    if (ch === ".") {
      this.i++;
      return "[^\\n]";
    }
    if (ch === "^" || ch === "$") {
      this.i++;
      // Oniguruma's ^ and $ are line anchors (after / before "\n" only, as Ruby's)
      // (positive lookarounds: a negated class in one can match inside a surrogate pair)
      if (this.onig) return ch === "^" ? "(?:^|(?<=\\n))" : "(?:$|(?=\\n))";
      return ch;
    }
    if (ch === "*" || ch === "+" || ch === "?" || ch === "{") {
      throw new Untranslatable(`dangling quantifier at ${this.i}`);
    }
    return this.literal(this.cpHere(), ci);
  }

  private literal(cp: number, ci: boolean): string {
    if (!ci) return lit(cp);
    const vs = caseVariants(cp);
    return vs.length === 1 ? lit(cp) : `[${vs.map(lit).join("")}]`;
  }

  private group(ci: boolean): string {
    const rest = this.src.slice(this.i);
    let open: string;
    let innerCi = ci;
    let m: RegExpExecArray | null;
    if (rest.startsWith("(?:")) open = "(?:";
    else if (rest.startsWith("(?=") || rest.startsWith("(?!")) open = rest.slice(0, 3);
    else if (rest.startsWith("(?<=") || rest.startsWith("(?<!")) open = rest.slice(0, 4);
    else if ((m = /^\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest))) {
      this.i += m[0].length;
      const body = this.alternation(ci);
      this.close();
      return `(?<${m[1]}>${body})`;
    } else if ((m = /^\(\?([a-zA-Z-]+):/.exec(rest))) {
      innerCi = this.flags(m[1]!, ci);
      this.i += m[0].length;
      const body = this.alternation(innerCi);
      this.close();
      return `(?:${body})`;
    } else if (rest.startsWith("(?")) throw new Untranslatable(`unsupported group at ${this.i}`);
    else open = "(";
    this.i += open.length;
    const body = this.alternation(innerCi);
    this.close();
    return `${open}${body})`;
  }

  private close(): void {
    if (this.peek() !== ")") throw new Untranslatable(`missing ')' at ${this.i}`);
    this.i++;
  }

  /** `\p{..}` / `\pX` after the backslash and the p/P letter. */
  private property(neg: boolean, ci: boolean): string {
    let name: string;
    if (this.peek() === "{") {
      const end = this.src.indexOf("}", this.i);
      if (end < 0) throw new Untranslatable(`unterminated \\p{ at ${this.i}`);
      name = this.src.slice(this.i + 1, end);
      this.i = end + 1;
    } else {
      name = this.peek();
      this.i++;
    }
    name = name.replace(/\s+/g, "");
    if (name.startsWith("^")) {
      neg = !neg;
      name = name.slice(1);
    }
    if (ci && CASE_SPECIFIC_PROPS.has(name)) {
      throw new Untranslatable(`case-specific \\p{${name}} under (?i) is not supported`);
    }
    name = name.replace(/^(gc|General_Category)[=:]/, "").replace(/^(sc|Script)[:]/, "Script=");
    // Oniguruma takes a script by its bare name (\p{Han}, \p{Latin}); JS only as Script=Han
    if (!isJsProperty(name) && isJsProperty(`Script=${name}`)) name = `Script=${name}`;
    return `\\${neg ? "P" : "p"}{${name}}`;
  }

  /**
   * An escape at `\`. Outside a class returns an atom; inside (`inClass`) returns class-body
   * text, or a code point as a number-like string prefixed by "#" for range handling.
   */
  private escape(ci: boolean, inClass: boolean): string {
    this.i++; // backslash
    const ch = this.peek();
    this.i++;
    switch (ch) {
      case "s":
        return inClass ? WS_CLASS_BODY : `[${WS_CLASS_BODY}]`;
      case "S":
        if (inClass) throw new Untranslatable("\\S inside a character class is not supported");
        return `[^${WS_CLASS_BODY}]`;
      case "d":
        return "\\p{Nd}";
      case "D":
        return "\\P{Nd}";
      case "w":
        return inClass ? this.word : `[${this.word}]`;
      case "W":
        if (inClass) throw new Untranslatable("\\W inside a character class is not supported");
        return `[^${this.word}]`;
      case "p":
      case "P":
        return this.property(ch === "P", ci);
      case "A":
        if (inClass) break;
        return "^";
      case "z":
        if (inClass) break;
        return "$";
      case "b":
      case "B":
        // Oniguruma's word boundary is Unicode (its \w); JS's \b, even with /u, is ASCII. (V8 can
        // report an empty match inside a surrogate pair, where both negative lookarounds hold:
        // src/hf/pattern.ts skips those.)
        if (inClass || !this.onig) throw new Untranslatable(`\\${ch} is not supported`);
        return ch === "b" ? `(?:(?<=[${this.word}])(?![${this.word}])|(?<![${this.word}])(?=[${this.word}]))` : `(?:(?<=[${this.word}])(?=[${this.word}])|(?<![${this.word}])(?![${this.word}]))`;
      case "Z":
        // the end, or before a final "\n"
        if (!inClass && this.onig) return "(?=\\n?$)";
        throw new Untranslatable(`\\${ch} is not supported`);
      case "<":
      case ">":
        throw new Untranslatable(`\\${ch} is not supported`);
      default:
        if (!inClass && ch >= "1" && ch <= "9") {
          let d = ch;
          while (/[0-9]/.test(this.peek())) d += this.src[this.i++];
          return `\\${d}`;
        }
    }
    this.i--;
    const cp = this.escapedCodePoint();
    return inClass ? `#${cp}` : this.literal(cp, ci);
  }

  /** Code point of a character escape (the backslash already consumed, i at the letter). */
  private escapedCodePoint(): number {
    const ch = this.peek();
    this.i++;
    const simple: Record<string, number> = { n: 10, r: 13, t: 9, f: 12, v: 11, a: 7, e: 27, "0": 0 };
    if (ch in simple) return simple[ch]!;
    if (ch === "x" || ch === "u" || ch === "U") {
      if (this.peek() === "{") {
        const end = this.src.indexOf("}", this.i);
        const h = this.src.slice(this.i + 1, end);
        if (end < 0 || !/^[0-9a-fA-F]{1,8}$/.test(h)) throw new Untranslatable(`bad \\${ch}{} escape`);
        this.i = end + 1;
        return this.checkCp(parseInt(h, 16));
      }
      const n = ch === "x" ? 2 : ch === "u" ? 4 : 8;
      const h = this.src.slice(this.i, this.i + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(h)) throw new Untranslatable(`bad \\${ch} escape`);
      this.i += n;
      return this.checkCp(parseInt(h, 16));
    }
    if (ch === "" || /[A-Za-z0-9]/.test(ch)) throw new Untranslatable(`unknown escape \\${ch}`);
    this.i--;
    return this.cpHere(); // escaped punctuation / symbol: itself
  }

  private checkCp(cp: number): number {
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new Untranslatable(`bad code point ${hex(cp)}`);
    return cp;
  }

  /** A bracketed class. */
  private cls(ci: boolean): string {
    this.i++; // [
    let neg = false;
    if (this.peek() === "^") {
      neg = true;
      this.i++;
    }
    let body = "";
    let first = true;
    for (;;) {
      if (this.i >= this.src.length) throw new Untranslatable("unterminated character class");
      const ch = this.peek();
      if (ch === "]" && !first) {
        this.i++;
        break;
      }
      first = false;
      if (ch === "[") throw new Untranslatable("nested classes and POSIX classes are not supported");
      if ((ch === "&" && this.peek(1) === "&") || (ch === "~" && this.peek(1) === "~") || (ch === "-" && this.peek(1) === "-")) {
        throw new Untranslatable("class set operations are not supported");
      }
      let lo: number;
      if (ch === "\\") {
        const e = this.escape(ci, true);
        if (!e.startsWith("#")) {
          body += e;
          continue;
        }
        lo = Number(e.slice(1));
      } else lo = this.cpHere();
      // range?
      if (this.peek() === "-" && this.peek(1) !== "]" && this.peek(1) !== "") {
        this.i++;
        let hi: number;
        if (this.peek() === "\\") {
          const e = this.escape(ci, true);
          if (!e.startsWith("#")) throw new Untranslatable("bad class range");
          hi = Number(e.slice(1));
        } else hi = this.cpHere();
        if (hi < lo) throw new Untranslatable("bad class range");
        body += `${lit(lo)}-${lit(hi)}`;
        if (ci) {
          if (hi - lo > 5000) throw new Untranslatable("large class range under (?i) is not supported");
          for (let c = lo; c <= hi; c++) for (const v of caseVariants(c)) if (v < lo || v > hi) body += lit(v);
        }
      } else {
        body += ci ? caseVariants(lo).map(lit).join("") : lit(lo);
      }
    }
    return `[${neg ? "^" : ""}${body}]`;
  }
}

/**
 * The JS source of a tiktoken pattern (use with flags "gu"). Throws InvalidArgumentError, with
 * the pattern in the message, when it cannot be translated or compiled.
 */
/**
 * `oniguruma`: the pattern is Oniguruma's (HF tokenizer.json's default regex backend, Ruby
 * syntax): `^`/`$` are line anchors, `\A`/`\z`/`\Z` the text's ends, `\b`/`\B` Unicode word
 * boundaries. Otherwise (the OpenAI patterns: fancy-regex) `^`/`$` are the text's ends and
 * `\b`/`\B`/`\Z` are rejected.
 */
export function translatePattern(patStr: string, where = "pattern", opts: { oniguruma?: boolean } = {}): string {
  let src: string;
  try {
    src = new Translator(patStr, opts.oniguruma === true).translate();
    new RegExp(src, "gu");
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new InvalidArgumentError(
      `cannot use the pre-tokenizer pattern ${JSON.stringify(patStr)} with the JS engine: ${why}`,
    );
  }
  // a pattern that can backtrack exponentially would block the thread on some input
  const part = ambiguousRepetition(src);
  if (part !== null) throw new BacktrackingPatternError(patStr, part, where);
  return src;
}

/** The pattern compiled as a global, Unicode JS RegExp. */
export function compilePattern(patStr: string, where?: string): RegExp {
  return new RegExp(translatePattern(patStr, where), "gu");
}
