// Word counting on worker threads: the main thread reads and decodes, each worker counts the
// blocks of lines it is sent into a table of its own, and the tables are summed at the end.
// At most two blocks are in flight per worker, so reading waits for counting (memory stays
// bounded). Which worker counts which block does not matter: the sums are the same, and
// train() sorts the words before the merge loop.
import { TokenmillError } from "../errors.js";
import { countInto } from "./count-kernel.js";

type WorkerThreads = typeof import("node:worker_threads");

export function workerThreads(): WorkerThreads | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule?.("node:worker_threads") as WorkerThreads | undefined;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const countInto = (${countInto.toString()});
const re = new RegExp(workerData.source, "gu");
const counts = new Map();
let words = 0;
parentPort.on("message", (m) => {
  if (m.text !== undefined) {
    words += countInto(re, m.text, m.lines, counts);
    parentPort.postMessage({ ack: true, words });
  } else {
    parentPort.postMessage({ keys: [...counts.keys()], values: [...counts.values()], words });
  }
});`;

const MAX_IN_FLIGHT = 2;

interface Slot {
  worker: import("node:worker_threads").Worker;
  inFlight: number;
  words: number;
  onAck: (() => void) | undefined;
  onDone: ((m: { keys: string[]; values: number[]; words: number }) => void) | undefined;
}

export class WorkerCounter {
  /** Pre-tokens counted so far (as of the last block each worker finished). */
  get words(): number {
    let n = 0;
    for (const s of this.slots) n += s.words;
    return n + this.finalWords;
  }
  private finalWords = 0;
  private readonly slots: Slot[] = [];
  private failure: Error | undefined;
  private next = 0;

  constructor(wt: WorkerThreads, threads: number, regexSource: string) {
    for (let i = 0; i < threads; i++) {
      const worker = new wt.Worker(WORKER_SOURCE, { eval: true, workerData: { source: regexSource } });
      const slot: Slot = { worker, inFlight: 0, words: 0, onAck: undefined, onDone: undefined };
      worker.on("message", (m: { ack?: true; keys?: string[]; values?: number[]; words?: number }) => {
        if (m.ack) {
          slot.inFlight--;
          slot.words = m.words!;
          const f = slot.onAck;
          slot.onAck = undefined;
          f?.();
        } else slot.onDone?.(m as { keys: string[]; values: number[]; words: number });
      });
      worker.on("error", (e) => {
        this.failure = new TokenmillError("TRAIN_WORKER", `train: a counting worker failed: ${e.message}`);
        slot.onAck?.();
        slot.onDone?.({ keys: [], values: [], words: 0 });
      });
      this.slots.push(slot);
    }
  }

  /** Sends a block of whole lines to the next worker, after waiting for it to have room. */
  async addLines(text: string): Promise<void> {
    if (this.failure) throw this.failure;
    const slot = this.slots[this.next]!;
    this.next = (this.next + 1) % this.slots.length;
    if (slot.inFlight >= MAX_IN_FLIGHT) await new Promise<void>((r) => (slot.onAck = r));
    if (this.failure) throw this.failure;
    slot.inFlight++;
    slot.worker.postMessage({ text, lines: true });
  }

  /** Sums the workers' tables into `counts` (and stops the workers). */
  async finish(counts: Map<string, number>): Promise<void> {
    try {
      const parts = await Promise.all(
        this.slots.map(
          (slot) =>
            new Promise<{ keys: string[]; values: number[]; words: number }>((resolve) => {
              slot.onDone = resolve;
              slot.worker.postMessage({});
            }),
        ),
      );
      if (this.failure) throw this.failure;
      let total = 0;
      for (const { keys, values, words } of parts) {
        total += words;
        for (let i = 0; i < keys.length; i++) counts.set(keys[i]!, (counts.get(keys[i]!) ?? 0) + values[i]!);
      }
      this.finalWords = total;
    } finally {
      this.dispose();
    }
  }

  dispose(): void {
    for (const s of this.slots) void s.worker.terminate();
    if (this.finalWords === 0) this.finalWords = this.words;
    this.slots.length = 0;
  }
}
