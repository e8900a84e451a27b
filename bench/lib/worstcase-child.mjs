// Child of bench/worstcase.mjs: encodes one generated input with one library, prints JSON.
//   node bench/lib/worstcase-child.mjs <lib> <encoding> <kind> <bytes>
// The library is first warmed up (JIT) on a smaller input of the same kind made with another
// seed, then the real input is encoded once and timed: gpt-tokenizer and ai-tokenizer cache
// pieces, so repeating the same input would time a cache hit.
import crypto from "node:crypto";
import { loadLib } from "./common.mjs";
import { makeInput } from "./inputs.mjs";

const [lib, encName, kind, size] = process.argv.slice(2);
const text = makeInput(kind, Number(size));
const L = await loadLib(lib, encName);
for (let i = 0; i < 3; i++) await L.encode(makeInput(kind, 997 + i));
const t0 = performance.now();
const ids = await L.encode(text);
const ms = performance.now() - t0;
// tokenmill also: best of 3 more calls with its piece cache emptied before each (the steady
// state of a server, less noisy than one first call; an outside check measured this way)
let msWarm;
if (lib === "tokenmill") {
  for (let i = 0; i < 3; i++) {
    L.clearCache();
    const t1 = performance.now();
    await L.encode(text);
    const m = performance.now() - t1;
    if (msWarm === undefined || m < msWarm) msWarm = m;
  }
}
const hash = crypto.createHash("sha1").update(new Uint32Array(Array.from(ids))).digest("hex");
process.stdout.write(JSON.stringify({ ms, msWarm, nIds: ids.length, hash }) + "\n");
