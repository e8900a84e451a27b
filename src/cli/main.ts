/**
 * The `tokenmill` command line: `tokenmill count|encode|decode`.
 *
 * `main(argv, io)` returns the exit code instead of exiting, so it can be tested in-process;
 * `bin/tokenmill.cjs` wires it to the process streams.
 *
 * Large inputs are streamed: bytes are decoded as UTF-8 incrementally and the text is cut into
 * chunks that are encoded one at a time, so a file of hundreds of MB never becomes one JS string.
 * A cut is made only where it provably cannot change the tokens (src/text/stream.ts, `lastSafeSplit`).
 */
import { fromTokenizerJsonSync, getEncodingSync } from "../index.js";
import { hexBytes, InvalidUtf8Error, TokenmillError, UnknownEncodingError } from "../errors.js";
import { ENCODING_NAMES, encodingNameForModel, isEncodingName } from "../openai/models.js";
import { cuttable, textChunks, type InvalidUtf8Mode } from "../text/stream.js";

export { lastSafeSplit } from "../text/stream.js";

/** What the CLI needs from an `Encoding` (structural, so it stays in step with `src/index.ts`). */
interface CliEncoding {
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
}

type ByteSource = AsyncIterable<Uint8Array | string>;

/** The part of a Node `Writable` the CLI uses (typed locally: the package has no @types/node). */
export interface WritableLike {
  write(chunk: string | Uint8Array): boolean;
  once(event: "drain" | "error" | "close", listener: (...args: any[]) => void): unknown;
  removeListener(event: "drain" | "error" | "close", listener: (...args: any[]) => void): unknown;
}

/** The part of `node:fs` the CLI uses. */
interface NodeFs {
  createReadStream(path: string, opts: { highWaterMark: number }): AsyncIterable<Uint8Array>;
  promises: { stat(path: string): Promise<{ isDirectory(): boolean }>; readFile(path: string, enc: "utf8"): Promise<string> };
}

let fsModule: Promise<NodeFs> | undefined;
/** `node:fs`, loaded on first use (a computed specifier keeps bundlers and tsc out of it). */
function nodeFs(): Promise<NodeFs> {
  const specifier = "node:fs";
  return (fsModule ??= import(specifier) as Promise<NodeFs>);
}

export interface CliIO {
  stdin: ByteSource;
  stdout: WritableLike;
  stderr: WritableLike;
  /** Printed by `--version`; the bin script passes package.json's version. */
  version?: string;
  /** Environment; only `TOKENMILL_CHUNK_CHARS` (chunk size, for tests) is read. */
  env?: Record<string, string | undefined>;
}

const DEFAULT_ENCODING = "o200k_base";
/** Text is encoded in pieces of at least this many UTF-16 code units (when a safe cut exists). */
const DEFAULT_CHUNK_CHARS = 1 << 20;
const READ_CHUNK_BYTES = 1 << 20;

export const USAGE = `Usage: tokenmill <command> [options] [args]

Commands:
  count [files...]    print the number of tokens (one line per file and a total if several)
  encode [files...]   print the token ids as a JSON array (one array per line per file)
  decode [ids...]     decode token ids (args, or stdin: JSON array or whitespace/comma separated)
                      and write the decoded bytes to stdout as is

With no file (or "-"), count and encode read stdin. Input is UTF-8.

Options:
  -e, --encoding NAME   o200k_base (default), o200k_harmony, cl100k_base, p50k_base,
                        p50k_edit, r50k_base, gpt2
  -m, --model NAME      use the encoding of an OpenAI model (gpt-4o, gpt-4, ft:gpt-4o-mini:...)
  -t, --tokenizer PATH  use a HuggingFace tokenizer.json instead (Llama, Qwen, Mistral, BERT...);
                        added tokens in the text are always recognised, as in HF; --special all
                        adds the post-processor's tokens (BOS, [CLS]/[SEP], ...)
      --special MODE    none (default): special-token text such as <|endoftext|> is ordinary text;
                        all: it becomes the special token
      --lines           encode: one id per line instead of a JSON array
      --invalid-utf8 MODE
                        error (default): input that is not UTF-8 stops with its byte offset;
                        replace: each ill-formed sequence reads as U+FFFD
  -h, --help            show this help
      --version         show the version
`;

class UsageError extends Error {}

/** An error whose message is already final (file errors, bad ids). */
class CliError extends Error {}

type Command = "count" | "encode" | "decode";

interface Options {
  command?: Command;
  encoding?: string;
  model?: string;
  tokenizer?: string;
  special: "none" | "all";
  lines: boolean;
  invalidUtf8: InvalidUtf8Mode;
  help: boolean;
  version: boolean;
  args: string[];
}

