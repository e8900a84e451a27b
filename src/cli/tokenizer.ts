// The tokenizer a count/encode/decode run uses: a built-in encoding (-e, -m) or a
// tokenizer.json (-t), behind one small interface.

import { fromSentencePieceModel, fromTokenizerJsonSync, getEncodingSync } from "../index.js";
import { UnknownEncodingError } from "../errors.js";
import { ENCODING_NAMES, encodingNameForModel, isEncodingName } from "../openai/models.js";
import type { Options } from "./args.js";
import { describeFsError, nodeFs, type ByteSource } from "./io.js";
import type { InvalidUtf8Mode } from "../text/stream.js";

export const DEFAULT_ENCODING = "o200k_base";

/** What the CLI needs from an `Encoding` (structural, so it stays in step with `src/index.ts`). */
export interface CliEncoding {
  readonly name: string;
  readonly specialTokens: Record<string, number>;
  encode(
    text: string,
    opts?: { allowedSpecial?: "all" | Iterable<string>; disallowedSpecial?: "all" | Iterable<string> },
  ): Uint32Array;
  count(
    text: string,
    opts?: { allowedSpecial?: "all" | Iterable<string>; disallowedSpecial?: "all" | Iterable<string> },
  ): number;
  decodeBytes(ids: ArrayLike<number>): Uint8Array;
  /**
   * The ids of a whole source, a chunk at a time, where the tokenizer streams with its own cut
   * rule and special tokens at the ends only (a tokenizer.json); absent: the CLI cuts the text
   * (src/text/stream.ts) and encodes each chunk.
   */
  streamIds?(source: ByteSource, options: { special: "none" | "all"; chunkChars: number; invalidUtf8: InvalidUtf8Mode }): AsyncGenerator<Uint32Array>;
}

/** The encode options for --special none|all. */
export function encodeOptions(special: "none" | "all") {
  return special === "all"
    ? { allowedSpecial: "all" as const }
    : { allowedSpecial: [] as string[], disallowedSpecial: [] as string[] };
}

export function resolveEncoding(o: Options): CliEncoding {
  let name: string = DEFAULT_ENCODING;
  if (o.model !== undefined) name = encodingNameForModel(o.model);
  else if (o.encoding !== undefined) {
    if (!isEncodingName(o.encoding)) throw new UnknownEncodingError(o.encoding, ENCODING_NAMES);
    name = o.encoding;
  }
  return getEncodingSync(name) as CliEncoding;
}

/**
 * Whether a -t file is a SentencePiece `.model` (a protobuf) rather than a tokenizer.json: by its
 * name, or by its first byte that is not JSON whitespace not being "{".
 */
export function isSentencePieceFile(path: string, bytes: Uint8Array): boolean {
  if (path.endsWith(".model")) return true;
  for (const b of bytes) {
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) continue;
    return b !== 0x7b;
  }
  return false;
}

/**
 * A tokenizer.json or a SentencePiece `.model` behind the CLI's encoding interface.
 * `--special all`: the tokenizer.json's post-processor tokens; a `.model`'s `<s>`/`</s>` where
 * it has them as control pieces (spm_encode's `--extra_options=bos:eos`).
 */
export async function loadTokenizerJson(path: string): Promise<CliEncoding> {
  const fs = await nodeFs();
  let bytes: Uint8Array;
  try {
    bytes = await fs.promises.readFile(path);
  } catch (e) {
    throw describeFsError(path, e);
  }
  const utf8 = new TextEncoder();
  if (isSentencePieceFile(path, bytes)) {
    const sp = fromSentencePieceModel(bytes);
    const specials: Record<string, number> = {};
    for (let id = 0; id < sp.vocabSize; id++) if (sp.isControl(id)) specials[sp.idToPiece(id)] = id;
    const opts = (all: boolean) => ({ addBos: all && sp.bosId >= 0, addEos: all && sp.eosId >= 0 });
    return {
      name: path,
      specialTokens: specials,
      encode: (t, o) => sp.encode(t, opts(o?.allowedSpecial === "all")),
      count: (t, o) => sp.count(t, opts(o?.allowedSpecial === "all")),
      decodeBytes: (ids) => utf8.encode(sp.decode(ids)),
    };
  }
  const tok = fromTokenizerJsonSync(new TextDecoder().decode(bytes));
  const { truncation, padding } = tok.truncationAndPadding();
  return {
    name: path,
    specialTokens: tok.specialTokens,
    encode: (t, opts) => tok.encode(t, { addSpecialTokens: opts?.allowedSpecial === "all" }),
    count: (t, opts) => tok.count(t, { addSpecialTokens: opts?.allowedSpecial === "all" }),
    decodeBytes: (ids) => utf8.encode(tok.decode(ids)),
    // streamed where the pipeline has a proven cut (else read whole by encodeStream itself); a
    // file with truncation or padding is encoded whole, as they act on the whole encoding
    ...(truncation || padding
      ? {}
      : { streamIds: (src: ByteSource, o: { special: "none" | "all"; chunkChars: number; invalidUtf8: InvalidUtf8Mode }) => tok.encodeStream(src, { addSpecialTokens: o.special === "all", chunkChars: o.chunkChars, invalidUtf8: o.invalidUtf8 }) }),
  };
}
