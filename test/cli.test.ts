/**
 * End-to-end tests of the `tokenmill` CLI: runs `node bin/tokenmill.cjs …` (which loads
 * dist/cli.cjs, so build first) and compares with the `tiktoken` npm package.
 *
 * `--special none` (the CLI default) is tiktoken's `encode(text, [], [])`;
 * `--special all` is `encode(text, "all")`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(ROOT, "bin", "tokenmill.cjs");
const BUILT = existsSync(join(ROOT, "dist", "cli.cjs"));
if (!BUILT) console.warn("test/cli.test.ts: SKIPPED — dist/cli.cjs is missing; run the build (npm run build) first");

// tiktoken (npm) ships these; o200k_harmony is checked against o200k_base instead (same ranks).
const TIKTOKEN_ENCODINGS = ["o200k_base", "cl100k_base", "p50k_base", "p50k_edit", "r50k_base", "gpt2"] as const;

interface Tiktoken {
  encode(text: string, allowed?: "all" | string[], disallowed?: "all" | string[]): Uint32Array;
  decode_single_token_bytes(id: number): Uint8Array;
  free(): void;
}
const { get_encoding } = require("tiktoken") as { get_encoding(name: string): Tiktoken };
const tiktokens = new Map<string, Tiktoken>();
function tk(name: string): Tiktoken {
  let t = tiktokens.get(name);
  if (!t) tiktokens.set(name, (t = get_encoding(name)));
  return t;
}
const ref = (name: string, text: string, special: "none" | "all" = "none"): number[] =>
  Array.from(special === "all" ? tk(name).encode(text, "all") : tk(name).encode(text, [], []));

interface Run {
  code: number | null;
  stdout: Buffer;
  out: string;
  err: string;
}
function run(args: string[], opts: { input?: string | Uint8Array; env?: Record<string, string> } = {}): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    input: opts.input ?? "",
    cwd: dir,
    env: { ...process.env, ...opts.env },
    maxBuffer: 1 << 28,
  });
  return { code: r.status, stdout: r.stdout, out: r.stdout.toString("utf8"), err: r.stderr.toString("utf8") };
}

// Text that exercises every pre-tokenizer rule, special-token text, and multi-byte UTF-8.
const SAMPLE = [
  "Hello, world! It's a test: we'll see, they'd've. DON'T SHOUT'S ſ'S",
  "  leading spaces,\ttabs\t\tand trailing   \n\n\nnewlines\r\nCRLF\r\n \r\n",
  "numbers 1 12 123 1234 12345 3.14159 -42 1e10 ١٢٣",
  "code: const x = a.b(c) /* comment */ // path/to/file.ts\n\tif (x) { return; }\n",
  "unicode: café naïve Ωμέγα Привет мир 中文字符 日本語のテキスト 한국어 עברית العربية",
  "emoji: 😀👍🏽👨‍👩‍👧 ✓ ★ ☃ e\u0301 \u00a0nbsp \u2028ls \u0085nel",
  "specials as text: <|endoftext|> <|fim_prefix|> <|im_start|> <|endofprompt|>",
  "MixedCASEWordsHere camelCase snake_case kebab-case HTTPServer XMLHttpRequest ǅungla ʰa",
  "",
].join("\n");

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "tokenmill-cli-"));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  for (const t of tiktokens.values()) t.free();
});

