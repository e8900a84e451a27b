#!/usr/bin/env node
// The trainer's paper variants against classic BPE at equal vocabulary, on this machine's
// corpora (small sizes: a few minutes in all), written to bench/RESULTS.md (section
// "train-variants"):
//
//   node bench/train-variants.mjs [--size BYTES] [--vocabs 4000,8000,16000] [--parity-vocabs 4000,8000]
//                                 [--only scaffold,boundless,parity] [--no-write]
//
// - Scaffold-BPE (arXiv 2404.17808): low-frequency tokens (used < 10 times when the training
//   text is encoded) and bytes per token on held-out text. The paper's claim is about the
//   frequency imbalance: fewer rare tokens at the same vocabulary size.
// - BoundlessBPE (arXiv 2504.00178): bytes per token and Rényi efficiency (α = 2.5, |V| the
//   vocabulary) of held-out text; the paper reports ~20% more bytes per token and ≥ 21% higher
//   Rényi efficiency at large vocabularies.
// - Parity-aware BPE (arXiv 2508.04796): Gini of per-language token counts on held-out parallel
//   text, and global bytes per token; languages' corpora deliberately unequal (English largest).
//
// Corpora: scripts/corpus.mjs (prose, multilingual, code; 9 lines of 10 trained on, the 10th
// held out) and the gettext catalogs of /usr/share/locale (scripts/parallel-corpus.mjs's
// readMo): the messages translated in every chosen language are the parallel text (half dev,
// half evaluation), the rest of each catalog is that language's training corpus.
// Needs `npm run build` (dist/).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildCorpus } from "../scripts/corpus.mjs";
import { readMo } from "../scripts/parallel-corpus.mjs";
import { machineMd, mdTable, textTable, updateSection } from "./lib/common.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const size = Number(opt("--size", "1000000"));
const vocabs = opt("--vocabs", "4000,8000,16000").split(",").map(Number);
// Parity-aware training runs in TS with per-language pair counts: slower, so smaller sizes.
const parityVocabs = opt("--parity-vocabs", "4000,8000").split(",").map(Number);
const only = new Set(opt("--only", "scaffold,boundless,parity").split(","));
const { train, metrics } = await import(pathToFileURL(path.join(ROOT, "dist/index.js")).href);
const { renyiEfficiency, gini } = metrics;

const corpus = buildCorpus({ sizeBytes: size, write: false });
const lines = (corpus.prose + corpus.multilingual + corpus.code).match(/[^\n]*\n|[^\n]+$/g);
const trainLines = lines.filter((_, i) => i % 10 !== 0);
const held = lines.filter((_, i) => i % 10 === 0).join("");
const heldBytes = Buffer.byteLength(held);
const trainText = trainLines.join("");
const secs = (t0) => ((performance.now() - t0) / 1000).toFixed(1);
const histogram = (ids) => {
  const c = new Map();
  for (const x of ids) c.set(x, (c.get(x) ?? 0) + 1);
  return c;
};
const sections = [];

/** `train` with its wall time in seconds (one decimal). */
async function timedTrain(input, options) {
  const t0 = performance.now();
  const tok = await train(input, options);
  return [tok, secs(t0)];
}

