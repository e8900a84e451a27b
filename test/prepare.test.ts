// `prepare` (scripts/prepare.mjs) builds only when the build is missing or stale, so that
// `npx tokenmill …` after `npm ci` does not rebuild everything (issue 20, item 13). Checked on a
// scratch tree with chosen mtimes, so the test never touches the real build.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const OUTPUTS = ["dist/index.js", "dist/index.cjs", "dist/cli.cjs", "dist/types/index.d.ts", "vocab/o200k_base.tkv", "vocab/o200k_base.tki"];
const SOURCES = ["src/index.ts", "src/openai/encoding.ts", "assembly/openai/index.ts", "package.json"];

const root = mkdtempSync(join(tmpdir(), "tokenmill-prepare-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function file(path: string, seconds: number): void {
  const full = join(root, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, "x");
  utimesSync(full, seconds, seconds);
}
function check(env: Record<string, string> = {}): number | null {
  const { TOKENMILL_FORCE_BUILD: _, ...rest } = process.env;
  return spawnSync(process.execPath, [join(root, "scripts/prepare.mjs"), "--check"], { env: { ...rest, ...env } }).status;
}

describe("prepare", () => {
  mkdirSync(join(root, "scripts"), { recursive: true });
  copyFileSync(join(ROOT, "scripts/prepare.mjs"), join(root, "scripts/prepare.mjs"));
  utimesSync(join(root, "scripts/prepare.mjs"), 1000, 1000);

  it("builds when an output is missing", () => {
    for (const s of SOURCES) file(s, 1000);
    expect(check()).toBe(1);
  });
  it("skips when every output is newer than every source", () => {
    for (const o of OUTPUTS) file(o, 2000);
    expect(check()).toBe(0);
  });
  it("builds when one source is newer than the oldest output, or when forced", () => {
    expect(check({ TOKENMILL_FORCE_BUILD: "1" })).toBe(1);
    file("assembly/openai/index.ts", 3000);
    expect(check()).toBe(1);
    file("assembly/openai/index.ts", 1000);
    file("src/generated/wasm.ts", 5000); // an output of build:wasm, not a source
    expect(check()).toBe(0);
  });
});
