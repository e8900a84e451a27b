#!/usr/bin/env node
// Where importing a built entry spends its time, per file (PERFORMANCE.md, the cold-start "C"
// rows): each run is a fresh `node --experimental-vm-modules` process that compiles every file
// of the entry's static graph as a vm.SourceTextModule, links them, and evaluates them one at a
// time in dependency order, timing each file's compile and each file's own top-level code. Prints
// each file's minimum over the runs (the least disturbed by other load on the machine).
//
//   node bench/import-cost.mjs [dist/index.js] [--runs 10]
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import vm from "node:vm";

if (process.argv[2] === "--child") {
  const mods = new Map();
  const stats = [];
  const builtins = new Map();
  const fileOf = (spec, ref) => path.resolve(path.dirname(fileURLToPath(ref)), spec);
  const get = (file) => {
    if (mods.has(file)) return mods.get(file);
    const src = fs.readFileSync(file, "utf8");
    const url = pathToFileURL(file).href;
    const t0 = performance.now();
    const m = new vm.SourceTextModule(src, {
      identifier: url,
      initializeImportMeta: (meta) => void (meta.url = url),
      importModuleDynamically: (s) => import(new URL(s, url).href),
    });
    stats.push({ file: path.basename(file), bytes: src.length, compile: performance.now() - t0, evaluate: 0, m });
    mods.set(file, m);
    return m;
  };
  const linker = async (spec, ref) => {
    if (!spec.startsWith("node:")) return get(fileOf(spec, ref.identifier));
    if (!builtins.has(spec)) {
      const ns = await import(spec);
      builtins.set(spec, new vm.SyntheticModule(Object.keys(ns), function () { for (const k of Object.keys(ns)) this.setExport(k, ns[k]); }));
    }
    return builtins.get(spec);
  };
  const root = get(path.resolve(process.argv[3]));
  await root.link(linker);
  const done = new Set();
  const evaluate = async (m) => {
    if (done.has(m)) return;
    done.add(m);
    for (const s of m.dependencySpecifiers) if (!s.startsWith("node:")) await evaluate(mods.get(fileOf(s, m.identifier)));
    const t0 = performance.now();
    await m.evaluate();
    stats.find((x) => x.m === m).evaluate = performance.now() - t0;
  };
  await evaluate(root);
  console.log(JSON.stringify(stats.map(({ m, ...s }) => s)));
  process.exit(0);
}

const argv = process.argv.slice(2);
const ri = argv.indexOf("--runs");
const RUNS = ri >= 0 ? Number(argv[ri + 1]) : 10;
const entry = argv.find((a, i) => !a.startsWith("--") && argv[i - 1] !== "--runs") ?? "dist/index.js";
const best = new Map();
for (let r = 0; r < RUNS; r++) {
  const out = spawnSync(process.execPath, ["--experimental-vm-modules", "--no-warnings", fileURLToPath(import.meta.url), "--child", entry], { encoding: "utf8" });
  if (out.status !== 0) {
    console.error(out.stderr);
    process.exit(1);
  }
  for (const s of JSON.parse(out.stdout)) {
    const b = best.get(s.file);
    best.set(s.file, b ? { ...b, compile: Math.min(b.compile, s.compile), evaluate: Math.min(b.evaluate, s.evaluate) } : s);
  }
}
const rows = [...best.values()];
const w = Math.max(...rows.map((s) => s.file.length));
for (const s of rows) console.log(`${s.file.padEnd(w)}  ${String(s.bytes).padStart(7)} B  compile ${s.compile.toFixed(2).padStart(5)} ms  evaluate ${s.evaluate.toFixed(2).padStart(5)} ms`);
const sum = (k) => rows.reduce((a, s) => a + s[k], 0).toFixed(2);
console.log(`${"total".padEnd(w)}  ${String(rows.reduce((a, s) => a + s.bytes, 0)).padStart(7)} B  compile ${sum("compile").padStart(5)} ms  evaluate ${sum("evaluate").padStart(5)} ms  (minimum of ${RUNS} fresh processes each)`);
