// The playground page. All tokenization runs in tokenmill/worker's Web Worker, so typing stays
// smooth even in a 1 MB document: the page only posts the text and paints the answer. At most
// one round of requests is in flight; edits made meanwhile are coalesced into the next round.
// The counts come from the worker's `count`, which keeps an `Encoding.counter()` per encoding:
// after a keystroke only the stretch around it is encoded again.

import { createWorker } from "/dist/worker.js";

const ENCODINGS = ["o200k_base", "o200k_harmony", "cl100k_base", "p50k_base", "p50k_edit", "r50k_base", "gpt2"];
const SHOWN_TOKENS = 1000;
const $ = (id) => document.getElementById(id);
const input = $("input");
const encodingSelect = $("encoding");
const engineSelect = $("engine");

let worker = createWorker({ engine: "auto" });
// The longest stretch of main-thread work this page did for one update (ms); the end-to-end
// tests check it stays small for a 1 MB document.
let maxWorkMs = 0;
let busy = false;
let dirty = true;
let round = 0;

function setStatus(text) {
  $("status").textContent = text;
}

function fmt(x) {
  return Number.isFinite(x) ? x.toFixed(2) : "–";
}

async function update() {
  if (busy) return; // the running round picks the change up when it ends
  busy = true;
  try {
    while (dirty) {
      dirty = false;
      const my = ++round;
      const text = input.value;
      const encoding = encodingSelect.value;
      setStatus("counting…");
      let t0 = performance.now();
      const { chars, bytes } = measure(text);
      work(t0);
      const [n, shown] = await Promise.all([
        worker.count(text, { encoding, allowedSpecial: "all" }),
        worker.pieces(text, { encoding, limit: SHOWN_TOKENS }),
      ]);
      if (dirty) continue; // stale: the text or the settings changed meanwhile
      t0 = performance.now();
      $("token-count").textContent = String(n);
      $("char-count").textContent = String(chars);
      $("byte-count").textContent = String(bytes);
      $("chars-per-token").textContent = fmt(chars / n);
      $("bytes-per-token").textContent = fmt(bytes / n);
      paintTokens(shown);
      work(t0);
      const others = ENCODINGS.includes(encoding) ? ENCODINGS : [encoding, ...ENCODINGS];
      const counts = await Promise.all(others.map((e) => (e === encoding ? n : worker.count(text, { encoding: e, allowedSpecial: "all" }))));
      if (dirty) continue;
      t0 = performance.now();
      paintCounts(others, counts, encoding, chars);
      work(t0);
      setStatus(my === round ? "ready" : "counting…");
    }
  } catch (err) {
    if (err.code !== "WORKER_TERMINATED") setStatus(`error: ${err.message}`);
  } finally {
    busy = false;
    if (dirty) queueMicrotask(update); // e.g. the engine was switched mid-round
  }
}

function work(since) {
  maxWorkMs = Math.max(maxWorkMs, performance.now() - since);
}

/** Code points and UTF-8 bytes of text, without materialising either. */
function measure(text) {
  let chars = 0;
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    chars++;
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return { chars, bytes };
}

function schedule() {
  dirty = true;
  update();
}

function paintTokens({ ids, pieces, tokenCounts, truncated }) {
  const box = $("tokens");
  const frag = document.createDocumentFragment();
  let at = 0;
  pieces.forEach((piece, i) => {
    const span = document.createElement("span");
    const k = tokenCounts[i];
    span.className = `t${i % 5}`;
    span.textContent = piece;
    span.title = Array.from(ids.subarray(at, at + k)).join(" ");
    span.dataset.ids = span.title;
    at += k;
    frag.append(span);
  });
  box.replaceChildren(frag);
  $("tokens-note").textContent = truncated ? `(first ${SHOWN_TOKENS.toLocaleString("en")} of ${ids.length.toLocaleString("en")}; hover for ids)` : "(hover for ids)";
}

function paintCounts(names, counts, current, chars) {
  const body = $("all-counts");
  body.replaceChildren(
    ...names.map((name, i) => {
      const tr = document.createElement("tr");
      if (name === current) tr.className = "current";
      for (const [text, testid] of [[name], [String(counts[i]), `count-${name}`], [fmt(chars / counts[i])]]) {
        const td = document.createElement("td");
        td.textContent = text;
        if (testid) td.dataset.testid = testid;
        if (text !== name) td.className = "n";
        tr.append(td);
      }
      return tr;
    }),
  );
}

input.addEventListener("input", schedule);
encodingSelect.addEventListener("change", schedule);
engineSelect.addEventListener("change", () => {
  worker.terminate();
  worker = createWorker({ engine: engineSelect.value });
  for (const opt of [...encodingSelect.options]) if (!ENCODINGS.includes(opt.value)) opt.remove();
  schedule();
});
$("tokenizer-json").addEventListener("change", async (ev) => {
  const file = ev.target.files?.[0];
  if (!file) return;
  setStatus(`loading ${file.name}…`);
  try {
    const name = `tokenizer.json: ${file.name}`;
    await worker.loadTokenizerJson(await file.text(), name);
    const opt = new Option(name, name, true, true);
    encodingSelect.append(opt);
    encodingSelect.value = name;
    schedule();
  } catch (err) {
    setStatus(`error: ${err.message}`);
  }
});

// Exposed for the end-to-end tests and the curious.
window.tokenmillPlayground = {
  get worker() {
    return worker;
  },
  get maxWorkMs() {
    return maxWorkMs;
  },
  resetWork() {
    maxWorkMs = 0;
  },
};
schedule();
