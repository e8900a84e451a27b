// The corpus as documents: each input file read as a stream (gunzipped when it ends in .gz),
// cut into documents (the whole file, each line, or a field of each JSONL line), decoded as
// UTF-8, and handed out in batches of about `batchChars` characters, in input order.
//
// Every document carries its input and line (1-based; 0 for a whole-file document), which the
// index records. Documents whose text is empty (blank lines, empty files, an empty field) are
// counted, never written; bad documents throw ShardInputError naming file and line, or, with
// skipInvalid, are counted and listed (the first ones) in the index.

import type * as Fs from "node:fs";
import type * as Zlib from "node:zlib";
import { hexBytes } from "../errors.js";
import { nodeBuiltin } from "../platform/node.js";
import { firstInvalidUtf8 } from "../text/utf8.js";
import type { InvalidUtf8Mode } from "../text/stream.js";
import { ShardInputError, ShardReadError } from "./errors.js";

export type DocumentMode = "file" | "lines" | "jsonl";

export interface ReadOptions {
  mode: DocumentMode;
  /** The JSONL field holding the text (mode "jsonl"). */
  field: string;
  invalidUtf8: InvalidUtf8Mode;
  skipInvalid: boolean;
  batchChars: number;
}

export interface InvalidDocument {
  input: number;
  line: number;
  reason: string;
}

/** How many invalid documents the index lists one by one (all are counted). */
export const INVALID_LISTED = 100;

export interface ReadStats {
  empty: number;
  invalid: number;
  invalidListed: InvalidDocument[];
  /** Bytes of the input files read so far (compressed bytes for .gz). */
  bytesRead: number;
}

export interface DocBatch {
  texts: string[];
  inputs: number[];
  lines: number[];
  chars: number;
}

const READ_CHUNK = 1 << 20;
const NL = 0x0a;

