#!/usr/bin/env node
// Multi-core batches: tokenmill on one thread (a loop of enc.encode / enc.count on the main
// thread) side by side with createTokenizerPool({ threads }) on the same texts, in one run.
//
//   node bench/batch.mjs [--quick] [--rounds N] [--threads 2] [--encodings o200k_base,cl100k_base]
//                        [--no-write] [--write]
//
// Workloads (from scripts/corpus.mjs): "docs" = every ~2 KB document of the three corpora
// (prose, code, multilingual) as one batch; "large" = the three corpora as three texts. Before
// timing, the pool's ids and counts are checked against the single-threaded ones (any
// difference aborts the run). Each round runs every task once, in an order rotated per round;
// a task's figure is the median over rounds of its wall time. Speedup = single / pool.
// "CPU" is the process's CPU time (all threads, process.cpuUsage) of the pool run divided by
// that of the single-threaded run: the pool's total overhead, independent of machine load.
// "cores free" is measured before the tasks: the same fixed spin loop timed alone and in
// `threads` workers at once; on a shared, busy machine it is below `threads` and caps the
// speedup that wall time can show.
//
// Special-token text is ordinary text here ({ disallowedSpecial: [] }), as in bench/encode.mjs.
// The full run writes the `batch` section of bench/RESULTS.md; --quick only prints unless --write.
import os from "node:os";
import { Worker } from "node:worker_threads";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { loadCorpus, DEFAULT_OUT_DIR } from "../scripts/corpus.mjs";
import { TOKENMILL_DIST, tokenmillAvailable, tokenmillMissingMessage, machineMd, updateSection, mdTable, textTable, median, fmt } from "./lib/common.mjs";

const argv = process.argv.slice(2);
const flag = (f) => argv.includes(f);
const opt = (f, d) => {
  const i = argv.indexOf(f);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : d;
};
const QUICK = flag("--quick");
const WRITE = flag("--write") || (!QUICK && !flag("--no-write"));
const ROUNDS = Number(opt("--rounds", QUICK ? 5 : 15));
const THREADS = Number(opt("--threads", "2"));
const ENCODINGS = opt("--encodings", QUICK ? "o200k_base" : "o200k_base,cl100k_base").split(",");
const OPTS = { disallowedSpecial: [] };

if (!tokenmillAvailable()) {
  console.error(`error: ${tokenmillMissingMessage()}`);
  process.exit(2);
}
const tm = await import(pathToFileURL(TOKENMILL_DIST).href);
if (typeof tm.createTokenizerPool !== "function") {
  console.error("error: dist/index.js has no createTokenizerPool; rebuild (npm run build)");
  process.exit(2);
}

const t0 = performance.now();
const loadAvgBefore = os.loadavg();
const corpus = loadCorpus(QUICK ? { outDir: path.join(DEFAULT_OUT_DIR, "quick"), sizeBytes: 200_000 } : {});
const CORPORA = ["prose", "code", "multilingual"];
const workloads = [
  { name: "docs", texts: CORPORA.flatMap((c) => corpus.docs[c]) },
  { name: "large", texts: CORPORA.map((c) => corpus[c]) },
];
for (const w of workloads) {
  w.bytes = w.texts.reduce((s, t) => s + Buffer.byteLength(t, "utf8"), 0);
  w.label = w.name === "docs" ? `${w.texts.length} docs × ~2 KB` : `${w.texts.length} texts × ~${(w.bytes / w.texts.length / 1e6).toFixed(1)} MB`;
}

