/**
 * Padding of tokenizer.json encodings (tokenizers/src/utils/padding.rs and `Encoding::pad`).
 */
import { InvalidArgumentError } from "../errors.js";
import { directionOf, type Direction } from "./truncation.js";
import type { SeqEnc } from "./encoding.js";

export interface PaddingParams {
  /** Fixed length, or null: the longest encoding of the batch (BatchLongest). */
  length: number | null;
  direction: Direction;
  padToMultipleOf: number | null;
  padId: number;
  padTypeId: number;
}

/** HF `Encoding::pad`: pads the overflowing parts too; pad tokens have mask 1, attention 0. */
export function padEnc(e: SeqEnc, target: number, p: PaddingParams): void {
  for (const o of e.overflowing) padEnc(o, target, p);
  const n = target - e.ids.length;
  if (n <= 0) return;
  const fill = (v: number, k = n) => new Array<number>(k).fill(v);
  const pad = { ids: fill(p.padId), typeIds: fill(p.padTypeId), offs: fill(0, 2 * n), special: fill(1), attention: fill(0) };
  const left = p.direction === "left";
  for (const k of ["ids", "typeIds", "offs", "special", "attention"] as const) {
    e[k] = left ? pad[k].concat(e[k]) : e[k].concat(pad[k]);
  }
}

/** HF `pad_encodings`: one target length for all (the batch's longest, or the fixed one), rounded up. */
export function padEncodings(encs: SeqEnc[], p: PaddingParams): void {
  if (encs.length === 0) return;
  let target = p.length ?? Math.max(...encs.map((e) => e.ids.length));
  const m = p.padToMultipleOf;
  if (m !== null && m > 0 && target % m > 0) target += m - (target % m);
  for (const e of encs) padEnc(e, target, p);
}

/** Padding as an option of encode / encodePair / encodeBatch / setPadding (HF's `PaddingParams`). */
export interface HfPaddingOptions {
  /** Pad every encoding to this length (HF's Fixed strategy); without it, to the batch's longest (BatchLongest). */
  maxLength?: number;
  /** "right" (default) or "left". */
  direction?: Direction;
  /** Round the length up to a multiple of this. */
  padToMultipleOf?: number;
  /** Default 0. */
  padId?: number;
  /** Default 0. */
  padTypeId?: number;
  /** The pad token's string (HF keeps it in `tokens`; tokenmill returns no token strings). Default "[PAD]". */
  padToken?: string;
}

function uint(v: unknown, what: string, dflt: number | null): number | null {
  if (v == null) return dflt;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new InvalidArgumentError(`${what} must be a non-negative integer, got ${JSON.stringify(v)}`);
  return v;
}

/** The file's "padding" field (null: none). */
export function paddingFromJson(j: unknown): PaddingParams | null {
  if (j == null) return null;
  if (typeof j !== "object") throw new InvalidArgumentError(`tokenizer.json: padding must be an object or null, got ${JSON.stringify(j)}`);
  const o = j as Record<string, unknown>;
  let length: number | null = null;
  const s = o.strategy ?? "BatchLongest";
  if (s !== "BatchLongest") {
    const fixed = typeof s === "object" && s !== null ? (s as Record<string, unknown>).Fixed : undefined;
    if (fixed === undefined) throw new InvalidArgumentError(`tokenizer.json: padding strategy must be "BatchLongest" or {"Fixed": n}, got ${JSON.stringify(s)}`);
    length = uint(fixed, "tokenizer.json: padding Fixed length", null);
  }
  return {
    length,
    direction: directionOf(o.direction, "tokenizer.json: padding direction"),
    padToMultipleOf: uint(o.pad_to_multiple_of, "tokenizer.json: padding pad_to_multiple_of", null),
    padId: uint(o.pad_id, "tokenizer.json: padding pad_id", 0)!,
    padTypeId: uint(o.pad_type_id, "tokenizer.json: padding pad_type_id", 0)!,
  };
}

/** An option's padding (null: none). */
export function paddingFromOptions(o: HfPaddingOptions | null): PaddingParams | null {
  if (o === null) return null;
  if (typeof o !== "object") throw new InvalidArgumentError(`padding must be an object or null, got ${JSON.stringify(o)}`);
  return {
    length: uint(o.maxLength, "padding maxLength", null),
    direction: directionOf(o.direction, "padding direction"),
    padToMultipleOf: uint(o.padToMultipleOf, "padding padToMultipleOf", null),
    padId: uint(o.padId, "padding padId", 0)!,
    padTypeId: uint(o.padTypeId, "padding padTypeId", 0)!,
  };
}
