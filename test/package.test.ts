// The built package as users get it: a scratch project whose node_modules/tokenmill points at
// this checkout, so imports resolve through package.json "exports". Each case runs in a child
// process (ESM and CommonJS) and must print exactly the expected output and nothing on stderr.
// Needs `npm run build` (npm test does it).
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(".");
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "tokenmill-package-"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(ROOT, join(dir, "node_modules/tokenmill"), "dir");
  writeFileSync(join(dir, "package.json"), '{"name":"consumer","private":true}');
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function run(file: string, source: string): { stdout: string; stderr: string; status: number | null } {
  writeFileSync(join(dir, file), source);
  const r = spawnSync(process.execPath, [file], { cwd: dir, encoding: "utf8", timeout: 60_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

const TEXT = "Ünïcödé 👋 it's 2024";

describe("the built package in a child process", () => {
  it("ESM: main entry, per-encoding entries, worker", () => {
    const r = run(
      "esm.mjs",
      `import { getEncodingSync, getEncoding, listEncodings } from "tokenmill";
import { load } from "tokenmill/o200k_base";
import * as cl100k from "tokenmill/cl100k_base";
import { createWorker } from "tokenmill/worker";
const text = ${JSON.stringify(TEXT)};
console.log(Array.from(getEncodingSync("o200k_base").encode(text)).join(","));
console.log((await getEncoding("cl100k_base")).count(text));
const enc = await load();
console.log(enc.engine, Array.from(enc.encode(text)).join(","));
console.log((await load({ engine: "js" })).count(text), cl100k.name, (await cl100k.load()).count(text));
const w = createWorker();
console.log(await w.count(text), await w.decode(await w.encode(text)) === text);
w.terminate();
console.log(listEncodings().length);
`,
    );
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      [
        "8858,77,191375,43369,377,61138,233,4275,220,1323,19",
        "14",
        "wasm 8858,77,191375,43369,377,61138,233,4275,220,1323,19",
        "11 cl100k_base 14",
        "11 true",
        "7",
        "",
      ].join("\n"),
    );
  });

  it("CommonJS: require() of the same entries; the worker does not keep the process alive", () => {
    const r = run(
      "cjs.cjs",
      `const { getEncodingSync } = require("tokenmill");
const { load } = require("tokenmill/r50k_base");
const { createWorker } = require("tokenmill/worker");
const text = ${JSON.stringify(TEXT)};
console.log(getEncodingSync("r50k_base").count(text));
load().then(async (enc) => {
  console.log(enc.engine, enc.count(text), enc.decode(enc.encode(text)) === text);
  console.log(await createWorker({ encoding: "p50k_base" }).count(text));
});
`,
    );
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const n = Number(execFileSync(process.execPath, ["-e", `console.log(require("tiktoken").get_encoding("r50k_base").encode(${JSON.stringify(TEXT)}).length)`], { encoding: "utf8" }));
    expect(r.stdout).toBe(`${n}\nwasm ${n} true\n${n}\n`);
  });

  it("exports only what package.json lists", () => {
    const r = run("private.mjs", `import("tokenmill/dist/index.js").then(() => console.log("open"), (e) => console.log(e.code));`);
    expect(r.stdout).toBe("ERR_PACKAGE_PATH_NOT_EXPORTED\n");
  });

  it("a damaged vocab file on disk is a VocabFormatError from every loader (it is read straight into WASM memory)", () => {
    // A copy of the package whose o200k_base.tkv lost its last bytes, as a broken install might.
    const pkg = join(dir, "node_modules/tokenmill-damaged");
    mkdirSync(join(pkg, "vocab"), { recursive: true });
    cpSync(join(ROOT, "dist"), join(pkg, "dist"), { recursive: true });
    cpSync(join(ROOT, "package.json"), join(pkg, "package.json"));
    const tkv = readFileSync(join(ROOT, "vocab/o200k_base.tkv"));
    writeFileSync(join(pkg, "vocab/o200k_base.tkv"), tkv.subarray(0, tkv.length - 1000));
    cpSync(join(ROOT, "vocab/cl100k_base.tkv"), join(pkg, "vocab/cl100k_base.tkv"));
    const r = run(
      "damaged.mjs",
      `const m = await import("./node_modules/tokenmill-damaged/dist/index.js");
const entry = await import("./node_modules/tokenmill-damaged/dist/o200k_base.js");
for (const f of [() => m.getEncodingSync("o200k_base"), () => m.getEncoding("o200k_base"), () => entry.load()]) {
  try { await f(); console.log("loaded"); } catch (e) { console.log(e.name, e.code, /truncated or corrupt/.test(e.message)); }
}
console.log(m.getEncodingSync("cl100k_base").count("still fine"));
`,
    );
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("VocabFormatError VOCAB_FORMAT true\n".repeat(3) + "2\n");
  });
});
