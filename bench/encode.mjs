#!/usr/bin/env node
// Encode / decode / count throughput of tokenmill and its peers, side by side in one run.
//
//   node bench/encode.mjs [--quick] [--peers-only] [--no-write] [--write]
//                         [--encodings o200k_base,cl100k_base] [--libs tokenmill,tiktoken,...]
//
// For each encoding × corpus (prose, code, multilingual) × form (one large string; many ~2 KB
// documents) every library is first checked against tiktoken's ids (a library whose ids differ
// is marked "ids differ" and not ranked), then timed with tinybench. Tasks of one row run one
// after the other (interleaved), in an order rotated per row and per round; the reported figure
// is the median over rounds of each task's median latency.
//
// Full run (1 MB corpora, 2 rounds) writes the `results` section of bench/RESULTS.md; --quick
// (200 KB corpora, 1 round, short timings; < 2 min) only prints unless --write is given.
// Without dist/index.js the run stops with an error unless --peers-only.
import path from "node:path";
import fs from "node:fs";
import { Bench } from "tinybench";
import { ratioChartSvg } from "./lib/ratio-chart.mjs";
import { loadCorpus, DEFAULT_OUT_DIR } from "../scripts/corpus.mjs";
import {
  LIBS, PEERS, REFERENCE, loadLib, supports, TokenmillMissing, tokenmillAvailable, tokenmillMissingMessage,
  firstDiff, machineInfo, machineMd, updateSection, mdTable, textTable, median, fmt,
} from "./lib/common.mjs";

const argv = process.argv.slice(2);
const flag = (f) => argv.includes(f);
const opt = (f, d) => {
  const i = argv.indexOf(f);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : d;
};
const QUICK = flag("--quick");
// Caches of pieces are emptied before every timed iteration of encode and count, for every
// library (the issue's peer figures are "caches cleared"); --warm-cache keeps them, so each
// iteration re-encodes a corpus the library has just seen (mostly cache hits for those with one).
const WARM_CACHE = flag("--warm-cache");
const PEERS_ONLY = flag("--peers-only");
const WRITE = flag("--write") || (!QUICK && !flag("--no-write"));
const ENCODINGS = opt("--encodings", "o200k_base,cl100k_base").split(",");
const CORPORA = ["prose", "code", "multilingual"];
const FORMS = ["string", "docs"];
const CFG = QUICK
  ? { sizeBytes: 200_000, rounds: 1, time: 60, iterations: 2, warmupTime: 15, warmupIterations: 1 }
  : { sizeBytes: 1_000_000, rounds: 2, time: 300, iterations: 3, warmupTime: 100, warmupIterations: 1 };

let libs = opt("--libs", LIBS.join(",")).split(",");
if (!tokenmillAvailable()) {
  if (!PEERS_ONLY && libs.includes("tokenmill")) {
    console.error(`error: ${tokenmillMissingMessage()}`);
    process.exit(2);
  }
  libs = libs.filter((l) => l !== "tokenmill");
} else if (PEERS_ONLY) libs = libs.filter((l) => l !== "tokenmill");
if (!libs.includes(REFERENCE)) libs.unshift(REFERENCE); // the reference is always needed
const HAS_TM = libs.includes("tokenmill");
const peersShown = PEERS.filter((p) => libs.includes(p));

const t0 = performance.now();
const corpus = loadCorpus({
  outDir: QUICK ? path.join(DEFAULT_OUT_DIR, "quick") : DEFAULT_OUT_DIR,
  sizeBytes: CFG.sizeBytes,
});
const inputs = {};
for (const c of CORPORA) {
  inputs[c] = {
    string: [corpus[c]],
    docs: corpus.docs[c],
  };
}
const bytesOf = (arr) => arr.reduce((n, s) => n + Buffer.byteLength(s, "utf8"), 0);

let sink = 0; // keeps results alive

const rows = []; // { enc, corpus, form, bytes, tokens, res: { lib: { ok, diff, enc, dec, cnt } } }
let rotation = 0;

function benchOpts() {
  return {
    time: CFG.time,
    iterations: CFG.iterations,
    warmupTime: CFG.warmupTime,
    warmupIterations: CFG.warmupIterations,
    throws: true,
  };
}

async function runTasks(tasks) {
  // tasks: [{ key, fn }]; runs them in a rotated order, returns { key: medianLatencyMs }
  const order = tasks.map((_, i) => tasks[(i + rotation) % tasks.length]);
  rotation++;
  const bench = new Bench(benchOpts());
  for (const t of order) bench.add(t.key, t.fn, t.beforeEach && !WARM_CACHE ? { beforeEach: t.beforeEach } : {});
  await bench.run();
  const out = {};
  for (const task of bench.tasks) {
    const r = task.result;
    if (r.state !== "completed") throw new Error(`${task.name}: ${r.state} ${r.error?.stack ?? ""}`);
    out[task.name] = r.latency.p50;
  }
  return out;
}

