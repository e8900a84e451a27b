// The HTML report in real headless Chromium (Debian's chromium via playwright-core, as
// test/browser.test.ts): it renders with no console errors and no request leaves the page, and
// every chart mark shows the number the JSON report has. Writes a screenshot to
// build/compare-report.png. Set TOKENMILL_SKIP_BROWSER=1 where no Chromium can be had.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareTokenizers, renderHtml, type Report } from "../src/index.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const skip = process.env.TOKENMILL_SKIP_BROWSER === "1";
const parallel = JSON.parse(readFileSync(new URL("./fixtures/parallel/parallel.json", import.meta.url), "utf8")) as {
  languages: string[];
  messages: Record<string, string[]>;
};

describe.skipIf(skip)("compare HTML report in Chromium", () => {
  let browser: Browser;
  let report: Report;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install chromium (see .ci/run)`);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
    report = await compareTokenizers(
      ["o200k_base", "cl100k_base", "r50k_base", "o200k_base:min-tokens"],
      [
        ...parallel.languages.map((l) => ({ label: l, text: parallel.messages[l]!, language: l })),
        { label: "code", text: readFileSync(new URL("../src/analysis/metrics.ts", import.meta.url), "utf8") },
      ],
    );
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it("renders, makes no requests, and its charts have the JSON's numbers", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    page.on("request", (r) => r.url() !== "about:blank" && requests.push(r.url()));
    await page.setContent(renderHtml(report), { waitUntil: "load" });
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);

    const marks = (chart: string) =>
      page.$$eval(`svg[data-chart="${chart}"] [data-value]`, (els) =>
        els.map((e) => ({ tokenizer: e.getAttribute("data-tokenizer"), key: e.getAttribute("data-corpus") ?? e.getAttribute("data-language"), value: Number(e.getAttribute("data-value")) })),
      );
    const tpb = await marks("tokens-per-byte");
    expect(tpb).toHaveLength(report.rows.length);
    for (const m of tpb) expect(m.value).toBe(report.rows.find((r) => r.tokenizer === m.tokenizer && r.corpus === m.key)!.tokensPerByte);

    const prem = await marks("premiums");
    expect(prem).toHaveLength(report.parity!.length * parallel.languages.length);
    for (const m of prem) expect(m.value).toBe(report.parity!.find((p) => p.tokenizer === m.tokenizer)!.premiums[m.key!]);

    const over = await marks("min-token-overhead");
    expect(over).toHaveLength(report.rows.filter((r) => r.minTokenOverhead !== null).length);
    for (const m of over) expect(m.value).toBe(report.rows.find((r) => r.tokenizer === m.tokenizer && r.corpus === m.key)!.minTokenOverhead);

    const ginis = await page.$$eval('svg[data-chart="lorenz"] polyline', (els) => els.map((e) => [e.getAttribute("data-tokenizer"), Number(e.getAttribute("data-gini"))] as const));
    expect(ginis).toEqual(report.parity!.map((p) => [p.tokenizer, p.gini]));

    // the marks are really drawn: bars have size, inside the visible page
    const box = await page.locator('svg[data-chart="tokens-per-byte"] [data-value]').first().boundingBox();
    expect(box && box.width > 0 && box.height > 0).toBe(true);
    const embedded = await page.$eval("#tokenmill-report", (e) => JSON.parse(e.textContent!));
    expect(embedded).toEqual(report);
    mkdirSync("build", { recursive: true });
    await page.screenshot({ path: "build/compare-report.png", fullPage: true });
    await page.close();
  });
});
