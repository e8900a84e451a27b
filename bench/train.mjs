#!/usr/bin/env node
// The BPE trainer side by side with HF's BpeTrainer (npm `tokenizers`, native, multi-threaded
// Rust) on the same corpus: wall time, CPU time and peak RSS of each, every trainer in a child
// process of its own (peak RSS is the child's maxRSS), and a check that both made the same
// merges in the same order.
//
//   node bench/train.mjs [--sizes 10,50] [--vocab 30000] [--pattern o200k] [--threads N]
//                        [--corpus-dir DIR] [--out docs/RESULTS-train.md] [--no-write]
//                        [--superbpe MB] [--only-variants]
//
// --superbpe MB: also the SuperBPE report (arXiv 2503.13423's headline comparison, in small):
// classic BPE and SuperBPE (transition at 90% of the vocabulary, the paper's best t = 180k of
// 200k) trained on MB of the corpus, bytes per token on held-out text (every 10th line, never
// trained on), at vocabularies 8k, 16k and 32k. With --only-variants, only this report is run
// and it replaces its section in the output file.
//
// Corpus: scripts/corpus.mjs's prose / multilingual / code text (real files of this machine),
// built once into bench/corpus/train/ (or taken from --corpus-dir), then cut at line ends into
// one file per size, a third of each kind. A size beyond what the machine has repeats the text
// (said in the table: repeats add counts, not new words).
//
// HF's Node binding trains with its default BpeTrainer only (vocab_size 30000, min_frequency 0,
// alphabet = characters seen), so --vocab must be 30000 for the comparison; ours gets the same
// number of merges: 30000 - HF's alphabet + 256 bytes. Needs `npm run build` (dist/).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..");
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};

const O200K =
  "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?" +
  "|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?" +
  "|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

function usage() {
  const r = process.resourceUsage();
  return { rssMB: r.maxRSS / 1024, cpu: (r.userCPUTime + r.systemCPUTime) / 1e6 };
}

// GPT-2's byte stand-ins, as HF spells merges
const STANDIN = (() => {
  const m = new Array(256);
  let n = 256;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    m[b] = printable ? b : n++;
  }
  return m;
})();

const spell = (bytes) => Array.from(bytes, (x) => String.fromCharCode(STANDIN[x])).join("");

// ---- children: one training each, result as one JSON line on stdout
if (args[0] === "--child") {
  const [, who, file, pattern, vocab, mergesOut, threads] = args;
  const t0 = performance.now();
  let merges;
  if (who === "hf") {
    const hf = createRequire(import.meta.url)("tokenizers");
    const pre =
      pattern === "gpt2"
        ? { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true }
        : {
            type: "Sequence",
            pretokenizers: [
              { type: "Split", pattern: { Regex: O200K }, behavior: "Isolated", invert: false },
              { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: false },
            ],
          };
    const json = {
      version: "1.0", truncation: null, padding: null, added_tokens: [], normalizer: null, pre_tokenizer: pre,
      post_processor: null, decoder: null, model: { type: "BPE", vocab: {}, merges: [] },
    };
    const tok = hf.Tokenizer.fromString(JSON.stringify(json));
    tok.train([file]);
    const wall = (performance.now() - t0) / 1000;
    const out = mergesOut + ".json";
    tok.save(out);
    const saved = JSON.parse(fs.readFileSync(out, "utf8"));
    fs.rmSync(out);
    merges = saved.model.merges.map((m) => (typeof m === "string" ? m.split(" ") : m));
    const alphabet = Object.keys(saved.model.vocab).length - merges.length;
    fs.writeFileSync(mergesOut, merges.map((m) => JSON.stringify(m)).join("\n"));
    console.log(JSON.stringify({ wall, ...usage(), merges: merges.length, alphabet }));
  } else {
    const { train } = await import(pathToFileURL(path.join(ROOT, "dist/index.js")).href);
    let countDone = 0;
    const tok = await train(
      { files: [file] },
      {
        vocabSize: Number(vocab),
        pattern,
        threads: threads ? Number(threads) : undefined,
        onProgress: (p) => {
          if (p.phase === "merge" && !countDone) countDone = performance.now();
        },
      },
    );
    const wall = (performance.now() - t0) / 1000;
    const lines = [];
    for (let i = 0; i < tok.merges.length; i += 3) {
      lines.push(JSON.stringify([spell(tok.tokens[tok.merges[i]]), spell(tok.tokens[tok.merges[i + 1]])]));
    }
    fs.writeFileSync(mergesOut, lines.join("\n"));
    console.log(JSON.stringify({ wall, countSeconds: countDone ? (countDone - t0) / 1000 : null, ...usage(), merges: lines.length }));
  }
  process.exit(0);
}