if (only.has("scaffold")) {
  const rows = [];
  for (const V of vocabs) {
    const [classic, tc] = await timedTrain(trainLines, { vocabSize: V });
    const [sc, ts] = await timedTrain(trainLines, { vocabSize: V, scaffold: true });
    const rare = (tok, usable) => {
      const h = histogram(tok.encode(trainText));
      let n = 0;
      for (const id of usable) if ((h.get(id) ?? 0) < 10) n++;
      return n;
    };
    const ids = (tok) => tok.tokens.map((_, i) => i);
    const scaffold = new Set(sc.scaffoldTokens);
    const rc = rare(classic, ids(classic));
    const rs = rare(sc, ids(sc).filter((i) => !scaffold.has(i)));
    const bc = heldBytes / classic.encode(held).length;
    const bs = heldBytes / sc.encode(held).length;
    const lastCount = (tok) => tok.mergeCounts[tok.mergeCounts.length - 1];
    rows.push([V, rc, rs, `${lastCount(classic)} / ${lastCount(sc)}`, sc.scaffoldTokens.length, sc.reintegrated, sc.merges.length / 3, bc.toFixed(3), bs.toFixed(3), `${tc} / ${ts}`]);
    console.error(textTable(["vocab", "rare classic", "rare scaffold", "last merge count", "scaffold", "reintegrated", "merges", "B/tok classic", "B/tok scaffold", "s"], [rows.at(-1)]));
  }
  sections.push(
    "### Scaffold-BPE vs classic BPE",
    "",
    `Trained on ${(Buffer.byteLength(trainText) / 1e6).toFixed(2)} MB (9 lines of 10 of scripts/corpus.mjs's prose, multilingual and code text), ` +
      `pattern o200k. "Rare tokens": tokens of the vocabulary (scaffold tokens excluded: they are never emitted) used fewer than 10 times when the ` +
      `training text itself is encoded, the frequency imbalance Scaffold-BPE targets (arXiv 2404.17808 §1, §3); bytes per token on the held-out ` +
      `10th line (${(heldBytes / 1e6).toFixed(2)} MB). Merges: Scaffold-BPE makes more merges for the same vocabulary, since scaffold tokens leave it. ` +
      `Scaffold-BPE's threshold is the queue head's frequency, so once the last merges' counts fall below 10 (a vocabulary too large for ` +
      `the corpus: see "last merge count") it cannot keep tokens above 10 uses, and its extra merges add rare long tokens.`,
    "",
    mdTable(
      ["vocab", "rare tokens classic", "rare tokens Scaffold", "last merge count classic / Scaffold", "scaffold tokens", "re-integrated", "Scaffold merges", "bytes/token classic", "bytes/token Scaffold", "train s classic / Scaffold"],
      rows,
    ),
    "",
  );
}

if (only.has("boundless")) {
  const rows = [];
  for (const V of vocabs) {
    const [classic, tc] = await timedTrain(trainLines, { vocabSize: V });
    const [bl, tb] = await timedTrain(trainLines, { vocabSize: V, boundless: true });
    const ic = classic.encode(held);
    const ib = bl.encode(held);
    const supers = new Set();
    for (let i = 2; i < bl.superMerges.length; i += 3) supers.add(bl.superMerges[i]);
    const used = ib.filter((x) => supers.has(x)).length;
    rows.push([
      V,
      (heldBytes / ic.length).toFixed(3),
      (heldBytes / ib.length).toFixed(3),
      `${(((heldBytes / ib.length) / (heldBytes / ic.length) - 1) * 100).toFixed(1)}%`,
      renyiEfficiency(histogram(ic).values(), V, 2.5).toFixed(4),
      renyiEfficiency(histogram(ib).values(), V, 2.5).toFixed(4),
      supers.size,
      `${((used / ib.length) * 100).toFixed(1)}%`,
      `${tc} / ${tb}`,
    ]);
    console.error(textTable(["vocab", "B/tok classic", "B/tok boundless", "gain", "Renyi classic", "Renyi boundless", "superwords", "used", "s"], [rows.at(-1)]));
  }
  sections.push(
    "### BoundlessBPE vs classic BPE",
    "",
    `Same training and held-out text as above, pattern o200k; BoundlessBPE with its defaults (supermerges of two complete pretokens of letters, ` +
      `no PickyBPE deletions). Rényi efficiency of the held-out token distribution, α = 2.5, over log |V| (src/analysis/metrics.ts). The paper ` +
      `(arXiv 2504.00178) reports ~20% more bytes per token and ≥ 21% higher Rényi efficiency at 40k–131k vocabularies trained on 1 GB; ` +
      `at these sizes few pretokens are single tokens yet, so supermerges have less to join.`,
    "",
    mdTable(
      ["vocab", "bytes/token classic", "bytes/token Boundless", "bytes/token gain", "Rényi eff. classic", "Rényi eff. Boundless", "superword tokens", "share of output tokens that are superwords", "train s classic / Boundless"],
      rows,
    ),
    "",
  );
}

