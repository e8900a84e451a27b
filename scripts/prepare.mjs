#!/usr/bin/env node
// npm's `prepare` hook. `npm ci` runs it once and builds everything; but `npx tokenmill …` in the
// project's own directory makes npm link the project and run `prepare` again, a full rebuild of
// the WASM cores and bundles (half a minute or more) before the first count. So build only when an
// output is missing or a source is newer than the oldest output; TOKENMILL_FORCE_BUILD=1 always
// builds. `npm test` and `npm run build` still build unconditionally. `--check` only tells:
// exit 0 when up to date, 1 when a build would run.

import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

// What the package runs from; a missing one means the build never ran or was cut short.
const OUTPUTS = ["dist/index.js", "dist/index.cjs", "dist/cli.cjs", "dist/types/index.d.ts", "vocab/o200k_base.tkv", "vocab/o200k_base.tki"];
// What the outputs are made from (src/generated is itself an output of build:wasm).
const SOURCE_DIRS = ["src", "assembly", "scripts"];
const SOURCE_FILES = ["package.json", "package-lock.json", "rollup.config.mjs", "tsconfig.json", "asconfig.json", "asconfig.hf.json", "asconfig.train.json"];
const SKIP_DIRS = new Set([join(ROOT, "src", "generated")]);

function newestIn(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(path)) newest = Math.max(newest, newestIn(path));
    } else if (entry.isFile()) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function upToDate() {
  if (process.env.TOKENMILL_FORCE_BUILD) return false;
  const outputs = OUTPUTS.map((p) => join(ROOT, p));
  if (!outputs.every((p) => existsSync(p))) return false;
  const oldestOutput = Math.min(...outputs.map((p) => statSync(p).mtimeMs));
  let newestSource = 0;
  for (const d of SOURCE_DIRS) if (existsSync(join(ROOT, d))) newestSource = Math.max(newestSource, newestIn(join(ROOT, d)));
  for (const f of SOURCE_FILES) if (existsSync(join(ROOT, f))) newestSource = Math.max(newestSource, statSync(join(ROOT, f)).mtimeMs);
  return newestSource <= oldestOutput;
}

if (process.argv.includes("--check")) {
  process.exit(upToDate() ? 0 : 1);
} else if (upToDate()) {
  console.error("tokenmill: the build is up to date (dist/ is newer than its sources); set TOKENMILL_FORCE_BUILD=1 to rebuild");
} else {
  const r = spawnSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" });
  process.exit(r.status ?? 1);
}
