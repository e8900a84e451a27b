/**
 * `shardCorpus` / `tokenmill shard` (src/shard/): shards read back to tiktoken's encode of each
 * document, the shard-size rule (property test), dtypes, the Megatron .idx layout, the same bytes
 * whatever the thread count (built package: the pool's workers load dist/), resume after a crash
 * or a damaged shard, bad input with file and line, unreadable files, the merge of task outputs,
 * and `tokenmill encode --jsonl`.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { getEncodingSync } from "../src/index.js";
import { mergeShardTasks, shardCorpus, ShardInputError, ShardReadError, type ShardIndex, type ShardOptions } from "../src/shard/index.js";
import { cli } from "./helpers/cli.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(ROOT, "bin", "tokenmill.cjs");
const DIST = join(ROOT, "dist", "index.js");
const BUILT = existsSync(DIST) && readFileSync(DIST, "utf8").includes("shardCorpus") && existsSync(join(ROOT, "dist", "cli.cjs"));
if (!BUILT) console.warn("test/shard.test.ts: the multi-thread and CLI cases are SKIPPED — dist/ lacks shardCorpus; run npm run build:js first");

const require = createRequire(import.meta.url);
interface Tiktoken {
  encode(text: string, allowed?: "all" | string[], disallowed?: "all" | string[]): Uint32Array;
}
const { get_encoding } = require("tiktoken") as { get_encoding(name: string): Tiktoken };
const tk = new Map<string, Tiktoken>();
const ref = (name: string, text: string): number[] => {
  let t = tk.get(name);
  if (!t) tk.set(name, (t = get_encoding(name)));
  return Array.from(t.encode(text, [], []));
};

const base = mkdtempSync(join(tmpdir(), "tokenmill-shard-"));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(base, `d${n++}`);

const DOCS = [
  "Hello, world! It's a test: we'll see.",
  "  leading spaces,\ttabs and trailing   ",
  "numbers 1 12 123 1234 3.14159 ١٢٣",
  "emoji 🦜🦜 and 日本語のテキスト、中文。",
  "<|endoftext|> is ordinary text here",
  "function f(x) { return x * 2; } // code",
  "Ünïcödé wörds — «quotes» ‘single’",
  "a",
];

function corpus(dir: string): { lines: string; jsonl: string; gz: string; files: string[] } {
  const { mkdirSync } = require("node:fs") as typeof import("node:fs");
  mkdirSync(dir, { recursive: true });
  const lines = join(dir, "a.txt");
  writeFileSync(lines, DOCS.join("\n") + "\n");
  const jsonl = join(dir, "b.jsonl");
  writeFileSync(jsonl, DOCS.map((t, i) => JSON.stringify({ id: i, text: t })).join("\n") + "\n");
  const gz = join(dir, "c.jsonl.gz");
  writeFileSync(gz, gzipSync(DOCS.slice().reverse().map((t) => JSON.stringify({ text: t })).join("\n")));
  const files = DOCS.slice(0, 3).map((t, i) => {
    const p = join(dir, `f${i}.txt`);
    writeFileSync(p, t);
    return p;
  });
  return { lines, jsonl, gz, files };
}

/** Every document of the index, read back from the shard files. */
function readBack(out: string): { ids: number[]; input: number; line: number }[] {
  const ix = JSON.parse(readFileSync(join(out, "index.json"), "utf8")) as ShardIndex;
  const docs: { ids: number[]; input: number; line: number }[] = [];
  for (const s of ix.shards) {
    const buf = readFileSync(join(out, s.file));
    const arr = ix.dtype === "uint16" ? new Uint16Array(buf.buffer, buf.byteOffset, buf.byteLength / 2) : new Uint32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    expect(arr.length).toBe(s.tokens);
    expect(createHash("sha256").update(buf).digest("hex")).toBe(s.sha256);
    let k = 0;
    for (const r of s.ranges) {
      for (let j = 0; j < r.documents; j++, k++) {
        docs.push({ ids: Array.from(arr.subarray(s.offsets[k], s.offsets[k]! + s.counts[k]!)), input: r.input, line: s.lines ? s.lines[k]! : 0 });
      }
    }
    expect(k).toBe(s.documents);
  }
  return docs;
}

