/**
 * Truncation of tokenizer.json encodings (tokenizers/src/utils/truncation.rs and
 * `Encoding::truncate`): max_length, stride, strategy, direction, with overflowing parts.
 */
import { InvalidArgumentError } from "../errors.js";
import { emptyEnc, sliceEnc, type SeqEnc } from "./encoding.js";

export type TruncationStrategy = "longest_first" | "only_first" | "only_second";
export type Direction = "right" | "left";

export interface TruncationParams {
  maxLength: number;
  stride: number;
  strategy: TruncationStrategy;
  direction: Direction;
}

/**
 * HF `Encoding::truncate`: keeps `maxLen` tokens (from the right end with direction "left"),
 * the rest as overflowing parts of `maxLen` tokens that overlap by `stride`.
 */
export function truncateEnc(e: SeqEnc, maxLen: number, stride: number, direction: Direction): void {
  const len = e.ids.length;
  if (maxLen >= len) return;
  if (maxLen === 0) {
    const whole = { ...e };
    Object.assign(e, emptyEnc(), { text: e.text, overflowing: [whole] });
    return;
  }
  if (stride >= maxLen) {
    throw new InvalidArgumentError(`truncation: stride ${stride} must be less than the length ${maxLen} a sequence is cut to (HF panics here)`);
  }
  const step = maxLen - stride;
  const ranges: Array<[number, number]> = [];
  if (direction === "right") {
    for (let start = 0; start < len; start += step) {
      const stop = Math.min(start + maxLen, len);
      ranges.push([start, stop]);
      if (stop === len) break;
    }
  } else {
    for (let s = len - 1; s >= 0; s -= step) {
      const stop = s + 1;
      const start = stop < maxLen ? 0 : stop - maxLen;
      ranges.push([start, stop]);
      if (start === 0) break;
    }
  }
  const parts = ranges.map(([a, b]) => sliceEnc(e, a, b));
  const first = parts[0]!;
  first.overflowing = parts.slice(1);
  Object.assign(e, first);
}

/** HF `truncate_encodings`. */
export function truncateEncodings(a: SeqEnc, b: SeqEnc | null, p: TruncationParams): void {
  if (p.maxLength === 0) {
    truncateEnc(a, 0, p.stride, p.direction);
    if (b) truncateEnc(b, 0, p.stride, p.direction);
    return;
  }
  const total = a.ids.length + (b ? b.ids.length : 0);
  if (total <= p.maxLength) return;
  const toRemove = total - p.maxLength;
  if (p.strategy === "longest_first") {
    if (b === null) {
      truncateEnc(a, total - toRemove, p.stride, p.direction);
      return;
    }
    let n1 = a.ids.length;
    let n2 = b.ids.length;
    const swap = n1 > n2;
    if (swap) [n1, n2] = [n2, n1];
    n2 = n1 > p.maxLength ? n1 : Math.max(n1, p.maxLength - n1);
    if (n1 + n2 > p.maxLength) {
      n1 = Math.floor(p.maxLength / 2);
      n2 = n1 + (p.maxLength % 2);
    }
    if (swap) [n1, n2] = [n2, n1];
    truncateEnc(a, n1, p.stride, p.direction);
    truncateEnc(b, n2, p.stride, p.direction);
    return;
  }
  const target = p.strategy === "only_first" ? a : b;
  if (target === null) throw new InvalidArgumentError("truncation: strategy only_second needs a pair of sequences");
  const n = target.ids.length;
  if (n <= toRemove) {
    throw new InvalidArgumentError(`truncation: the ${p.strategy === "only_first" ? "first" : "second"} sequence (${n} tokens) is too short to remove the ${toRemove} tokens max_length ${p.maxLength} asks for`);
  }
  truncateEnc(target, n - toRemove, p.stride, p.direction);
}


/** Truncation as an option of encode / encodePair / setTruncation (HF's `TruncationParams`). */
export interface HfTruncationOptions {
  /** Most tokens in the result, the post-processor's special tokens included. */
  maxLength: number;
  /** Tokens each overflowing part repeats from the part before it. Default 0. */
  stride?: number;
  /** Which sequence of a pair loses tokens. Default "longest_first". */
  strategy?: TruncationStrategy;
  /** "right" (default) drops tokens from the end, "left" from the start. */
  direction?: Direction;
}

const STRATEGIES: Record<string, TruncationStrategy> = {
  longest_first: "longest_first",
  only_first: "only_first",
  only_second: "only_second",
  LongestFirst: "longest_first",
  OnlyFirst: "only_first",
  OnlySecond: "only_second",
};

function count(v: unknown, what: string, dflt?: number): number {
  if (v == null && dflt !== undefined) return dflt;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) throw new InvalidArgumentError(`${what} must be a non-negative integer, got ${JSON.stringify(v)}`);
  return v;
}

export function directionOf(v: unknown, what: string): Direction {
  if (v == null) return "right";
  if (v === "right" || v === "Right") return "right";
  if (v === "left" || v === "Left") return "left";
  throw new InvalidArgumentError(`${what} must be "right" or "left", got ${JSON.stringify(v)}`);
}

function params(maxLength: unknown, stride: unknown, strategy: unknown, direction: unknown, where: string): TruncationParams {
  const s = strategy == null ? "longest_first" : STRATEGIES[String(strategy)];
  if (s === undefined || typeof strategy === "object") throw new InvalidArgumentError(`${where} strategy must be longest_first, only_first or only_second, got ${JSON.stringify(strategy)}`);
  return {
    maxLength: count(maxLength, `${where} max_length`),
    stride: count(stride, `${where} stride`, 0),
    strategy: s,
    direction: directionOf(direction, `${where} direction`),
  };
}

/** The file's "truncation" field (null: none). */
export function truncationFromJson(j: unknown): TruncationParams | null {
  if (j == null) return null;
  if (typeof j !== "object") throw new InvalidArgumentError(`tokenizer.json: truncation must be an object or null, got ${JSON.stringify(j)}`);
  const o = j as Record<string, unknown>;
  return params(o.max_length, o.stride, o.strategy, o.direction, "tokenizer.json: truncation");
}

/** An option's truncation (null: none). */
export function truncationFromOptions(o: HfTruncationOptions | null): TruncationParams | null {
  if (o === null) return null;
  if (typeof o !== "object") throw new InvalidArgumentError(`truncation must be an object or null, got ${JSON.stringify(o)}`);
  return params(o.maxLength, o.stride, o.strategy, o.direction, "truncation");
}
