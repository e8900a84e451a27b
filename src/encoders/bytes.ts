// "bytes": one token per UTF-8 byte, the id being the byte's value — UTF8Tokenizer's scheme
// (Moryossef, Meister, Stepachev & Elliott, "Back to Bytes: Revisiting Tokenization Through
// UTF-8", arXiv 2510.16987, §3). Ids never exceed 255; the model's special behaviour is spelled
// with ASCII C0 control bytes instead of extra ids. The ones of the paper's convention are
// exported below; `segment` emits only the text's own bytes (a control byte inside the text
// stays that byte, as in the paper), and callers frame messages with the constants.

import { InvalidTokenIdError } from "../errors.js";

/** The C0 control bytes UTF8Tokenizer gives special roles (arXiv 2510.16987, §3). */
export const UTF8_CONTROL = Object.freeze({
  /** NUL: padding. */
  pad: 0x00,
  /** SOH: start of a message block (chat turn header). */
  startOfHeading: 0x01,
  /** STX: start of text (BOS). */
  startOfText: 0x02,
  /** ETX: end of text (EOS). */
  endOfText: 0x03,
  /** ENQ / ACK: start / end of a thinking block. */
  startOfThinking: 0x05,
  endOfThinking: 0x06,
  /** SO / SI: start / end of an attention block (PrefixLM / masked attention). */
  shiftOut: 0x0e,
  shiftIn: 0x0f,
  /** ETB: end of a message block. */
  endOfTransmissionBlock: 0x17,
  /** SUB / ESC: start / end of a tool call. */
  startOfToolCall: 0x1a,
  endOfToolCall: 0x1b,
});

const utf8 = new TextEncoder();
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

/** The UTF-8 bytes of `text` as ids (lone surrogates become U+FFFD, as everywhere in tokenmill). */
export function byteIds(text: string): Uint32Array {
  return Uint32Array.from(utf8.encode(text));
}

/** The text of byte ids. @throws InvalidTokenIdError for an id that is not a byte value. */
export function decodeByteIds(ids: ArrayLike<number>): string {
  const bytes = new Uint8Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (!Number.isInteger(id) || id < 0 || id > 255) throw new InvalidTokenIdError(id, i, 256);
    bytes[i] = id;
  }
  return decoder.decode(bytes);
}
