// What the CLI reads and writes: the process streams behind an interface (so main() runs in
// tests), writes that respect backpressure, files, and file errors as one-line messages.

import { hexBytes, InvalidUtf8Error } from "../errors.js";

export type ByteSource = AsyncIterable<Uint8Array | string>;

/** The part of a Node `Writable` the CLI uses (typed locally: the package has no @types/node). */
export interface WritableLike {
  write(chunk: string | Uint8Array): boolean;
  once(event: "drain" | "error" | "close", listener: (...args: any[]) => void): unknown;
  removeListener(event: "drain" | "error" | "close", listener: (...args: any[]) => void): unknown;
}

/** The part of `node:fs` the CLI uses. */
export interface NodeFs {
  createReadStream(path: string, opts: { highWaterMark: number }): AsyncIterable<Uint8Array>;
  promises: { stat(path: string): Promise<{ isDirectory(): boolean }>; readFile(path: string, enc: "utf8"): Promise<string>; readFile(path: string): Promise<Uint8Array> };
}

let fsModule: Promise<NodeFs> | undefined;
/** `node:fs`, loaded on first use (a computed specifier keeps bundlers and tsc out of it). */
export function nodeFs(): Promise<NodeFs> {
  const specifier = "node:fs";
  return (fsModule ??= import(specifier) as Promise<NodeFs>);
}

export interface CliIO {
  stdin: ByteSource;
  stdout: WritableLike;
  stderr: WritableLike;
  /** Printed by `--version`; the bin script passes package.json's version. */
  version?: string;
  /** Environment; only `TOKENMILL_CHUNK_CHARS` (chunk size, for tests) is read. */
  env?: Record<string, string | undefined>;
}

/** Bad command-line usage: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {}

/** An error whose message is already final (file errors, bad ids): printed as is, exit code 1. */
export class CliError extends Error {}

/** Errors from the file system carry a `syscall` (open, read, stat, …). */
export function isFsError(e: unknown): boolean {
  return e instanceof Error && typeof (e as { syscall?: unknown }).syscall === "string";
}

/** A file that could not be read, or is not UTF-8 (the errors reading a file can raise). */
export function isReadError(e: unknown): boolean {
  return isFsError(e) || e instanceof InvalidUtf8Error;
}

/** A file that could not be read, or is not UTF-8, as a one-line message naming it. */
export function describeReadError(path: string, e: unknown): CliError {
  if (!(e instanceof InvalidUtf8Error)) return describeFsError(path, e);
  return new CliError(
    `${path === "-" ? "stdin" : path}: not UTF-8: invalid byte sequence ${hexBytes(e.bytes)} at byte ${e.byteOffset}; ` +
      `pass --invalid-utf8 replace to read each ill-formed sequence as U+FFFD`,
  );
}

export function describeFsError(path: string, e: unknown): CliError {
  const code = (e as { code?: unknown } | null)?.code;
  const reason =
    code === "ENOENT"
      ? "No such file or directory"
      : code === "EISDIR"
        ? "Is a directory"
        : code === "EACCES" || code === "EPERM"
          ? "Permission denied"
          : e instanceof Error
            ? e.message
            : String(e);
  return new CliError(`${path}: ${reason}`);
}

export function write(out: WritableLike, data: string | Uint8Array): Promise<void> {
  if (out.write(data)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (): void => {
      out.removeListener("drain", done);
      out.removeListener("error", fail);
      out.removeListener("close", done);
      resolve();
    };
    const fail = (e: unknown): void => {
      out.removeListener("drain", done);
      out.removeListener("close", done);
      reject(e);
    };
    out.once("drain", done);
    out.once("error", fail);
    out.once("close", done);
  });
}