/** name → sha256 of every file in a directory. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).sort()) out[f] = createHash("sha256").update(readFileSync(join(dir, f))).digest("hex");
  return out;
}

describe("shardCorpus on the calling thread (threads: 1)", () => {
  const c = corpus(fresh());

  it("--lines: each line is a document; shards read back to tiktoken's encode, with EOT", async () => {
    const out = fresh();
    const { index } = await shardCorpus({ input: c.lines, out, lines: true, eot: true, threads: 1 });
    expect(index.dtype).toBe("uint32");
    expect(index.eot).toBe(199999);
    expect(index.tokenizer).toEqual({ type: "tiktoken", name: "o200k_base", vocabSha256: expect.stringMatching(/^[0-9a-f]{64}$/), nVocab: 200019 });
    const docs = readBack(out);
    expect(docs.map((d) => d.ids)).toEqual(DOCS.map((t) => [...ref("o200k_base", t), 199999]));
    expect(docs.map((d) => d.line)).toEqual(DOCS.map((_, i) => i + 1));
  });

  it("JSONL (--field) and .gz, several inputs in order; nanoGPT uint16 for gpt2", async () => {
    const out = fresh();
    const { index } = await shardCorpus({ input: [c.jsonl, c.gz], out, field: "text", encoding: "gpt2", threads: 1 });
    expect(index.dtype).toBe("uint16");
    const docs = readBack(out);
    expect(docs.map((d) => d.ids)).toEqual([...DOCS, ...DOCS.slice().reverse()].map((t) => ref("gpt2", t)));
    expect(docs.map((d) => d.input)).toEqual([...DOCS.map(() => 0), ...DOCS.map(() => 1)]);
    expect(index.inputs.map((i) => i.path)).toEqual([c.jsonl, c.gz]);
  });

  it("each file one document; a glob pattern expands sorted", async () => {
    const out = fresh();
    const { index } = await shardCorpus({ input: join(dirname(c.lines), "f*.txt"), out, encoding: "cl100k_base", threads: 1 });
    expect(index.inputs.map((i) => i.path)).toEqual(c.files);
    expect(readBack(out).map((d) => d.ids)).toEqual(DOCS.slice(0, 3).map((t) => ref("cl100k_base", t)));
    expect(index.shards[0]!.lines).toBeUndefined();
  });

  it("dtype uint16 where the vocabulary does not fit is an error; uint32 may be asked for", async () => {
    await expect(shardCorpus({ input: c.lines, out: fresh(), lines: true, dtype: "uint16", threads: 1 })).rejects.toThrow(/uint16 cannot hold/);
    const out = fresh();
    const { index } = await shardCorpus({ input: c.lines, out, lines: true, dtype: "uint32", encoding: "r50k_base", threads: 1 });
    expect(index.dtype).toBe("uint32");
    expect(readBack(out).map((d) => d.ids)).toEqual(DOCS.map((t) => ref("r50k_base", t)));
  });

  it("--shard-tokens: a shard takes documents while it stays within the limit", async () => {
    const out = fresh();
    const counts = DOCS.map((t) => ref("o200k_base", t).length + 1);
    const limit = 20;
    const { index } = await shardCorpus({ input: c.lines, out, lines: true, eot: true, shardTokens: limit, threads: 1 });
    expect(index.shards.length).toBeGreaterThan(1);
    const expected: number[][] = [[]];
    let t = 0;
    for (const n of counts) {
      if (t > 0 && t + n > limit) expected.push([]), (t = 0);
      expected[expected.length - 1]!.push(n);
      t += n;
    }
    expect(index.shards.map((s) => s.counts)).toEqual(expected);
    expect(readBack(out).map((d) => d.ids)).toEqual(DOCS.map((t) => [...ref("o200k_base", t), 199999]));
    expect(index.documents).toBe(DOCS.length);
  });

  it("property: any documents and limit → shards hold exactly the documents' ids, cut by the rule", async () => {
    const enc = getEncodingSync("o200k_base");
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }).filter((s) => !/[\n\r]/.test(s)), { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 40 }), async (docs, limit) => {
        const dir = fresh();
        const { mkdirSync } = require("node:fs") as typeof import("node:fs");
        mkdirSync(dir);
        writeFileSync(join(dir, "in.txt"), docs.join("\n"));
        const out = join(dir, "out");
        const { index } = await shardCorpus({ input: join(dir, "in.txt"), out, lines: true, shardTokens: limit, threads: 1 });
        const kept = docs.filter((d) => d !== "");
        expect(readBack(out).map((d) => d.ids)).toEqual(kept.map((t) => Array.from(enc.encode(t, { disallowedSpecial: [] }))));
        for (let k = 0; k < index.shards.length; k++) {
          const s = index.shards[k]!;
          expect(s.tokens <= limit || s.documents === 1).toBe(true);
          if (k + 1 < index.shards.length) expect(s.tokens + index.shards[k + 1]!.counts[0]!).toBeGreaterThan(limit);
        }
      }),
      { numRuns: 25 },
    );
  });

  it("--megatron: the .idx has Megatron's MMapIndexedDataset layout", async () => {
    const out = fresh();
    const { index } = await shardCorpus({ input: c.lines, out, lines: true, megatron: true, encoding: "gpt2", threads: 1 });
    const s = index.shards[0]!;
    const idx = readFileSync(join(out, s.idx!));
    expect(createHash("sha256").update(idx).digest("hex")).toBe(s.idxSha256);
    expect(idx.subarray(0, 9).toString("latin1")).toBe("MMIDIDX\0\0");
    expect(idx.readBigUInt64LE(9)).toBe(1n);
    expect(idx[17]).toBe(8); // uint16
    const N = Number(idx.readBigUInt64LE(18));
    expect(N).toBe(s.documents);
    expect(Number(idx.readBigUInt64LE(26))).toBe(N + 1);
    const lengths = Array.from({ length: N }, (_, k) => idx.readInt32LE(34 + 4 * k));
    const pointers = Array.from({ length: N }, (_, k) => Number(idx.readBigInt64LE(34 + 4 * N + 8 * k)));
    const docIdx = Array.from({ length: N + 1 }, (_, k) => Number(idx.readBigInt64LE(34 + 12 * N + 8 * k)));
    expect(idx.length).toBe(34 + 12 * N + 8 * (N + 1));
    expect(lengths).toEqual(s.counts);
    expect(pointers).toEqual(s.offsets.map((o) => o * 2));
    expect(docIdx).toEqual(Array.from({ length: N + 1 }, (_, k) => k));
    // uint32 shards are int32 (code 4) for Megatron
    const out2 = fresh();
    await shardCorpus({ input: c.lines, out: out2, lines: true, megatron: true, threads: 1 });
    expect(readFileSync(join(out2, "shard-000000.idx"))[17]).toBe(4);
  });

  it("bad input: invalid JSON, a missing field, bytes that are not UTF-8 → error with file and line", async () => {
    const dir = fresh();
    const { mkdirSync } = require("node:fs") as typeof import("node:fs");
    mkdirSync(dir);
    const bad = join(dir, "bad.jsonl");
    writeFileSync(bad, '{"text":"ok"}\n{"text": oops}\n');
    await expect(shardCorpus({ input: bad, out: fresh(), field: "text", threads: 1 })).rejects.toThrow(new RegExp(`${bad}:2: invalid JSON`));
    const nofield = join(dir, "nofield.jsonl");
    writeFileSync(nofield, '{"text":"ok"}\n\n{"body":"x"}\n');
    const err = await shardCorpus({ input: nofield, out: fresh(), field: "text", threads: 1 }).catch((e) => e);
    expect(err).toBeInstanceOf(ShardInputError);
    expect(err.message).toBe(`${nofield}:3: no field "text" in this JSON line`);
    const latin1 = join(dir, "latin1.txt");
    writeFileSync(latin1, Buffer.concat([Buffer.from("good line\ncaf"), Buffer.from([0xe9]), Buffer.from("\nlast\n")]));
    await expect(shardCorpus({ input: latin1, out: fresh(), lines: true, threads: 1 })).rejects.toThrow(new RegExp(`${latin1}:2: not UTF-8: invalid byte sequence E9 at byte 13`));
    // --invalid-utf8 replace: U+FFFD, as count does
    const out = fresh();
    await shardCorpus({ input: latin1, out, lines: true, invalidUtf8: "replace", threads: 1 });
    expect(readBack(out).map((d) => d.ids)).toEqual(["good line", "caf\uFFFD", "last"].map((t) => ref("o200k_base", t)));
    // --skip-invalid: skipped and counted, never silently
    const out2 = fresh();
    const { index } = await shardCorpus({ input: [bad, nofield], out: out2, field: "text", skipInvalid: true, threads: 1 });
    expect(index.invalid.count).toBe(2);
    expect(index.invalid.listed).toEqual([
      { input: 0, line: 2, reason: expect.stringMatching(/^invalid JSON/) },
      { input: 1, line: 3, reason: 'no field "text" in this JSON line' },
    ]);
    expect(index.empty).toBe(1); // the blank line
    expect(index.documents).toBe(2);
  });

  it("an unreadable file is reported and listed; the other files are done", async () => {
    const out = fresh();
    const missing = join(dirname(c.lines), "missing.txt");
    const r = await shardCorpus({ input: [c.files[0]!, missing, c.files[1]!], out, threads: 1 });
    expect(r.unreadable).toEqual([{ path: missing, error: "No such file or directory" }]);
    expect(r.index.unreadable).toEqual([{ input: 1, error: "No such file or directory" }]);
    expect(readBack(out).map((d) => d.ids)).toEqual([DOCS[0]!, DOCS[1]!].map((t) => ref("o200k_base", t)));
    await expect(shardCorpus({ input: join(base, "nothing-*.txt"), out: fresh(), threads: 1 })).rejects.toThrow(ShardReadError);
    await expect(shardCorpus({ input: c.jsonl, out: fresh(), threads: 1 })).rejects.toThrow(/looks like JSONL: pass field/);
    const gz = join(dirname(c.lines), "damaged.txt.gz");
    writeFileSync(gz, "not gzip\n");
    await expect(shardCorpus({ input: gz, out: fresh(), lines: true, threads: 1 })).rejects.toThrow(`${gz}: not a valid gzip file (incorrect header check)`);
  });

  it("resume: a damaged shard is redone, intact ones are reused; a crash leaves no shard recorded as complete", async () => {
    const out = fresh();
    const opts: ShardOptions = { input: c.lines, out, lines: true, eot: true, shardTokens: 15, threads: 1, megatron: true };
    const first = await shardCorpus(opts);
    const clean = tree(out);
    expect(first.shardsWritten).toBe(first.index.shards.length);
    const again = await shardCorpus(opts);
    expect(again.shardsReused).toBe(first.index.shards.length);
    expect(tree(out)).toEqual(clean);
    // damage shard 1: redone, the others reused, bytes as before
    const p = join(out, "shard-000001.bin");
    const b = readFileSync(p);
    b[0]! ^= 1;
    writeFileSync(p, b);
    const fixed = await shardCorpus(opts);
    expect([fixed.shardsReused, fixed.shardsWritten]).toEqual([first.index.shards.length - 1, 1]);
    expect(tree(out)).toEqual(clean);
    // a crash after two shards (onProgress throws): no index.json, sidecars for the finished shards only
    const crashed = fresh();
    await expect(
      shardCorpus({
        ...opts,
        out: crashed,
        onProgress: (pr) => {
          if (pr.shards >= 2) throw new Error("crash");
        },
      }),
    ).rejects.toThrow("crash");
    expect(existsSync(join(crashed, "index.json"))).toBe(false);
    const left = readdirSync(crashed);
    expect(left.filter((f) => f.endsWith(".tmp"))).toEqual([]);
    for (const f of left.filter((x) => x.endsWith(".json"))) {
      const { entry } = JSON.parse(readFileSync(join(crashed, f), "utf8"));
      expect(createHash("sha256").update(readFileSync(join(crashed, entry.file))).digest("hex")).toBe(entry.sha256);
    }
    const resumed = await shardCorpus({ ...opts, out: crashed });
    expect(resumed.shardsReused).toBeGreaterThanOrEqual(2);
    expect(tree(crashed)).toEqual(clean);
  });

  it("task parts merged give the bytes of one run over all inputs", async () => {
    const inputs = [c.lines, ...c.files];
    const opts = { lines: true, eot: true, shardTokens: 25, threads: 1, megatron: true } as const;
    const whole = fresh();
    await shardCorpus({ ...opts, input: inputs, out: whole });
    const tasks = [fresh(), fresh(), fresh()];
    const parts: [number, number][] = [[0, 1], [1, 3], [3, 4]];
    for (let k = 0; k < 3; k++) await shardCorpus({ ...opts, input: inputs, out: tasks[k]!, inputRange: parts[k]! });
    const merged = fresh();
    await mergeShardTasks({ tasks, out: merged });
    expect(tree(merged)).toEqual(tree(whole));
    await expect(mergeShardTasks({ tasks: [tasks[1]!, tasks[0]!, tasks[2]!], out: fresh() })).rejects.toThrow(/expected the part starting at 0/);
  });
});

describe.skipIf(!BUILT)("built package: worker threads and the CLI", () => {
  const c = corpus(fresh());
  type Tm = { shardCorpus: typeof shardCorpus };
  const dist = async (): Promise<Tm> => (await import(pathToFileURL(DIST).href)) as Tm;
  const big = join(base, "big.jsonl");
  const lines: string[] = [];
  for (let i = 0; i < 3000; i++) lines.push(JSON.stringify({ text: `${DOCS[i % DOCS.length]} #${i} ${"word ".repeat(i % 37)}` }));
  writeFileSync(big, lines.join("\n") + "\n");

  it("the same bytes with 1, 2 and 3 threads", async () => {
    const { shardCorpus: shardDist } = await dist();
    const outs = [fresh(), fresh(), fresh()];
    for (let t = 0; t < 3; t++) await shardDist({ input: big, out: outs[t]!, field: "text", eot: true, shardTokens: 5000, threads: t + 1 });
    expect(tree(outs[1]!)).toEqual(tree(outs[0]!));
    expect(tree(outs[2]!)).toEqual(tree(outs[0]!));
    const docs = readBack(outs[1]!);
    expect(docs.length).toBe(3000);
    for (let i = 0; i < 3000; i += 97) expect(docs[i]!.ids).toEqual([...ref("o200k_base", JSON.parse(lines[i]!).text), 199999]);
  });

  const run = (args: string[], input = ""): { code: number | null; out: string; err: string } => {
    const r = spawnSync(process.execPath, [BIN, ...args], { input, encoding: "utf8" });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  it("tokenmill shard: options, summary, exit 1 for an unreadable file", () => {
    const out = fresh();
    const r = run(["shard", "-e", "cl100k_base", "--input", c.jsonl, "--field", "text", "--out", out, "--eot", "--threads", "2"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toBe(`1 shards (uint32): ${DOCS.length} documents, ${DOCS.reduce((a, t) => a + ref("cl100k_base", t).length + 1, 0)} tokens → ${out}/index.json\n`);
    expect(readBack(out).map((d) => d.ids)).toEqual(DOCS.map((t) => [...ref("cl100k_base", t), 100257]));
    const missing = join(base, "nope.txt");
    const r2 = run(["shard", "--lines", "-o", fresh(), c.lines, missing]);
    expect(r2.code).toBe(1);
    expect(r2.err).toBe(`tokenmill: ${missing}: No such file or directory\n`);
    const r3 = run(["shard", "--field", "text", "-o", fresh(), join(dirname(c.lines), "bad-*.jsonl")]);
    expect(r3.code).toBe(1);
    expect(r3.err).toMatch(/no file matches this pattern/);
    expect(run(["shard", "--bogus"]).code).toBe(2);
    expect(run(["shard", "--help"]).out).toMatch(/^Usage: tokenmill shard/);
    expect(JSON.parse(run(["shard", "--list-inputs", c.lines, c.jsonl]).out)).toEqual([
      { path: c.lines, bytes: readFileSync(c.lines).length },
      { path: c.jsonl, bytes: readFileSync(c.jsonl).length },
    ]);
  });

  it("tokenmill encode --jsonl: one JSON array of ids per line, in order", () => {
    const input = DOCS.map((t, i) => (i % 2 ? JSON.stringify(t) : JSON.stringify({ body: t }))).join("\n") + "\n\n";
    const r = run(["encode", "--jsonl", "--field", "body"], input);
    expect(r.err).toBe("");
    expect(r.out).toBe(DOCS.map((t) => JSON.stringify(ref("o200k_base", t))).join("\n") + "\n[]\n");
    const bad = run(["encode", "--jsonl"], '{"text":"a"}\nnot json\n');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^tokenmill: stdin:2: invalid JSON/);
  });
});

describe("tokenizer.json and the progress bar", () => {
  it("-t tokenizer.json: shards read back to HF tokenizers' ids; identity is the file's sha256", async () => {
    const { hf } = await import("./helpers/hf-reference.js");
    const file = fileURLToPath(new URL("./fixtures/hf/unigram-trained.json", import.meta.url));
    const c = corpus(fresh());
    const out = fresh();
    const { index } = await shardCorpus({ input: c.lines, out, lines: true, tokenizer: file });
    expect(index.tokenizer.type).toBe("tokenizer.json");
    expect(index.tokenizer.name).toBe("unigram-trained.json");
    expect(index.tokenizer.vocabSha256).toBe(createHash("sha256").update(readFileSync(file)).digest("hex"));
    const ref = hf.Tokenizer.fromString(readFileSync(file, "utf8"));
    const want = [];
    for (const t of DOCS) want.push(Array.from((await ref.encode(t, null, { addSpecialTokens: false })).getIds()));
    expect(readBack(out).map((d) => d.ids)).toEqual(want);
  });

  it("the CLI draws a progress bar on stderr only when it is a terminal; onProgress ends with done", async () => {
    const c = corpus(fresh());
    const { main } = await import("../src/cli/main.js");
    const { Sink } = await import("./helpers/cli.js");
    const stdout = new Sink();
    const stderr = new Sink();
    stderr.isTTY = true;
    const stdin = (async function* () {})();
    const code = await main(["shard", "--lines", "--threads", "1", "-o", fresh(), c.lines], { stdin, stdout, stderr });
    expect(code).toBe(0);
    expect(stderr.text).toMatch(/\r\[#{24}\] 100\.0% 8 docs, \d+ tokens, 1 shards, [\d.]+ MB\/s, ETA 0:00/);
    const quiet = await cli(["shard", "--lines", "--threads", "1", "-o", fresh(), c.lines]);
    expect(quiet.err).toBe("");
    const seen: boolean[] = [];
    await shardCorpus({ input: c.lines, out: fresh(), lines: true, threads: 1, onProgress: (p) => seen.push(p.done) });
    expect(seen.at(-1)).toBe(true);
  });
});

describe("encode --jsonl in-process", () => {
  it("usage errors", async () => {
    expect((await cli(["encode", "--jsonl", "--lines"])).code).toBe(2);
    expect((await cli(["count", "--jsonl"])).code).toBe(2);
    expect((await cli(["encode", "--field", "x"])).code).toBe(2);
    const r = await cli(["encode", "--jsonl"], '"hello world"\r\n{"text":"hi"}');
    expect(r.out).toBe("[24912,2375]\n[3686]\n");
  });
});
