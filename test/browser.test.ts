// End to end in real headless Chromium (Debian's `chromium`, driven by playwright-core; no
// browser download): the built playground served by playground/serve.mjs, typed into and
// pasted into, with counts checked against tiktoken's; and the WASM and JS engines compared
// inside the browser. Needs `npm run build` (npm test does it) and /usr/bin/chromium (.ci/run
// installs it). Set TOKENMILL_SKIP_BROWSER=1 to skip where no Chromium can be had.
import { existsSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reference } from "./helpers/reference.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const skip = process.env.TOKENMILL_SKIP_BROWSER === "1";
const ALL = ["o200k_base", "o200k_harmony", "cl100k_base", "p50k_base", "p50k_edit", "r50k_base", "gpt2"];
const REF_NAME: Record<string, string> = { o200k_harmony: "o200k_base", p50k_edit: "p50k_base", gpt2: "r50k_base" };

/** tiktoken's count with special-token text as ordinary text (the playground text has none). */
function refCount(name: string, text: string): number {
  return reference(REF_NAME[name] ?? name).encode(text, [], []).length;
}

/** ~`size` characters of mixed prose, code, numbers, emoji, CJK and whitespace runs; seeded. */
function document(size: number): string {
  const parts = [
    "The quick brown fox jumps over the lazy dog. ", "It's they'll WE'RE don't; ", "function f(x) { return x * 2; }\n",
    "    indented();\n", "1234567 + 89 = 1234656\n", "Ünïcödé naïve café résumé ", "日本語のテキストと中文文本 ",
    "👋🌍🎉 emoji 👨‍👩‍👧 ", "\t\ttabs\r\n", "  spaces   between  ", "https://example.com/a/b?c=d&e=f ", "=====----____ ",
    "Привет, мир! ", "مرحبا بالعالم ", "\n\n\n",
  ];
  let seed = 12345;
  let out = "";
  while (out.length < size) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    out += parts[seed % parts.length];
  }
  return out.slice(0, size);
}

