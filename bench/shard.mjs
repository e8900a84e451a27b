#!/usr/bin/env node
// tokenmill shard: what writing shards costs over counting, what a second worker thread buys,
// and what Dask adds over a local run, side by side in one run (ratios; a shared VM's absolute
// times move from run to run).
//
//   node bench/shard.mjs [--rounds 3] [--mb 12] [--no-dask] [--write]
//
// Corpus: the documents of scripts/corpus.mjs (prose, code, multilingual) as JSONL, repeated
// to --mb megabytes over 6 files. Rows (each the median of --rounds, in an order rotated per round):
// - count: the same documents read and parsed the same way, enc.count on each (one thread);
// - shard, 1 thread: shardCorpus({ threads: 1 }) (encode on the calling thread, write shards);
// - shard, 2 threads: shardCorpus({ threads: 2 }) (the worker pool);
// - Dask: scale/dask_shard.py on a local scheduler and two workers (one thread each, 4 tasks),
//   started by this script, against `tokenmill shard --threads 2` from the shell (both pay Node's
//   start-up and the vocab load).
// One untimed warm-up run of each row first (JIT, the shared pool's workers, the Dask workers).
// Piece caches are left warm everywhere (the pool's workers keep theirs between calls, and there
// is no way to clear them from here), so every in-process row runs on the same footing. --write records the section `shard` of bench/RESULTS.md.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createServer } from "node:net";
import { pathToFileURL } from "node:url";
import { loadCorpus } from "../scripts/corpus.mjs";
import { ROOT, TOKENMILL_DIST, machineMd, updateSection, mdTable, textTable, median, fmt } from "./lib/common.mjs";

const argv = process.argv.slice(2);
const opt = (f, d) => {
  const i = argv.indexOf(f);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : d;
};
const ROUNDS = Number(opt("--rounds", "3"));
const MB = Number(opt("--mb", "12"));
const DASK = !argv.includes("--no-dask");
const BIN = path.join(ROOT, "bin", "tokenmill.cjs");
const PY = ["/usr/bin/python3", "python3"].find((p) => spawnSync(p, ["-c", "import distributed"]).status === 0);

const tm = await import(pathToFileURL(TOKENMILL_DIST).href);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tokenmill-bench-shard-"));
const c = loadCorpus();
const docs = [...c.docs.prose, ...c.docs.code, ...c.docs.multilingual];
const files = [];
let bytes = 0;
{
  const lines = [];
  for (let k = 0; bytes < MB * 1e6; k++) {
    const line = JSON.stringify({ text: docs[k % docs.length] }) + "\n";
    lines.push(line);
    bytes += Buffer.byteLength(line);
  }
  const per = Math.ceil(lines.length / 6);
  for (let f = 0; f < 6; f++) {
    const p = path.join(tmp, `part-${f}.jsonl`);
    fs.writeFileSync(p, lines.slice(f * per, (f + 1) * per).join(""));
    files.push(p);
  }
}
const pattern = path.join(tmp, "part-*.jsonl");
const LOAD0 = os.loadavg()[0].toFixed(1);
console.log(`corpus: ${(bytes / 1e6).toFixed(1)} MB JSONL in 6 files; load: ${os.loadavg().map((x) => x.toFixed(1)).join(" ")}`);

const enc = tm.getEncodingSync("o200k_base");
const OPTS = { disallowedSpecial: [] };
let n = 0;
const tasks = {
  count: async () => {
    let t = 0;
    for (const f of files) {
      for (const line of fs.readFileSync(f, "utf8").split("\n")) if (line) t += enc.count(JSON.parse(line).text, OPTS);
    }
    return t;
  },
  "shard, 1 thread": async () => (await tm.shardCorpus({ input: pattern, field: "text", out: path.join(tmp, `o${n++}`), threads: 1 })).index.tokens,
  "shard, 2 threads": async () => (await tm.shardCorpus({ input: pattern, field: "text", out: path.join(tmp, `o${n++}`), threads: 2 })).index.tokens,
};