for (const encName of ENCODINGS) {
  const loaded = {};
  for (const lib of libs) {
    if (!supports(lib, encName)) continue; // e.g. tiktoken-node has no o200k_base: "—" in its cells
    try {
      loaded[lib] = await loadLib(lib, encName);
    } catch (e) {
      if (e instanceof TokenmillMissing) throw e;
      console.error(`${lib} ${encName}: cannot load: ${e.message}`);
    }
  }
  const ref = loaded[REFERENCE];
  for (const c of CORPORA) {
    for (const form of FORMS) {
      const texts = inputs[c][form];
      const row = { enc: encName, corpus: c, form, bytes: bytesOf(texts), docs: texts.length, res: {} };
      // --- correctness against tiktoken, and each lib's own ids for its decode
      const refIds = texts.map((t) => ref.encode(t));
      row.tokens = refIds.reduce((n, a) => n + a.length, 0);
      const ownIds = {};
      for (const lib of Object.keys(loaded)) {
        const L = loaded[lib];
        const r = (row.res[lib] = { ok: true });
        try {
          const ids = [];
          for (const t of texts) ids.push(L.async ? await L.encode(t) : L.encode(t));
          ownIds[lib] = ids;
          for (let d = 0; d < texts.length; d++) {
            const i = firstDiff(ids[d], refIds[d]);
            if (i >= 0) {
              r.ok = false;
              r.diff = `doc ${d}, token ${i} (${ids[d].length} vs ${refIds[d].length} ids)`;
              break;
            }
          }
          if (r.ok && L.count) {
            for (let d = 0; d < texts.length; d++)
              if (L.count(texts[d]) !== refIds[d].length) {
                r.countOk = false;
                r.diff = `count differs in doc ${d}`;
                break;
              }
          }
          // decode round trip (texts are whole lines, so valid UTF-8 after TextEncoder)
          for (let d = 0; d < texts.length; d++) {
            const s = L.async ? await L.decode(ids[d]) : L.decode(ids[d]);
            if (s !== texts[d].toWellFormed()) {
              r.decodeOk = false;
              break;
            }
          }
        } catch (e) {
          r.ok = false;
          r.diff = `error: ${e.message.split("\n")[0]}`;
        }
      }
      // --- timing
      const tasks = [];
      const many = texts.length > 1;
      for (const lib of Object.keys(loaded)) {
        if (!ownIds[lib]) continue;
        const L = loaded[lib];
        const beforeEach = () => L.clearCache();
        tasks.push({
          key: `enc:${lib}`,
          beforeEach,
          fn: L.async
            ? async () => {
                for (let d = 0; d < texts.length; d++) sink += (await L.encode(texts[d])).length;
              }
            : many
              ? () => {
                  for (let d = 0; d < texts.length; d++) sink += L.encode(texts[d]).length;
                }
              : () => {
                  sink += L.encode(texts[0]).length;
                },
        });
        const ids = ownIds[lib];
        tasks.push({
          key: `dec:${lib}`,
          fn: L.async
            ? async () => {
                for (let d = 0; d < ids.length; d++) sink += (await L.decode(ids[d])).length;
              }
            : () => {
                for (let d = 0; d < ids.length; d++) sink += L.decode(ids[d]).length;
              },
        });
        if (L.count && (lib === "tokenmill" || lib === "gpt-tokenizer")) {
          tasks.push({
            key: `cnt:${lib}`,
            beforeEach,
            fn: () => {
              for (let d = 0; d < texts.length; d++) sink += L.count(texts[d]);
            },
          });
        }
      }
      const perRound = [];
      for (let k = 0; k < CFG.rounds; k++) perRound.push(await runTasks(tasks));
      for (const t of tasks) {
        const [op, lib] = t.key.split(":");
        const ms = median(perRound.map((p) => p[t.key]));
        row.res[lib][op] = { ms, mbs: row.bytes / 1e6 / (ms / 1e3), mtoks: row.tokens / 1e6 / (ms / 1e3) };
      }
      rows.push(row);
      printRow(row);
    }
  }
}

function label(r) {
  return `${r.enc.replace("_base", "")} ${r.corpus} ${r.form === "docs" ? `${r.docs}×~2KB` : "1 string"}`;
}

function cell(r, lib, op, metric) {
  const x = r.res[lib];
  if (!x || !x[op]) return "—";
  const v = fmt(x[op][metric]);
  if (op === "enc" && !x.ok) return `${v} ✗`;
  if (op === "dec" && x.decodeOk === false) return `${v} ✗`;
  if (op === "cnt" && x.countOk === false) return `${v} ✗`;
  return v;
}