describe.skipIf(skip)("in Chromium", () => {
  let server: Server;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    if (!existsSync("dist/worker-main.js") || !existsSync("vocab/o200k_base.tkp")) {
      throw new Error("dist/ or vocab/*.tkp missing: run `npm run build` first");
    }
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install chromium (see .ci/run)`);
    // @ts-expect-error: plain .mjs without types
    const { serve } = await import("../playground/serve.mjs");
    server = await serve({ port: 0 });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((ok) => server?.close(ok));
  });

  async function open(): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    // the page runs under the server's CSP (a violation is a console error, and every test
    // below expects none)
    const response = await page.goto(`${base}/`);
    expect(response?.headers()["content-security-policy"]).toContain("script-src 'self' 'wasm-unsafe-eval'");
    await expect.poll(() => page.getByTestId("status").textContent(), { timeout: 20_000 }).toBe("ready");
    return { page, errors };
  }

  async function countShown(page: Page, expected: number): Promise<void> {
    await expect
      .poll(async () => ((await page.getByTestId("status").textContent()) === "ready" ? Number(await page.getByTestId("token-count").textContent()) : -1), {
        timeout: 30_000,
      })
      .toBe(expected);
  }

  it("counts the starting text like tiktoken, and shows its tokens with ids", async () => {
    const { page, errors } = await open();
    const text = await page.getByTestId("input").inputValue();
    await countShown(page, refCount("o200k_base", text));
    const spans = page.getByTestId("tokens").locator("span");
    expect((await spans.allTextContents()).join("")).toBe(text);
    const ids = (await spans.evaluateAll((els) => els.map((e) => e.getAttribute("title")).join(" "))).split(" ").map(Number);
    expect(ids).toEqual(Array.from(reference("o200k_base").encode(text, [], [])));
    expect(errors).toEqual([]);
    await page.close();
  });

  it("follows typing and the encoding select; counts all encodings side by side", async () => {
    const { page, errors } = await open();
    const input = page.getByTestId("input");
    await input.fill("");
    await input.pressSequentially("Hello, wörld! 👋 it's 2024 —  spaces\nand code(); ", { delay: 5 });
    const text = await input.inputValue();
    await countShown(page, refCount("o200k_base", text));
    await page.getByTestId("encoding").selectOption("cl100k_base");
    await countShown(page, refCount("cl100k_base", text));
    for (const name of ALL) {
      await expect.poll(() => page.getByTestId(`count-${name}`).textContent(), { timeout: 20_000 }).toBe(String(refCount(name, text)));
    }
    await page.getByTestId("engine").selectOption("js");
    await page.getByTestId("encoding").selectOption("r50k_base");
    await countShown(page, refCount("r50k_base", text));
    expect(errors).toEqual([]);
    await page.close();
  });

  it("takes a 1 MB paste, stays responsive while typing into it, and counts it exactly", async () => {
    const { page, errors } = await open();
    const big = document(1_000_000);
    const input = page.getByTestId("input");
    // Paste: the text lands in the text area in one input event, as a real paste does.
    await input.evaluate((el, value) => {
      const ta = el as HTMLTextAreaElement;
      ta.focus();
      ta.value = value;
      ta.dispatchEvent(new InputEvent("input", { inputType: "insertFromPaste", bubbles: true }));
    }, big);
    // The text area normalises line breaks (\r\n and \r become \n), so count what it holds.
    const pasted = await input.inputValue();
    expect(pasted.length).toBeGreaterThan(990_000);
    await countShown(page, refCount("o200k_base", pasted));
    // Re-tokenizing the whole 1 MB (for 7 encodings) happens in the worker: switching the
    // encoding must leave the main thread free. Watch the longest gap between timer ticks:
    // doing the work on the main thread would stall it for over a second; painting the first
    // 1000 tokens takes a few frames of software-rendered layout on a busy 2-core CI machine.
    const startWatch = () =>
      page.evaluate(() => {
        const w = window as unknown as { maxGap: number; stopWatch: () => number; tokenmillPlayground: { resetWork(): void } };
        w.tokenmillPlayground.resetWork();
        w.maxGap = 0;
        let last = performance.now();
        const id = setInterval(() => {
          const now = performance.now();
          w.maxGap = Math.max(w.maxGap, now - last);
          last = now;
        }, 5);
        w.stopWatch = () => (clearInterval(id), w.maxGap);
      });
    const stopWatch = () => page.evaluate(() => (window as unknown as { stopWatch: () => number }).stopWatch());
    const ownWork = () => page.evaluate(() => (window as unknown as { tokenmillPlayground: { maxWorkMs: number } }).tokenmillPlayground.maxWorkMs);
    const expected = refCount("cl100k_base", pasted); // before the watch: tiktoken shares our CPUs
    await startWatch();
    await page.getByTestId("encoding").selectOption("cl100k_base");
    await countShown(page, expected);
    const gap = await stopWatch();
    // Where the work ran is checked by what the page loaded, not by a time bound (the machine
    // is shared: a loaded run's paint alone took 290 ms once): the page itself never fetched a
    // vocabulary (no encoder runs without one), only the worker client did its loading, so
    // every token was counted in the worker. The stall is printed for whoever watches; bench/ is where speed is measured.
    const pageFetches: string[] = await page.evaluate(() => performance.getEntriesByType("resource").map((e) => new URL(e.name).pathname));
    expect(pageFetches.filter((p) => p.includes("/vocab/") || /\/dist\/index\./.test(p))).toEqual([]);
    expect(pageFetches).toContain("/dist/worker.js");
    console.log(`longest main-thread stall while 1 MB was re-tokenized: ${gap.toFixed(0)} ms (page's own work ${(await ownWork()).toFixed(0)} ms)`);
    // Typing into the 1 MB text: the text area's own layout is the browser's cost (hundreds of
    // ms per key in software-rendered headless Chromium, with or without tokenmill); the
    // page's own work per update must stay small, and the count exact.
    await startWatch();
    await input.press("End");
    await page.keyboard.type(" more text typed at the end", { delay: 20 });
    const text = await input.inputValue();
    expect(text.length).toBe(pasted.length + 27);
    await countShown(page, refCount("cl100k_base", text));
    await stopWatch();
    console.log(`longest main-thread work of the page for one update while typing: ${(await ownWork()).toFixed(0)} ms`);
    expect(errors).toEqual([]);
    await page.close();
  }, 90_000);

  it("gives identical ids from the WASM engine and the JS fallback", async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    const texts = [document(20_000), "", " ", "a", "\n\n \t x", "x".repeat(5000), "ſ's 'S 'll", "🎉".repeat(300), "\u0300\u0301abc", "\ud800 lone"];
    // A string, not a function: the test runner rewrites import() inside functions it compiles.
    const result: Record<string, { engines: string[]; mismatches: number; ids: number }> = await page.evaluate(`(async (texts) => {
      const out = {};
      for (const name of ["o200k_base", "cl100k_base", "r50k_base"]) {
        const mod = await import("/dist/" + name + ".js");
        const wasm = await mod.load();
        const js = await mod.load({ engine: "js" });
        let mismatches = 0;
        let ids = 0;
        for (const t of texts) {
          const a = wasm.encode(t, { allowedSpecial: "all" });
          const b = js.encode(t, { allowedSpecial: "all" });
          ids += a.length;
          if (a.length !== b.length || a.some((x, i) => x !== b[i])) mismatches++;
        }
        out[name] = { engines: [wasm.engine, js.engine], mismatches, ids };
      }
      return out;
    })(${JSON.stringify(texts)})`);
    for (const [name, r] of Object.entries(result)) {
      expect(r.engines, name).toEqual(["wasm", "js"]);
      expect(r.mismatches, name).toBe(0);
      const refIds = texts.reduce((n, t) => n + refCount(name, t), 0);
      expect(r.ids, name).toBe(refIds);
    }
    await page.close();
  }, 60_000);

  it("counts and encodes a WHATWG stream (Blob#stream) like the whole text", async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    const text = document(300_000);
    const result: { streamed: number; ids: number; same: boolean } = await page.evaluate(`(async (text) => {
      const enc = await (await import("/dist/o200k_base.js")).load();
      const opts = { chunkChars: 5000 };
      const streamed = await enc.countStream(new Blob([text]).stream(), opts);
      const whole = enc.encodeOrdinary(text);
      const parts = [];
      for await (const ids of enc.encodeStream(new Blob([text]).stream(), opts)) parts.push(...ids);
      return { streamed, ids: whole.length, same: parts.length === whole.length && parts.every((x, i) => x === whole[i]) };
    })(${JSON.stringify(text)})`);
    expect(result.streamed).toBe(refCount("o200k_base", text));
    expect(result.ids).toBe(result.streamed);
    expect(result.same).toBe(true);
    await page.close();
  }, 60_000);

  it("decodes exactly like TextDecoder over the bytes (no Buffer here), across chunks and split characters", async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    // A string, not a function: the test runner rewrites import() inside functions it compiles.
    const mismatches: string[] = await page.evaluate(`(async () => {
      const mod = await import("/dist/cl100k_base.js");
      const enc = await mod.load();
      const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });
      const EOT = 100257;
      const byteToken = new Map();
      for (let id = 0; id < 100256; id++) {
        const b = enc.tokenBytes(id);
        if (b.length === 1) byteToken.set(b[0], id);
      }
      const bytes = (...b) => b.map((x) => byteToken.get(x));
      // random ids (bytes of every kind, pieces of characters at chunk ends, specials); "€" cut by
      // the end of the first chunk (of 1-byte tokens: 32768 ids), then an unfinished "😀"
      let seed = 7;
      const rand = (n) => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n;
      const random = Array.from({ length: 150000 }, () => (rand(50) === 0 ? EOT : rand(100256)));
      const cut = [...Array(32767).fill(bytes(0x78)[0]), ...bytes(0xe2, 0x82, 0xac, 0x78, 0xf0, 0x9f)];
      const out = [];
      const cases = { random, cut, "cut, special, rest": [...cut, EOT, ...bytes(0x98, 0x80)], short: bytes(0xef, 0xbb, 0xbf, 0xe0, 0x80, 0xed, 0xa0, 0x80, 0xc3) };
      for (const [name, ids] of Object.entries(cases)) {
        if (enc.decode(ids) !== utf8.decode(enc.decodeBytes(ids))) out.push(name);
      }
      return out;
    })()`);
    expect(mismatches).toEqual([]);
    await page.close();
  }, 60_000);
});

