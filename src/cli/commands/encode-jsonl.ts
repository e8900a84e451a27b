// tokenmill encode --jsonl: JSONL documents in, one JSON array of ids out per line, in order,
// so the CLI works as a Unix filter under Spark's RDD.pipe or Hadoop Streaming. A line is a
// JSON string or an object whose --field (default "text") is a string; a blank line gives [].

import { textChunks } from "../../text/stream.js";
import { CliError, describeReadError, isReadError, write, type CliIO } from "../io.js";
import type { Options } from "../args.js";
import { encodeOptions, type CliEncoding } from "../tokenizer.js";
import { textInputs } from "./text-inputs.js";

export async function encodeJsonlCommand(o: Options, enc: CliEncoding, io: CliIO): Promise<number> {
  const opts = encodeOptions(o.special);
  const { sources, fs } = await textInputs(o, enc, io);
  const field = o.field ?? "text";
  for (const path of sources) {
    const name = path === "-" ? "stdin" : path;
    const bytes = path === "-" ? io.stdin : fs.createReadStream(path, { highWaterMark: 1 << 20 });
    let line = 0;
    let carry = "";
    let out = "";
    const onLine = (text: string): void => {
      line++;
      if (text.endsWith("\r")) text = text.slice(0, -1);
      if (text.trim() === "") {
        out += "[]\n";
        return;
      }
      let doc: unknown;
      try {
        doc = JSON.parse(line === 1 && text.startsWith("\uFEFF") ? text.slice(1) : text);
      } catch (e) {
        throw new CliError(`${name}:${line}: invalid JSON: ${(e as Error).message}`);
      }
      const t = typeof doc === "string" ? doc : doc !== null && typeof doc === "object" && !Array.isArray(doc) ? (doc as Record<string, unknown>)[field] : undefined;
      if (typeof t !== "string") throw new CliError(`${name}:${line}: expected a JSON string or an object with a string field ${JSON.stringify(field)}`);
      out += "[" + enc.encode(t, opts).join(",") + "]\n";
    };
    try {
      for await (const chunk of textChunks(bytes, 1 << 16, false, o.invalidUtf8)) {
        let p = 0;
        let s = carry + chunk;
        for (;;) {
          const nl = s.indexOf("\n", p);
          if (nl < 0) break;
          onLine(s.slice(p, nl));
          p = nl + 1;
        }
        carry = s.slice(p);
        if (out.length > 0) {
          await write(io.stdout, out);
          out = "";
        }
      }
    } catch (e) {
      throw isReadError(e) ? describeReadError(path, e) : e;
    }
    if (carry !== "") onLine(carry);
    if (out.length > 0) await write(io.stdout, out);
  }
  return 0;
}
