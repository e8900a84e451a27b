// What count and encode share: the input files as byte streams, and the text chunks read from them.

import { cuttable } from "../../text/cuts.js";
import { textChunks } from "../../text/stream.js";
import { nodeFs, type ByteSource, type CliIO, type NodeFs } from "../io.js";
import type { Options } from "../args.js";
import { encodeOptions, type CliEncoding } from "../tokenizer.js";

/** Text is encoded in pieces of at least this many UTF-16 code units (when a safe cut exists). */
const DEFAULT_CHUNK_CHARS = 1 << 20;
const READ_CHUNK_BYTES = 1 << 20;

export interface TextInputs {
  /** The paths to read, "-" for stdin. */
  sources: string[];
  fs: NodeFs;
  /** The text of one source, in chunks cut only where the tokens cannot change. */
  chunks(path: string): AsyncGenerator<string>;
  /** The token ids of one source, a chunk at a time (a tokenizer.json streams through its own rule). */
  ids(path: string): AsyncGenerator<Uint32Array>;
}

export async function textInputs(o: Options, enc: CliEncoding, io: CliIO): Promise<TextInputs> {
  const envChunk = Number(io.env?.TOKENMILL_CHUNK_CHARS);
  const chunkChars = Number.isInteger(envChunk) && envChunk > 0 ? envChunk : DEFAULT_CHUNK_CHARS;
  // A -t file is read whole here (a SentencePiece .model, a tokenizer.json with truncation or
  // padding); a tokenizer.json otherwise streams with its own cut rule (enc.streamIds).
  const splittable = o.tokenizer === undefined && (o.special === "none" || cuttable(Object.keys(enc.specialTokens)));
  const fs = await nodeFs();
  const open = (path: string): ByteSource => (path === "-" ? io.stdin : fs.createReadStream(path, { highWaterMark: READ_CHUNK_BYTES }));
  const chunks = (path: string) => textChunks(open(path), chunkChars, splittable, o.invalidUtf8, { specials: Object.keys(enc.specialTokens) });
  const opts = encodeOptions(o.special);
  return {
    sources: o.args.length === 0 ? ["-"] : o.args,
    fs,
    chunks,
    ids: enc.streamIds
      ? (path) => enc.streamIds!(open(path), { special: o.special, chunkChars, invalidUtf8: o.invalidUtf8 })
      : async function* (path) {
          for await (const t of chunks(path)) yield enc.encode(t, opts);
        },
  };
}
