// tokenmill count: the number of tokens of each file (and a total when there are several).
// A file that cannot be read is reported and skipped; the others are still counted (exit 1).

import { describeReadError, isReadError, write, type CliIO } from "../io.js";
import type { Options } from "../args.js";
import { encodeOptions, type CliEncoding } from "../tokenizer.js";
import { textInputs } from "./text-inputs.js";

export async function countCommand(o: Options, enc: CliEncoding, io: CliIO): Promise<number> {
  const opts = encodeOptions(o.special);
  const input = await textInputs(o, enc, io);
  const { sources } = input;
  let total = 0;
  let failed = false;
  for (const path of sources) {
    let n = 0;
    try {
      for await (const t of input.chunks(path)) n += enc.count(t, opts);
    } catch (e) {
      if (!isReadError(e)) throw e;
      await write(io.stderr, `tokenmill: ${describeReadError(path, e).message}\n`);
      failed = true;
      continue;
    }
    total += n;
    await write(io.stdout, sources.length > 1 ? `${n}\t${path}\n` : `${n}\n`);
  }
  if (sources.length > 1) await write(io.stdout, `${total}\ttotal\n`);
  return failed ? 1 : 0;
}
