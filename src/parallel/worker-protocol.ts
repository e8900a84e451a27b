// Messages between tokenmill/worker (src/parallel/worker-client.ts) and the worker script (src/parallel/worker-main.ts).

import type { EncodeOptions } from "../openai/encoding.js";

export type WorkerOp = "load" | "count" | "encode" | "decode" | "pieces" | "tokenizerJson";

export interface WorkerRequest {
  id: number;
  op: WorkerOp;
  encoding: string;
  engine?: "auto" | "wasm" | "js";
  /** Folder the .tkp vocab files are fetched from (default: vocab/ next to the package). */
  vocabBaseUrl?: string;
  text?: string;
  ids?: Uint32Array | number[];
  options?: EncodeOptions;
  /** tokenizerJson: the file's text; later requests name it by `encoding`. */
  json?: string;
  /** pieces: stop after this many tokens (the ids are still counted in full). */
  limit?: number;
}

export interface PiecesResult {
  /** All token ids of the text. */
  ids: Uint32Array;
  /**
   * The text of the first `limit` tokens, one string per token, except that tokens which end
   * inside a UTF-8 character are joined with the next ones (so each string is valid text);
   * `tokenCounts[i]` says how many tokens pieces[i] covers.
   */
  pieces: string[];
  tokenCounts: number[];
  truncated: boolean;
}

export interface WorkerResponse {
  id: number;
  result?: unknown;
  error?: { name: string; message: string; code?: string };
}
