/**
 * What HF `tokenizers` (serde) refuses in a tokenizer.json, checked before the pipeline is
 * built, so a bad file fails at load with a TokenizerJsonError naming the value's JSON path
 * instead of loading into silently wrong ids (a vocab id of -1 made its token vanish, 2^32
 * and null became 0, 1.5 became 1) or failing later with an untyped error. The rules follow
 * what tokenizers@0.23.2's loader does with each field (test/audit-hf.test.ts checks them
 * against it): ids are u32, counts usize, flags booleans, names strings, `null` only where HF
 * has an Option. Deviations: a missing flag of an added token takes its default (HF requires
 * all five), where HF would refuse the file.
 */
import { TokenizerJsonError } from "../errors.js";

type Json = Record<string, unknown>;

/** HF's serde_json refuses more than 127 nested arrays/objects ("recursion limit exceeded"). */
export const MAX_JSON_DEPTH = 127;

/** `base.key` for identifiers, `base["key"]` otherwise (vocab keys are any string). */
export function pathOf(base: string, key: string | number): string {
  if (typeof key === "number") return `${base}[${key}]`;
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) && base !== "" ? `${base}.${key}` : base === "" ? key : `${base}[${JSON.stringify(key)}]`;
}

/** A value for a message: `null`, `"5"`, `1.5`, `an array`, `an object`. */
export function shown(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (typeof v === "string") return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (typeof v === "bigint") return `${v}n`;
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : typeof v;
}

function fail(path: string, want: string, v: unknown): never {
  throw new TokenizerJsonError(path, `expected ${want}, got ${shown(v)}`);
}

export function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A u32 (HF's token ids): an integer in [0, 2^32 - 1]. */
export function u32(v: unknown, path: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 0xffffffff) fail(path, "an integer id in [0, 2^32 - 1]", v);
  return v;
}

/** A usize: a non-negative integer. */
export function usize(v: unknown, path: string): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) fail(path, "a non-negative integer", v);
  return v;
}

export function string(v: unknown, path: string): string {
  if (typeof v !== "string") fail(path, "a string", v);
  return v;
}

/** Option<String>: absent or null → null. */
export function optString(v: unknown, path: string): string | null {
  return v == null ? null : string(v, path);
}

/** bool with a default when absent (`orNull`: null also means the default, HF's Option<bool>). */
export function bool(v: unknown, path: string, dflt: boolean, orNull = false): boolean {
  if (v === undefined || (orNull && v === null)) return dflt;
  if (typeof v !== "boolean") fail(path, "true or false", v);
  return v;
}

/** An f64 (JSON has no NaN or infinities). */
export function number(v: unknown, path: string): number {
  if (typeof v !== "number" || !Number.isFinite(v)) fail(path, "a number", v);
  return v;
}

export function object(v: unknown, path: string): Json {
  if (!isObject(v)) fail(path, "an object", v);
  return v;
}

export function array(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) fail(path, "an array", v);
  return v;
}

/**
 * Refuses nesting deeper than HF's parser takes (and cycles, in an object given already
 * parsed), without recursion: a 10,000-level Sequence used to overflow the stack (RangeError)
 * in the recursive builders.
 */
export function checkDepth(root: unknown, limit = MAX_JSON_DEPTH): void {
  if (typeof root !== "object" || root === null) return;
  // stack of [value, depth, key path parts] — paths are built only for the error
  const stack: Array<[object, number, string]> = [[root, 1, ""]];
  while (stack.length > 0) {
    const [v, depth, path] = stack.pop()!;
    if (depth > limit) {
      throw new TokenizerJsonError(path || "(top)", `nested deeper than ${limit} arrays and objects (HF's loader refuses it: "recursion limit exceeded")`);
    }
    if (v instanceof Map) continue; // a vocab read by the large-file scanner: scalars only
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        if (typeof x === "object" && x !== null) stack.push([x, depth + 1, pathOf(path, i)]);
      }
    } else {
      for (const k in v) {
        if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
        // the model's tables are checked entry by entry where they are read (a vocab value
        // must be a number, a merge a string or a pair of strings), and walking millions of
        // entries here would double the load time of a large file
        if (path === "model" && (k === "vocab" || k === "merges")) continue;
        const x = (v as Json)[k];
        if (typeof x === "object" && x !== null) stack.push([x, depth + 1, pathOf(path, k)]);
      }
    }
  }
}

/** A vocab as given: a parsed JSON object, or the Map the large-file scanner builds. */
export type VocabSource = Record<string, unknown> | Map<string, unknown>;

/**
 * A `{token: id}` vocab as a Map, each id checked to be a u32. The Map the large-file scanner
 * built is checked and taken as it is (copying millions of entries costs seconds).
 */
