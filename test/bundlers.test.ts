// The packed package (`npm pack`, installed from the tarball into a scratch app) imported
// unchanged by the tools users bundle or run it with: Vite, webpack, esbuild and rollup bundles
// run in headless Chromium; the same imports with no bundler in a plain
// <script type="module"> (import map) and in a module Web Worker; and Node, Bun and Deno
// running the package straight from node_modules. No bundler plugin or configuration for the
// WASM (it is inlined) and none for the vocab beyond what each tool does by itself; ids are
// checked against tiktoken's.
//
// Vocab assets: Vite and webpack 5 emit `new URL("../vocab/…", import.meta.url)` as an asset,
// so the default load() works there. esbuild and rollup (without an asset plugin) leave that
// URL pointing next to the bundle, so those apps pass `vocabUrl` (and the worker client
// `workerUrl`/`vocabBaseUrl`), as the README says. Needs `npm run build` and /usr/bin/chromium;
// TOKENMILL_SKIP_BROWSER=1 skips the Chromium part. Bun and Deno come from their npm
// packages (devDependencies); a runtime whose binary is missing is skipped with a message.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, resolve } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reference } from "./helpers/reference.js";

const ROOT = resolve(".");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const skipBrowser = process.env.TOKENMILL_SKIP_BROWSER === "1";

const TEXTS = [
  "hello world",
  "Ünïcödé 👋 it's 2024",
  "function f(x) {\n  return x * 2;\n}\n",
  "日本語のテキストと中文文本 Привет, мир! مرحبا",
  "   many   spaces\n\n\n1234567 tabs\t\there",
];
const VOCAB_URL = "/node_modules/tokenmill/vocab/o200k_base.tkp";

function expected(): number[][] {
  return TEXTS.map((t) => Array.from(reference("o200k_base").encode(t, [], [])));
}

// ---- the scratch app ---------------------------------------------------------------------------
// Each app sets globalThis.__tm = { ids: number[][], engine } (or { error }) when done. A page can
// set globalThis.TM_VOCAB_URL / TM_WORKER_URL / TM_VOCAB_BASE for tools that emit no assets.

const report = `
const TEXTS = ${JSON.stringify(TEXTS)};
const done = (r) => { globalThis.__tm = r; if (typeof process !== "undefined" && process.versions && !globalThis.document) console.log(JSON.stringify(r)); };
const fail = (e) => done({ error: String((e && e.stack) || e) });
const opts = () => (globalThis.TM_VOCAB_URL ? { vocabUrl: globalThis.TM_VOCAB_URL } : undefined);
`;

const APPS: Record<string, string> = {
  // tokenmill/o200k_base: the per-encoding entry
  o200k: `import { load } from "tokenmill/o200k_base";
${report}
load(opts()).then((enc) => done({ engine: enc.engine, ids: TEXTS.map((t) => Array.from(enc.encode(t))) }), fail);
`,
  // tokenmill: the whole API
  main: `import { getEncoding } from "tokenmill";
${report}
getEncoding("o200k_base", opts()).then((enc) => done({ engine: enc.engine, ids: TEXTS.map((t) => Array.from(enc.encode(t))) }), fail);
`,
  // tokenmill/worker: encoding in a (Web or worker_threads) worker
  worker: `import { createWorker } from "tokenmill/worker";
${report}
const w = createWorker(globalThis.TM_WORKER_URL ? { workerUrl: globalThis.TM_WORKER_URL, vocabBaseUrl: globalThis.TM_VOCAB_BASE } : {});
Promise.all(TEXTS.map((t) => w.encode(t))).then((ids) => { w.terminate(); done({ engine: "worker", ids: ids.map((a) => Array.from(a)) }); }, fail);
`,
};

let dir: string;
let server: Server | undefined;
let base = "";
let browser: Browser | undefined;

const MIME: Record<string, string> = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".cjs": "text/javascript",
  ".json": "application/json",
  ".wasm": "application/wasm",
};

