// The options of count, encode and decode, and the usage text of the whole CLI.

import type { InvalidUtf8Mode } from "../text/stream.js";
import { UsageError } from "./io.js";

export const USAGE = `Usage: tokenmill <command> [options] [args]

Commands:
  count [files...]    print the number of tokens (one line per file and a total if several)
  encode [files...]   print the token ids as a JSON array (one array per line per file)
  decode [ids...]     decode token ids (args, or stdin: JSON array or whitespace/comma separated)
                      and write the decoded bytes to stdout as is
  compare [options]   tokenizers side by side on corpora (tokenmill compare --help)
  train [options] files...
                      learn a BPE vocabulary from corpus files (tokenmill train --help)
  shard [options]     pre-tokenize a corpus into training shards (tokenmill shard --help)

With no file (or "-"), count and encode read stdin. Input is UTF-8.

Options:
  -e, --encoding NAME   o200k_base (default), o200k_harmony, cl100k_base, p50k_base,
                        p50k_edit, r50k_base, gpt2
  -m, --model NAME      use the encoding of an OpenAI model (gpt-4o, gpt-4, ft:gpt-4o-mini:...)
  -t, --tokenizer PATH  use a HuggingFace tokenizer.json instead (Llama, Qwen, Mistral, BERT...);
                        added tokens in the text are always recognised, as in HF; --special all
                        adds the post-processor's tokens (BOS, [CLS]/[SEP], ...); files are
                        streamed where the pipeline has a proven cut point (else, and with
                        truncation or padding in the file, read whole); or a
                        SentencePiece .model (T5, Llama 2, ...; the whole file is one sentence;
                        --special all adds its <s> and </s>)
      --special MODE    none (default): special-token text such as <|endoftext|> is ordinary text;
                        all: it becomes the special token
      --chat FILE       count: the prompt tokens of a chat request, FILE ("-" = stdin) a JSON
                        array of messages or { "messages": [...], "tools": [...] }, counted as
                        the API does (OpenAI cookbook formulas; -m gpt-4o, -m gpt-oss-20b, ...)
      --lines           encode: one id per line instead of a JSON array
      --jsonl           encode: JSONL documents in (a JSON string or an object per line), one
                        JSON array of ids out per line, in order (a filter for Spark RDD.pipe,
                        Hadoop Streaming); --field NAME: the text field (default "text")
      --invalid-utf8 MODE
                        error (default): input that is not UTF-8 stops with its byte offset;
                        replace: each ill-formed sequence reads as U+FFFD
  -h, --help            show this help
      --version         show the version
`;

export type Command = "count" | "encode" | "decode";

export interface Options {
  command?: Command;
  encoding?: string;
  model?: string;
  tokenizer?: string;
  /** count --chat FILE: a chat request (JSON) to count. */
  chat?: string;
  special: "none" | "all";
  lines: boolean;
  /** encode: JSONL in, a JSON array of ids per line out. */
  jsonl: boolean;
  /** encode --jsonl: the field holding the text. */
  field?: string;
  invalidUtf8: InvalidUtf8Mode;
  help: boolean;
  version: boolean;
  args: string[];
}

const COMMANDS: readonly string[] = ["count", "encode", "decode"];

/** Parses argv (without node and the script). Throws `UsageError`. Exported for tests. */
export function parseArgs(argv: readonly string[]): Options {
  const o: Options = { special: "none", lines: false, jsonl: false, invalidUtf8: "error", help: false, version: false, args: [] };
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
      case "--jsonl":
        noValue();
        o.jsonl = true;
        break;
      case "--field":
        o.field = value(flag, attached);
        break;
      case "-e":
      case "--encoding":
        o.encoding = value(flag, attached);
        break;
      case "-m":
      case "--model":
        o.model = value(flag, attached);
        break;
      case "--chat":
        o.chat = value(flag, attached);
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
  if (o.chat !== undefined) {
    if (o.command !== "count") throw new UsageError("--chat only applies to count");
    if (o.tokenizer !== undefined) throw new UsageError("--chat counts OpenAI chat formats: use -m/--model or -e/--encoding, not -t");
    if (o.args.length > 0) throw new UsageError("--chat takes the messages file as its value; no other files");
  }
  if (o.lines && o.command !== "encode") throw new UsageError("--lines only applies to encode");
  if (o.jsonl && o.command !== "encode") throw new UsageError("--jsonl only applies to encode");
  if (o.jsonl && o.lines) throw new UsageError("--jsonl and --lines exclude each other");
  if (o.field !== undefined && !o.jsonl) throw new UsageError("--field only applies to encode --jsonl");
  if (invalidUtf8Given && o.command === "decode") throw new UsageError("--invalid-utf8 only applies to count and encode");
  return o;
}

