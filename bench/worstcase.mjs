#!/usr/bin/env node
// Worst-case inputs: long runs that become single huge pre-tokenizer pieces ("a"×n, base64,
// digits, every mix of whitespace, punctuation, repeated multi-byte characters, random bytes;
// bench/lib/inputs.mjs), and prose of the same sizes as the yardstick (target: each worst case
// in at most 2× the time of prose; sizes are bytes of UTF-8). tokenmill at 10 KB, 100 KB and 1 MB; the peers only at
// 10 KB (their BPE merge is quadratic in the piece length). Every measurement runs in a child
// process with a time budget; one over budget is reported as "> budget". tokenmill cells are
// the best of --runs children (the machine is shared and noisy); peers run once.
//
//   node bench/worstcase.mjs [--quick] [--peers-only] [--encodings o200k_base,cl100k_base]
//                            [--budget SECONDS] [--runs N] [--no-write]
//                            [--kinds prose,tabs,...] [--libs tokenmill,tiktoken,...] [--all-peers]
// --all-peers times every peer on every kind (by default the peers other than tiktoken run on
// 9 of the kinds).
// --kinds / --libs measure a subset (prose is always kept: it is the yardstick); with either
// the run only prints unless --write is given.
//
// Writes the `worstcase` section of bench/RESULTS.md (not with --quick unless --write).
import path from "node:path";
import { spawnSync } from "node:child_process";
import { LIBS, PEERS, supports, BENCH_DIR, tokenmillAvailable, tokenmillMissingMessage, machineMd, updateSection, mdTable, textTable, fmt, median } from "./lib/common.mjs";
import { KINDS } from "./lib/inputs.mjs";

const argv = process.argv.slice(2);
const opt = (f, d) => {
  const i = argv.indexOf(f);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : d;
};
const QUICK = argv.includes("--quick");
const PEERS_ONLY = argv.includes("--peers-only");
const SUBSET = argv.includes("--kinds") || argv.includes("--libs");
const WRITE = argv.includes("--write") || (!QUICK && !SUBSET && !argv.includes("--no-write"));
const ENCODINGS = opt("--encodings", QUICK ? "o200k_base" : "o200k_base,cl100k_base").split(",");
const BUDGET_S = Number(opt("--budget", QUICK ? "10" : "30"));
const TM_SIZES = QUICK ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
const PEER_SIZE = 10_000;
const RUNS = Math.max(1, Number(opt("--runs", QUICK ? "1" : "3")));

let HAS_TM = true;
if (!tokenmillAvailable() || PEERS_ONLY) {
  if (!PEERS_ONLY) {
    console.error(`error: ${tokenmillMissingMessage()}`);
    process.exit(2);
  }
  HAS_TM = false;
}

const kinds = opt("--kinds", Object.keys(KINDS).join(",")).split(",");
for (const k of kinds) if (!(k in KINDS)) throw new Error(`unknown kind ${k} (kinds: ${Object.keys(KINDS).join(", ")})`);
if ("prose" in KINDS && !kinds.includes("prose")) kinds.unshift("prose");
const libsWanted = opt("--libs", LIBS.join(",")).split(",");
if (!libsWanted.includes("tokenmill")) HAS_TM = false;
const peers = PEERS.filter((p) => libsWanted.includes(p) || p === "tiktoken"); // tiktoken: the ids' reference

const child = path.join(BENCH_DIR, "lib", "worstcase-child.mjs");
function run(lib, enc, kind, size) {
  let best;
  for (let i = 0; i < (lib === "tokenmill" ? RUNS : 1); i++) {
    const r = runOnce(lib, enc, kind, size);
    if (r.ms == null) return r;
    if (!best) best = r;
    else best = { ...(r.ms < best.ms ? r : best), msWarm: Math.min(r.msWarm ?? Infinity, best.msWarm ?? Infinity) };
  }
  return best;
}

