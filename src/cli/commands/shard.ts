// tokenmill shard: a corpus → training shards (src/shard/): token files, index.json, a progress
// bar on stderr when it is a terminal. Also the two steps the Dask driver (scale/dask_shard.py)
// runs: --list-inputs (the inputs in order, as JSON) and --merge (task directories → one).

import { encodingNameForModel } from "../../openai/models.js";
import { listShardInputs, shardCorpus, type ShardOptions, type ShardProgress } from "../../shard/shard.js";
import { mergeShardTasks } from "../../shard/merge.js";
import { parseFlags } from "../flags.js";
import { UsageError, write, type CliIO } from "../io.js";

export const SHARD_USAGE = `Usage: tokenmill shard [options] --out DIR [inputs...]

Pre-tokenizes a corpus into training shards: shard-NNNNNN.bin files of little-endian token ids
(nanoGPT's raw .bin; with --megatron also Megatron-LM's .idx) and DIR/index.json (tokenizer and
vocab sha256, per shard its documents' offsets, token counts, lines, sha256 and input ranges).
A rerun into the same DIR reuses the shards whose recorded sha256 matches and redoes the rest.

Inputs (files or quoted patterns: 'data/*.jsonl', 'corpus/**/*.txt'; .gz files are gunzipped):
  -i, --input PATTERN     an input file or pattern (repeatable; positional arguments too)
      --lines             each line of a text file is a document (default: each file is one)
      --field NAME        inputs are JSONL; each line's NAME field (a string) is a document
      --invalid-utf8 MODE error (default): bytes that are not UTF-8 stop with file, line, byte;
                          replace: each ill-formed sequence reads as U+FFFD
      --skip-invalid      skip bad documents (invalid JSON, no field, not UTF-8), counted in the index

Tokenizer and layout:
  -e, --encoding NAME     a built-in encoding (default o200k_base); -m, --model NAME: a model's
  -t, --tokenizer PATH    a HuggingFace tokenizer.json (encoded on one thread)
  -o, --out DIR           output directory (required)
      --dtype TYPE        uint16 (only if the vocabulary fits) or uint32; default: uint16 where it fits
      --eot               append the end-of-text token after each document (--eot-token TEXT names it)
      --shard-tokens N    a shard takes documents while it stays within N tokens (default 100000000)
      --special MODE      none (default): special-token text is ordinary text; all: special tokens
      --megatron          also write a Megatron .idx next to each .bin
      --threads N         worker threads (default: the CPUs; 1 = encode on the main thread)
      --no-progress       no progress bar (it is shown only when stderr is a terminal)

Cluster steps (scale/dask_shard.py runs these):
      --list-inputs       print the inputs in order with their sizes, as JSON, and exit
      --input-range A:B   shard only inputs A..B-1 of the list (one task)
      --merge DIR         merge task directories (repeatable, in input order) into --out
`;

function bar(p: ShardProgress): string {
  const frac = p.bytesTotal > 0 ? Math.min(1, p.bytesRead / p.bytesTotal) : 0;
  const width = 24;
  const fill = Math.round(frac * width);
  const secs = p.elapsedMs / 1000;
  const mbs = secs > 0 ? p.bytesRead / 1e6 / secs : 0;
  const eta = frac > 0 && frac < 1 ? Math.round((secs * (1 - frac)) / frac) : 0;
  const hms = `${Math.floor(eta / 60)}:${String(eta % 60).padStart(2, "0")}`;
  return (
    `\r[${"#".repeat(fill)}${".".repeat(width - fill)}] ${(frac * 100).toFixed(1)}% ` +
    `${p.documents} docs, ${p.tokens} tokens, ${p.shards} shards, ${mbs.toFixed(1)} MB/s, ETA ${hms}  `
  );
}

