// tokenmill encode: the token ids of each file, as a JSON array per file (or one id per line
// with --lines). Every file is checked before anything is written, so that an error never
// leaves half an output behind.

import { describeFsError, describeReadError, isReadError, write, type CliIO } from "../io.js";
import type { Options } from "../args.js";
import type { CliEncoding } from "../tokenizer.js";
import { textInputs } from "./text-inputs.js";

export async function encodeCommand(o: Options, enc: CliEncoding, io: CliIO): Promise<number> {
  const input = await textInputs(o, enc, io);
  const { sources, fs } = input;
  for (const path of sources) {
    if (path === "-") continue;
    let st;
    try {
      st = await fs.promises.stat(path);
    } catch (e) {
      throw describeFsError(path, e);
    }
    if (st.isDirectory()) throw describeFsError(path, { code: "EISDIR" });
  }
  for (let f = 0; f < sources.length; f++) {
    const path = sources[f]!;
    if (o.lines && f > 0) await write(io.stdout, "\n"); // blank line between files
    let first = true;
    if (!o.lines) await write(io.stdout, "[");
    try {
      for await (const ids of input.ids(path)) {
        if (ids.length === 0) continue;
        await write(io.stdout, o.lines ? ids.join("\n") + "\n" : (first ? "" : ",") + ids.join(","));
        first = false;
      }
    } catch (e) {
      throw isReadError(e) ? describeReadError(path, e) : e;
    }
    if (!o.lines) await write(io.stdout, "]\n");
  }
  return 0;
}