function serve(root: string): Promise<Server> {
  const s = createServer((req, res) => {
    const path = join(root, decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname));
    if (!path.startsWith(root) || !existsSync(path) || !statSync(path).isFile()) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": MIME[extname(path)] ?? "application/octet-stream" });
    res.end(readFileSync(path));
  });
  return new Promise((ok) => s.listen(0, "127.0.0.1", () => ok(s)));
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, "dist/o200k_base.js")) || !existsSync(join(ROOT, "vocab/o200k_base.tkp"))) {
    throw new Error("dist/ or vocab/*.tkp missing: run `npm run build` first");
  }
  dir = mkdtempSync(join(tmpdir(), "tokenmill-bundlers-"));
  // The package as published: npm pack (no prepare/build run), installed from the tarball.
  const out = execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], { cwd: ROOT, encoding: "utf8" });
  const tarball = (JSON.parse(out) as { filename: string }[])[0]!.filename;
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "tokenmill-consumer", private: true, type: "module", dependencies: { tokenmill: `file:./${tarball}` } }),
  );
  execFileSync("npm", ["install", "--offline", "--ignore-scripts", "--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error"], {
    cwd: dir,
    encoding: "utf8",
  });
  mkdirSync(join(dir, "src"));
  for (const [name, code] of Object.entries(APPS)) writeFileSync(join(dir, "src", `${name}.js`), code);
  // A hand-written module Web Worker importing the entry by path (no import maps in workers).
  writeFileSync(
    join(dir, "src/raw-worker.js"),
    `import { load } from "/node_modules/tokenmill/dist/o200k_base.js";
const TEXTS = ${JSON.stringify(TEXTS)};
load().then((enc) => postMessage({ engine: enc.engine, ids: TEXTS.map((t) => Array.from(enc.encode(t))) }), (e) => postMessage({ error: String(e && e.stack || e) }));
`,
  );
  if (!skipBrowser) {
    server = await serve(dir);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((ok) => (server ? server.close(ok) : ok(undefined)));
  if (dir && !process.env.TOKENMILL_KEEP_TMP) rmSync(dir, { recursive: true, force: true });
});

async function getBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install chromium (see .ci/run), or set TOKENMILL_SKIP_BROWSER=1`);
  browser ??= await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
  return browser;
}

/** Writes `<folder>/<app>.html` with `head` (scripts) and returns what the app reported. */
async function runPage(folder: string, app: string, head: string): Promise<{ engine?: string; ids?: number[][]; error?: string; pageErrors: string[]; fetched: string[] }> {
  writeFileSync(join(dir, folder, `${app}.html`), `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">${head}</head><body></body></html>`);
  const page = await (await getBrowser()).newPage();
  const pageErrors: string[] = [];
  const fetched: string[] = [];
  page.on("request", (req) => fetched.push(req.url()));
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && !m.text().startsWith("Failed to load resource") && pageErrors.push(m.text()));
  page.on("response", (res) => res.status() >= 400 && pageErrors.push(`HTTP ${res.status()} for ${res.url().replace(base, "")}`));
  try {
    await page.goto(`${base}/${folder}/${app}.html`);
    await page.waitForFunction(() => (globalThis as { __tm?: unknown }).__tm !== undefined, undefined, { timeout: 30_000 }).catch(() => {});
    const r = (await page.evaluate(() => (globalThis as { __tm?: unknown }).__tm)) as { engine?: string; ids?: number[][]; error?: string } | undefined;
    return { ...(r ?? { error: "the app reported nothing within 30 s" }), pageErrors, fetched };
  } finally {
    await page.close();
  }
}

function expectExact(r: { engine?: string; ids?: number[][]; error?: string; pageErrors?: string[]; fetched?: string[] }, engine: string): void {
  expect(r.error).toBeUndefined();
  expect(r.pageErrors ?? []).toEqual([]);
  expect(r.engine).toBe(engine);
  expect(r.ids).toEqual(expected());
  if (r.fetched && engine !== "worker") {
    // a browser gets the packed vocab (o200k_base's only), never a .tkv
    const vocab = r.fetched.filter((u) => /\.tk[pv]$/.test(u));
    expect(vocab.length, vocab.join(" ")).toBe(1);
    expect(vocab[0]).toMatch(/\.tkp$/);
  }
}

const ENGINE: Record<string, string> = { o200k: "wasm", main: "wasm", worker: "worker" };

