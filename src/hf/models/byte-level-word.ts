/**
 * A word after HF's ByteLevel pre-tokenizer, for the models that take it as text (WordPiece,
 * Unigram): HF hands them the word in GPT-2's byte alphabet (" é" is "ĠÃ©"), one char per UTF-8
 * byte of the word, so their vocabularies (trained behind ByteLevel) hold byte-alphabet pieces.
 */
import { BYTE_TO_CHAR } from "../byte-level.js";
import type { ModelOutput } from "./model.js";

const utf8 = new TextEncoder();

/**
 * Runs `tokenize` on the byte-alphabet form of `piece` and appends its tokens to `out`, their
 * offsets moved from bytes of the byte-alphabet word's own UTF-8 to bytes of `piece` (char k of
 * the word is byte k of the piece).
 */
export function tokenizeByteLevelWord(piece: string, out: ModelOutput, tokenize: (word: string, out: ModelOutput) => void): void {
  const bytes = utf8.encode(piece);
  let word = "";
  // start byte (in the word's UTF-8) of each char, then its end: byteOf[b] = char index
  const charAt = new Int32Array(bytes.length * 2 + 1);
  let wb = 0;
  for (let k = 0; k < bytes.length; k++) {
    const c = BYTE_TO_CHAR[bytes[k]!]!;
    word += c;
    const w = c.charCodeAt(0) < 0x80 ? 1 : 2; // the table's chars are all below U+0800
    for (let j = 0; j < w; j++) charAt[wb + j] = k;
    wb += w;
  }
  charAt[wb] = bytes.length;
  const r: ModelOutput = { ids: [], offs: [] };
  tokenize(word, r);
  for (let k = 0; k < r.ids.length; k++) {
    out.ids.push(r.ids[k]!);
    out.offs.push(charAt[r.offs[2 * k]!]!, charAt[r.offs[2 * k + 1]!]!);
  }
}
