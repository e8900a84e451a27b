// Writes documents' token bytes into shard files, in order: a shard takes documents until the
// next one would take it past `shardTokens` (a document is never split; one longer than that
// has a shard of its own). Each shard is written to a .tmp file, fsync'd and renamed, then its
// sidecar (shard-NNNNNN.json, the claim that it is complete) is written the same way.

import type * as Crypto from "node:crypto";
import type * as Fs from "node:fs";
import { TokenmillError } from "../errors.js";
import { shardName, type ShardDtype, type ShardEntry, type ShardRange } from "./index-file.js";
import { megatronIndex } from "./megatron.js";

const STAGE_BYTES = 4 << 20;

export interface WriterConfig {
  dtype: ShardDtype;
  shardTokens: number;
  megatron: boolean;
  /** Record each document's line (line modes). */
  lines: boolean;
  /** Written in every sidecar; a rerun reuses shards only under the same fingerprint. */
  fingerprint: string;
}

export function sha256Hex(crypto: typeof Crypto, bytes: Uint8Array): string {
  return crypto.createHash("sha256").update(bytes).digest("hex");
}

export function writeAtomic(fs: typeof Fs, path: string, data: Uint8Array | string): void {
  const tmp = `${path}.tmp`;
  const fd = fs.openSync(tmp, "w");
  try {
    fs.writeSync(fd, data as Uint8Array);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, path);
}

export class ShardWriter {
  readonly shards: ShardEntry[] = [];
  private readonly stage = new Uint8Array(STAGE_BYTES);
  private staged = 0;
  private fd = -1;
  private hash: Crypto.Hash | undefined;
  private tokens = 0;
  private offsets: number[] = [];
  private counts: number[] = [];
  private docLines: number[] = [];
  private docInputs: number[] = [];

  constructor(
    private readonly fs: typeof Fs,
    private readonly crypto: typeof Crypto,
    private readonly dir: string,
    private readonly config: WriterConfig,
  ) {}

  get nextShard(): number {
    return this.shards.length;
  }

  /** Appends one document: `bytes` are its `count` ids (end-of-text included) in the shard dtype. */
  add(bytes: Uint8Array, count: number, input: number, line: number): void {
    if (this.fd >= 0 && this.tokens > 0 && this.tokens + count > this.config.shardTokens) this.close();
    if (this.fd < 0) this.open();
    this.offsets.push(this.tokens);
    this.counts.push(count);
    this.docInputs.push(input);
    if (this.config.lines) this.docLines.push(line);
    this.tokens += count;
    if (bytes.length > this.stage.length - this.staged) this.flush();
    if (bytes.length > this.stage.length) this.emit(bytes);
    else {
      this.stage.set(bytes, this.staged);
      this.staged += bytes.length;
    }
  }

  /** Takes over shard `entry` of an earlier run, already on disk and verified, as the next shard. */
  reuse(entry: ShardEntry, number: number): void {
    if (this.fd >= 0) this.close();
    if (number !== this.shards.length) {
      throw new TokenmillError("SHARD_RESUME", `resume: shard ${number} does not follow shard ${this.shards.length - 1}; delete the output directory and rerun`);
    }
    this.shards.push(entry);
  }

  /** Closes the last shard. */
  finish(): void {
    if (this.fd >= 0) this.close();
  }

  /** Drops the shard being written (after an error): its .tmp file goes, finished shards stay. */
  abort(): void {
    if (this.fd < 0) return;
    this.fs.closeSync(this.fd);
    this.fd = -1;
    this.fs.rmSync(this.path(this.shards.length, "bin") + ".tmp", { force: true });
  }

  private path(k: number, ext: string): string {
    return `${this.dir}/${shardName(k)}.${ext}`;
  }

  private open(): void {
    this.fd = this.fs.openSync(this.path(this.shards.length, "bin") + ".tmp", "w");
    this.hash = this.crypto.createHash("sha256");
    this.tokens = 0;
    this.offsets = [];
    this.counts = [];
    this.docLines = [];
    this.docInputs = [];
  }

  private emit(bytes: Uint8Array): void {
    let o = 0;
    while (o < bytes.length) o += this.fs.writeSync(this.fd, bytes, o, bytes.length - o);
    this.hash!.update(bytes);
  }

  private flush(): void {
    if (this.staged === 0) return;
    this.emit(this.stage.subarray(0, this.staged));
    this.staged = 0;
  }

  private close(): void {
    this.flush();
    const k = this.shards.length;
    const name = shardName(k);
    this.fs.fsyncSync(this.fd);
    this.fs.closeSync(this.fd);
    this.fd = -1;
    const entry: ShardEntry = {
      file: `${name}.bin`,
      documents: this.counts.length,
      tokens: this.tokens,
      sha256: this.hash!.digest("hex"),
      offsets: this.offsets,
      counts: this.counts,
      ranges: ranges(this.docInputs, this.config.lines ? this.docLines : undefined),
    };
    if (this.config.lines) entry.lines = this.docLines;
    if (this.config.megatron) {
      const idx = megatronIndex(this.counts, this.config.dtype);
      writeAtomic(this.fs, this.path(k, "idx"), idx);
      entry.idx = `${name}.idx`;
      entry.idxSha256 = sha256Hex(this.crypto, idx);
    }
    this.fs.renameSync(this.path(k, "bin") + ".tmp", this.path(k, "bin"));
    writeAtomic(this.fs, this.path(k, "json"), JSON.stringify({ fingerprint: this.config.fingerprint, entry }) + "\n");
    this.shards.push(entry);
  }
}

/** Runs of consecutive documents of the same input. */
export function ranges(inputs: readonly number[], lines: readonly number[] | undefined): ShardRange[] {
  const out: ShardRange[] = [];
  for (let k = 0; k < inputs.length; ) {
    let e = k + 1;
    while (e < inputs.length && inputs[e] === inputs[k]) e++;
    const r: ShardRange = { input: inputs[k]!, documents: e - k };
    if (lines) {
      r.firstLine = lines[k]!;
      r.lastLine = lines[e - 1]!;
    }
    out.push(r);
    k = e;
  }
  return out;
}
