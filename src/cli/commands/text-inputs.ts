// What count and encode share: the input files as byte streams, and the text chunks read from them.

import { cuttable } from "../../text/cuts.js";
import { textChunks } from "../../text/stream.js";
import { nodeFs, type ByteSource, type CliIO, type NodeFs } from "../io.js";
import type { Options } from "../args.js";
import type { CliEncoding } from "../tokenizer.js";

/** Text is encoded in pieces of at least this many UTF-16 code units (when a safe cut exists). */
const DEFAULT_CHUNK_CHARS = 1 << 20;
const READ_CHUNK_BYTES = 1 << 20;

export interface TextInputs {
  /** The paths to read, "-" for stdin. */
  sources: string[];
  fs: NodeFs;
  /** The text of one source, in chunks cut only where the tokens cannot change. */
  chunks(path: string): AsyncGenerator<string>;
}

export async function textInputs(o: Options, enc: CliEncoding, io: CliIO): Promise<TextInputs> {
  const envChunk = Number(io.env?.TOKENMILL_CHUNK_CHARS);
  const chunkChars = Number.isInteger(envChunk) && envChunk > 0 ? envChunk : DEFAULT_CHUNK_CHARS;
  // A tokenizer.json pipeline has no proven safe cut point: its text is encoded whole.
  const splittable = o.tokenizer === undefined && (o.special === "none" || cuttable(Object.keys(enc.specialTokens)));
  const fs = await nodeFs();
  const open = (path: string): ByteSource => (path === "-" ? io.stdin : fs.createReadStream(path, { highWaterMark: READ_CHUNK_BYTES }));
  return {
    sources: o.args.length === 0 ? ["-"] : o.args,
    fs,
    chunks: (path) => textChunks(open(path), chunkChars, splittable, o.invalidUtf8, { specials: Object.keys(enc.specialTokens) }),
  };
}