const COMMANDS: readonly string[] = ["count", "encode", "decode"];

/** Parses argv (without node and the script). Throws `UsageError`. Exported for tests. */
export function parseArgs(argv: readonly string[]): Options {
  const o: Options = { special: "none", lines: false, invalidUtf8: "error", help: false, version: false, args: [] };
  const positionals: string[] = [];
  let invalidUtf8Given = false;
  let i = 0;
  const value = (flag: string, attached: string | undefined): string => {
    if (attached !== undefined) return attached;
    if (i + 1 >= argv.length) throw new UsageError(`option ${flag} needs a value`);
    return argv[++i]!;
  };
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    // "-" is stdin; "-12" is a (bad) token id for decode, reported as such rather than as a flag.
    if (a === "-" || !a.startsWith("-") || /^-\d/.test(a)) {
      positionals.push(a);
      continue;
    }
    let flag = a;
    let attached: string | undefined;
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      if (eq >= 0) {
        flag = a.slice(0, eq);
        attached = a.slice(eq + 1);
      }
    } else if (a.length > 2) {
      flag = a.slice(0, 2); // -eNAME
      attached = a.slice(2);
    }
    const noValue = (): void => {
      if (attached !== undefined) throw new UsageError(`option ${flag} takes no value`);
    };
    switch (flag) {
      case "-h":
      case "--help":
        noValue();
        o.help = true;
        break;
      case "--version":
        noValue();
        o.version = true;
        break;
      case "--lines":
        noValue();
        o.lines = true;
        break;
      case "-e":
      case "--encoding":
        o.encoding = value(flag, attached);
        break;
      case "-m":
      case "--model":
        o.model = value(flag, attached);
        break;
      case "-t":
      case "--tokenizer":
        o.tokenizer = value(flag, attached);
        break;
      case "--special": {
        const v = value(flag, attached);
        if (v !== "all" && v !== "none") throw new UsageError(`--special must be "all" or "none", not ${JSON.stringify(v)}`);
        o.special = v;
        break;
      }
      case "--invalid-utf8": {
        const v = value(flag, attached);
        if (v !== "error" && v !== "replace") throw new UsageError(`--invalid-utf8 must be "error" or "replace", not ${JSON.stringify(v)}`);
        o.invalidUtf8 = v;
        invalidUtf8Given = true;
        break;
      }
      default:
        throw new UsageError(`unknown option ${JSON.stringify(flag)}`);
    }
  }
  if (o.help || o.version) return o;
  const cmd = positionals.shift();
  if (cmd === undefined) throw new UsageError("missing command (count, encode or decode)");
  if (cmd === "help") {
    o.help = true;
    return o;
  }
  if (!COMMANDS.includes(cmd)) throw new UsageError(`unknown command ${JSON.stringify(cmd)} (expected count, encode or decode)`);
  o.command = cmd as Command;
  o.args = positionals;
  if (o.encoding !== undefined && o.model !== undefined) {
    throw new UsageError("use either -e/--encoding or -m/--model, not both");
  }
  if (o.tokenizer !== undefined && (o.encoding !== undefined || o.model !== undefined)) {
    throw new UsageError("use either -t/--tokenizer or -e/--encoding / -m/--model, not both");
  }
  if (o.lines && o.command !== "encode") throw new UsageError("--lines only applies to encode");
  if (invalidUtf8Given && o.command === "decode") throw new UsageError("--invalid-utf8 only applies to count and encode");
  return o;
}

function encodeOptions(special: "none" | "all") {
  return special === "all"
    ? { allowedSpecial: "all" as const }
    : { allowedSpecial: [] as string[], disallowedSpecial: [] as string[] };
}

/** Errors from the file system carry a `syscall` (open, read, stat, …). */
function isFsError(e: unknown): boolean {
  return e instanceof Error && typeof (e as { syscall?: unknown }).syscall === "string";
}

/** A file that could not be read, or is not UTF-8 (the errors reading a file can raise). */
function isReadError(e: unknown): boolean {
  return isFsError(e) || e instanceof InvalidUtf8Error;
}

/** A file that could not be read, or is not UTF-8, as a one-line message naming it. */
function describeReadError(path: string, e: unknown): CliError {
  if (!(e instanceof InvalidUtf8Error)) return describeFsError(path, e);
  return new CliError(
    `${path === "-" ? "stdin" : path}: not UTF-8: invalid byte sequence ${hexBytes(e.bytes)} at byte ${e.byteOffset}; ` +
      `pass --invalid-utf8 replace to read each ill-formed sequence as U+FFFD`,
  );
}

