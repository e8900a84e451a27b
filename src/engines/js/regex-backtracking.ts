/**
 * A static check that refuses regexes on which a backtracking engine (V8's Irregexp, HF's
 * Oniguruma) can take exponential time: `(a+)+$` on 28 characters blocked the event loop for
 * 40 s, and HF's binding aborts its process from 24. Such "exponential degree of ambiguity"
 * needs a repeated sub-expression that can match one string in more than one way (Weideman,
 * van der Merwe, Berglund, Watson, "Analyzing Matching Time Behavior of Backtracking Regular
 * Expression Matchers by Using Ambiguity of NFA", CIAA 2016, arXiv:1604.00829, §4: EDA arises
 * from a loop whose body can be traversed along two different paths on the same input). We do
 * not build the NFA; we look for the two syntactic sources of such paths under a quantifier
 * that repeats (upper bound ≥ 2), which over-approximates them:
 *
 *   A. (star height > 1) the body X contains a variable-length quantifier Y (`a+`, `a*`, `a?`,
 *      `a{1,3}`) whose characters can also come right after or right before it, inside X or
 *      from the neighbouring iteration: then a text can be split between Y and what follows
 *      it in several ways (`(a+)+`, `(a?a)+`, `(a+a)+`, `(\s*x?)*`), while `(a+b)+` or
 *      `[a-z]+(?:-[a-z]+)*` cannot (a `b` or `-` always separates);
 *   B. (overlapping alternation) the body contains an alternation two of whose branches can
 *      start with the same character, or are both nullable (`(a|a)*`, `(a|ab)+`, `(\w|\d)+`).
 *
 * A body that is neither is matched in one way per iteration boundary, so a failing match
 * backtracks over polynomially many states. The check is conservative (`(ab|ac)+` is refused
 * though it is unambiguous: branches are compared by their first character), which real tokenizer patterns never need: none of the OpenAI
 * patterns or the HF families repeats a group that holds a quantifier or an alternation
 * (test/audit-hf.test.ts runs every one through it). Lookarounds are zero-width and skipped;
 * a backreference counts as any text.
 *
 * It reads the translator's output (src/engines/js/regex.ts: `u`-mode JS syntax, classes
 * already expanded for `(?i)`), so createEncoding patterns and tokenizer.json regexes share it.
 */

type Node =
  | { k: "char"; src: string }
  | { k: "any" }
  | { k: "empty" }
  | { k: "seq"; items: Node[] }
  | { k: "alt"; alts: Node[] }
  | { k: "rep"; body: Node; min: number; max: number; src: string };

class Parser {
  i = 0;
  constructor(readonly s: string) {}

  alternation(): Node {
    const alts: Node[] = [this.sequence()];
    while (this.s[this.i] === "|") {
      this.i++;
      alts.push(this.sequence());
    }
    return alts.length === 1 ? alts[0]! : { k: "alt", alts };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.i < this.s.length && this.s[this.i] !== "|" && this.s[this.i] !== ")") {
      const start = this.i;
      const atom = this.atom();
      items.push(this.quantified(atom, start));
    }
    return items.length === 1 ? items[0]! : { k: "seq", items };
  }

  private quantified(atom: Node, start: number): Node {
    let node = atom;
    for (;;) {
      const c = this.s[this.i];
      let min: number;
      let max: number;
      if (c === "*" || c === "+" || c === "?") {
        min = c === "+" ? 1 : 0;
        max = c === "?" ? 1 : Infinity;
        this.i++;
      } else if (c === "{") {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(this.s.slice(this.i));
        if (!m) return node;
        min = Number(m[1]);
        max = m[2] === undefined ? min : m[3] === "" ? Infinity : Number(m[3]);
        this.i += m[0].length;
      } else return node;
      if (this.s[this.i] === "?") this.i++; // lazy: the same paths, another order
      node = { k: "rep", body: node, min, max, src: this.s.slice(start, this.i) };
    }
  }

  private atom(): Node {
    const s = this.s;
    const c = s[this.i]!;
    if (c === "(") {
      const rest = s.slice(this.i, this.i + 4);
      let look = false;
      if (rest.startsWith("(?:")) this.i += 3;
      else if (rest.startsWith("(?=") || rest.startsWith("(?!")) {
        this.i += 3;
        look = true;
      } else if (rest.startsWith("(?<=") || rest.startsWith("(?<!")) {
        this.i += 4;
        look = true;
      } else if (rest.startsWith("(?<")) this.i = s.indexOf(">", this.i) + 1;
      else this.i += 1;
      const body = this.alternation();
      this.i++; // ")"
      return look ? { k: "empty" } : body;
    }
    if (c === "[") {
      let j = this.i + 1;
      if (s[j] === "^") j++;
      if (s[j] === "]") j++;
      while (j < s.length && s[j] !== "]") j += s[j] === "\\" ? 2 : 1;
      const src = s.slice(this.i, j + 1);
      this.i = j + 1;
      return { k: "char", src };
    }
    if (c === "^" || c === "$") {
      this.i++;
      return { k: "empty" };
    }
    if (c === ".") {
      this.i++;
      return { k: "char", src: "[^\\n]" };
    }
    if (c === "\\") {
      const n = s[this.i + 1]!;
      if (n === "p" || n === "P" || n === "u" || n === "x") {
        const end = s[this.i + 2] === "{" ? s.indexOf("}", this.i) + 1 : this.i + (n === "x" ? 4 : n === "u" ? 6 : 3);
        const src = s.slice(this.i, end);
        this.i = end;
        return { k: "char", src };
      }
      if (n >= "1" && n <= "9") {
        this.i += 2;
        while (/[0-9]/.test(s[this.i] ?? "")) this.i++;
        return { k: "any" };
      }
      if (n === "b" || n === "B") {
        this.i += 2;
        return { k: "empty" };
      }
      this.i += 2;
      return { k: "char", src: `\\${n}` };
    }
    const cp = s.codePointAt(this.i)!;
    const w = cp > 0xffff ? 2 : 1;
    const src = s.slice(this.i, this.i + w);
    this.i += w;
    return { k: "char", src: /[A-Za-z0-9_]/.test(src) ? src : `\\u{${cp.toString(16)}}` };
  }
}

