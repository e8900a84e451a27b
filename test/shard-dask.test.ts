/**
 * scale/dask_shard.py on a real (local) Dask cluster: a scheduler and two workers on 127.0.0.1,
 * started here and stopped in afterAll (their whole process groups). The shards and index.json
 * it writes must be byte-identical to one `tokenmill shard` run on this machine. Skips, saying
 * so, only where Python's `distributed` module is missing (.ci/run installs python3-distributed).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(ROOT, "bin", "tokenmill.cjs");
const DRIVER = join(ROOT, "scale", "dask_shard.py");
const PYTHON = ["/usr/bin/python3", "python3"].find((p) => spawnSync(p, ["-c", "import distributed"]).status === 0);
const BUILT = existsSync(join(ROOT, "dist", "cli.cjs")) && readFileSync(join(ROOT, "dist", "cli.cjs"), "utf8").includes("--list-inputs");
if (!PYTHON) console.warn("test/shard-dask.test.ts: SKIPPED — Python's distributed module is missing (apt-get install python3-distributed)");
else if (!BUILT) console.warn("test/shard-dask.test.ts: SKIPPED — dist/cli.cjs lacks tokenmill shard; run npm run build:js first");

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).sort()) out[f] = createHash("sha256").update(readFileSync(join(dir, f))).digest("hex");
  return out;
}

describe.skipIf(!PYTHON || !BUILT)("Dask: scale/dask_shard.py on a local scheduler and two workers", () => {
  const procs: ChildProcess[] = [];
  const base = mkdtempSync(join(tmpdir(), "tokenmill-dask-"));
  let address = "";
  // The Dask CLIs: Debian ships /usr/bin/dask-scheduler and dask-worker; `python3 -m` works too.
  const daskCli = (name: "scheduler" | "worker"): string[] =>
    existsSync(`/usr/bin/dask-${name}`) ? [`/usr/bin/dask-${name}`] : [PYTHON!, "-m", `distributed.cli.dask_${name}`];
  const logs: Record<string, string> = {};
  const start = (argv: string[], log: string): void => {
    const [cmd, ...args] = argv;
    const p = spawn(cmd!, args, { cwd: base, detached: true, stdio: ["ignore", "ignore", "pipe"] });
    logs[log] = "";
    p.stderr!.on("data", (d: Buffer) => (logs[log] += d.toString("utf8")));
    procs.push(p);
  };

  beforeAll(async () => {
    const port = await freePort();
    address = `tcp://127.0.0.1:${port}`;
    start([...daskCli("scheduler"), "--host", "127.0.0.1", "--port", String(port), "--no-dashboard"], "scheduler.log");
    for (const name of ["w1", "w2"]) {
      start([...daskCli("worker"), address, "--host", "127.0.0.1", "--nthreads", "1", "--no-dashboard", "--name", name, "--local-directory", join(base, name)], `${name}.log`);
    }
  }, 60_000);

  afterAll(async () => {
    const exits = procs.map((p) => (p.exitCode !== null || p.signalCode !== null ? Promise.resolve() : new Promise<void>((res) => p.once("exit", () => res()))));
    for (const p of procs) {
      try {
        if (p.pid) process.kill(-p.pid, "SIGTERM"); // the process group: the CLI and its children
      } catch {
        // already gone
      }
    }
    const timer = new Promise<void>((res) => setTimeout(res, 10_000).unref());
    await Promise.race([Promise.all(exits), timer]);
    for (const p of procs) {
      try {
        if (p.pid && p.exitCode === null && p.signalCode === null) process.kill(-p.pid, "SIGKILL");
      } catch {
        // gone
      }
    }
    rmSync(base, { recursive: true, force: true });
  }, 30_000);

  it("shards and index.json are byte-identical to the single-machine run", () => {
    const inputs: string[] = [];
    for (let f = 0; f < 5; f++) {
      const lines = Array.from({ length: 150 + 40 * f }, (_, i) => JSON.stringify({ text: `file ${f} doc ${i}: ${"lorem ipsum dolor ".repeat((i * 7 + f) % 23)}🦜 ünïcödé` }));
      const p = join(base, `in-${f}.jsonl${f === 2 ? ".gz" : ""}`);
      const body = lines.join("\n") + "\n";
      writeFileSync(p, f === 2 ? gzipSync(body) : body);
      inputs.push(p);
    }
    const shardArgs = ["--field", "text", "--eot", "--shard-tokens", "4000", "--megatron", "--threads", "1", join(base, "in-*")];
    const local = join(base, "local");
    const l = spawnSync(process.execPath, [BIN, "shard", ...shardArgs, "--out", local], { encoding: "utf8" });
    expect(l.stderr).toBe("");
    expect(l.status).toBe(0);

    const out = join(base, "dask");
    const d = spawnSync(
      PYTHON!,
      [DRIVER, "--scheduler", address, "--out", out, "--tokenmill", `${process.execPath} ${BIN}`, "--min-workers", "2", "--tasks", "3", "--", ...shardArgs],
      { encoding: "utf8", timeout: 150_000 },
    );
    if (d.status !== 0) console.error(d.stdout, d.stderr, logs);
    expect(d.status).toBe(0);
    expect(d.stdout).toMatch(/5 inputs in 3 tasks on 2 workers/);
    const local_ = tree(local);
    expect(Object.keys(local_).length).toBeGreaterThan(4);
    expect(tree(out)).toEqual(local_);
  }, 180_000);
});
