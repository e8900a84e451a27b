// The README's shell examples are run, so that they cannot drift from what the CLI prints (issue
// 20, item 14). Every line of a ```sh block that starts with "$ " is a command; the lines after it,
// up to the next command, are what it prints (stdout and stderr, as a terminal shows them; a
// missing final newline is allowed, since `decode` adds none). The commands run with bash, in
// order, in a scratch copy of test/fixtures/readme (notes.txt, todo.txt, latin1.txt, a.txt, b.txt),
// with `tokenmill` on PATH as this checkout's bin. Blocks without "$ " lines are not run.
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BUILT = existsSync(join(ROOT, "dist", "cli.cjs"));

interface Example {
  line: number;
  command: string;
  expected: string[];
}

/** The shell examples of a Markdown text, block by block. */
function shellExamples(markdown: string): Example[][] {
  const blocks: Example[][] = [];
  let block: Example[] | undefined;
  markdown.split("\n").forEach((text, i) => {
    if (text.startsWith("```")) {
      if (block) {
        if (block.length > 0) blocks.push(block);
        block = undefined;
      } else if (/^```(sh|bash|console)\b/.test(text)) block = [];
      else block = undefined;
      return;
    }
    if (!block) return;
    if (text.startsWith("$ ")) block.push({ line: i + 1, command: text.slice(2), expected: [] });
    else block.at(-1)?.expected.push(text);
  });
  return blocks;
}

const work = mkdtempSync(join(tmpdir(), "tokenmill-readme-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(!BUILT)("README shell examples", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const blocks = shellExamples(readme);
  cpSync(join(ROOT, "test/fixtures/readme"), join(work, "files"), { recursive: true });
  writeFileSync(join(work, "tokenmill"), `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, "bin/tokenmill.cjs")}" "$@"\n`);
  chmodSync(join(work, "tokenmill"), 0o755);

  it("has examples to check", () => {
    expect(blocks.flat().length).toBeGreaterThan(10);
  });
  for (const block of blocks) {
    it(`README.md:${block[0]!.line}`, { timeout: 120_000 }, () => {
      for (const { line, command, expected } of block) {
        const r = spawnSync("bash", ["-c", `${command} 2>&1`], {
          cwd: join(work, "files"),
          env: { ...process.env, PATH: `${work}:${process.env.PATH}` },
          encoding: "utf8",
        });
        expect(r.stdout.replace(/\n$/, ""), `README.md:${line}: ${command}`).toBe(expected.join("\n"));
      }
    });
  }
});

// The JavaScript examples of the blocks marked `<!-- doctest -->` (the line before the fence) run
// too, each block as one async function with `tokenmill` imported from dist/ and the working
// directory at the package root. A line `expr; // value` checks expr against value when value is
// a literal: `Uint32Array [..]`, `[..]`, a JSON string, a number, true/false, or
// `throws ErrorName`; other comments are prose. Names a block uses without defining them are
// given: `longText` (a long string) and `enc` (o200k_base, as the README's first example makes it).
interface Doctest {
  line: number;
  code: string;
}

function doctests(markdown: string): Doctest[] {
  const lines = markdown.split("\n");
  const out: Doctest[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i - 1]!.trim() !== "<!-- doctest -->" || !/^```(js|ts)\b/.test(lines[i]!)) continue;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !lines[j]!.startsWith("```"); j++) body.push(checkLine(lines[j]!, j + 1));
    out.push({ line: i + 1, code: body.join("\n") });
    i = j;
  }
  return out;
}

function checkLine(text: string, line: number): string {
  const imported = /^import \{([^}]+)\} from "tokenmill";/.exec(text);
  if (imported) return `const {${imported[1]}} = __tokenmill;`;
  const defaultImport = /^import (\w+) from "(node:\w+)";/.exec(text);
  if (defaultImport) return `const ${defaultImport[1]} = __modules[${JSON.stringify(defaultImport[2])}];`;
  const m = /^(.*?);\s*\/\/\s*(.*)$/.exec(text);
  if (!m || /^\s*(const|let|var|for|if|await import)\b/.test(m[1]!)) return text;
  const [, code, comment] = m as unknown as [string, string, string];
  const expected = literal(comment);
  return expected === undefined ? text : `await __check(${line}, async () => (${code}), ${JSON.stringify(expected)});`;
}

type Expected = { kind: "ids" | "value"; value: unknown } | { kind: "throws"; name: string };

function literal(comment: string): Expected | undefined {
  let m: RegExpExecArray | null;
  if ((m = /^Uint32Array \[([\d,\s]*)\]/.exec(comment))) return { kind: "ids", value: JSON.parse(`[${m[1]}]`) };
  if ((m = /^(\[[\d,\s]*\])/.exec(comment))) return { kind: "ids", value: JSON.parse(m[1]!) };
  if ((m = /^throws (\w+)/.exec(comment))) return { kind: "throws", name: m[1]! };
  if ((m = /^("(?:[^"\\]|\\.)*")/.exec(comment))) return { kind: "value", value: JSON.parse(m[1]!) };
  if ((m = /^(-?\d+(?:\.\d+)?)(?![\w.])/.exec(comment))) return { kind: "value", value: Number(m[1]) };
  if ((m = /^(true|false)\b/.exec(comment))) return { kind: "value", value: m[1] === "true" };
  return undefined;
}

describe.skipIf(!BUILT)("README JavaScript examples (<!-- doctest --> blocks)", () => {
  const tests = doctests(readFileSync(join(ROOT, "README.md"), "utf8"));
  it("has blocks to check", () => {
    expect(tests.length).toBeGreaterThan(0);
  });
  for (const t of tests) {
    it(`README.md:${t.line}`, async () => {
      const tokenmill = await import(join(ROOT, "dist/index.js"));
      const failures: string[] = [];
      const check = async (line: number, run: () => Promise<unknown>, expected: Expected): Promise<void> => {
        try {
          const actual = await run();
          if (expected.kind === "throws") failures.push(`README.md:${line}: returned instead of throwing ${expected.name}`);
          else {
            const got = expected.kind === "ids" ? Array.from(actual as ArrayLike<number>) : actual;
            if (JSON.stringify(got) !== JSON.stringify(expected.value))
              failures.push(`README.md:${line}: got ${JSON.stringify(got)}, README says ${JSON.stringify(expected.value)}`);
          }
        } catch (e) {
          const name = (e as Error)?.name ?? String(e);
          if (expected.kind !== "throws" || name !== expected.name) failures.push(`README.md:${line}: threw ${name}: ${(e as Error)?.message}`);
        }
      };
      const given: string[] = [];
      if (!/\b(const|let) enc\b/.test(t.code)) given.push(`const enc = __tokenmill.getEncodingSync("o200k_base");`);
      if (!/\b(const|let) longText\b/.test(t.code)) given.push(`const longText = "hello world ".repeat(5000);`);
      const modules = { "node:fs": await import("node:fs") };
      const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;
      const cwd = process.cwd();
      process.chdir(ROOT);
      try {
        await new AsyncFunction("__tokenmill", "__check", "__modules", [...given, t.code].join("\n"))(tokenmill, check, modules);
      } finally {
        process.chdir(cwd);
      }
      expect(failures).toEqual([]);
    });
  }
});