/** A set of characters as the class atoms that make it up; `any` = every character. */
interface Chars {
  atoms: Set<string>;
  any: boolean;
}

const none = (): Chars => ({ atoms: new Set(), any: false });

function nullable(n: Node): boolean {
  switch (n.k) {
    case "char":
      return false;
    case "any":
    case "empty":
      return true;
    case "seq":
      return n.items.every(nullable);
    case "alt":
      return n.alts.some(nullable);
    case "rep":
      return n.min === 0 || nullable(n.body);
  }
}

/** Characters that can start (`fromEnd`: end) a non-empty match of n. */
function edge(n: Node, fromEnd: boolean, out: Chars = none()): Chars {
  switch (n.k) {
    case "char":
      out.atoms.add(n.src);
      break;
    case "any":
      out.any = true;
      break;
    case "empty":
      break;
    case "seq": {
      const items = fromEnd ? [...n.items].reverse() : n.items;
      for (const it of items) {
        edge(it, fromEnd, out);
        if (!nullable(it)) break;
      }
      break;
    }
    case "alt":
      for (const a of n.alts) edge(a, fromEnd, out);
      break;
    case "rep":
      if (n.max > 0) edge(n.body, fromEnd, out);
      break;
  }
  return out;
}

/** Every character n can consume. */
function charsOf(n: Node, out: Chars = none()): Chars {
  switch (n.k) {
    case "char":
      out.atoms.add(n.src);
      break;
    case "any":
      out.any = true;
      break;
    case "empty":
      break;
    case "seq":
      for (const it of n.items) charsOf(it, out);
      break;
    case "alt":
      for (const a of n.alts) charsOf(a, out);
      break;
    case "rep":
      charsOf(n.body, out);
      break;
  }
  return out;
}

/** Every node under n (n included), not descending into lookarounds (already gone). */
function* nodes(n: Node): Generator<Node> {
  yield n;
  if (n.k === "seq") for (const it of n.items) yield* nodes(it);
  else if (n.k === "alt") for (const a of n.alts) yield* nodes(a);
  else if (n.k === "rep") yield* nodes(n.body);
}

/** Every node under n with the path of nodes from n down to it (both ends included). */
function* paths(n: Node, path: Node[] = [n]): Generator<Node[]> {
  yield path;
  const kids = n.k === "seq" ? n.items : n.k === "alt" ? n.alts : n.k === "rep" ? [n.body] : [];
  for (const c of kids) yield* paths(c, [...path, c]);
}

/**
 * The characters that can come right after (`before`: right before) the node at the end of
 * `path` while the repetition whose body is path[0] goes on: the rest of each enclosing
 * sequence up to its first non-nullable item, the next iteration of each enclosing repetition,
 * and finally the next (previous) iteration of path[0].
 */