/** Globals for the tools that emit no assets for `new URL(…, import.meta.url)`. */
const NO_ASSETS = `<script>globalThis.TM_VOCAB_URL = ${JSON.stringify(VOCAB_URL)}; globalThis.TM_WORKER_URL = new URL("/node_modules/tokenmill/dist/worker-main.js", location.href).href; globalThis.TM_VOCAB_BASE = new URL("/node_modules/tokenmill/vocab/", location.href).href;</script>`;

function entries(): Record<string, string> {
  return Object.fromEntries(Object.keys(APPS).map((a) => [a, join(dir, "src", `${a}.js`)]));
}

describe.skipIf(skipBrowser)("browser bundles in Chromium", () => {
  it("Vite (v8, default config): per-encoding entry, main entry, worker; vocab and worker emitted as assets", async () => {
    const { build } = await import("vite");
    const outDir = join(dir, "vite");
    await build({
      root: dir,
      base: "./",
      logLevel: "silent",
      configFile: false,
      build: { outDir, emptyOutDir: true, rollupOptions: { input: entries(), output: { entryFileNames: "[name].js" } } },
    });
    const assets = readdirSync(join(outDir, "assets"));
    expect(assets.some((f) => /^o200k_base.*\.tkp$/.test(f))).toBe(true);
    for (const app of Object.keys(APPS)) {
      expectExact(await runPage("vite", app, `<script type="module" src="./${app}.js"></script>`), ENGINE[app]!);
    }
  });

  it("webpack 5 (production, default config): per-encoding entry, main entry, worker", async () => {
    const { default: webpack } = await import("webpack");
    const outDir = join(dir, "webpack");
    const stats = await new Promise<import("webpack").Stats>((ok, no) =>
      webpack({ mode: "production", context: dir, entry: entries(), output: { path: outDir, filename: "[name].js", clean: true }, infrastructureLogging: { level: "none" } }, (err, s) =>
        err ? no(err) : ok(s!),
      ),
    );
    expect(stats.hasErrors() ? stats.toString("errors-only") : "").toBe("");
    expect(readdirSync(outDir).some((f) => f.endsWith(".tkp"))).toBe(true);
    for (const app of Object.keys(APPS)) {
      expectExact(await runPage("webpack", app, `<script src="./${app}.js"></script>`), ENGINE[app]!);
    }
  });

  it("esbuild (bundle, esm, splitting; vocabUrl / workerUrl given)", async () => {
    const esbuild = await import("esbuild");
    const outDir = join(dir, "esbuild");
    const r = await esbuild.build({ entryPoints: entries(), bundle: true, format: "esm", splitting: true, platform: "browser", outdir: outDir, logLevel: "silent" });
    expect(r.errors).toEqual([]);
    expect(r.warnings.map((w) => w.text)).toEqual([]);
    for (const app of Object.keys(APPS)) {
      expectExact(await runPage("esbuild", app, `${NO_ASSETS}<script type="module" src="./${app}.js"></script>`), ENGINE[app]!);
    }
  });

  it("rollup (node-resolve only; vocabUrl / workerUrl given)", async () => {
    const { rollup } = await import("rollup");
    const { nodeResolve } = await import("@rollup/plugin-node-resolve");
    const outDir = join(dir, "rollup");
    const warnings: string[] = [];
    const bundle = await rollup({ input: entries(), plugins: [nodeResolve({ browser: true })], onwarn: (w) => warnings.push(`${w.code}: ${w.message}`) });
    expect(warnings).toEqual([]);
    await bundle.write({ dir: outDir, format: "es", entryFileNames: "[name].js" });
    await bundle.close();
    for (const app of Object.keys(APPS)) {
      expectExact(await runPage("rollup", app, `${NO_ASSETS}<script type="module" src="./${app}.js"></script>`), ENGINE[app]!);
    }
  });

  it("no bundler: <script type=\"module\"> with an import map, default vocab URL", async () => {
    mkdirSync(join(dir, "plain"), { recursive: true });
    const map = `<script type="importmap">${JSON.stringify({
      imports: {
        tokenmill: "/node_modules/tokenmill/dist/index.js",
        "tokenmill/o200k_base": "/node_modules/tokenmill/dist/o200k_base.js",
        "tokenmill/worker": "/node_modules/tokenmill/dist/worker.js",
      },
    })}</script>`;
    for (const app of Object.keys(APPS)) {
      expectExact(await runPage("plain", app, `${map}<script type="module" src="/src/${app}.js"></script>`), ENGINE[app]!);
    }
  });

  it("no bundler: a module Web Worker importing the per-encoding entry", async () => {
    mkdirSync(join(dir, "plain"), { recursive: true });
    const r = await runPage(
      "plain",
      "raw-worker",
      `<script type="module">const w = new Worker("/src/raw-worker.js", { type: "module" }); w.onmessage = (e) => { globalThis.__tm = e.data; }; w.onerror = (e) => { globalThis.__tm = { error: e.message || "worker error" }; };</script>`,
    );
    expectExact(r, "wasm");
  });
});