function newBatch(): DocBatch {
  return { texts: [], inputs: [], lines: [], chars: 0 };
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** What the stream of one input file gives: its (decompressed) bytes, and the raw bytes read so far. */
function openInput(fs: typeof Fs, zlib: typeof Zlib, path: string): { bytes: AsyncIterable<Uint8Array>; rawRead(): number; close(): void } {
  const raw = fs.createReadStream(path, { highWaterMark: READ_CHUNK });
  if (!path.endsWith(".gz")) return { bytes: raw, rawRead: () => raw.bytesRead, close: () => raw.destroy() };
  const gunzip = zlib.createGunzip({ chunkSize: READ_CHUNK });
  raw.on("error", (e) => gunzip.destroy(e));
  raw.pipe(gunzip);
  return {
    bytes: gunzip,
    rawRead: () => raw.bytesRead,
    close: () => {
      raw.destroy();
      gunzip.destroy();
    },
  };
}

export async function* readDocuments(
  fs: typeof Fs,
  zlib: typeof Zlib,
  inputs: readonly { index: number; path: string }[],
  opts: ReadOptions,
  stats: ReadStats,
): AsyncGenerator<DocBatch> {
  const fatal = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  const lenient = new TextDecoder("utf-8", { ignoreBOM: true });
  const strict = opts.invalidUtf8 === "error";
  // ASCII blocks (buffer.isAscii, SIMD) decode as latin1, several times faster than a
  // TextDecoder in Node 20; the rest goes through the fatal TextDecoder (which was faster than
  // Buffer#toString on multilingual text).
  const buffer = nodeBuiltin<{ isAscii?: (b: Uint8Array) => boolean; Buffer: { from(ab: ArrayBufferLike, off: number, len: number): { latin1Slice(): string } } }>("node:buffer");
  const ascii = (bytes: Uint8Array): string | undefined =>
    buffer?.isAscii?.(bytes) ? buffer.Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).latin1Slice() : undefined;
  const decodeLenient = (bytes: Uint8Array): string => ascii(bytes) ?? lenient.decode(bytes);
  const decodeStrict = (bytes: Uint8Array): string | undefined => {
    const a = ascii(bytes);
    if (a !== undefined) return a;
    try {
      return fatal.decode(bytes);
    } catch {
      return undefined;
    }
  };
  let batch = newBatch();
  let bytesDone = 0;

  for (const { index, path } of inputs) {
    const invalid = (line: number, reason: string): void => {
      if (!opts.skipInvalid) throw new ShardInputError(path, line, reason);
      stats.invalid++;
      if (stats.invalidListed.length < INVALID_LISTED) stats.invalidListed.push({ input: index, line, reason });
    };
    const utf8Reason = (bytes: Uint8Array, base: number): string => {
      const at = Math.max(0, firstInvalidUtf8(bytes, true));
      return (
        `not UTF-8: invalid byte sequence ${hexBytes(bytes.subarray(at, at + 4))} at byte ${base + at}; ` +
        `pass --invalid-utf8 replace (invalidUtf8: "replace") to read each ill-formed sequence as U+FFFD`
      );
    };
    const push = (text: string, line: number): void => {
      if (text === "") {
        stats.empty++;
        return;
      }
      batch.texts.push(text);
      batch.inputs.push(index);
      batch.lines.push(line);
      batch.chars += text.length;
    };
    const onLine = (text: string, line: number): void => {
      if (text.endsWith("\r")) text = text.slice(0, -1);
      if (opts.mode === "lines") return push(text, line);
      if (line === 1 && text.startsWith("\uFEFF")) text = text.slice(1);
      if (text.trim() === "") {
        stats.empty++;
        return;
      }
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch (e) {
        return invalid(line, `invalid JSON: ${(e as Error).message}`);
      }
      if (doc === null || typeof doc !== "object" || Array.isArray(doc) || !Object.hasOwn(doc, opts.field)) {
        return invalid(line, `no field ${JSON.stringify(opts.field)} in this JSON line`);
      }
      const v = (doc as Record<string, unknown>)[opts.field];
      if (typeof v !== "string") return invalid(line, `field ${JSON.stringify(opts.field)} is not a string (got ${v === null ? "null" : typeof v})`);
      push(v, line);
    };

    let line = 0;
    let offset = 0; // decompressed byte offset of the first byte not yet cut into lines
    /** Complete lines (bytes ending with \n unless final). */
    const onBlock = (bytes: Uint8Array, final: boolean): void => {
      const text = strict ? decodeStrict(bytes) : decodeLenient(bytes);
      if (text !== undefined) {
        // "\n" is one byte and one code unit, and never part of an ill-formed sequence: the
        // lines of the text are the lines of the bytes.
        let p = 0;
        for (;;) {
          const nl = text.indexOf("\n", p);
          if (nl < 0) {
            if (final && p < text.length) onLine(text.slice(p), ++line);
            break;
          }
          onLine(text.slice(p, nl), ++line);
          p = nl + 1;
        }
      } else {
        let p = 0;
        while (p < bytes.length) {
          let nl = bytes.indexOf(NL, p);
          if (nl < 0) nl = bytes.length;
          const lineBytes = bytes.subarray(p, nl);
          line++;
          let t: string | undefined;
          try {
            t = fatal.decode(lineBytes);
          } catch {
            invalid(line, utf8Reason(lineBytes, offset + p));
          }
          if (t !== undefined) onLine(t, line);
          p = nl + 1;
        }
      }
      offset += bytes.length;
    };

    const input = openInput(fs, zlib, path);
    try {
      if (opts.mode === "file") {
        const parts: Uint8Array[] = [];
        let total = 0;
        for await (const chunk of input.bytes) {
          parts.push(chunk);
          total += chunk.length;
          stats.bytesRead = bytesDone + input.rawRead();
        }
        const bytes = concat(parts, total);
        const text = strict ? decodeStrict(bytes) : decodeLenient(bytes);
        if (text !== undefined) push(text, 0);
        else invalid(0, utf8Reason(bytes, 0));
      } else {
        let pending: Uint8Array[] = [];
        let pendingBytes = 0;
        for await (const chunk of input.bytes) {
          const last = chunk.lastIndexOf(NL);
          if (last < 0) {
            pending.push(chunk);
            pendingBytes += chunk.length;
          } else {
            pending.push(chunk.subarray(0, last + 1));
            onBlock(concat(pending, pendingBytes + last + 1), false);
            pending = last + 1 < chunk.length ? [chunk.slice(last + 1)] : [];
            pendingBytes = chunk.length - last - 1;
          }
          stats.bytesRead = bytesDone + input.rawRead();
          if (batch.chars >= opts.batchChars) {
            yield batch;
            batch = newBatch();
          }
        }
        if (pendingBytes > 0) onBlock(concat(pending, pendingBytes), true);
      }
    } catch (e) {
      if (e instanceof ShardInputError) throw e;
      const err = e as { code?: string; message?: string };
      const reason =
        err.code === "ENOENT" ? "No such file or directory" : err.code === "EISDIR" ? "Is a directory" : err.code === "EACCES" ? "Permission denied" : String(err.message ?? e);
      throw new ShardReadError(path, path.endsWith(".gz") && err.code?.startsWith("Z_") ? `not a valid gzip file (${reason})` : reason);
    } finally {
      input.close(); // also when the consumer stops early (an error while writing)
    }
    bytesDone += input.rawRead();
    stats.bytesRead = bytesDone;
    if (batch.chars >= opts.batchChars) {
      yield batch;
      batch = newBatch();
    }
  }
  if (batch.texts.length > 0) yield batch;
}
