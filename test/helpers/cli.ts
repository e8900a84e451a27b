// The CLI run in-process (src/cli/main.ts `main`), with stdin given as one string and stdout /
// stderr collected: for suites that test commands without spawning node.
import { main } from "../../src/cli/main.js";

export class Sink {
  chunks: Buffer[] = [];
  isTTY = false;
  write(d: string | Uint8Array): boolean {
    this.chunks.push(Buffer.from(d));
    return true;
  }
  once(): this {
    return this;
  }
  removeListener(): this {
    return this;
  }
  get text(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }
}

export async function cli(args: string[], stdin: string | Uint8Array = ""): Promise<{ code: number; out: string; err: string }> {
  const stdout = new Sink();
  const stderr = new Sink();
  const input = (async function* () {
    yield Buffer.from(stdin);
  })();
  const code = await main(args, { stdin: input, stdout, stderr });
  return { code, out: stdout.text, err: stderr.text };
}
