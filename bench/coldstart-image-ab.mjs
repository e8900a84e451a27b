#!/usr/bin/env node
// A/B of the table image (DESIGN.md "Table images"; PERFORMANCE.md C1): fresh `node` processes
// that import the whole API and load o200k_base, alternately with vocab/o200k_base.tki present
// and moved aside; prints the medians. Needs `npm run build`.
//
//   node bench/coldstart-image-ab.mjs [--runs 16]
import { spawnSync } from "node:child_process";
import { existsSync, renameSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT } from "./lib/common.mjs";

const i = process.argv.indexOf("--runs");
const RUNS = i > 0 ? Number(process.argv[i + 1]) : 16;
const entry = pathToFileURL(path.join(ROOT, "dist", "index.js")).href;
const child = `const t0=performance.now();const lib=await import(${JSON.stringify(entry)});const t1=performance.now();const e=lib.getEncodingSync("o200k_base");const t2=performance.now();e.encode("hello world");console.log(JSON.stringify({ imp: t1 - t0, load: t2 - t1 }))`;
const img = path.join(ROOT, "vocab", "o200k_base.tki");
const off = img + ".off";
const res = { image: [], none: [] };
try {
  for (let r = 0; r < RUNS; r++) {
    for (const mode of r % 2 ? ["image", "none"] : ["none", "image"]) {
      if (mode === "image" && existsSync(off)) renameSync(off, img);
      if (mode === "none" && existsSync(img)) renameSync(img, off);
      const out = spawnSync(process.execPath, ["--input-type=module", "-e", child], { encoding: "utf8" });
      res[mode].push(JSON.parse(out.stdout));
    }
  }
} finally {
  if (existsSync(off)) renameSync(off, img);
}
const med = (a) => a.slice().sort((x, y) => x - y)[a.length >> 1];
for (const m of ["none", "image"]) {
  console.log(`${m === "image" ? "with the image " : "without an image"}: import ${med(res[m].map((x) => x.imp)).toFixed(1)} ms, load o200k_base ${med(res[m].map((x) => x.load)).toFixed(1)} ms (medians of ${RUNS})`);
}