function ratio(r, lib, op) {
  const a = r.res.tokenmill?.[op];
  const b = r.res[lib]?.[op];
  if (!a || !b) return "—";
  if (!r.res[lib].ok || !r.res.tokenmill.ok) return "ids differ";
  return `${(a.mbs / b.mbs).toFixed(2)}×`;
}

function printRow(r) {
  const head = ["", ...Object.keys(r.res)];
  const lines = [
    ["encode MB/s", ...Object.keys(r.res).map((l) => cell(r, l, "enc", "mbs"))],
    ["encode Mtok/s", ...Object.keys(r.res).map((l) => cell(r, l, "enc", "mtoks"))],
    ["decode MB/s", ...Object.keys(r.res).map((l) => cell(r, l, "dec", "mbs"))],
    ["count MB/s", ...Object.keys(r.res).map((l) => cell(r, l, "cnt", "mbs"))],
  ];
  if (HAS_TM) lines.push(["tokenmill/peer enc", ...Object.keys(r.res).map((l) => (l === "tokenmill" ? "" : ratio(r, l, "enc")))]);
  console.log(`\n${label(r)} — ${(r.bytes / 1e6).toFixed(2)} MB, ${r.tokens} tokens`);
  console.log(textTable(head, lines));
  for (const [l, x] of Object.entries(r.res)) if (!x.ok || x.decodeOk === false || x.countOk === false) console.log(`  ✗ ${l}: ${x.diff ?? "decode differs"}`);
}

// ---------- markdown ----------
function opTables(op, title) {
  const libsShown = HAS_TM ? ["tokenmill", ...peersShown] : peersShown;
  const head = ["encoding · corpus · form", ...libsShown];
  const out = [];
  out.push(`### ${title} — MB/s of UTF-8 text (higher is better)\n`);
  out.push(mdTable(head, rows.map((r) => [label(r), ...libsShown.map((l) => cell(r, l, op, "mbs"))])));
  out.push(`\n### ${title} — million tokens/s\n`);
  out.push(mdTable(head, rows.map((r) => [label(r), ...libsShown.map((l) => cell(r, l, op, "mtoks"))])));
  if (HAS_TM) {
    out.push(`\n### ${title} — ratio tokenmill / peer (> 1: tokenmill faster)\n`);
    out.push(mdTable(["encoding · corpus · form", ...peersShown], rows.map((r) => [label(r), ...peersShown.map((l) => ratio(r, l, op))])));
  }
  return out.join("\n");
}

function rankings() {
  // rank by encode MB/s among libraries whose ids equal tiktoken's
  return rows
    .map((r) => {
      const ranked = Object.entries(r.res)
        .filter(([, x]) => x.ok && x.enc)
        .sort((a, b) => b[1].enc.mbs - a[1].enc.mbs)
        .map(([l]) => l);
      const unranked = Object.entries(r.res).filter(([, x]) => !x.ok).map(([l]) => `${l} (ids differ)`);
      return [label(r), ranked.join(" > ") + (unranked.length ? `; not ranked: ${unranked.join(", ")}` : "")];
    });
}

function correctness() {
  const libsShown = HAS_TM ? ["tokenmill", ...peersShown] : peersShown;
  return mdTable(
    ["encoding · corpus · form", ...libsShown],
    rows.map((r) => [
      label(r),
      ...libsShown.map((l) => {
        const x = r.res[l];
        if (!x) return "—";
        if (!x.ok) return `ids differ: ${x.diff}`;
        const extra = [x.decodeOk === false ? "decode differs" : "", x.countOk === false ? "count differs" : ""].filter(Boolean);
        return extra.length ? `ids equal; ${extra.join(", ")}` : "equal";
      }),
    ]),
  );
}

