#!/usr/bin/env node
// A/B of two builds of the whole API (PERFORMANCE.md, the cold-start "C" rows): fresh `node`
// processes that `import()` each build's index.js and then load o200k_base with
// getEncodingSync (what bench/coldstart.mjs's `tokenmill` row does), alternating A and B (ABBA…)
// so that a change of load on the machine hits both; prints medians and lower quartiles.
//
//   cp -r dist scratch/dist-a && ln -s ../vocab scratch/vocab   # the build before the change
//   (change, npm run build:js)
//   node bench/coldstart-dist-ab.mjs scratch/dist-a dist [--runs 20] [--import-only]
//
// A copied build must sit next to a `vocab` (a symlink is enough): its files find the vocab
// as ../vocab/ from their own URL. --import-only times the import alone. An argument ending in
// .js is an entry file rather than a build (`dist/index.js dist/index-node.js`: two entries of
// one build).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const ri = argv.indexOf("--runs");
const RUNS = ri >= 0 ? Number(argv[ri + 1]) : 20;
const dirs = argv.filter((a, i) => !a.startsWith("--") && argv[i - 1] !== "--runs");
if (dirs.length !== 2) {
  console.error("usage: node bench/coldstart-dist-ab.mjs <dist A | entry.js> <dist B | entry.js> [--runs N] [--import-only]");
  process.exit(2);
}
const load = flag("--import-only") ? "" : `lib.getEncodingSync("o200k_base").encode("hello world");`;
const child = (dir) => {
  const url = pathToFileURL(path.resolve(dir.endsWith(".js") ? dir : path.join(dir, "index.js"))).href;
  return `const t0=performance.now();const lib=await import(${JSON.stringify(url)});const t1=performance.now();${load}const t2=performance.now();console.log(JSON.stringify({imp:t1-t0,all:t2-t0}))`;
};
const res = [[], []];
for (let r = 0; r < RUNS; r++) {
  for (const i of r % 2 ? [1, 0] : [0, 1]) {
    const out = spawnSync(process.execPath, ["--input-type=module", "-e", child(dirs[i])], { encoding: "utf8" });
    if (out.status !== 0) {
      console.error(`${dirs[i]}: child failed (${out.status ?? out.signal}):\n${out.stderr}`);
      process.exit(1);
    }
    res[i].push(JSON.parse(out.stdout));
  }
}
const at = (a, q) => a.slice().sort((x, y) => x - y)[Math.floor(a.length * q)];
for (const [i, dir] of dirs.entries()) {
  const imp = res[i].map((x) => x.imp);
  const all = res[i].map((x) => x.all);
  console.log(
    `${"AB"[i]} ${dir}: import ${at(imp, 0.5).toFixed(1)} ms (p25 ${at(imp, 0.25).toFixed(1)})` +
      (load ? `, import+load ${at(all, 0.5).toFixed(1)} ms (p25 ${at(all, 0.25).toFixed(1)})` : "") +
      ` — ${RUNS} fresh processes`,
  );
}