// ---- parent
const sizes = opt("--sizes", "10,50").split(",").map(Number);
const vocab = Number(opt("--vocab", "30000"));
const pattern = opt("--pattern", "o200k");
const threads = opt("--threads", undefined);
const outFile = path.resolve(ROOT, opt("--out", "docs/RESULTS-train.md"));
if (vocab !== 30000) throw new Error("--vocab: HF's Node binding trains only at its default vocab_size 30000");
if (!fs.existsSync(path.join(ROOT, "dist/index.js"))) throw new Error("run `npm run build` first (dist/index.js)");

const kinds = ["prose", "multilingual", "code"];
let corpusDir = opt("--corpus-dir", undefined);
const need = Math.ceil((Math.max(...sizes) * 1e6) / 3);
if (!corpusDir) {
  corpusDir = path.join(ROOT, "bench", "corpus", "train");
  const have = kinds.every((k) => fs.existsSync(path.join(corpusDir, `${k}.txt`)));
  if (!have) {
    console.error(`building the corpus into ${path.relative(ROOT, corpusDir)} (a few minutes)...`);
    const { buildCorpus } = await import(pathToFileURL(path.join(ROOT, "scripts/corpus.mjs")).href);
    buildCorpus({ outDir: corpusDir, sizeBytes: Math.min(need, 17_000_000) });
  }
}
const texts = kinds.map((k) => fs.readFileSync(path.join(corpusDir, `${k}.txt`)));
const work = fs.mkdtempSync(path.join(os.tmpdir(), "tm-bench-train-"));

/** A file of `mb` MB: a third of each kind, cut at line ends; repeats when a kind runs out. */
function corpusFile(mb) {
  const per = Math.floor((mb * 1e6) / 3);
  const parts = [];
  let repeated = false;
  for (const t of texts) {
    let left = per;
    while (left > 0) {
      if (left >= t.length) {
        parts.push(t);
        left -= t.length;
        if (left > 0) repeated = true;
        continue;
      }
      const cut = t.lastIndexOf(0x0a, left);
      parts.push(t.subarray(0, cut + 1));
      left = 0;
    }
  }
  const file = path.join(work, `corpus-${mb}MB.txt`);
  fs.writeFileSync(file, Buffer.concat(parts));
  return { file, bytes: fs.statSync(file).size, repeated };
}

function child(who, file, vocabSize) {
  const mergesOut = path.join(work, `${who}.merges`);
  const out = execFileSync(
    process.execPath,
    [fileURLToPath(import.meta.url), "--child", who, file, pattern, String(vocabSize), mergesOut, threads ?? ""],
    { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 1 << 24 },
  );
  const r = JSON.parse(out.trim().split("\n").pop());
  r.mergeLines = fs.readFileSync(mergesOut, "utf8").split("\n");
  return r;
}

const rows = [];
for (const mb of args.includes("--only-variants") ? [] : sizes) {
  const c = corpusFile(mb);
  console.error(`${mb} MB (${c.bytes} bytes${c.repeated ? ", repeated" : ""}): HF...`);
  const hf = child("hf", c.file, 0);
  console.error(`  HF ${hf.wall.toFixed(1)} s, ${hf.rssMB.toFixed(0)} MB; ours...`);
  const ours = child("ours", c.file, 30000 - hf.alphabet + 256);
  console.error(`  ours ${ours.wall.toFixed(1)} s, ${ours.rssMB.toFixed(0)} MB`);
  let same = ours.mergeLines.length === hf.mergeLines.length;
  let firstDiff = -1;
  for (let i = 0; same && i < hf.mergeLines.length; i++) {
    if (hf.mergeLines[i] !== ours.mergeLines[i]) {
      same = false;
      firstDiff = i;
    }
  }
  rows.push({ mb, bytes: c.bytes, repeated: c.repeated, hf, ours, same, firstDiff });
}
fs.rmSync(work, { recursive: true, force: true });