export async function shardCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { values: v, positionals } = parseFlags("shard", argv, {
    input: { short: "i", kind: "strings" },
    out: { short: "o", kind: "string" },
    encoding: { short: "e", kind: "string" },
    model: { short: "m", kind: "string" },
    tokenizer: { short: "t", kind: "string" },
    lines: { kind: "boolean" },
    field: { kind: "string" },
    dtype: { kind: "string" },
    eot: { kind: "boolean" },
    "eot-token": { kind: "string" },
    "shard-tokens": { kind: "number" },
    special: { kind: "string" },
    "invalid-utf8": { kind: "string" },
    "skip-invalid": { kind: "boolean" },
    megatron: { kind: "boolean" },
    threads: { kind: "number" },
    "no-progress": { kind: "boolean" },
    "list-inputs": { kind: "boolean" },
    "input-range": { kind: "string" },
    merge: { kind: "strings" },
    help: { short: "h", kind: "boolean" },
  });
  if (v.help) {
    await write(io.stdout, SHARD_USAGE);
    return 0;
  }
  const inputs = [...((v.input as string[] | undefined) ?? []), ...positionals];
  const out = v.out as string | undefined;
  const merge = v.merge as string[] | undefined;
  if (merge) {
    if (out === undefined) throw new UsageError("shard: --merge needs --out DIR");
    const { index, indexPath } = await mergeShardTasks({ tasks: merge, out });
    await write(io.stdout, `merged ${merge.length} tasks: ${index.shards.length} shards, ${index.documents} documents, ${index.tokens} tokens → ${indexPath}\n`);
    return 0;
  }
  if (inputs.length === 0) throw new UsageError("shard: no input (give files or patterns, or --input PATTERN)");
  if (v["list-inputs"]) {
    await write(io.stdout, JSON.stringify(listShardInputs(inputs)) + "\n");
    return 0;
  }
  if (out === undefined) throw new UsageError("shard: --out DIR is required");
  const oneOf = (name: string, allowed: string[]): string | undefined => {
    const x = v[name] as string | undefined;
    if (x !== undefined && !allowed.includes(x)) throw new UsageError(`shard: --${name} must be ${allowed.map((a) => `"${a}"`).join(" or ")}, not ${JSON.stringify(x)}`);
    return x;
  };
  if ([v.encoding, v.model, v.tokenizer].filter((x) => x !== undefined).length > 1) throw new UsageError("shard: use one of -e/--encoding, -m/--model, -t/--tokenizer");
  if (v.lines && v.field !== undefined) throw new UsageError("shard: --lines and --field exclude each other (JSONL has one document per line already)");
  const st = v["shard-tokens"] as number | undefined;
  if (st !== undefined && (!Number.isSafeInteger(st) || st < 1)) throw new UsageError(`shard: --shard-tokens must be a positive integer, not ${st}`);
  const threads = v.threads as number | undefined;
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1)) throw new UsageError(`shard: --threads must be a positive integer, not ${threads}`);
  let inputRange: [number, number] | undefined;
  const ir = v["input-range"] as string | undefined;
  if (ir !== undefined) {
    const mm = /^(\d+):(\d+)$/.exec(ir);
    if (!mm) throw new UsageError(`shard: --input-range takes A:B (input indices), not ${JSON.stringify(ir)}`);
    inputRange = [Number(mm[1]), Number(mm[2])];
  }
  const options: ShardOptions = {
    input: inputs,
    out,
    ...(v.model !== undefined ? { encoding: encodingNameForModel(v.model as string) } : v.encoding !== undefined ? { encoding: v.encoding as string } : {}),
    ...(v.tokenizer !== undefined ? { tokenizer: v.tokenizer as string } : {}),
    ...(v.lines ? { lines: true } : {}),
    ...(v.field !== undefined ? { field: v.field as string } : {}),
    ...(oneOf("dtype", ["uint16", "uint32"]) ? { dtype: v.dtype as "uint16" | "uint32" } : {}),
    ...(v.eot ? { eot: true } : {}),
    ...(v["eot-token"] !== undefined ? { eotToken: v["eot-token"] as string } : {}),
    ...(st !== undefined ? { shardTokens: st } : {}),
    ...(oneOf("special", ["none", "all"]) ? { special: v.special as "none" | "all" } : {}),
    ...(oneOf("invalid-utf8", ["error", "replace"]) ? { invalidUtf8: v["invalid-utf8"] as "error" | "replace" } : {}),
    ...(v["skip-invalid"] ? { skipInvalid: true } : {}),
    ...(v.megatron ? { megatron: true } : {}),
    ...(threads !== undefined ? { threads } : {}),
    ...(inputRange ? { inputRange } : {}),
  };
  const tty = !v["no-progress"] && (io.stderr as { isTTY?: boolean }).isTTY === true;
  let last = 0;
  if (tty) {
    options.onProgress = (p) => {
      const now = Date.now();
      if (!p.done && now - last < 200) return;
      last = now;
      io.stderr.write(bar(p) + (p.done ? "\n" : ""));
    };
  }
  let result;
  try {
    result = await shardCorpus(options);
  } finally {
    if (tty) io.stderr.write("\n");
  }
  const { index } = result;
  for (const u of result.unreadable) await write(io.stderr, `tokenmill: ${u.path}: ${u.error}\n`);
  const extra = [
    result.shardsReused ? `${result.shardsReused} reused` : "",
    index.empty ? `${index.empty} empty documents` : "",
    index.invalid.count ? `${index.invalid.count} invalid documents skipped` : "",
    result.unreadable.length ? `${result.unreadable.length} inputs unreadable` : "",
  ].filter(Boolean);
  await write(
    io.stdout,
    `${index.shards.length} shards (${index.dtype}${extra.length ? `; ${extra.join(", ")}` : ""}): ${index.documents} documents, ${index.tokens} tokens → ${result.indexPath}\n`,
  );
  return result.unreadable.length ? 1 : 0;
}
