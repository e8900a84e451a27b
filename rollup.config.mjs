// Bundles the tsc output (build/tsc) into the published files, all in dist/ (so that
// `new URL("../vocab/…", import.meta.url)` finds the package's vocab/ from every file):
//   index.{js,cjs}              the whole API (browsers, bundlers, require())
//   index-node.js               the whole API for Node's import: the layers loaded on first use
//   api/layers.js               those layers (src/api/layers.ts), which index-node.js requires
//   <encoding>.{js,cjs}         tokenmill/<encoding>: one encoding, vocab fetched on load()
//   worker.{js,cjs}             tokenmill/worker: the promise client
//   worker-main.js              the script that client starts in a (Web or Node) worker
//   chunk-*.{js,cjs}            code shared between those; the JS fallback engine is its own
//                               chunk, loaded by the per-encoding entries only when needed; the
//                               BPE trainer is its own chunk, loaded by train()'s first call
//                               (so index.js is a facade of a chunk the trainer imports too)
//   cli.cjs                     the CLI
// The WASM engine is inlined as base64 by scripts/embed-wasm.mjs, so no plugin is needed.
// Before bundling, vocab/*.tkp are (re)packed from vocab/*.tkv; after, the sizes are printed
// and recorded in bench/RESULTS.md (scripts/size-report.mjs).

import { readdirSync, rmSync } from "node:fs";
import { minify as terser } from "terser";

export const ENCODING_ENTRIES = ["o200k_base", "o200k_harmony", "cl100k_base", "p50k_base", "p50k_edit", "r50k_base", "gpt2"];

function prepare() {
  return {
    name: "tokenmill-prepare",
    async buildStart() {
      for (const f of readdirSync("dist", { withFileTypes: true })) {
        if (f.isFile() && f.name.startsWith("chunk-")) rmSync(`dist/${f.name}`);
      }
      const { packAll } = await import("./scripts/pack-vocab.mjs");
      await packAll();
    },
  };
}

// Minifies the browser-facing files (not cli.cjs) with terser (a devDependency, already in the
// tree for webpack). Function and class names are kept (keep_fnames / keep_classnames): error
// classes (`this.name = new.target.name`), `.name` and stack frames still say what they are.
// Terser keeps them by not renaming those bindings; esbuild's keepNames renamed them and then
// restored each name at import with a call (~700 `__name(f, "f")` calls and class static blocks
// in the whole API), and importing the whole API was ~5 ms slower for it (PERFORMANCE.md C3).
// Comments go too (they were ~15% of the entries' brotli size). Properties and exports are never
// renamed; the module format is left as rollup wrote it (`module` only tells terser whether the
// file is ESM), so .js stays ESM and .cjs stays CommonJS.
function minify() {
  return {
    name: "tokenmill-minify",
    async renderChunk(code, _chunk, outputOptions) {
      const keep = { keep_classnames: true, keep_fnames: true };
      const out = await terser(code, {
        module: outputOptions.format === "es",
        toplevel: true,
        ecma: 2022,
        compress: { ...keep },
        mangle: { ...keep },
        format: { comments: false },
      });
      return { code: out.code, map: null };
    },
  };
}

function sizeReport() {
  return {
    name: "tokenmill-size-report",
    async closeBundle() {
      const { report } = await import("./scripts/size-report.mjs");
      await report({ write: true });
    },
  };
}

const ENTRIES = {
  index: "build/tsc/index.js",
  worker: "build/tsc/parallel/worker-client.js",
  "worker-main": "build/tsc/parallel/worker-main.js",
  ...Object.fromEntries(ENCODING_ENTRIES.map((name) => [name, `build/tsc/openai/entries/${name}.js`])),
};

export default [
  {
    // ESM, with Node's whole-API entry and the layers it loads on first use (src/index-node.ts)
    input: { ...ENTRIES, "index-node": "build/tsc/index-node.js", "api/layers": "build/tsc/api/layers.js" },
    plugins: [prepare(), minify()],
    // hoistTransitiveImports: false: no bare `import "./chunk-…"` lines in the entries; with
    // "sideEffects" listing only worker-main, esbuild warns about each of them in users' builds.
    output: { dir: "dist", format: "es", entryFileNames: "[name].js", chunkFileNames: "chunk-[name]-[hash].js", hoistTransitiveImports: false },
  },
  {
    input: ENTRIES,
    plugins: [minify()],
    output: { dir: "dist", format: "cjs", exports: "named", entryFileNames: "[name].cjs", chunkFileNames: "chunk-[name]-[hash].cjs", hoistTransitiveImports: false },
  },
  {
    input: "build/tsc/cli/main.js",
    external: ["node:fs", "node:process", "node:readline"],
    plugins: [sizeReport()],
    output: { file: "dist/cli.cjs", format: "cjs", exports: "named" },
  },
];
