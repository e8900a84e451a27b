// What importing the package evaluates (issue 18, PERFORMANCE.md "Cold start" C rows): the
// built files keep every function's and class's name without restoring names at import, and
// the JS engine's Unicode tables are not expanded by importing it. Uses dist/ (npm run build:js).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { ASCII_CLASSES, classOf } from "../src/text/unicode-table.js";
import { train } from "../src/train/index.js";

const DIST = resolve("dist");

beforeAll(() => {
  if (!existsSync(resolve(DIST, "index.js"))) throw new Error("dist/ missing: run `npm run build` first");
});

/** The entries' and chunks' files (not cli.cjs, which is not minified). */
function builtFiles(): string[] {
  return readdirSync(DIST).filter((f) => /\.(c?js)$/.test(f) && f !== "cli.cjs");
}

/** Runs an ES module in a fresh `node` from the repo root (so that "tokenmill" resolves to this package, as for a user); its stdout. */
function runModule(code: string): string {
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", code], { encoding: "utf8", timeout: 60_000, cwd: resolve(".") });
  expect(r.stderr).toBe("");
  return r.stdout;
}

describe("the built files", () => {
  it("restore no names at import (no name-setting helper calls, no static blocks for names)", () => {
    const offenders = builtFiles().filter((f) => /"name",\{value:/.test(readFileSync(resolve(DIST, f), "utf8")));
    expect(offenders).toEqual([]);
  });

  it("still name every exported function and class after itself, in ESM and CommonJS", async () => {
    const misnamed = (m: Record<string, unknown>) =>
      Object.entries(m)
        .filter(([k, v]) => typeof v === "function" && k !== "default" && (v as { name: string }).name !== k)
        .map(([k, v]) => `${k} is named ${(v as { name: string }).name}`);
    for (const entry of ["index", "o200k_base", "worker"]) {
      const esm = (await import(pathToFileURL(resolve(DIST, `${entry}.js`)).href)) as Record<string, unknown>;
      const cjs = createRequire(import.meta.url)(resolve(DIST, `${entry}.cjs`)) as Record<string, unknown>;
      expect(misnamed(esm), `${entry}.js`).toEqual([]);
      expect(misnamed(cjs), `${entry}.cjs`).toEqual([]);
      expect(Object.keys(esm).length, entry).toBeGreaterThan(1);
    }
  });

  it("carry the three WASM cores byte for byte through the minifier (a literal per file that has one)", () => {
    const cores = ["tokenmill", "tokenmill-hf", "tokenmill-train"].map((n) => readFileSync(resolve("build", `${n}.wasm`)));
    const found = new Set<number>();
    for (const f of builtFiles()) {
      const src = readFileSync(resolve(DIST, f), "utf8");
      for (let i = src.indexOf("\\0asm"); i >= 0; i = src.indexOf("\\0asm", i + 1)) {
        const quote = src[i - 1]!;
        let j = i;
        while (src[++j] !== quote) if (src[j] === "\\") j++;
        const text = (0, eval)(src.slice(i - 1, j + 1)) as string; // the literal, as the module reads it
        const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
        const k = cores.findIndex((w) => w.length === bytes.length && w.every((b, n) => b === bytes[n]));
        expect(k, `${f}: a WASM literal of ${bytes.length} bytes that is none of build/*.wasm`).toBeGreaterThanOrEqual(0);
        found.add(k);
      }
    }
    expect([...found].sort()).toEqual([0, 1, 2]);
  });

  it("keep error names and function names in stack frames", () => {
    const code = `const m = await import(${JSON.stringify(pathToFileURL(resolve(DIST, "index.js")).href)});
try { m.getEncodingSync("no_such_encoding"); } catch (e) { console.log(e.name, e instanceof m.UnknownEncodingError, /at (Module\\.)?getEncodingSync /.test(e.stack)); }
try { m.fromTokenizerJsonSync("{"); } catch (e) { console.log(e.name); }`;
    expect(runModule(code)).toBe("UnknownEncodingError true true\nInvalidArgumentError\n");
  });
});

/** The files (relative to dist/) that `import` of dist/<entry> loads before it runs (static imports, transitively). */
function staticGraph(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (f: string) => {
    if (seen.has(f)) return;
    seen.add(f);
    const dir = f.includes("/") ? f.slice(0, f.lastIndexOf("/") + 1) : "";
    for (const m of readFileSync(resolve(DIST, f), "utf8").matchAll(/(?:import|export)\s*(?:[^"'`;]*?from\s*)?["'](\.\.?\/[^"']+)["']/g)) {
      visit(new URL(m[1]!, `file:///${dir}`).pathname.slice(1));
    }
  };
  visit(entry);
  return [...seen];
}

describe("the trainer", () => {

  it("is not in the whole API's import, only behind train()'s dynamic import", () => {
    const trainer = builtFiles().filter((f) => f.endsWith(".js") && readFileSync(resolve(DIST, f), "utf8").includes("function runMerges("));
    expect(trainer).toHaveLength(1);
    expect(staticGraph("index.js")).not.toContain(trainer[0]);
    expect(staticGraph("index.js")).toContain("index.js");
  });

  it("still trains through the built whole API, in ESM and CommonJS, as the source does", async () => {
    const text = "low lower lowest newer newest ".repeat(20);
    const ref = await train(text, { vocabSize: 262, pattern: "o200k" });
    const want = `${ref.merges.length} true ${ref.encode("lowest").length}\n`;
    const body = `const t = await m.train("low lower lowest newer newest ".repeat(20), { vocabSize: 262, pattern: "o200k" });
console.log(t.merges.length, t instanceof m.TrainedTokenizer, t.encode("lowest").length);`;
    for (const load of [`const m = await import(${JSON.stringify(pathToFileURL(resolve(DIST, "index.js")).href)});`, `const m = (await import("node:module")).createRequire(import.meta.url)(${JSON.stringify(resolve(DIST, "index.cjs"))});`]) {
      expect(runModule(load + body)).toBe(want);
    }
  });
});

describe("the JS engine's Unicode tables", () => {
  it("ASCII_CLASSES (the byte fast paths' literal) is classOf of each ASCII code point", () => {
    expect(Array.from(ASCII_CLASSES)).toEqual(Array.from({ length: 128 }, (_, cp) => classOf(cp)));
  });

  it("are not expanded when the JS engine's module is imported, only on the first classOf", () => {
    // In a fresh process: importing the engine's chunk must not call decodeRuns (it would take
    // 1.5-3 ms there); a first classOf beyond ASCII does.
    const chunk = builtFiles().find((f) => f.startsWith("chunk-engine-") && f.endsWith(".js"))!;
    const src = readFileSync(resolve(DIST, chunk), "utf8");
    expect(src).toContain("decodeRuns");
    const code = `const u = ${JSON.stringify(pathToFileURL(resolve(DIST, chunk)).href)};
const fill = Uint8Array.prototype.fill; let fills = 0;
Uint8Array.prototype.fill = function (...a) { fills++; return fill.apply(this, a); };
await import(u);
console.log(fills);`;
    expect(runModule(code)).toBe("0\n");
  });
});

describe("Node's whole-API entry (index-node.js: the layers loaded on first use)", () => {
  /** The one built file that defines `class <name>`. */
  const definingFile = (name: string) => {
    const files = builtFiles().filter((f) => f.endsWith(".js") && readFileSync(resolve(DIST, f), "utf8").includes(`class ${name}`));
    expect(files, name).toHaveLength(1);
    return files[0]!;
  };

  it("is what `import \"tokenmill\"` resolves to in Node; require() and browsers keep index.js / index.cjs", () => {
    const out = runModule(`console.log(import.meta.resolve("tokenmill").split("/").pop());
console.log((await import("node:module")).createRequire(process.cwd() + "/x.js").resolve("tokenmill").split("/").pop());`);
    expect(out).toBe("index-node.js\nindex.cjs\n");
  });

  it("does not load the tokenizer.json, SentencePiece, training, comparison, chat, pool or sharding code at import", () => {
    const graph = staticGraph("index-node.js");
    for (const cls of ["HfTokenizer", "SentencePieceTokenizer", "TrainedTokenizer"]) expect(graph, cls).not.toContain(definingFile(cls));
    for (const fn of ["function encodeChat(", "function compareTokenizers(", "function shardCorpus(", "function createTokenizerPool("]) {
      const files = builtFiles().filter((f) => f.endsWith(".js") && readFileSync(resolve(DIST, f), "utf8").includes(fn));
      expect(files.length, fn).toBeGreaterThan(0);
      for (const f of files) expect(graph, fn).not.toContain(f);
    }
    // while the universal entry has them all at import
    expect(staticGraph("index.js")).toContain(definingFile("HfTokenizer"));
  });

  it("exports the same names as index.js, each of the same kind and name", () => {
    const out = runModule(`const a = await import("tokenmill");
const b = await import(${JSON.stringify(pathToFileURL(resolve(DIST, "index.js")).href)});
const kinds = (m) => Object.keys(m).sort().map((k) => k + ":" + typeof m[k] + ":" + (typeof m[k] === "function" ? m[k].name : ""));
console.log(JSON.stringify(kinds(a)) === JSON.stringify(kinds(b)), Object.keys(a).length);`);
    const [same, n] = out.trim().split(" ");
    expect(same).toBe("true");
    expect(Number(n)).toBeGreaterThan(60);
  });

  it("runs each layer on first use, sharing the core's classes: instanceof, errors, statics and subclasses behave as with the classes themselves", () => {
    const out = runModule(`const m = await import("tokenmill");
const json = (await import("node:fs")).readFileSync(${JSON.stringify(resolve("test/fixtures/hf/unigram-trained.json"))}, "utf8");
const real = await import(${JSON.stringify(pathToFileURL(resolve(DIST, "api/layers.js")).href)});
const enc = m.getEncodingSync("o200k_base");
console.log(typeof enc.heal, typeof enc.decoder, enc.encode("hello world", { segmentation: "bytes" }).length);
console.log(({}) instanceof m.HfTokenizer, m.HfTokenizer.name, m.SentencePieceTokenizer.name, m.TrainedTokenizer.name);
const tok = m.fromTokenizerJsonSync(json);
console.log(tok instanceof m.HfTokenizer, tok instanceof real.HfTokenizer, Object.getPrototypeOf(tok) === m.HfTokenizer.prototype, tok.encode("hello world").length > 0);
try { m.fromTokenizerJsonSync("{"); } catch (e) { console.log(e.name, e instanceof m.InvalidArgumentError, e instanceof m.TokenmillError); }
try { new m.HfTokenizer(); } catch (e) { console.log(e instanceof TypeError || e instanceof m.TokenmillError); }
try { m.HfTokenizer(); } catch (e) { console.log(e instanceof TypeError); }
class Mine extends m.HfTokenizer {}
console.log(Object.getPrototypeOf(Mine.prototype) === real.HfTokenizer.prototype);
const t = await m.train("low lower lowest newer newest ".repeat(20), { vocabSize: 262, pattern: "o200k" });
console.log(t instanceof m.TrainedTokenizer, t.encode("lowest").length > 0);
console.log(m.countChat([{ role: "user", content: "hi" }], { model: "gpt-4o" }) > 0);
try { await m.train("", { vocabSize: 300 }); } catch (e) { console.log(e instanceof m.EmptyCorpusError); }`);
    expect(out).toBe(
      ["function function 11", "false HfTokenizer SentencePieceTokenizer TrainedTokenizer", "true true true true", "InvalidArgumentError true true", "true", "true", "true", "true true", "true", "true", ""].join("\n"),
    );
  });
});
