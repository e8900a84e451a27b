#!/usr/bin/env node
// Builds vocab/<name>.tkv (DESIGN.md, "Vocab file format") from the pinned `tiktoken` npm package.
//
//   node scripts/build-vocab.mjs [--update-sources]
//
// scripts/vocab-sources.json pins the sha256 of every source `bpe_ranks` string. A mismatch means
// the tiktoken package we build from is not the one we tested against, so we stop; rerun with
// --update-sources only after re-running the equivalence tests against the new package.
//
// The format itself lives in src/vocab/tkv.ts (one implementation, shared with the runtime); it is
// transpiled on the fly so this script needs no build step.

import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const TIKTOKEN_DIR = join(ROOT, "node_modules/tiktoken");
const SOURCES_JSON = join(ROOT, "scripts/vocab-sources.json");
const VOCAB_DIR = join(ROOT, "vocab");

// name → the .tkv it is stored in. gpt2 and p50k_edit have the same ranks as r50k_base and
// p50k_base (only their special tokens differ), which is verified below by sha256.
const ENCODINGS = {
  r50k_base: "r50k_base",
  gpt2: "r50k_base",
  p50k_base: "p50k_base",
  p50k_edit: "p50k_base",
  cl100k_base: "cl100k_base",
  o200k_base: "o200k_base",
};