function neighbours(path: Node[], before: boolean): Chars {
  const out = none();
  for (let k = path.length - 2; k >= 0; k--) {
    const node = path[k]!;
    const child = path[k + 1]!;
    if (node.k === "seq") {
      const at = node.items.indexOf(child);
      const rest = before ? node.items.slice(0, at).reverse() : node.items.slice(at + 1);
      let blocked = false;
      for (const it of rest) {
        edge(it, before, out);
        if (!nullable(it)) {
          blocked = true;
          break;
        }
      }
      if (blocked) return out;
    } else if (node.k === "rep" && node.max >= 2) edge(node.body, before, out);
  }
  edge(path[0]!, before, out);
  return out;
}

let allChars: string | undefined;

/** Every scalar value once, for intersection tests (built on first need: 2.2 M UTF-16 units). */
function everyCodePoint(): string {
  if (allChars === undefined) {
    const units = new Uint16Array(0x10000 - 0x800 + 2 * 0x100000);
    let n = 0;
    for (let cp = 0; cp < 0x10000; cp++) if (cp < 0xd800 || cp > 0xdfff) units[n++] = cp;
    for (let hi = 0xd800; hi < 0xdc00; hi++) {
      for (let lo = 0xdc00; lo < 0xe000; lo++) {
        units[n++] = hi;
        units[n++] = lo;
      }
    }
    try {
      allChars = new TextDecoder("utf-16le").decode(units); // one native call
    } catch {
      const parts: string[] = [];
      for (let k = 0; k < units.length; k += 0x2000) parts.push(String.fromCharCode.apply(null, units.subarray(k, k + 0x2000) as unknown as number[]));
      allChars = parts.join("");
    }
  }
  return allChars;
}

const intersections = new Map<string, boolean>();

/** Whether some character is in both sets. */
function intersects(a: Chars, b: Chars): boolean {
  if ((a.any && (b.any || b.atoms.size > 0)) || (b.any && a.atoms.size > 0)) return true;
  if (a.atoms.size === 0 || b.atoms.size === 0) return false;
  for (const x of a.atoms) if (b.atoms.has(x)) return true;
  const key = `${[...a.atoms].join("\0")}\u0001${[...b.atoms].join("\0")}`;
  let r = intersections.get(key);
  if (r === undefined) {
    r = intersectionRegex(a, b).test(everyCodePoint());
    intersections.set(key, r);
  }
  return r;
}

/**
 * A regex that matches a character in both sets: a `v`-mode class intersection where the
 * engine has them (one class scanned over every code point: milliseconds), else a lookahead.
 */
function intersectionRegex(a: Chars, b: Chars): RegExp {
  const operand = (x: string) => (x.startsWith("[") ? x : `[${x}]`);
  const union = (c: Chars) => `[${[...c.atoms].map(operand).join("")}]`;
  try {
    return new RegExp(`[${union(a)}&&${union(b)}]`, "v");
  } catch {
    return new RegExp(`(?=${[...a.atoms].join("|")})(?:${[...b.atoms].join("|")})`, "u");
  }
}

/**
 * The first repeated sub-expression of `jsSource` (a `u`-mode JS regex) whose body can match
 * one text in two ways (rules A and B above), as written in the source; null if none.
 */
export function ambiguousRepetition(jsSource: string): string | null {
  const p = new Parser(jsSource);
  const root = p.alternation();
  for (const r of nodes(root)) {
    if (r.k !== "rep" || r.max < 2) continue;
    const x = r.body;
    // B: overlapping alternation anywhere in the body
    for (const a of nodes(x)) {
      if (a.k !== "alt") continue;
      const firsts = a.alts.map((b) => edge(b, false));
      let nulls = 0;
      for (let i = 0; i < a.alts.length; i++) {
        if (nullable(a.alts[i]!) && ++nulls > 1) return r.src;
        for (let j = i + 1; j < a.alts.length; j++) if (intersects(firsts[i]!, firsts[j]!)) return r.src;
      }
    }
    // A: a variable-length quantifier inside whose characters can also come right after or
    // before it (within the body, or from the neighbouring iteration)
    for (const path of paths(x)) {
      const y = path[path.length - 1]!;
      if (y.k !== "rep" || y.min === y.max) continue;
      const ys = charsOf(y.body);
      if (intersects(ys, neighbours(path, false)) || intersects(ys, neighbours(path, true))) return r.src;
    }
    // a nullable body repeated: the empty iteration and a backreference's any-text
    if (x.k === "any") return r.src;
  }
  return null;
}
