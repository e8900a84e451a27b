/**
 * Reading a large tokenizer.json text without materialising `model.vocab` as a JS object.
 *
 * `JSON.parse` of a file whose vocab has millions of keys is superlinear in V8: every key
 * becomes a property of one dictionary-mode object (and an internalized string), and reading
 * them back takes a for-in over it; a 200 MB file with 8.5 M keys had not loaded after 90 s
 * (HF: 27 s). Here a scanner walks the top level and `model` without building anything, reads
 * the vocab's `"token": id` members straight into a Map, and leaves the rest of the file
 * (merges included: an array of strings parses fast) to `JSON.parse`, with the vocab's text
 * replaced by `null`. The result is the object `JSON.parse` gives, with `model.vocab` a Map
 * holding the same entries in the same order (a repeated key keeps its first place and its
 * last value, as in JSON.parse); the validation (json-checks.ts) sees the same values, so a
 * bad id gets the same error. Whatever the scanner does not expect (malformed JSON, a second
 * `model` or `vocab` key, a vocab that is not an object) makes it give up and return
 * undefined, and the caller parses the text whole, so errors are those of the normal path.
 *
 * The scanner keeps no stack (one index into the text), so nesting depth cannot overflow it.
 */

/** Texts at least this long (UTF-16 units) are scanned; smaller ones go to JSON.parse whole. */
export const SCAN_MIN_CHARS = 8 << 20;

class GiveUp extends Error {}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** V8 keeps a slice of 13+ units as a view of the whole text; a flattened copy frees it. */
function detached(s: string): string {
  return s.length < 13 ? s : (s + "\0").slice(0, -1);
}

class Scanner {
  i = 0;
  constructor(readonly t: string) {}

  ws(): void {
    const t = this.t;
    let i = this.i;
    while (i < t.length && isWs(t.charCodeAt(i))) i++;
    this.i = i;
  }

  expect(c: number): void {
    this.ws();
    if (this.t.charCodeAt(this.i) !== c) throw new GiveUp();
    this.i++;
  }

  /** The string at i (at its opening quote), decoded (unless `skip`); i moves past it. */
  string(skip = false): string {
    const t = this.t;
    const start = this.i;
    if (t.charCodeAt(start) !== QUOTE) throw new GiveUp();
    let i = start + 1;
    let escaped = false;
    for (;;) {
      if (i >= t.length) throw new GiveUp();
      const c = t.charCodeAt(i);
      if (c === QUOTE) break;
      if (c < 0x20) throw new GiveUp(); // raw control char: not JSON
      if (c === BACKSLASH) {
        escaped = true;
        i += 2;
      } else i++;
    }
    this.i = i + 1;
    if (skip) return "";
    return escaped ? (JSON.parse(t.slice(start, i + 1)) as string) : detached(t.slice(start + 1, i));
  }

  /** Moves past the value at i (any JSON value), without building it; returns its start. */
  skipValue(): number {
    this.ws();
    const t = this.t;
    const start = this.i;
    let depth = 0;
    let i = start;
    do {
      if (i >= t.length) throw new GiveUp();
      const c = t.charCodeAt(i);
      if (c === QUOTE) {
        this.i = i;
        this.string(true);
        i = this.i;
        if (depth === 0) break;
      } else {
        if (c === 0x7b || c === 0x5b) depth++;
        else if (c === 0x7d || c === 0x5d) {
          if (--depth < 0) throw new GiveUp();
        }
        i++;
        if (depth === 0) {
          // a scalar runs to the next delimiter
          while (i < t.length && depth === 0 && c !== 0x7d && c !== 0x5d && !isDelimiter(t.charCodeAt(i))) i++;
        }
      }
    } while (depth > 0);
    this.i = i;
    return start;
  }

  /**
   * The members of the object at i: calls `member(key)` after each key's colon, with i at the
   * value, which the callback must move past.
   */
  object(member: (key: string) => void): void {
    this.expect(0x7b);
    this.ws();
    if (this.t.charCodeAt(this.i) === 0x7d) {
      this.i++;
      return;
    }
    for (;;) {
      this.ws();
      const key = this.string();
      this.expect(0x3a);
      this.ws();
      member(key);
      this.ws();
      const c = this.t.charCodeAt(this.i++);
      if (c === 0x7d) return;
      if (c !== 0x2c) throw new GiveUp();
    }
  }

  /** A vocab `{ "token": id, ... }` into a Map (ids as JSON.parse reads them). */
  vocab(): Map<string, unknown> {
    const map = new Map<string, unknown>();
    const t = this.t;
    this.object((key) => {
      // fast path: a plain non-negative integer followed by a delimiter
      let i = this.i;
      let c = t.charCodeAt(i);
      let v = -1;
      if (c >= 0x31 && c <= 0x39) {
        v = c - 0x30;
        i++;
        for (let n = 1; n < 15; n++) {
          c = t.charCodeAt(i);
          if (c < 0x30 || c > 0x39) break;
          v = v * 10 + (c - 0x30);
          i++;
        }
        if (!isDelimiter(t.charCodeAt(i))) v = -1;
      } else if (c === 0x30 && isDelimiter(t.charCodeAt(i + 1))) {
        v = 0;
        i++;
      }
      if (v >= 0) {
        this.i = i;
        map.set(key, v);
        return;
      }
      // anything else (-1, 1.5, null, "5", an object): as JSON.parse reads it
      const start = this.skipValue();
      let value: unknown;
      try {
        value = JSON.parse(t.slice(start, this.i));
      } catch {
        throw new GiveUp();
      }
      map.set(key, value);
    });
    return map;
  }
}

function isDelimiter(c: number): boolean {
  return c === 0x2c || c === 0x7d || c === 0x5d || isWs(c);
}

/**
 * The parsed tokenizer.json with `model.vocab` as a Map, or undefined when the text is not
 * the usual shape (the caller then parses it whole). Throws nothing of its own.
 */
export function scanTokenizerJson(text: string): Record<string, unknown> | undefined {
  const s = new Scanner(text);
  let vocab: Map<string, unknown> | undefined;
  let span: [number, number] | undefined;
  let models = 0;
  try {
    s.object((key) => {
      if (key !== "model") {
        s.skipValue();
        return;
      }
      if (++models > 1 || text.charCodeAt(s.i) !== 0x7b) throw new GiveUp();
      let vocabs = 0;
      s.object((k) => {
        if (k !== "vocab") {
          s.skipValue();
          return;
        }
        if (++vocabs > 1 || text.charCodeAt(s.i) !== 0x7b) throw new GiveUp();
        const start = s.i;
        vocab = s.vocab();
        span = [start, s.i];
      });
    });
    s.ws();
    if (s.i !== text.length || vocab === undefined || span === undefined) return undefined;
  } catch (e) {
    if (e instanceof GiveUp || e instanceof SyntaxError) return undefined;
    throw e;
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text.slice(0, span[0]) + "null" + text.slice(span[1])) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  (json.model as Record<string, unknown>).vocab = vocab;
  return json;
}