async function loadFormat() {
  const ts = (await import("typescript")).default;
  const dir = await mkdtemp(join(tmpdir(), "build-vocab-"));
  try {
    await writeFile(join(dir, "package.json"), '{"type":"module"}');
    // The same relative layout as src/, so that the modules' own imports resolve.
    await mkdir(join(dir, "vocab"));
    for (const name of ["errors", "vocab/tkv"]) {
      const src = await readFile(join(ROOT, "src", `${name}.ts`), "utf8");
      const { outputText } = ts.transpileModule(src, {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
        fileName: `${name}.ts`,
      });
      await writeFile(join(dir, `${name}.js`), outputText);
    }
    return await import(pathToFileURL(join(dir, "vocab/tkv.js")).href);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function fail(message) {
  console.error(`build-vocab: ${message}`);
  process.exit(1);
}

/**
 * dqbd's compressed rank format: newline-separated lines `! <offset> <b64> <b64> ...`, where the
 * i-th token of a line has rank offset + i. Lines may leave gaps between them (p50k_base leaves
 * 50256, the rank of <|endoftext|>).
 */
function parseRanks(name, bpeRanks) {
  const byRank = [];
  const seen = new Set();
  let nPresent = 0;
  const lines = bpeRanks.split("\n");
  for (let l = 0; l < lines.length; l++) {
    const line = lines[l];
    if (line === "") continue;
    const parts = line.split(" ");
    if (parts[0] !== "!" || !/^\d+$/.test(parts[1] ?? "")) {
      fail(`${name}: line ${l + 1} does not start with "! <offset>": ${JSON.stringify(line.slice(0, 40))}`);
    }
    const offset = Number(parts[1]);
    for (let i = 2; i < parts.length; i++) {
      const rank = offset + i - 2;
      const b64 = parts[i];
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0) {
        fail(`${name}: rank ${rank}: malformed base64 ${JSON.stringify(b64)}`);
      }
      const token = Buffer.from(b64, "base64");
      if (token.length === 0) fail(`${name}: rank ${rank} is an empty token`);
      if (byRank[rank] !== undefined) fail(`${name}: rank ${rank} appears twice`);
      const key = token.toString("latin1");
      if (seen.has(key)) fail(`${name}: token ${JSON.stringify(b64)} (rank ${rank}) appears twice`);
      seen.add(key);
      byRank[rank] = new Uint8Array(token.buffer, token.byteOffset, token.length);
      nPresent++;
    }
  }
  return { byRank, nPresent };
}

/**
 * Ranks must be 0..n-1. The only hole tolerated is one taken by a special token of the same
 * encoding (p50k_base's <|endoftext|> = 50256): the .tkv keeps it as a zero-length entry so that
 * rank == token id still holds, as DESIGN.md allows.
 */
function checkRanks(name, json, { byRank, nPresent }) {
  const nTokens = byRank.length;
  const specialIds = new Map(Object.entries(json.special_tokens ?? {}).map(([k, v]) => [v, k]));
  const gaps = [];
  for (let r = 0; r < nTokens; r++) {
    if (byRank[r] !== undefined) {
      if (specialIds.has(r)) fail(`${name}: rank ${r} is both a token and the special token ${specialIds.get(r)}`);
      continue;
    }
    if (!specialIds.has(r)) fail(`${name}: rank ${r} is missing (ranks must be contiguous from 0)`);
    gaps.push(r);
  }
  if (nTokens === 0) fail(`${name}: no ranks`);
  if (json.explicit_n_vocab !== undefined && json.explicit_n_vocab !== nPresent + specialIds.size) {
    fail(`${name}: explicit_n_vocab ${json.explicit_n_vocab} != ${nPresent} ranks + ${specialIds.size} special tokens`);
  }
  return gaps;
}

async function main() {
  const started = performance.now();
  const update = process.argv.includes("--update-sources");
  const unknown = process.argv.slice(2).filter((a) => a !== "--update-sources");
  if (unknown.length) fail(`unknown arguments: ${unknown.join(" ")}`);

  const pkg = JSON.parse(await readFile(join(TIKTOKEN_DIR, "package.json"), "utf8"));
  const packageId = `tiktoken@${pkg.version}`;
  let recorded = {};
  try {
    recorded = JSON.parse(await readFile(SOURCES_JSON, "utf8"));
  } catch (e) {
    if (e.code !== "ENOENT") throw e;
  }

  const format = await loadFormat();
  await mkdir(VOCAB_DIR, { recursive: true });

  // Check every pin before writing anything, so a changed source leaves vocab/ untouched.
  const inputs = [];
  const problems = [];
  for (const [name, tkvName] of Object.entries(ENCODINGS)) {
    const file = `encoders/${name}.json`;
    const json = JSON.parse(await readFile(join(TIKTOKEN_DIR, file), "utf8"));
    if (typeof json.bpe_ranks !== "string") fail(`${name}: ${file} has no bpe_ranks string`);
    const sha = createHash("sha256").update(json.bpe_ranks, "utf8").digest();
    const shaHex = sha.toString("hex");
    const pinned = recorded[name];
    if (pinned && pinned.sha256 !== shaHex && !update) {
      problems.push(
        `${name}: the sha256 of bpe_ranks in ${packageId}/${file} is ${shaHex}, but ` +
          `scripts/vocab-sources.json pins ${pinned.sha256} (from ${pinned.package}/${pinned.file}). ` +
          `The pinned source changed.`,
      );
    }
    inputs.push({ name, tkvName, file, json, sha, shaHex });
  }
  if (problems.length) fail(`${problems.join("\n")}\nRerun with --update-sources once the new package is verified.`);

  const sources = {};
  const built = new Map(); // tkv name → { shaHex, nTokens }
  for (const { name, tkvName, file, json, sha, shaHex } of inputs) {
    const tkvFile = `vocab/${tkvName}.tkv`;
    const prior = built.get(tkvName);
    if (prior) {
      if (prior.shaHex !== shaHex) fail(`${name} was expected to share ranks with ${tkvName}, but they differ`);
      sources[name] = { package: packageId, file, sha256: shaHex, nTokens: prior.nTokens, tkv: tkvFile };
      continue;
    }
    if (tkvName !== name) fail(`${name} is listed as sharing ${tkvName}, which must come first`);

    const ranks = parseRanks(name, json.bpe_ranks);
    const gaps = checkRanks(name, json, ranks);
    const tokens = Array.from(ranks.byRank, (t) => t ?? new Uint8Array(0));
    const data = format.serializeVocab(tokens, new Uint8Array(sha));
    const back = format.parseVocabFile(data);
    if (back.nTokens !== tokens.length || Buffer.compare(Buffer.from(back.sha256), sha) !== 0) {
      fail(`${name}: the written file does not read back`);
    }
    await writeFile(join(ROOT, tkvFile), data);

    built.set(tkvName, { shaHex, nTokens: tokens.length });
    sources[name] = { package: packageId, file, sha256: shaHex, nTokens: tokens.length, tkv: tkvFile };
    if (gaps.length) sources[name].specialRankGaps = gaps;
    const gapNote = gaps.length ? ` (empty ranks ${gaps.join(", ")}: special tokens)` : "";
    console.log(
      `${tkvFile}: ${tokens.length} tokens${gapNote}, ${back.bytes.length} token bytes, ${data.length} bytes`,
    );
  }

  for (const [name, entry] of Object.entries(sources)) {
    const was = recorded[name];
    if (!was) console.log(`${name}: pinned in scripts/vocab-sources.json`);
    else if (was.sha256 !== entry.sha256) console.log(`${name}: RE-PINNED to ${entry.package} ${entry.sha256}`);
    else if (was.package !== entry.package) console.log(`${name}: same ranks, now from ${entry.package}`);
  }
  const next = JSON.stringify(sources, null, 2) + "\n";
  if (next !== JSON.stringify(recorded, null, 2) + "\n") await writeFile(SOURCES_JSON, next);
  console.log(`done in ${((performance.now() - started) / 1000).toFixed(2)} s`);
}

await main();