if (only.has("parity")) {
  const langs = ["en", "de", "fr", "ru", "fi", "ja", "zh_CN", "ar", "hi"];
  const budget = { en: 400_000, de: 200_000, fr: 200_000, ru: 120_000, fi: 80_000, ja: 60_000, zh_CN: 60_000, ar: 30_000, hi: 30_000 };
  const root = "/usr/share/locale";
  const catalogs = new Map();
  for (const l of langs.filter((x) => x !== "en")) {
    const m = new Map();
    const dir = `${root}/${l}/LC_MESSAGES`;
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith(".mo")).sort()) {
      for (const [id, tr] of readMo(`${dir}/${f}`)) if (id && tr && !tr.includes("\uFFFD") && /\p{L}{3}/u.test(id)) m.set(`${f}\u0000${id}`, tr);
    }
    catalogs.set(l, m);
  }
  const others = langs.filter((x) => x !== "en");
  const shared = [...catalogs.get("de").keys()].filter((k) => others.every((l) => catalogs.get(l).has(k)));
  const text = (l, k) => (l === "en" ? k.slice(k.indexOf("\u0000") + 1) : catalogs.get(l).get(k));
  const dev = Object.fromEntries(langs.map((l) => [l, shared.filter((_, i) => i % 2 === 0).map((k) => text(l, k)).join("\n")]));
  const evalSet = Object.fromEntries(langs.map((l) => [l, shared.filter((_, i) => i % 2 === 1).map((k) => text(l, k)).join("\n")]));
  const inShared = new Set(shared);
  const corpora = {};
  for (const l of langs) {
    const keys = [...(l === "en" ? catalogs.get("de") : catalogs.get(l)).keys()].filter((k) => !inShared.has(k));
    let t = "";
    for (const k of keys) {
      if (t.length >= budget[l]) break;
      t += text(l, k) + "\n";
    }
    corpora[l] = t;
  }
  const evalBytes = langs.reduce((s, l) => s + Buffer.byteLength(evalSet[l]), 0);
  const rows = [];
  for (const V of parityVocabs) {
    const [classic, tc] = await timedTrain(langs.map((l) => corpora[l]), { vocabSize: V });
    const [pa, tp] = await timedTrain({ languages: corpora }, { vocabSize: V, parity: { dev } });
    const counts = (tok) => langs.map((l) => tok.encode(evalSet[l]).length);
    const cc = counts(classic);
    const cp = counts(pa);
    const total = (xs) => xs.reduce((s, x) => s + x, 0);
    rows.push([
      V,
      gini(cc).toFixed(4),
      gini(cp).toFixed(4),
      (evalBytes / total(cc)).toFixed(3),
      (evalBytes / total(cp)).toFixed(3),
      `${Math.max(...cc)}/${Math.min(...cc)}`,
      `${Math.max(...cp)}/${Math.min(...cp)}`,
      `${tc} / ${tp}`,
    ]);
    console.error(textTable(["vocab", "Gini classic", "Gini parity", "B/tok classic", "B/tok parity", "max/min classic", "max/min parity", "s"], [rows.at(-1)]));
  }
  sections.push(
    "### Parity-aware BPE vs classic BPE",
    "",
    `${langs.length} languages (${langs.join(", ")}) from the gettext catalogs: ${shared.length} messages translated in all of them are the ` +
      `parallel text (every other one the dev set that steers training, the rest the evaluation set, never trained on); each language's ` +
      `training corpus is the rest of its catalogs, deliberately unequal (${langs.map((l) => `${l} ${(Buffer.byteLength(corpora[l]) / 1e3).toFixed(0)} KB`).join(", ")}). ` +
      `Classic BPE is trained on all corpora together. Gini coefficient of the per-language token counts of the evaluation set (0: every language ` +
      `costs the same), global bytes per token over all its languages, and the largest / smallest per-language count. The paper ` +
      `(arXiv 2508.04796) reports a Gini up to 89% lower at a negligible global compression cost.`,
    "",
    mdTable(["vocab", "Gini classic", "Gini parity-aware", "bytes/token classic", "bytes/token parity-aware", "tokens max/min classic", "tokens max/min parity-aware", "train s classic / parity-aware"], rows),
    "",
  );
}

const body = [
  "## Trainer variants vs classic BPE (bench/train-variants.mjs)",
  "",
  machineMd(),
  "",
  ...sections,
].join("\n");
console.log(body);
if (!args.includes("--no-write")) {
  updateSection("train-variants", body);
  console.error("written to bench/RESULTS.md (section train-variants)");
}