function runOnce(lib, enc, kind, size) {
  const p = spawnSync(process.execPath, [child, lib, enc, kind, String(size)], {
    encoding: "utf8",
    timeout: BUDGET_S * 1000,
    killSignal: "SIGKILL",
  });
  if (p.error?.code === "ETIMEDOUT" || p.signal === "SIGKILL") return { timeout: true };
  if (p.status !== 0) return { error: (p.stderr || "").trim().split("\n").slice(-1)[0] };
  return JSON.parse(p.stdout.trim().split("\n").pop());
}

// The peers other than tiktoken (the ids' reference, always run) time only these kinds unless
// --all-peers: 29 kinds × 9 peers would be ~500 child processes per encoding.
const PEER_KINDS = new Set(["prose", "a", "base64", "digits", "spaces", "newlines-tabs", "punct", "han", "random-bytes"]);
const ALL_PEERS = argv.includes("--all-peers");
const QUICK_SKIP = new Set(["tokenizers", "@huggingface/tokenizers", "@microsoft/tiktokenizer"]);
const results = []; // { enc, kind, size, lib, r }
// The yardstick is timed again after every other kind (tokenmill, largest size), and the ratio
// columns divide by the median of all its timings: a run takes minutes on a shared machine, and
// one prose figure taken at the start moved every ratio of a run by up to ±30%.
const proseAgain = Object.fromEntries(ENCODINGS.map((e) => [e, []]));
for (const enc of ENCODINGS) {
  for (const kind of kinds) {
    const ref = run("tiktoken", enc, kind, PEER_SIZE);
    const jobs = [];
    if (HAS_TM) for (const size of TM_SIZES) jobs.push(["tokenmill", size]);
    // --quick leaves out HF's tokenizers (linear here, and ~1-2 s to load in every child) and
    // @microsoft/tiktokenizer (~0.7 s to load in every child), to stay under two minutes
    for (const p of peers)
      if ((!QUICK || !QUICK_SKIP.has(p)) && supports(p, enc) && (p === "tiktoken" || ALL_PEERS || PEER_KINDS.has(kind))) jobs.push([p, PEER_SIZE]);
    for (const [lib, size] of jobs) {
      const r = lib === "tiktoken" && size === PEER_SIZE ? ref : run(lib, enc, kind, size);
      if (size === PEER_SIZE && r.hash && ref.hash) r.same = r.hash === ref.hash;
      results.push({ enc, kind, size, lib, r });
      process.stdout.write(`${enc} ${kind} ${size} ${lib}: ${show(r)}\n`);
    }
    if (HAS_TM && kind !== "prose" && kinds.includes("prose")) proseAgain[enc].push(run("tokenmill", enc, "prose", TM_SIZES[TM_SIZES.length - 1]));
  }
}

function show(r) {
  if (r.timeout) return `> ${BUDGET_S} s`;
  if (r.error) return `error: ${r.error}`;
  const mbs = r.mbs ?? null;
  return `${fmt(r.ms)} ms${r.same === false ? " ✗ ids differ" : ""}`;
}
const sizeName = (n) => (n >= 1e6 ? `${n / 1e6} MB` : `${n / 1e3} KB`);

