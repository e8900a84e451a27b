// Bundles the tsc output (build/tsc) into the published files: dist/index.js (ESM),
// dist/index.cjs (CommonJS) and dist/cli.cjs. The WASM engine is already inlined as base64 by
// scripts/embed-wasm.mjs, so no plugin is needed.
export default [
  {
    input: "build/tsc/index.js",
    output: [
      { file: "dist/index.js", format: "es" },
      { file: "dist/index.cjs", format: "cjs", exports: "named" },
    ],
  },
  {
    input: "build/tsc/cli.js",
    external: ["node:fs", "node:process", "node:readline"],
    output: { file: "dist/cli.cjs", format: "cjs", exports: "named" },
  },
];