function describeFsError(path: string, e: unknown): CliError {
  const code = (e as { code?: unknown } | null)?.code;
  const reason =
    code === "ENOENT"
      ? "No such file or directory"
      : code === "EISDIR"
        ? "Is a directory"
        : code === "EACCES" || code === "EPERM"
          ? "Permission denied"
          : e instanceof Error
            ? e.message
            : String(e);
  return new CliError(`${path}: ${reason}`);
}

function write(out: WritableLike, data: string | Uint8Array): Promise<void> {
  if (out.write(data)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (): void => {
      out.removeListener("drain", done);
      out.removeListener("error", fail);
      out.removeListener("close", done);
      resolve();
    };
    const fail = (e: unknown): void => {
      out.removeListener("drain", done);
      out.removeListener("close", done);
      reject(e);
    };
    out.once("drain", done);
    out.once("error", fail);
    out.once("close", done);
  });
}

/** decode's input: token ids, so any byte that is not UTF-8 shows up as a bad id (U+FFFD). */
async function readAllText(src: ByteSource): Promise<string> {
  let s = "";
  for await (const t of textChunks(src, Infinity, false, "replace")) s += t;
  return s;
}

function parseIds(text: string): number[] {
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

function resolveEncoding(o: Options): CliEncoding {
  let name: string = DEFAULT_ENCODING;
  if (o.model !== undefined) name = encodingNameForModel(o.model);
  else if (o.encoding !== undefined) {
    if (!isEncodingName(o.encoding)) throw new UnknownEncodingError(o.encoding, ENCODING_NAMES);
    name = o.encoding;
  }
  return getEncodingSync(name) as CliEncoding;
}

/** A tokenizer.json behind the CLI's encoding interface (`--special all` = add special tokens). */
async function loadTokenizerJson(path: string): Promise<CliEncoding> {
  const fs = await nodeFs();
  let json: string;
  try {
    json = await fs.promises.readFile(path, "utf8");
  } catch (e) {
    throw describeFsError(path, e);
  }
  const tok = fromTokenizerJsonSync(json);
  const utf8 = new TextEncoder();
  return {
    name: path,
    specialTokens: tok.specialTokens,
    encode: (t, opts) => tok.encode(t, { addSpecialTokens: opts?.allowedSpecial === "all" }),
    count: (t, opts) => tok.count(t, { addSpecialTokens: opts?.allowedSpecial === "all" }),
    decodeBytes: (ids) => utf8.encode(tok.decode(ids)),
  };
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const err = (msg: string): Promise<void> => write(io.stderr, `tokenmill: ${msg}\n`);
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
    const opts = encodeOptions(o.special);
    const envChunk = Number(io.env?.TOKENMILL_CHUNK_CHARS);
    const chunkChars = Number.isInteger(envChunk) && envChunk > 0 ? envChunk : DEFAULT_CHUNK_CHARS;
    // A tokenizer.json pipeline has no proven safe cut point: its text is encoded whole.
    const splittable =
      o.tokenizer === undefined && (o.special === "none" || cuttable(Object.keys(enc.specialTokens)));
    const sources = o.args.length === 0 ? ["-"] : o.args;
    const fs = o.command === "decode" ? undefined : await nodeFs();
    const open = (path: string): ByteSource =>
      path === "-" ? io.stdin : fs!.createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });

    if (o.command === "decode") {
      const ids = parseIds(o.args.length > 0 ? o.args.join(" ") : await readAllText(io.stdin));
      await write(io.stdout, enc.decodeBytes(ids));
      return 0;
    }

    if (o.command === "count") {
      let total = 0;
      let failed = false;
      for (const path of sources) {
        let n = 0;
        try {
          for await (const t of textChunks(open(path), chunkChars, splittable, o.invalidUtf8)) n += enc.count(t, opts);
        } catch (e) {
          if (!isReadError(e)) throw e;
          await err(describeReadError(path, e).message);
          failed = true;
          continue;
        }
        total += n;
        await write(io.stdout, sources.length > 1 ? `${n}\t${path}\n` : `${n}\n`);
      }
      if (sources.length > 1) await write(io.stdout, `${total}\ttotal\n`);
      return failed ? 1 : 0;
    }

    // encode: check every file first, so that an error never leaves half an output behind.
    for (const path of sources) {
      if (path === "-") continue;
      let st;
      try {
        st = await fs!.promises.stat(path);
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
        for await (const t of textChunks(open(path), chunkChars, splittable, o.invalidUtf8)) {
          const ids = enc.encode(t, opts);
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