const cols = [...(HAS_TM ? TM_SIZES.map((s) => ["tokenmill", s]) : []), ...peers.filter((p) => !QUICK || !QUICK_SKIP.has(p)).map((p) => [p, PEER_SIZE])];
// The target: each worst case of the largest size in at most 2× the time of prose of that size.
const BIG = TM_SIZES[TM_SIZES.length - 1];
const RATIO = HAS_TM && "prose" in KINDS;
const SMALL = TM_SIZES[TM_SIZES.length - 2];
const header = [
  "encoding · input",
  ...cols.map(([l, s]) => `${l} ${sizeName(s)}`),
  ...(HAS_TM ? [`tokenmill ${sizeName(BIG)} ÷ ${sizeName(SMALL)} (linear: ${BIG / SMALL})`] : []),
  ...(RATIO ? [`tokenmill ${sizeName(BIG)} ÷ prose`, `tokenmill ${sizeName(BIG)} warm ÷ prose warm`, `tokens ÷ prose's (${sizeName(BIG)})`, `warm time per token ÷ prose's`] : []),
];
const cell = (enc, kind, lib, size) => results.find((y) => y.enc === enc && y.kind === kind && y.lib === lib && y.size === size);
/** tokenmill on prose at the largest size: the medians of its first timing and of those after each kind. */
function proseYardstick(enc) {
  const all = [cell(enc, "prose", "tokenmill", BIG)?.r, ...proseAgain[enc]].filter((r) => r?.ms != null);
  if (!all.length) return undefined;
  const warm = all.map((r) => r.msWarm).filter((m) => m != null);
  return { ms: median(all.map((r) => r.ms)), msWarm: warm.length ? median(warm) : undefined, nIds: all[0].nIds, n: all.length };
}
const tableRows = [];
for (const enc of ENCODINGS)
  for (const kind of kinds) {
    const row = [
      `${enc.replace("_base", "")} ${kind}`,
      ...cols.map(([l, s]) => {
        const x = cell(enc, kind, l, s);
        return x ? show(x.r) : "—";
      }),
    ];
    if (HAS_TM) {
      const big = cell(enc, kind, "tokenmill", BIG)?.r;
      const small = cell(enc, kind, "tokenmill", SMALL)?.r;
      row.push(big?.ms != null && small?.ms ? `${(big.ms / small.ms).toFixed(1)}` : "—");
    }
    if (RATIO) {
      const x = cell(enc, kind, "tokenmill", BIG)?.r;
      const ref = proseYardstick(enc);
      row.push(x?.ms != null && ref?.ms ? `${(x.ms / ref.ms).toFixed(2)}×` : "—");
      row.push(x?.msWarm != null && ref?.msWarm ? `${(x.msWarm / ref.msWarm).toFixed(2)}×` : "—");
      // how much more output the input makes than prose, and what each token of it costs
      row.push(x?.nIds && ref?.nIds ? `${(x.nIds / ref.nIds).toFixed(2)}×` : "—");
      row.push(x?.msWarm != null && x?.nIds && ref?.msWarm && ref?.nIds ? `${(x.msWarm / x.nIds / (ref.msWarm / ref.nIds)).toFixed(2)}×` : "—");
    }
    tableRows.push(row);
  }
console.log("\n" + textTable(header, tableRows));

if (WRITE) {
  updateSection(
    "worstcase",
    [
      `## Worst-case inputs${QUICK ? " (quick run)" : ""}`,
      "",
      machineMd(),
      `- inputs (sizes in bytes of UTF-8): ${Object.entries(KINDS).filter(([k]) => kinds.includes(k)).map(([k, v]) => `\`${k}\` = ${v}`).join("; ")}.`,
      `- method: one child process per measurement (tokenmill: best of ${RUNS}); the library is loaded and warmed up on three ~1 KB inputs of the same kind (other seeds), then the input (a flat string) is encoded once and timed (gpt-tokenizer and ai-tokenizer cache pieces, so repeats would time cache hits); tokenmill also 3 more times with its piece cache emptied before each ("warm": the best of those, over all its processes); budget ${BUDGET_S} s per cell including loading. Peers at ${sizeName(PEER_SIZE)} only${ALL_PEERS ? "" : `, and (but tiktoken) only on ${[...PEER_KINDS].join(", ")}`}. ✗ = ids differ from tiktoken's at ${sizeName(PEER_SIZE)}.`,
      `- yardstick: the ratio columns divide by tokenmill's time on ${sizeName(BIG)} of prose, the median of ${proseYardstick(ENCODINGS[0])?.n ?? 0} timings per encoding (one before the kinds and one after each kind, so that a change of load during the run reaches both sides of a ratio); the prose row's own cells are its first timing.`,
      `- figures: milliseconds per encode (lower is better). The last two columns put the warm ratio in terms of output: how many tokens the ${sizeName(BIG)} input makes against the same bytes of prose, and the warm time per token against prose's (< 1: each token costs less than a token of prose).`,
      "",
      mdTable(header, tableRows),
    ].join("\n"),
  );
  console.log("wrote the worstcase section of bench/RESULTS.md");
}
