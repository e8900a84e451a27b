#!/usr/bin/env node
// `npm run bench [-- --quick]`: the encode, per-script, ceiling, cold-start and worst-case benchmarks one after the
// other, each in its own process, with the same arguments (npm would hand extra arguments to
// the last command of an `a && b && c` script only).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const dir = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const t0 = performance.now();
for (const script of ["encode.mjs", "scripts.mjs", "ceiling.mjs", "coldstart.mjs", "worstcase.mjs"]) {
  console.log(`\n=== node bench/${script} ${args.join(" ")}`);
  const r = spawnSync(process.execPath, [path.join(dir, script), ...args], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
console.log(`\nbench: all done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