const m = machineInfo();
const elapsed = ((performance.now() - t0) / 1000).toFixed(0);
const md = [
  `## Throughput${QUICK ? " (quick run)" : ""}`,
  "",
  machineMd(m),
  `- corpora: ${CORPORA.map((c) => `${c} ${(corpus.manifest.corpora[c].bytes / 1e6).toFixed(2)} MB (sha256 ${corpus.manifest.corpora[c].sha256.slice(0, 12)})`).join(", ")}; docs ≈ 2 KB each, split at line boundaries`,
  `- method: tinybench ${CFG.time} ms / ≥ ${CFG.iterations} iterations per task (warm-up ${CFG.warmupTime} ms / ${CFG.warmupIterations}), ${CFG.rounds} round(s), tasks of a row interleaved in rotated order; figure = median over rounds of the median latency. "docs" = one call per document, all documents per iteration. Run took ${elapsed} s.`,
  `- calls: tokenmill \`encodeOrdinary(text)\`, \`count(text, { disallowedSpecial: [] })\`, \`decode(ids)\`; tiktoken \`encode(text, [], [])\`, \`decode\` + TextDecoder; js-tiktoken \`encode(text, [], [])\`; gpt-tokenizer \`encode(text, { disallowedSpecial: new Set() })\`, \`countTokens\`; ai-tokenizer \`new Tokenizer(encoding).encode(text, [], [])\`; @microsoft/tiktokenizer \`createTokenizer(ranksFile, specials, regex).encode(text, [])\` (the .tiktoken ranks file written from the pinned vocab); tokenizers (HF's Rust core, native binding) \`await encode(text)\` and @huggingface/tokenizers (pure JS) \`encode(text, { add_special_tokens: false })\` on a tokenizer.json converted from the same ranks (\`bench/lib/openai-as-hf.mjs\`, built from the pinned vocab, no download; their ids are checked like everyone's). kitoken (Rust compiled to WASM, \`kitoken/node\`) \`Kitoken.from_tiktoken(ranksFile).encode(text, false)\` on the same ranks file; tiktoken-node (tiktoken-rs, native napi binding) \`getEncoding(encoding).encode(text)\` (cl100k_base only: it has no o200k_base; its encode allows special tokens, which the corpora do not hold). Each decodes its own ids.`,
  WARM_CACHE
    ? `- caches: kept between iterations (\`--warm-cache\`): each iteration re-encodes text the library has just seen, so the libraries with a cache of pieces (tokenmill, gpt-tokenizer, ai-tokenizer) time mostly cache hits.`
    : `- caches: emptied before every timed encode/count iteration, for every library that keeps one (tokenmill \`clearCache()\`, gpt-tokenizer \`clearMergeCache()\`, ai-tokenizer's \`mergeCache\`, @microsoft/tiktokenizer's LRU (replaced by an empty one), @huggingface/tokenizers \`model.clear_cache()\`; tiktoken and js-tiktoken keep none; the native tokenizers binding cannot clear its BPE cache of 10,000 words, so it stays warm, which can only favour it), untimed: each iteration sees its corpus as new text, and caching helps only within it. \`--warm-cache\` measures the other way.`,
  `- ✗ = output differs from tiktoken's (such a library is not ranked); — = not measured${HAS_TM ? "" : "; **tokenmill was not built for this run (peers only)**"}.`,
  "",
  opTables("enc", "Encode"),
  "",
  opTables("dec", "Decode (ids → string)"),
  "",
  `### Count vs encode (MB/s)\n`,
  mdTable(
    ["encoding · corpus · form", ...(HAS_TM ? ["tokenmill encode", "tokenmill count", "count/encode"] : []), "gpt-tokenizer countTokens"],
    rows.map((r) => [
      label(r),
      ...(HAS_TM
        ? [cell(r, "tokenmill", "enc", "mbs"), cell(r, "tokenmill", "cnt", "mbs"), r.res.tokenmill?.cnt ? `${(r.res.tokenmill.cnt.mbs / r.res.tokenmill.enc.mbs).toFixed(2)}×` : "—"]
        : []),
      cell(r, "gpt-tokenizer", "cnt", "mbs"),
    ]),
  ),
  "",
  `### Ranking by encode MB/s (equal ids only)\n`,
  mdTable(["encoding · corpus · form", "fastest → slowest"], rankings(), ["---", "---"]),
  "",
  HAS_TM ? `![tokenmill encode speed ÷ each peer's](encode-ratios.svg)\n` : "",
  `### Correctness against tiktoken ${rows[0]?.res.tiktoken ? "" : ""}\n`,
  correctness(),
].join("\n");

console.log(`\nsink ${sink % 10}; took ${elapsed} s`);
const CHART = path.join(path.dirname(new URL(import.meta.url).pathname), "encode-ratios.svg");

function chart() {
  const series = peersShown.filter((p) => rows.some((r) => r.res[p]?.enc));
  return ratioChartSvg({
    title: "tokenmill encode speed ÷ each peer's, measured side by side",
    subtitle: `${m.date}, ${m.cpu} (${m.cores} cores), node ${m.node}; caches ${WARM_CACHE ? "warm" : "cleared per iteration"}; guides at 1×, 10×, 20×`,
    series,
    groups: rows.map((r) => ({
      label: label(r),
      bars: series.map((p) => {
        const a = r.res.tokenmill?.enc;
        const b = r.res[p]?.enc;
        const ok = r.res[p]?.ok && r.res.tokenmill?.ok;
        return { series: p, value: a && b && ok ? a.mbs / b.mbs : null };
      }),
    })),
  });
}

if (WRITE) {
  updateSection("results", md);
  if (HAS_TM) {
    fs.writeFileSync(CHART, chart());
    console.log(`wrote ${path.relative(process.cwd(), CHART)}`);
  }
  console.log(`wrote the results section of ${path.relative(process.cwd(), path.resolve("bench/RESULTS.md"))}`);
}
