// tokenmill count: the number of tokens of each file (and a total when there are several).
// A file that cannot be read is reported and skipped; the others are still counted (exit 1).

import { describeReadError, isReadError, write, type CliIO } from "../io.js";
import type { Options } from "../args.js";
import { encodeOptions, type CliEncoding } from "../tokenizer.js";
import { textInputs } from "./text-inputs.js";
import { countChat, type ChatMessage, type ChatTool, type ChatFunctionDefinition } from "../../chat/index.js";
import { CliError } from "../io.js";

export async function countCommand(o: Options, enc: CliEncoding, io: CliIO): Promise<number> {
  const opts = encodeOptions(o.special);
  if (o.chat !== undefined) return countChatCommand(o.chat, o, enc, io);
  const input = await textInputs(o, enc, io);
  const { sources } = input;
  let total = 0;
  let failed = false;
  for (const path of sources) {
    let n = 0;
    try {
      if (enc.streamIds) for await (const ids of input.ids(path)) n += ids.length;
      else for await (const t of input.chunks(path)) n += enc.count(t, opts);
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

/** count --chat FILE: one number, the prompt tokens of the request in FILE (cookbook formulas). */
async function countChatCommand(path: string, o: Options, enc: CliEncoding, io: CliIO): Promise<number> {
  const input = await textInputs({ ...o, args: [path] }, enc, io);
  let text = "";
  try {
    for await (const t of input.chunks(path)) text += t;
  } catch (e) {
    if (isReadError(e)) throw describeReadError(path, e);
    throw e;
  }
  let request: unknown;
  try {
    request = JSON.parse(text);
  } catch (e) {
    throw new CliError(`${path}: not JSON (${(e as Error).message})`);
  }
  const body = Array.isArray(request) ? { messages: request } : (request as Record<string, unknown> | null);
  if (body === null || typeof body !== "object" || !Array.isArray(body.messages)) {
    throw new CliError(`${path}: expected a JSON array of messages or an object with a "messages" array`);
  }
  const target = o.model !== undefined ? { model: o.model } : { encoding: enc.name };
  const n = countChat(body.messages as ChatMessage[], {
    ...target,
    ...encodeOptions(o.special),
    ...(Array.isArray(body.tools) ? { tools: body.tools as ChatTool[] } : {}),
    ...(Array.isArray(body.functions) ? { functions: body.functions as ChatFunctionDefinition[] } : {}),
  });
  await write(io.stdout, `${n}\n`);
  return 0;
}
