/**
 * The `tokenmill` command line: `tokenmill count|encode|decode|compare|train` (one file per command in
 * commands/, options in args.ts, streams and files in io.ts).
 *
 * `main(argv, io)` returns the exit code instead of exiting, so it can be tested in-process;
 * `bin/tokenmill.cjs` wires it to the process streams.
 *
 * Large inputs are streamed: bytes are decoded as UTF-8 incrementally and the text is cut into
 * chunks that are encoded one at a time, so a file of hundreds of MB never becomes one JS string.
 * A cut is made only where it provably cannot change the tokens (src/text/cuts.ts).
 */
import { TokenmillError } from "../errors.js";
import { parseArgs, USAGE, type Options } from "./args.js";
import { countCommand } from "./commands/count.js";
import { decodeCommand } from "./commands/decode.js";
import { encodeCommand } from "./commands/encode.js";
import { encodeJsonlCommand } from "./commands/encode-jsonl.js";
import { CliError, UsageError, write, type CliIO } from "./io.js";
import { loadTokenizerJson, resolveEncoding } from "./tokenizer.js";
import { compareCommand } from "./commands/compare.js";
import { trainCommand } from "./commands/train.js";
import { shardCommand } from "./commands/shard.js";

/**
 * Commands with options of their own: `tokenmill <command> [its options]`, the command word
 * first. (count, encode and decode share the options of args.ts, which may come first.)
 */
const OWN_COMMANDS: Record<string, (argv: readonly string[], io: CliIO) => Promise<number>> = {
  compare: compareCommand,
  train: trainCommand,
  shard: shardCommand,
};

export { parseArgs, USAGE } from "./args.js";
export { lastSafeSplit } from "../text/cuts.js";
export type { CliIO, WritableLike } from "./io.js";

export async function main(argv: string[], io: CliIO): Promise<number> {
  const err = (msg: string): Promise<void> => write(io.stderr, `tokenmill: ${msg}\n`);
  const own = argv.length > 0 && Object.hasOwn(OWN_COMMANDS, argv[0]!) ? OWN_COMMANDS[argv[0]!] : undefined;
  if (own) {
    try {
      return await own(argv.slice(1), io);
    } catch (e) {
      if (e instanceof UsageError) {
        await err(`${e.message}\nTry 'tokenmill ${argv[0]} --help'.`);
        return 2;
      }
      if (e instanceof TokenmillError || e instanceof CliError) {
        await err(e.message);
        return 1;
      }
      throw e;
    }
  }
  let o: Options;
  try {
    o = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      await err(`${e.message}\nTry 'tokenmill --help'.`);
      return 2;
    }
    throw e;
  }
  if (o.help) {
    await write(io.stdout, USAGE);
    return 0;
  }
  if (o.version) {
    await write(io.stdout, `${io.version ?? "unknown"}\n`);
    return 0;
  }
  try {
    const enc = o.tokenizer !== undefined ? await loadTokenizerJson(o.tokenizer) : resolveEncoding(o);
    if (o.command === "decode") return await decodeCommand(o, enc, io);
    if (o.command === "count") return await countCommand(o, enc, io);
    if (o.jsonl) return await encodeJsonlCommand(o, enc, io);
    return await encodeCommand(o, enc, io);
  } catch (e) {
    if (e instanceof TokenmillError || e instanceof CliError) {
      await err(e.message);
      return 1;
    }
    if (e instanceof Error && typeof (e as { code?: unknown }).code === "string") {
      // A TokenmillError from another copy of the library (a separately bundled chunk), or a
      // Node error such as EPIPE: report it plainly.
      await err(e.message);
      return 1;
    }
    throw e; // a bug: let the bin script print the stack
  }
}