const cluster = [];
if (DASK && PY) {
  const port = await new Promise((res) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = s.address().port;
      s.close(() => res(p));
    });
  });
  const addr = `tcp://127.0.0.1:${port}`;
  const start = (args) => cluster.push(spawn(args[0], args.slice(1), { detached: true, stdio: "ignore", cwd: tmp }));
  start(["/usr/bin/dask-scheduler", "--host", "127.0.0.1", "--port", String(port), "--no-dashboard"]);
  for (const w of ["w1", "w2"]) start(["/usr/bin/dask-worker", addr, "--host", "127.0.0.1", "--nthreads", "1", "--no-dashboard", "--name", w, "--local-directory", path.join(tmp, w)]);
  const shell = (args) => {
    const r = spawnSync(args[0], args.slice(1), { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${args.join(" ")}: exit ${r.status}\n${r.stderr}`);
    return r.stdout;
  };
  tasks["CLI, 2 threads"] = async () => shell([process.execPath, BIN, "shard", "--field", "text", "--threads", "2", "--no-progress", "-o", path.join(tmp, `o${n++}`), pattern]);
  tasks["Dask, 2 workers"] = async () =>
    shell([PY, path.join(ROOT, "scale", "dask_shard.py"), "--scheduler", addr, "--min-workers", "2", "--tasks", "4", "--tokenmill", `${process.execPath} ${BIN}`, "--out", path.join(tmp, `o${n++}`), "--", "--field", "text", "--threads", "1", pattern]);
}
for (const name of Object.keys(tasks)) await tasks[name](); // warm-up: JIT, the pool's workers, Dask's workers

const times = Object.fromEntries(Object.keys(tasks).map((k) => [k, []]));
const cpus = Object.fromEntries(Object.keys(tasks).map((k) => [k, []]));
const names = Object.keys(tasks);
const expected = await tasks.count();
for (let r = 0; r < ROUNDS; r++) {
  for (let i = 0; i < names.length; i++) {
    const name = names[(i + r) % names.length];
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const res = await tasks[name]();
    times[name].push((performance.now() - t0) / 1000);
    const c1 = process.cpuUsage(c0);
    cpus[name].push((c1.user + c1.system) / 1e6);
    if (typeof res === "number" && res !== expected) throw new Error(`${name}: ${res} tokens, count says ${expected}`);
  }
}
for (const p of cluster) {
  try {
    process.kill(-p.pid, "SIGTERM");
  } catch {}
}
fs.rmSync(tmp, { recursive: true, force: true });

const med = Object.fromEntries(names.map((k) => [k, median(times[k])]));
const cpu = Object.fromEntries(names.map((k) => [k, median(cpus[k])]));
// CPU: this process's CPU time, all its threads (the CLI and Dask rows run in child processes: —).
const rows = names.map((k) => [k, fmt(med[k]), fmt(bytes / 1e6 / med[k]), fmt(med.count / med[k]), /CLI|Dask/.test(k) ? "—" : fmt(cpu[k])]);
const HEAD = ["run", "wall s", "MB/s", "speed vs count", "CPU s"];
console.log(textTable(HEAD, rows));
const ratios = [
  `shard, 1 thread / count: ${fmt(med["shard, 1 thread"] / med.count)}× the time`,
  `2 threads vs 1: ${fmt(med["shard, 1 thread"] / med["shard, 2 threads"])}× faster (wall), CPU ${fmt(cpu["shard, 2 threads"] / cpu["shard, 1 thread"])}× that of 1 thread (the pool's overhead; with two free cores the speedup is about 2 / this)`,
  ...(med["Dask, 2 workers"] ? [`Dask vs the CLI with 2 threads: +${fmt(med["Dask, 2 workers"] - med["CLI, 2 threads"])} s (${fmt(med["Dask, 2 workers"] / med["CLI, 2 threads"])}× the time)`] : []),
];
console.log(ratios.join("\n"));
if (argv.includes("--write")) {
  updateSection(
    "shard",
    `## Training shards (bench/shard.mjs)

\`node bench/shard.mjs --write\`: ${(bytes / 1e6).toFixed(1)} MB of JSONL (the corpus documents, 6 files), o200k_base, median of ${ROUNDS} rounds, load average ${LOAD0} at the start and ${os.loadavg()[0].toFixed(1)} at the end (${os.cpus().length} cores; a load above that leaves the threads no free core, so the wall-time speedup of 2 threads cannot show there; the CPU column can).

${mdTable(HEAD, rows)}

${ratios.map((r) => `- ${r}`).join("\n")}

${machineMd()}`,
  );
}