// ---- server runtimes: the package straight from node_modules -------------------------------------

const RUNTIMES: Record<string, { bin: string; args: (file: string) => string[] }> = {
  node: { bin: process.execPath, args: (f) => [f] },
  bun: { bin: join(ROOT, "node_modules/bun/bin/bun.exe"), args: (f) => ["run", f] },
  deno: { bin: join(ROOT, "node_modules/@deno/linux-x64-glibc/deno"), args: (f) => ["run", "--quiet", "--allow-read", "--allow-env", "--allow-sys", f] },
};

function runtimeMissing(name: string): string | undefined {
  const { bin } = RUNTIMES[name]!;
  if (!existsSync(bin)) return `${name}: ${bin} not found (npm package not installed for this platform)`;
  const v = spawnSync(bin, ["--version"], { encoding: "utf8", timeout: 20_000 });
  return v.status === 0 ? undefined : `${name}: ${bin} --version failed: ${v.stderr || v.error}`;
}

// The whole API's layers: in Node `import "tokenmill"` is dist/index-node.js, which loads them on
// first use with require() of ESM; Bun and Deno take the same entry (their "node" condition).
const LAYERS_APP = `import * as m from "tokenmill";
const json = JSON.stringify({ version: "1.0", added_tokens: [], normalizer: null, pre_tokenizer: { type: "Whitespace" }, post_processor: null, decoder: null,
  model: { type: "WordLevel", vocab: { "[UNK]": 0, hello: 1, world: 2 }, unk_token: "[UNK]" } });
const tok = m.fromTokenizerJsonSync(json);
const trained = await m.train("low lower lowest ".repeat(20), { vocabSize: 262, pattern: "o200k" });
let err;
try { m.fromTokenizerJsonSync("{"); } catch (e) { err = [e.name, e instanceof m.TokenmillError]; }
console.log(JSON.stringify({ hf: Array.from(tok.encode("hello there world")), isHf: tok instanceof m.HfTokenizer, trained: trained instanceof m.TrainedTokenizer,
  chat: m.countChat([{ role: "user", content: "hi" }], { model: "gpt-4o" }), err }));
`;

/** Runs dir/<file> under `runtime`; its stdout, parsed, after checking it exited cleanly. */
function runIn(runtime: string, file: string): unknown {
  const r = spawnSync(RUNTIMES[runtime]!.bin, RUNTIMES[runtime]!.args(file), {
    cwd: dir,
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1", DENO_DIR: join(dir, ".deno") },
  });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout);
}

describe.each(Object.keys(RUNTIMES))("%s runs the installed package", (runtime) => {
  const missing = runtimeMissing(runtime);
  if (missing) console.warn(`skipping ${runtime}: ${missing}`);
  it.skipIf(!!missing).each(Object.keys(APPS))("%s", (app) => {
    expectExact(runIn(runtime, `src/${app}.js`) as Parameters<typeof expectExact>[0], ENGINE[app]!);
  });

  it.skipIf(!!missing)("the whole API's layers (tokenizer.json, training, chat) on first use", () => {
    writeFileSync(join(dir, "src", "layers.js"), LAYERS_APP);
    expect(runIn(runtime, "src/layers.js")).toEqual({ hf: [1, 0, 2], isHf: true, trained: true, chat: 8, err: ["InvalidArgumentError", true] });
  });
});