export function vocabMap(v: unknown, path: string): Map<string, number> {
  if (v instanceof Map) {
    for (const [tok, id] of v as Map<string, unknown>) {
      if (typeof id !== "number" || !(id >= 0 && id <= 0xffffffff) || id % 1 !== 0) u32(id, pathOf(path, tok));
    }
    return v as Map<string, number>;
  }
  const o = object(v, path);
  const map = new Map<string, number>();
  for (const tok in o) {
    if (!Object.prototype.hasOwnProperty.call(o, tok)) continue;
    const id = o[tok];
    if (typeof id !== "number" || !(id >= 0 && id <= 0xffffffff) || id % 1 !== 0) u32(id, pathOf(path, tok));
    map.set(tok, id as number);
  }
  return map;
}

/** The top level and the parts every model shares; returns the model object. */
export function checkTokenizerJson(json: unknown): Json {
  const top = object(json, "(top)");
  checkDepth(top);
  const m = object(top.model, "model");
  if (m.type !== undefined) string(m.type, "model.type");
  if (top.added_tokens !== undefined) checkAddedTokens(top.added_tokens);
  return m;
}

/** `added_tokens`: an array of { id: u32, content: string, flags: bool }. */
export function checkAddedTokens(v: unknown): void {
  const list = array(v, "added_tokens");
  for (let i = 0; i < list.length; i++) {
    const at = pathOf("added_tokens", i);
    const a = object(list[i], at);
    if (a.id === undefined) throw new TokenizerJsonError(`${at}.id`, "missing (every added token needs an id)");
    u32(a.id, `${at}.id`);
    if (a.content === undefined) throw new TokenizerJsonError(`${at}.content`, "missing (every added token needs its content)");
    string(a.content, `${at}.content`);
    for (const flag of ["single_word", "lstrip", "rstrip", "normalized", "special"]) bool(a[flag], `${at}.${flag}`, false);
  }
}

/** BPE: vocab {token: u32}, merges ("a b" | [a, b])[], the optional fields' types. */
export function checkBpeFields(m: Json): void {
  if (m.vocab === undefined || m.merges === undefined) {
    throw new TokenizerJsonError(m.vocab === undefined ? "model.vocab" : "model.merges", "missing (a BPE model needs both vocab and merges)");
  }
  if (!(m.vocab instanceof Map)) object(m.vocab, "model.vocab");
  array(m.merges, "model.merges"); // each merge is checked where it is read (models/bpe.ts)
  optString(m.unk_token, "model.unk_token");
  optString(m.continuing_subword_prefix, "model.continuing_subword_prefix");
  optString(m.end_of_word_suffix, "model.end_of_word_suffix");
  for (const f of ["fuse_unk", "byte_fallback", "ignore_merges"]) bool(m[f], `model.${f}`, false, true);
  if (m.dropout != null) {
    const d = number(m.dropout, "model.dropout");
    if (!(d >= 0 && d <= 1)) throw new TokenizerJsonError("model.dropout", `must be in [0, 1], got ${d}`);
  }
}

/** WordPiece: vocab {token: u32}, unk_token and continuing_subword_prefix strings, max chars usize. */
export function checkWordPieceFields(m: Json): void {
  if (m.vocab === undefined) throw new TokenizerJsonError("model.vocab", "missing");
  if (!(m.vocab instanceof Map)) object(m.vocab, "model.vocab");
  if (m.unk_token !== undefined) string(m.unk_token, "model.unk_token");
  if (m.continuing_subword_prefix !== undefined) string(m.continuing_subword_prefix, "model.continuing_subword_prefix");
  if (m.max_input_chars_per_word !== undefined) usize(m.max_input_chars_per_word, "model.max_input_chars_per_word");
}

/** Unigram: vocab [token, score][], unk_id a usize inside it (or null), byte_fallback bool. */
export function checkUnigramFields(m: Json): void {
  const v = array(m.vocab, "model.vocab");
  for (let i = 0; i < v.length; i++) {
    const p = pathOf("model.vocab", i);
    const e = v[i];
    if (!Array.isArray(e) || e.length !== 2) fail(p, "a [token, score] pair", e);
    string(e[0], `${p}[0]`);
    number(e[1], `${p}[1]`);
  }
  if (m.unk_id != null) {
    const u = usize(m.unk_id, "model.unk_id");
    if (u >= v.length) throw new TokenizerJsonError("model.unk_id", `${u} is not an index of the vocab (${v.length} pieces)`);
  }
  bool(m.byte_fallback, "model.byte_fallback", false, true);
}

/** A list of components (a Sequence's `normalizers`, `pretokenizers`, `decoders`): an array, or absent. */
export function componentList(v: unknown, where: string): Json[] {
  if (v == null) return [];
  return array(v, where) as Json[];
}

/** HF's `char` fields (Metaspace's `replacement`): a string of exactly one character. */
export function oneChar(v: unknown, where: string, dflt: string): string {
  if (v === undefined) return dflt;
  const s = string(v, where);
  const cp = s.codePointAt(0);
  if (cp === undefined || s.length !== (cp > 0xffff ? 2 : 1)) throw new TokenizerJsonError(where, `expected one character, got ${shown(s)}`);
  return s;
}
