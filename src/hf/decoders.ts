/**
 * Decoders of tokenizer.json (tokenizers/src/decoders/*): each maps the list of token strings to
 * a new list (`decode_chain`); the tokenizer joins the final list.
 */
import { UnsupportedComponentError } from "../errors.js";
import { componentList, oneChar } from "./json-checks.js";
import { byteLevelBytes } from "./byte-level.js";
import { parsePattern } from "./pattern.js";

export type Decoder = (tokens: string[]) => string[];
type Json = Record<string, unknown>;

const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });
const utf8Fatal = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const enc = new TextEncoder();

export function buildDecoder(j: Json | null | undefined): Decoder | null {
  if (j == null) return null;
  switch (j.type) {
    case "Sequence": {
      const ds = componentList(j.decoders, "Sequence decoder decoders").map(buildDecoder).filter((d): d is Decoder => d !== null);
      return (t) => ds.reduce((acc, d) => d(acc), t);
    }
    case "ByteLevel":
      return byteLevel;
    case "Metaspace": {
      const rep = oneChar(j.replacement, "Metaspace decoder replacement", "\u2581");
      let scheme = j.prepend_scheme as string | undefined;
      if (scheme == null) scheme = j.add_prefix_space === false ? "never" : "always";
      const strip = scheme !== "never";
      return (tokens) =>
        tokens.map((t, i) => {
          let s = "";
          for (const c of t) {
            if (c === rep) {
              if (!(i === 0 && strip)) s += " ";
            } else s += c;
          }
          return s;
        });
    }
    case "WordPiece": {
      const prefix = String(j.prefix ?? "##");
      const cleanup = j.cleanup !== false;
      return (tokens) =>
        tokens.map((t, i) => {
          let s = t;
          if (i !== 0) s = s.startsWith(prefix) ? s.replace(prefix, "") : " " + s;
          return cleanup ? cleanupText(s) : s;
        });
    }
    case "BPEDecoder": {
      const suffix = String(j.suffix ?? "</w>");
      return (tokens) => tokens.map((t, i) => t.split(suffix).join(i === tokens.length - 1 ? "" : " "));
    }
    case "ByteFallback":
      return byteFallback;
    case "Fuse":
      return (tokens) => [tokens.join("")];
    case "Strip": {
      const content = String(j.content ?? " ");
      const start = Number(j.start ?? 0);
      const stop = Number(j.stop ?? 0);
      return (tokens) =>
        tokens.map((t) => {
          const cs = [...t];
          let a = 0;
          for (let k = 0; k < start && a < cs.length && cs[a] === content; k++) a++;
          let b = cs.length;
          for (let k = 0; k < stop && b > a && cs[b - 1] === content; k++) b--;
          return cs.slice(a, b).join("");
        });
    }
    case "Replace": {
      const pat = parsePattern(j.pattern, "Replace decoder");
      const content = String(j.content ?? "");
      return (tokens) =>
        tokens.map((t) => {
          const ms = pat.find(t);
          if (ms.length === 0) return t;
          let s = "";
          let p = 0;
          for (const [a, b] of ms) {
            s += t.slice(p, a) + content;
            p = b;
          }
          return s + t.slice(p);
        });
    }
    case "CTC": {
      // tokenizers/src/decoders/ctc.rs: runs of one token become one, the pad token is erased,
      // and with `cleanup` WordPiece's cleanup then the word delimiter → " "; empty tokens go.
      const pad = String(j.pad_token ?? "<pad>");
      const delimiter = String(j.word_delimiter_token ?? "|");
      const cleanup = j.cleanup !== false;
      return (tokens) => {
        const out: string[] = [];
        for (let i = 0; i < tokens.length; i++) {
          if (i > 0 && tokens[i] === tokens[i - 1]) continue;
          let t = tokens[i]!.replaceAll(pad, "");
          if (cleanup) t = cleanupText(t).replaceAll(delimiter, " ");
          if (t.length > 0) out.push(t);
        }
        return out;
      };
    }
    default:
      throw new UnsupportedComponentError(`decoder ${JSON.stringify(j.type)}`);
  }
}

function cleanupText(s: string): string {
  return s
    .replaceAll(" .", ".")
    .replaceAll(" ?", "?")
    .replaceAll(" !", "!")
    .replaceAll(" ,", ",")
    .replaceAll(" ' ", "'")
    .replaceAll(" n't", "n't")
    .replaceAll(" 'm", "'m")
    .replaceAll(" do not", " don't")
    .replaceAll(" 's", "'s")
    .replaceAll(" 've", "'ve")
    .replaceAll(" 're", "'re");
}

/** GPT-2 byte-level: each token's chars back to bytes (a token with an unmapped char as its UTF-8). */
function byteLevel(tokens: string[]): string[] {
  const bytes: number[] = [];
  for (const t of tokens) for (const b of byteLevelBytes(t) ?? enc.encode(t)) bytes.push(b);
  return [utf8.decode(Uint8Array.from(bytes))];
}

/**
 * `<0xHH>` as HF's ByteFallback reads it: `u8::from_str_radix` of the two chars after "<0x", so
 * either case of hex digit, and a leading "+" ("<0x+9>" is byte 9).
 */
const BYTE_TOKEN = /^<0x(\+[0-9A-Fa-f]|[0-9A-Fa-f]{2})>$/;

function byteFallback(tokens: string[]): string[] {
  const out: string[] = [];
  let pending: number[] = [];
  const flush = (): void => {
    if (pending.length === 0) return;
    try {
      out.push(utf8Fatal.decode(Uint8Array.from(pending)));
    } catch {
      for (let k = 0; k < pending.length; k++) out.push("\ufffd");
    }
    pending = [];
  };
  for (const t of tokens) {
    const m = t.length === 6 ? BYTE_TOKEN.exec(t) : null;
    if (m) pending.push(parseInt(m[1]!, 16));
    else {
      flush();
      out.push(t);
    }
  }
  flush();
  return out;
}