describe.skipIf(!BUILT)("tokenmill CLI", { timeout: 120_000 }, () => {
  describe("count", () => {
    it.each(TIKTOKEN_ENCODINGS)("-e %s on stdin equals tiktoken (special none)", (name) => {
      const r = run(["count", "-e", name], { input: SAMPLE });
      expect(r.err).toBe("");
      expect(r.code).toBe(0);
      expect(r.out).toBe(`${ref(name, SAMPLE).length}\n`);
    });

    it.each(TIKTOKEN_ENCODINGS)("--special all, -e %s equals tiktoken encode(text, 'all')", (name) => {
      const r = run(["count", "--special", "all", "--encoding", name], { input: SAMPLE });
      expect(r.code).toBe(0);
      expect(r.out).toBe(`${ref(name, SAMPLE, "all").length}\n`);
    });

    it("defaults to o200k_base", () => {
      expect(run(["count"], { input: SAMPLE }).out).toBe(`${ref("o200k_base", SAMPLE).length}\n`);
    });

    it("o200k_harmony counts like o200k_base when special tokens are text", () => {
      const r = run(["count", "-e", "o200k_harmony"], { input: SAMPLE });
      expect(r.code).toBe(0);
      expect(r.out).toBe(`${ref("o200k_base", SAMPLE).length}\n`);
      expect(run(["count", "-m", "gpt-oss-20b"], { input: SAMPLE }).out).toBe(r.out);
    });

    it("-m picks the model's encoding", () => {
      expect(run(["count", "-m", "gpt-4o"], { input: SAMPLE }).out).toBe(`${ref("o200k_base", SAMPLE).length}\n`);
      expect(run(["count", "--model=gpt-4"], { input: SAMPLE }).out).toBe(`${ref("cl100k_base", SAMPLE).length}\n`);
      expect(run(["count", "-mtext-davinci-003"], { input: SAMPLE }).out).toBe(`${ref("p50k_base", SAMPLE).length}\n`);
    });

    it("empty input counts 0", () => {
      expect(run(["count"], { input: "" }).out).toBe("0\n");
    });

    it("one file prints just the number; several print wc-style lines and a total", () => {
      const a = join(dir, "a.txt");
      const b = join(dir, "b b.txt");
      writeFileSync(a, SAMPLE);
      writeFileSync(b, "just a few words\n");
      const na = ref("o200k_base", SAMPLE).length;
      const nb = ref("o200k_base", "just a few words\n").length;
      expect(run(["count", a]).out).toBe(`${na}\n`);
      const r = run(["count", a, b]);
      expect(r.code).toBe(0);
      expect(r.out).toBe(`${na}\t${a}\n${nb}\t${b}\n${na + nb}\ttotal\n`);
      // "-" is stdin
      expect(run(["count", a, "-"], { input: "hi" }).out).toBe(`${na}\t${a}\n1\t-\n${na + 1}\ttotal\n`);
    });

    it("a missing file among several: the others are counted, error on stderr, exit 1", () => {
      const a = join(dir, "a.txt");
      writeFileSync(a, SAMPLE);
      const missing = join(dir, "missing.txt");
      const na = ref("o200k_base", SAMPLE).length;
      const r = run(["count", a, missing, a]);
      expect(r.code).toBe(1);
      expect(r.out).toBe(`${na}\t${a}\n${na}\t${a}\n${2 * na}\ttotal\n`);
      expect(r.err).toBe(`tokenmill: ${missing}: No such file or directory\n`);
    });

    it("keeps a UTF-8 BOM as U+FEFF and reads files as UTF-8", () => {
      const f = join(dir, "bom.txt");
      writeFileSync(f, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("héllo wörld", "utf8")]));
      expect(run(["count", f]).out).toBe(`${ref("o200k_base", "\ufeffhéllo wörld").length}\n`);
    });
  });

  describe("input that is not UTF-8", () => {
    // "café" in Latin-1, then valid text
    const latin1 = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x6f, 0x6b, 0x0a]);
    const replaced = new TextDecoder().decode(latin1); // "caf\ufffd ok\n"

    it("stops with the file and the byte offset (exit 1); other files are still counted", () => {
      const bad = join(dir, "latin1.txt");
      const good = join(dir, "good.txt");
      writeFileSync(bad, latin1);
      writeFileSync(good, SAMPLE);
      const r = run(["count", bad]);
      expect(r.code).toBe(1);
      expect(r.out).toBe("");
      expect(r.err).toBe(`tokenmill: ${bad}: not UTF-8: invalid byte sequence E9 at byte 3; pass --invalid-utf8 replace to read each ill-formed sequence as U+FFFD\n`);
      const n = ref("o200k_base", SAMPLE).length;
      const several = run(["count", good, bad]);
      expect(several.code).toBe(1);
      expect(several.out).toBe(`${n}\t${good}\n${n}\ttotal\n`);
      const enc = run(["encode"], { input: latin1 });
      expect(enc.code).toBe(1);
      expect(enc.err).toMatch(/^tokenmill: stdin: not UTF-8: invalid byte sequence E9 at byte 3;/);
      // far into a file, past the first read: the offset counts from the file's start
      const far = join(dir, "far.txt");
      writeFileSync(far, Buffer.concat([Buffer.from("a".repeat(100_000) + " é ".repeat(50_000)), Buffer.from([0xf0, 0x9f, 0x98]), Buffer.from(" end")]));
      expect(run(["count", far]).err).toMatch(/invalid byte sequence F0 9F 98 at byte 300000;/);
    });

    it("--invalid-utf8 replace reads each ill-formed sequence as U+FFFD, as TextDecoder does", () => {
      const r = run(["count", "--invalid-utf8", "replace"], { input: latin1 });
      expect(r.code).toBe(0);
      expect(r.out).toBe(`${ref("o200k_base", replaced).length}\n`);
      const e = run(["encode", "--invalid-utf8=replace", "-e", "cl100k_base"], { input: latin1 });
      expect(JSON.parse(e.out)).toEqual(ref("cl100k_base", replaced));
      expect(run(["count", "--invalid-utf8", "skip"]).code).toBe(2);
      expect(run(["decode", "--invalid-utf8", "replace", "1"]).code).toBe(2);
    });

    it("decode: a byte that is not UTF-8 among the ids is a bad id", () => {
      const r = run(["decode"], { input: Buffer.from([0x5b, 0x31, 0x2c, 0xff, 0x5d]) }); // [1,\xff]
      expect(r.code).toBe(1);
      expect(r.err).toBe('tokenmill: bad token id "\ufffd" at position 1: ids are non-negative integers\n');
    });
  });

  describe("streaming in chunks gives the same tokens", () => {
    // Many small chunks: every safe cut point in the text gets used.
    const text = Array.from({ length: 40 }, (_, i) => SAMPLE.slice(i * 7) + SAMPLE.slice(0, i * 7)).join(" x ");

    it.each(TIKTOKEN_ENCODINGS)("%s with 5-character chunks (count and encode, both special modes)", (name) => {
      const env = { TOKENMILL_CHUNK_CHARS: "5" };
      for (const special of ["none", "all"] as const) {
        const ids = ref(name, text, special);
        expect(run(["count", "-e", name, "--special", special], { input: text, env }).out).toBe(`${ids.length}\n`);
        const enc = run(["encode", "-e", name, "--special", special], { input: text, env });
        expect(enc.code).toBe(0);
        expect(JSON.parse(enc.out)).toEqual(ids);
      }
    });

    it("a multi-MB file with the default chunk size (UTF-8 split across reads)", () => {
      const unit = SAMPLE + " 😀中文 ".repeat(50) + "word ".repeat(200);
      const big = unit.repeat(Math.ceil((5 << 19) / unit.length)); // > 1 Mi chars: cut at the default size
      const f = join(dir, "big.txt");
      writeFileSync(f, big);
      expect(big.length).toBeGreaterThan(1 << 20);
      expect(run(["count", f]).out).toBe(`${ref("o200k_base", big).length}\n`);
      expect(run(["count", "-e", "r50k_base", f]).out).toBe(`${ref("r50k_base", big).length}\n`);
    });

    it("a file with no safe cut point at all is still encoded exactly", () => {
      const f = join(dir, "nospace.txt");
      const t = "a\nb".repeat(20000);
      writeFileSync(f, t);
      expect(run(["count", f], { env: { TOKENMILL_CHUNK_CHARS: "10" } }).out).toBe(`${ref("o200k_base", t).length}\n`);
    });
  });

  describe("encode", () => {
    it("prints a JSON array equal to tiktoken", () => {
      for (const name of TIKTOKEN_ENCODINGS) {
        const r = run(["encode", "-e", name], { input: SAMPLE });
        expect(r.code).toBe(0);
        expect(r.out.endsWith("]\n")).toBe(true);
        expect(JSON.parse(r.out)).toEqual(ref(name, SAMPLE));
      }
    });

    it("--special all encodes special-token text as special tokens", () => {
      const text = "a<|endoftext|>b";
      const none = JSON.parse(run(["encode"], { input: text }).out) as number[];
      const all = JSON.parse(run(["encode", "--special", "all"], { input: text }).out) as number[];
      expect(none).toEqual(ref("o200k_base", text));
      expect(all).toEqual(ref("o200k_base", text, "all"));
      expect(all).toContain(199999);
      expect(none).not.toContain(199999);
      expect(JSON.parse(run(["encode", "--special=all", "-e", "cl100k_base"], { input: text }).out)).toContain(100257);
    });

    it("--lines prints one id per line", () => {
      const r = run(["encode", "--lines", "-e", "cl100k_base"], { input: "hello world" });
      expect(r.out).toBe(ref("cl100k_base", "hello world").join("\n") + "\n");
      expect(run(["encode", "--lines"], { input: "" }).out).toBe("");
      expect(run(["encode"], { input: "" }).out).toBe("[]\n");
    });

    it("several files: one JSON array per line (with --lines, a blank line between files)", () => {
      const a = join(dir, "ea.txt");
      const b = join(dir, "eb.txt");
      writeFileSync(a, "first file");
      writeFileSync(b, "second");
      const ia = ref("o200k_base", "first file");
      const ib = ref("o200k_base", "second");
      expect(run(["encode", a, b]).out).toBe(`${JSON.stringify(ia)}\n${JSON.stringify(ib)}\n`);
      expect(run(["encode", "--lines", a, b]).out).toBe(`${ia.join("\n")}\n\n${ib.join("\n")}\n`);
    });

    it("a missing file: nothing on stdout, exit 1", () => {
      const a = join(dir, "ea.txt");
      writeFileSync(a, "first file");
      const r = run(["encode", a, join(dir, "nope.txt")]);
      expect(r.code).toBe(1);
      expect(r.out).toBe("");
      expect(r.err).toBe(`tokenmill: ${join(dir, "nope.txt")}: No such file or directory\n`);
    });
  });

  describe("decode", () => {
    it("round-trips encode output given on stdin as a JSON array", () => {
      for (const name of ["o200k_base", "cl100k_base", "r50k_base"]) {
        const ids = run(["encode", "-e", name], { input: SAMPLE }).out;
        const r = run(["decode", "-e", name], { input: ids });
        expect(r.code).toBe(0);
        expect(r.stdout.equals(Buffer.from(SAMPLE, "utf8"))).toBe(true);
      }
    });

    it("accepts ids as args, and whitespace/comma separated on stdin", () => {
      const ids = ref("o200k_base", "hello world, again");
      expect(run(["decode", ...ids.map(String)]).out).toBe("hello world, again");
      expect(run(["decode", ids.join(",")]).out).toBe("hello world, again");
      expect(run(["decode"], { input: ids.join(" ,\n ") + "\n" }).out).toBe("hello world, again");
      expect(run(["decode"], { input: "" }).out).toBe("");
    });

    it("--lines output of encode decodes back", () => {
      const lines = run(["encode", "--lines", "-m", "gpt-4"], { input: SAMPLE }).out;
      expect(run(["decode", "-m", "gpt-4"], { input: lines }).stdout.equals(Buffer.from(SAMPLE))).toBe(true);
    });

    it("writes raw bytes, even when they are not valid UTF-8 on their own", () => {
      const t = tk("o200k_base");
      const euro = ref("o200k_base", "€€€€€€€€€€€€€€€€"); // whatever the split, concatenated bytes are valid
      expect(run(["decode", ...euro.map(String)]).stdout.equals(Buffer.from("€€€€€€€€€€€€€€€€"))).toBe(true);
      // the single byte 0xE2 (first byte of "€") is a token of its own in every byte-level BPE
      const ids = ref("o200k_base", "\u20ac"); // may be 1 or several tokens
      const bytes = Buffer.concat(ids.map((id) => Buffer.from(t.decode_single_token_bytes(id))));
      expect(bytes.equals(Buffer.from("€"))).toBe(true);
      let loneByteId = -1;
      for (let id = 0; id < 256 && loneByteId < 0; id++) {
        const b = t.decode_single_token_bytes(id);
        if (b.length === 1 && b[0] === 0xe2) loneByteId = id;
      }
      expect(loneByteId).toBeGreaterThanOrEqual(0);
      const r = run(["decode", String(loneByteId)]);
      expect(r.code).toBe(0);
      expect([...r.stdout]).toEqual([0xe2]);
    });

    it("special token ids decode to their text", () => {
      expect(run(["decode", "199999"]).out).toBe("<|endoftext|>");
      expect(run(["decode", "-e", "cl100k_base", "100257"]).out).toBe("<|endoftext|>");
    });
  });

  describe("errors and usage", () => {
    const expectError = (r: Run, code: number, text: string) => {
      expect(r.code).toBe(code);
      expect(r.out).toBe("");
      expect(r.err.startsWith("tokenmill: ")).toBe(true);
      expect(r.err).toContain(text);
    };

    it("unknown encoding → exit 1", () => {
      expectError(run(["count", "-e", "o300k"], { input: "x" }), 1, 'unknown encoding "o300k"');
    });
    it("unknown model → exit 1, listing known models", () => {
      const r = run(["count", "-m", "gpt-99"], { input: "x" });
      expectError(r, 1, 'unknown model "gpt-99"');
      expect(r.err).toContain("gpt-4o");
    });
    it("missing file → exit 1", () => {
      expectError(run(["count", join(dir, "does-not-exist")]), 1, "does-not-exist: No such file or directory");
    });
    it("a directory → exit 1", () => {
      expectError(run(["count", dir]), 1, "Is a directory");
    });
    it("bad ids → exit 1", () => {
      expectError(run(["decode", "12", "abc"]), 1, 'bad token id "abc" at position 1');
      expectError(run(["decode", "1.5"]), 1, 'bad token id "1.5"');
      expectError(run(["decode", "-3"]), 1, 'bad token id "-3"');
      expectError(run(["decode"], { input: "[1, 2" }), 1, "bad token ids");
      expectError(run(["decode"], { input: '["a"]' }), 1, "bad token id");
    });
    it("ids outside the vocabulary → exit 1", () => {
      expectError(run(["decode", "5000000"]), 1, "5000000");
      expectError(run(["decode", "-e", "gpt2", "60000"]), 1, "60000");
    });
    it("unknown option → exit 2", () => {
      expectError(run(["count", "--frobnicate"]), 2, 'unknown option "--frobnicate"');
      expectError(run(["count", "-x"]), 2, 'unknown option "-x"');
    });
    it("-e and -m together → exit 2", () => {
      expectError(run(["count", "-e", "gpt2", "-m", "gpt-4"]), 2, "either -e/--encoding or -m/--model");
    });
    it("other usage errors → exit 2", () => {
      expectError(run([]), 2, "missing command");
      expectError(run(["frob"]), 2, 'unknown command "frob"');
      expectError(run(["count", "-e"]), 2, "option -e needs a value");
      expectError(run(["count", "--special", "some"]), 2, "--special must be");
      expectError(run(["count", "--lines"]), 2, "--lines only applies to encode");
      expect(run(["frob"]).err).toContain("tokenmill --help");
    });
    it("--help and -h print usage on stdout, exit 0", () => {
      for (const args of [["--help"], ["-h"], ["count", "--help"], ["help"]]) {
        const r = run(args);
        expect(r.code).toBe(0);
        expect(r.out).toContain("Usage: tokenmill");
        expect(r.err).toBe("");
      }
    });
    it.skipIf(!existsSync("/dev/full"))("a write error (stdout on /dev/full) is one line on stderr and exit 1, not a stack", () => {
      writeFileSync(join(dir, "w.txt"), SAMPLE.repeat(50));
      for (const command of ["encode", "count", "decode"]) {
        const args = command === "decode" ? ["decode", "9906", "11"] : [command, join(dir, "w.txt")];
        const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, stdio: ["ignore", openSync("/dev/full", "w"), "pipe"] });
        const err = r.stderr.toString("utf8");
        expect(r.status, `${command}: ${err}`).toBe(1);
        expect(err).toMatch(/^tokenmill: cannot write the output: ENOSPC/);
        expect(err).not.toMatch(/\n\s+at /);
        expect(err.trim().split("\n")).toHaveLength(1);
      }
    });
    it("--version prints package.json's version", () => {
      const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
      expect(run(["--version"]).out).toBe(`${version}\n`);
    });
  });
});