const cpu = (() => {
  try {
    return /^model name\s*:\s*(.*)$/m.exec(fs.readFileSync("/proc/cpuinfo", "utf8"))[1].trim();
  } catch {
    return os.cpus()[0]?.model ?? "?";
  }
})();
const hfVersion = JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules/tokenizers/package.json"), "utf8")).version;
const f1 = (x) => x.toFixed(1);
const lines = [
  "## Training (bench/train.mjs)",
  "",
  `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC · ${cpu}, ${os.availableParallelism?.() ?? os.cpus().length} cores, ` +
    `${(os.totalmem() / 2 ** 30).toFixed(1)} GB · Node ${process.version} · tokenizers ${hfVersion} · load average at start ` +
    `${os.loadavg()[0].toFixed(1)} (the machine is shared: wall times are noisy, CPU times less so)`,
  "",
  `Byte-level BPE, pattern ${pattern}, HF's default BpeTrainer (vocab_size 30000, min_frequency 0) against ` +
    `\`train({ files }, { vocabSize: 30000 - HF alphabet + 256, pattern: "${pattern}"${threads ? `, threads: ${threads}` : ""} })\` ` +
    `(the same number of merges). Each trainer in a child process: wall time of the training call ` +
    `(corpus read to merges), CPU time and peak RSS of the whole child. HF's trainer uses every core.`,
  "",
  "| corpus | HF wall s | HF CPU s | HF peak RSS MB | tokenmill wall s (counting) | tokenmill CPU s | tokenmill peak RSS MB | wall HF / tokenmill | same merges |",
  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
  ...rows.map(
    (r) =>
      `| ${r.mb} MB (${(r.bytes / 1e6).toFixed(1)} MB UTF-8${r.repeated ? ", text repeated" : ""}) | ${f1(r.hf.wall)} | ${f1(r.hf.cpu)} | ` +
      `${r.hf.rssMB.toFixed(0)} | ${f1(r.ours.wall)} (${f1(r.ours.countSeconds ?? 0)}) | ${f1(r.ours.cpu)} | ${r.ours.rssMB.toFixed(0)} | ` +
      `${(r.hf.wall / r.ours.wall).toFixed(2)}× | ${r.same ? `yes, all ${r.hf.merges}` : `NO (first difference at merge ${r.firstDiff})`} |`,
  ),
  "",
];
if (args.includes("--only-variants")) lines.length = 0;
const sbMB = opt("--superbpe", undefined);
if (sbMB !== undefined) {
  const { train } = await import(pathToFileURL(path.join(ROOT, "dist/index.js")).href);
  const per = Math.floor((Number(sbMB) * 1e6) / 3);
  const all = texts.map((t) => t.subarray(0, t.lastIndexOf(0x0a, per) + 1).toString("utf8")).join("");
  const ls = all.match(/[^\n]*\n|[^\n]+$/g);
  const trainLines = ls.filter((_, i) => i % 10 !== 0);
  const held = ls.filter((_, i) => i % 10 === 0).join("");
  const heldBytes = Buffer.byteLength(held);
  const sbRows = [];
  for (const V of [8000, 16000, 32000]) {
    const T = Math.round(V * 0.9);
    let t0 = performance.now();
    const classic = await train(trainLines, { vocabSize: V, pattern });
    const tc = (performance.now() - t0) / 1000;
    t0 = performance.now();
    const sb = await train(trainLines, { vocabSize: V, pattern, superBpe: { transitionVocabSize: T } });
    const ts = (performance.now() - t0) / 1000;
    const nc = classic.encode(held).length;
    const ns = sb.encode(held).length;
    const superwords = sb.tokens.slice(T).filter((t) => /\S \S/.test(Buffer.from(t).toString("latin1"))).length;
    sbRows.push(
      `| ${V} | ${T} | ${(heldBytes / nc).toFixed(3)} | ${(heldBytes / ns).toFixed(3)} | ${(((nc - ns) / nc) * 100).toFixed(1)}% | ${superwords} | ${tc.toFixed(1)} / ${ts.toFixed(1)} |`,
    );
    console.error(sbRows.at(-1));
  }
  lines.push(
    "### SuperBPE vs classic BPE (bench/train.mjs --superbpe)",
    "",
    `Trained on ${sbMB} MB of the corpus (9 lines of 10), bytes per token on the other lines ` +
      `(${(heldBytes / 1e6).toFixed(1)} MB, never trained on); pattern ${pattern} in stage 1, SuperBPE's released ` +
      "stage-2 pre-tokenizer (digits in groups of three, all other text one word per line) after the transition. " +
      "The paper's headline (arXiv 2503.13423, §4): up to 33% fewer tokens than BPE at a 200k vocabulary, " +
      "trained on 10 GB; at these small sizes most of the vocabulary is still subwords.",
    "",
    "| vocab | transition t | classic bytes/token | SuperBPE bytes/token | fewer tokens | superword tokens (a space inside) | train s classic / SuperBPE |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...sbRows,
    "",
  );
}
const section = lines.join("\n");
console.log(section);
if (!args.includes("--no-write")) {
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  let text = section;
  if (args.includes("--only-variants") && fs.existsSync(outFile)) {
    const old = fs.readFileSync(outFile, "utf8");
    const at = old.indexOf("### SuperBPE vs classic BPE");
    text = (at >= 0 ? old.slice(0, at) : old.trimEnd() + "\n\n") + section;
  }
  fs.writeFileSync(outFile, text);
  console.error(`written to ${path.relative(ROOT, outFile)}`);
}
