// tokenmill decode: token ids (arguments, or stdin as a JSON array or whitespace/comma
// separated) to the bytes they stand for, written as is.

import { textChunks } from "../../text/stream.js";
import { CliError, write, type ByteSource, type CliIO } from "../io.js";
import type { Options } from "../args.js";
import type { CliEncoding } from "../tokenizer.js";

export async function decodeCommand(o: Options, enc: CliEncoding, io: CliIO): Promise<number> {
  const ids = parseIds(o.args.length > 0 ? o.args.join(" ") : await readAllText(io.stdin));
  await write(io.stdout, enc.decodeBytes(ids));
  return 0;
}

/** decode's input: token ids, so any byte that is not UTF-8 shows up as a bad id (U+FFFD). */
async function readAllText(src: ByteSource): Promise<string> {
  let s = "";
  for await (const t of textChunks(src, Infinity, false, "replace")) s += t;
  return s;
}

export function parseIds(text: string): number[] {
  let t = text.trim();
  if (t.startsWith("[")) {
    if (!t.endsWith("]")) throw new CliError("bad token ids: a JSON array must end with ]");
    t = t.slice(1, -1);
  }
  const parts = t.split(/[\s,]+/).filter((s) => s !== "");
  const ids = new Array<number>(parts.length);
  for (let k = 0; k < parts.length; k++) {
    const s = parts[k]!;
    const n = /^\d{1,10}$/.test(s) ? Number(s) : NaN;
    if (!(n <= 0xffffffff)) {
      throw new CliError(`bad token id ${JSON.stringify(s)} at position ${k}: ids are non-negative integers`);
    }
    ids[k] = n;
  }
  return ids;
}
