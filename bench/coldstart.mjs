#!/usr/bin/env node
// Cold start: time from process start to the first encode of o200k_base, and memory after
// loading, for tokenmill and each peer. Every sample is a fresh `node` process; runs of the
// libraries are interleaved; the figures are medians.
//
//   node bench/coldstart.mjs [--quick] [--runs N] [--peers-only] [--no-write]
//
// Writes the `coldstart` section of bench/RESULTS.md (not with --quick unless --write).
import path from "node:path";
import { spawnSync } from "node:child_process";
import { LIBS, supports, BENCH_DIR, tokenmillAvailable, tokenmillMissingMessage, machineMd, updateSection, mdTable, textTable, median, fmt } from "./lib/common.mjs";

const argv = process.argv.slice(2);
const QUICK = argv.includes("--quick");
const PEERS_ONLY = argv.includes("--peers-only");
const WRITE = argv.includes("--write") || (!QUICK && !argv.includes("--no-write"));
const ri = argv.indexOf("--runs");
const RUNS = ri >= 0 ? Number(argv[ri + 1]) : QUICK ? 3 : 9;
const ENC = "o200k_base";

let libs = LIBS.filter((l) => supports(l, ENC));
if (!tokenmillAvailable() || PEERS_ONLY) {
  if (!PEERS_ONLY) {
    console.error(`error: ${tokenmillMissingMessage()}`);
    process.exit(2);
  }
  libs = libs.filter((l) => l !== "tokenmill");
} else libs.splice(libs.indexOf("tokenmill") + 1, 0, `tokenmill/${ENC}`); // the per-encoding entry too
libs.unshift("node"); // baseline: empty node process

const child = path.join(BENCH_DIR, "lib", "coldstart-child.mjs");
const samples = Object.fromEntries(libs.map((l) => [l, []]));
for (let r = 0; r < RUNS; r++) {
  for (let k = 0; k < libs.length; k++) {
    const lib = libs[(k + r) % libs.length];
    const t0 = performance.now();
    const p = spawnSync(process.execPath, [child, lib, ENC], { encoding: "utf8", timeout: 120_000 });
    const wall = performance.now() - t0;
    if (p.status !== 0) {
      console.error(`${lib}: child failed (${p.status ?? p.signal}):\n${p.stderr}`);
      process.exit(1);
    }
    samples[lib].push({ ...JSON.parse(p.stdout.trim().split("\n").pop()), wall });
  }
}

// The engine's own init: instantiating the WASM core and building its tables from vocab bytes
// already in memory (compiling the module is included; reading the file is not), in fresh
// processes like the rest.
const initSamples = [];
if (libs.includes("tokenmill")) {
  for (let r = 0; r < RUNS; r++) {
    const p = spawnSync(process.execPath, [child, "tokenmill:init", ENC], { encoding: "utf8", timeout: 120_000 });
    if (p.status !== 0) {
      console.error(`tokenmill:init: child failed (${p.status ?? p.signal}):\n${p.stderr}`);
      process.exit(1);
    }
    initSamples.push(JSON.parse(p.stdout.trim().split("\n").pop()));
  }
}
const initMs = initSamples.length ? median(initSamples.map((x) => x.initMs)) : undefined;
const compileMs = initSamples.length ? median(initSamples.map((x) => x.compileMs)) : undefined;

const MB = (b) => (b / 2 ** 20).toFixed(0);
const rows = libs.map((l) => {
  const s = samples[l];
  const med = (f) => median(s.map(f));
  return {
    lib: l,
    first: med((x) => x.tFirst),
    load: med((x) => x.tLoaded - x.tBoot),
    wall: med((x) => x.wall),
    rssLoaded: med((x) => x.rssLoaded),
    rssAfter: med((x) => x.rssAfter),
    heap: med((x) => x.heapUsed),
  };
});
const header = ["library", "start → first encode (ms)", "import+load (ms)", "spawn → exit (ms)", "RSS after load (MiB)", "RSS after encode (MiB)", "JS heap (MiB)"];
const table = rows.map((r) => [r.lib === "node" ? "node (no tokenizer)" : r.lib, fmt(r.first), fmt(r.load), fmt(r.wall), MB(r.rssLoaded), MB(r.rssAfter), MB(r.heap)]);
console.log(textTable(header, table));
if (initMs !== undefined) console.log(`tokenmill engine init (median of ${RUNS}): ${fmt(initMs)} ms, of which compiling the module ${fmt(compileMs)} ms`);

if (WRITE) {
  updateSection(
    "coldstart",
    [
      `## Cold start (${ENC})${QUICK ? " (quick run)" : ""}`,
      "",
      machineMd(),
      `- method: ${RUNS} fresh \`node\` processes per library (interleaved), medians. "start → first encode" is \`performance.now()\` in the child (from process start) after loading ${ENC} and encoding one short sentence; "import+load" is the part from the start of the library's \`import\` to its encoding loaded (the harness's own module is imported before it starts); "spawn → exit" is the parent's wall clock. RSS is \`process.memoryUsage().rss\`.`,
      `- \`tokenmill\` imports the whole API (\`tokenmill\`), \`tokenmill/${ENC}\` the per-encoding entry (what gpt-tokenizer's and ai-tokenizer's rows also import: one encoding). Issue 3's target is RSS under 60 MB = 57.2 MiB.`,
      initMs !== undefined ? `- tokenmill engine init (compile the WASM module, instantiate, build the tables from vocab bytes already in memory; fresh processes, median of ${RUNS}): **${fmt(initMs)} ms**, of which compiling ${fmt(compileMs)} ms.` : "",
      "",
      mdTable(header, table),
    ].join("\n"),
  );
  console.log("wrote the coldstart section of bench/RESULTS.md");
}
