// The pre-tokens ("pieces") of an Encoding: every segmentation here works inside the pieces of
// the encoding's own pre-tokenizer, as BPE does, so only the within-piece choice differs.
//
// The Encoding does not expose its pattern publicly. This module is the one place that reads
// it, read-only, from the engine the Encoding holds: `pattern` (a PatternId: the hand-written
// scanners of src/js/pretokenize.ts) or, for custom patterns run as a RegExp, `regex`
// (src/js/engine.ts RegexJsEngine). When `encode(text, { segmentation })` is wired into
// Encoding, it can pass its pattern straight to `piecesOf` and this lookup goes away.

import type { Encoding } from "../index.js";
import { TokenmillError } from "../errors.js";
import { nextPieceEnd, type PatternId } from "../engines/js/pretokenize.js";

/** Calls `piece(buf, start, end)` for each pre-token of `text`, in order, over its UTF-8 bytes. */
export type PieceVisitor = (buf: Uint8Array, start: number, end: number) => void;
export type PieceSplitter = (text: string, visit: PieceVisitor) => void;

const utf8 = new TextEncoder();
const splitters = new WeakMap<Encoding, PieceSplitter>();

/** A splitter over the scanner of a built-in pattern family. */
export function scannerSplitter(pattern: PatternId): PieceSplitter {
  return (text, visit) => {
    const buf = utf8.encode(text);
    const n = buf.length;
    for (let i = 0; i < n; ) {
      const e = nextPieceEnd(pattern, buf, i, n);
      visit(buf, i, e);
      i = e;
    }
  };
}

/** A splitter over a global Unicode RegExp (each match is a piece, as tiktoken's findall). */
export function regexSplitter(source: RegExp): PieceSplitter {
  const re = new RegExp(source.source, source.flags.includes("g") ? source.flags : source.flags + "g");
  return (text, visit) => {
    const s = toWellFormed(text);
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(s)) !== null) {
      if (m[0].length === 0) {
        const c = s.codePointAt(re.lastIndex);
        re.lastIndex += c !== undefined && c > 0xffff ? 2 : 1;
        if (re.lastIndex > s.length) break;
        continue;
      }
      const buf = utf8.encode(m[0]);
      visit(buf, 0, buf.length);
    }
    re.lastIndex = 0;
  };
}

function toWellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}

/** The pre-tokenizer of `enc`. @throws TokenmillError if its engine exposes none. */
export function piecesOf(enc: Encoding): PieceSplitter {
  let s = splitters.get(enc);
  if (s) return s;
  const core = (enc as unknown as { core?: { pattern?: unknown; regex?: unknown } }).core;
  if (core && (core.pattern === 0 || core.pattern === 1 || core.pattern === 2)) s = scannerSplitter(core.pattern);
  else if (core && core.regex instanceof RegExp) s = regexSplitter(core.regex);
  else throw new TokenmillError("NO_PRETOKENIZER", `encoding ${JSON.stringify(enc.name)}: cannot find its pre-tokenizer for alternative segmentations`);
  splitters.set(enc, s);
  return s;
}