function same(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Cores available right now: a fixed spin loop, alone vs in n workers at once. */
async function coresFree(n) {
  const code = `const { parentPort } = require("node:worker_threads");
    parentPort.on("message", (k) => { const t = performance.now(); let x = 0; for (let i = 0; i < k; i++) x = (x + Math.imul(i, 2654435761)) | 0; parentPort.postMessage([performance.now() - t, x]); });`;
  const ws = Array.from({ length: n }, () => new Worker(code, { eval: true }));
  const run = (w, k) => new Promise((res) => { w.once("message", (m) => res(m[0])); w.postMessage(k); });
  const K = 60_000_000;
  await Promise.all(ws.map((w) => run(w, K / 10))); // warm-up
  const alone = [];
  const together = [];
  for (let r = 0; r < 3; r++) {
    alone.push(await run(ws[0], K));
    const ts = await Promise.all(ws.map((w) => run(w, K)));
    together.push(Math.max(...ts));
  }
  await Promise.all(ws.map((w) => w.terminate()));
  return (n * median(alone)) / median(together);
}

const rows = [];
for (const encName of ENCODINGS) {
  const enc = tm.getEncodingSync(encName);
  const pools = { 1: tm.createTokenizerPool({ encoding: encName, threads: 1 }), [THREADS]: tm.createTokenizerPool({ encoding: encName, threads: THREADS }) };
  for (const w of workloads) {
    // Exactness first.
    const ref = w.texts.map((t) => enc.encode(t, OPTS));
    for (const [n, pool] of Object.entries(pools)) {
      const ids = await pool.encodeBatch(w.texts, OPTS);
      const counts = await pool.countBatch(w.texts, OPTS);
      const bad = ids.findIndex((x, i) => !same(x, ref[i]) || counts[i] !== ref[i].length);
      if (ids.length !== ref.length || bad >= 0) {
        console.error(`${encName} ${w.name}: pool(${n}) result differs from the single-threaded one at text ${bad}`);
        process.exit(1);
      }
    }
    const tasks = [];
    for (const op of ["encode", "count"]) {
      const one = op === "encode" ? (t) => enc.encode(t, OPTS) : (t) => enc.count(t, OPTS);
      tasks.push({ op, who: "single", run: async () => { for (const t of w.texts) one(t); } });
      for (const [n, pool] of Object.entries(pools)) {
        const f = op === "encode" ? () => pool.encodeBatch(w.texts, OPTS) : () => pool.countBatch(w.texts, OPTS);
        tasks.push({ op, who: `pool${n}`, run: f, pool: true });
      }
    }
    for (const t of tasks) {
      t.times = [];
      t.cpu = [];
      await t.run(); // warm-up
    }
    const free = await coresFree(THREADS);
    for (let r = 0; r < ROUNDS; r++) {
      for (let k = 0; k < tasks.length; k++) {
        const t = tasks[(k + r) % tasks.length];
        const c0 = process.cpuUsage();
        const s = performance.now();
        await t.run();
        t.times.push(performance.now() - s);
        const c = process.cpuUsage(c0);
        t.cpu.push((c.user + c.system) / 1000);
      }
    }
    for (const op of ["encode", "count"]) {
      const get = (who) => tasks.find((t) => t.op === op && t.who === who);
      const single = median(get("single").times);
      const p1 = get("pool1");
      const pn = get(`pool${THREADS}`);
      const mbs = (ms) => w.bytes / 1e6 / (ms / 1000);
      rows.push({
        enc: encName,
        workload: w.label,
        op,
        single: mbs(single),
        pool1: mbs(median(p1.times)),
        poolN: mbs(median(pn.times)),
        speedup: single / median(pn.times),
        cpu: median(pn.cpu) / median(get("single").cpu),
        free,
      });
      const r = rows.at(-1);
      console.error(`${encName} ${w.name} ${op}: single ${fmt(r.single)} MB/s, pool×1 ${fmt(r.pool1)}, pool×${THREADS} ${fmt(r.poolN)} → ${r.speedup.toFixed(2)}× (CPU ×${r.cpu.toFixed(2)}, cores free ${free.toFixed(2)})`);
    }
  }
  await Promise.all(Object.values(pools).map((p) => p.close()));
}

const header = ["encoding", "workload", "op", "single thread MB/s", "pool ×1 MB/s", `pool ×${THREADS} MB/s`, `speedup ×${THREADS} vs single`, `CPU pool ×${THREADS} / single`, "cores free"];
const cells = rows.map((r) => [r.enc, r.workload, r.op, fmt(r.single), fmt(r.pool1), fmt(r.poolN), `${r.speedup.toFixed(2)}×`, r.cpu.toFixed(2), r.free.toFixed(2)]);
console.log(textTable(header, cells));
const loadAvgAfter = os.loadavg();
const seconds = ((performance.now() - t0) / 1000).toFixed(0);
console.log(`load average before ${loadAvgBefore.map((x) => x.toFixed(2)).join(" ")}, after ${loadAvgAfter.map((x) => x.toFixed(2)).join(" ")}; ${seconds} s`);

if (WRITE) {
  const body = [
    "## Multi-core batches (worker_threads pool)",
    "",
    machineMd(),
    `- load average (1/5/15 min) at start ${loadAvgBefore.map((x) => x.toFixed(2)).join(" / ")}, at end ${loadAvgAfter.map((x) => x.toFixed(2)).join(" / ")} (a shared machine: other jobs take cores too)`,
    `- method: single thread = a loop of \`enc.encode(t, { disallowedSpecial: [] })\` (or \`count\`) on the main thread; pool ×n = \`createTokenizerPool({ encoding, threads: n }).encodeBatch(texts, opts)\` (or \`countBatch\`), workers warm. ${ROUNDS} rounds, tasks interleaved in rotated order; figure = median wall time over rounds. Results checked identical (ids and counts) before timing. Run took ${seconds} s.`,
    `- target (issue 3): pool ×2 ≥ 1.8× single-core throughput on 2 cores for large batches.`,
    `- CPU = process CPU time (all threads) of the pool run / of the single-threaded run (1.00 = no overhead; the best speedup n threads can give is about n / CPU). Cores free = ${THREADS} × (spin loop alone) / (the same loop in ${THREADS} workers at once), measured before each workload: wall-time speedup cannot exceed it.`,
    "",
    mdTable(header, cells, ["---", "---", "---", "---:", "---:", "---:", "---:", "---:", "---:"]),
  ].join("\n");
  updateSection("batch", body);
  console.log("wrote the batch section of bench/RESULTS.md");
}
