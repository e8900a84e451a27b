/**
 * The WASM engine of the HuggingFace merge-list BPE: owns one instance of
 * build/tokenmill-hf.wasm (assembly/hf/index.ts; a separate binary from the OpenAI core, so the
 * per-encoding browser entries do not carry it) per loaded tokenizer.
 *
 * One call per batch of pre-tokens: their UTF-8 is written back to back into the input arena
 * (by hand: no per-piece TextEncoder call or subarray), their cumulative byte ends into the
 * bounds array; the core writes ids, token byte lengths, and replaces each bound with the
 * cumulative token end of its word. Same ids as BpeModel.tokenize (without dropout).
 */
import { TokenmillError } from "../errors.js";
import { HF_WASM_BYTES } from "../generated/wasm-hf.js";
import { latin1Bytes } from "../shared/latin1.js";
import { byteLevelBytes } from "./byte-level.js";
import { CL100K_PATTERN, O200K_PATTERN } from "../text/patterns.js";
import { PATTERN_CL100K, PATTERN_O200K } from "../engines/engine.js";
import type { BpeModel } from "./models/bpe.js";
import { writeUtf8, type ModelOutput } from "./models/model.js";
import type { NStr } from "./normalized.js";

interface Exports {
  memory: WebAssembly.Memory;
  hfAlloc(size: number): number;
  hfInit(inputCap: number): number;
  inputPtr(): number;
  inputCap(): number;
  boundsPtr(): number;
  idsPtr(): number;
  lensPtr(): number;
  grow(cap: number): void;
  hfEncode(nWords: number, reserved: number): number;
  hfEncodeScan(len: number, pattern: number): number;
}

/** The cl100k_base split regex, as tokenizer.json files write it too (Llama 3). */
const CL100K_SPLIT = CL100K_PATTERN;

/** The core's scanner flag for `\p{N}` in place of `\p{N}{1,3}` (assembly/pretok/scan.ts, same value). */
const PATTERN_SINGLE_DIGITS = 0x100;

/** Qwen 2/3: the same with `\p{N}` for `\p{N}{1,3}` (single digits). */
const QWEN_SPLIT = CL100K_SPLIT.replace(String.raw`\p{N}{1,3}`, String.raw`\p{N}`);

/** The core's scanner flag for o200k without its contraction suffixes (assembly/pretok/scan.ts, same value). */
const PATTERN_NO_CONTRACTIONS = 0x200;

/** Mistral's Tekken (NeMo and later): o200k_base's regex without the contraction suffixes, single digits. */
const TEKKEN_SPLIT = O200K_PATTERN.replaceAll(String.raw`(?i:'s|'t|'re|'ve|'m|'ll|'d)?`, "").replace(String.raw`\p{N}{1,3}`, String.raw`\p{N}`);

/**
 * The core scanner (hfEncodeScan's pattern) that pre-tokenizes exactly like this pipeline's
 * pre-tokenizer, or -1: Split(cl100k, Qwen or Tekken regex, Isolated) then ByteLevel without its regex.
 * (The normalizer runs before, in TS, whatever it is.)
 */
export function scannerFor(json: Record<string, unknown>): number {
  const pre = json.pre_tokenizer as Record<string, unknown> | null | undefined;
  if (pre == null || pre.type !== "Sequence" || !Array.isArray(pre.pretokenizers) || pre.pretokenizers.length !== 2) return -1;
  const [split, bl] = pre.pretokenizers as Array<Record<string, unknown>>;
  const pat = split?.pattern as Record<string, unknown> | undefined;
  if (split?.type !== "Split" || split.invert === true || (split.behavior ?? "Isolated") !== "Isolated") return -1;
  if (bl?.type !== "ByteLevel" || bl.add_prefix_space === true || bl.use_regex !== false) return -1;
  if (pat?.Regex === CL100K_SPLIT) return PATTERN_CL100K;
  if (pat?.Regex === TEKKEN_SPLIT) return PATTERN_O200K | PATTERN_NO_CONTRACTIONS | PATTERN_SINGLE_DIGITS;
  return pat?.Regex === QWEN_SPLIT ? PATTERN_CL100K | PATTERN_SINGLE_DIGITS : -1;
}

/** Receives one piece's tokens, byte offsets within the piece. */
export type PieceSink = (p: NStr, out: ModelOutput) => void;
/** Receives an added token of the batch (see encodePieces). */
export type FixedSink = (p: NStr, id: number) => void;

const NONE = 0xffffffff;
const INITIAL_INPUT_CAP = 1 << 16;
const utf8 = new TextEncoder();

let compiled: WebAssembly.Module | undefined;


export function compileHfWasmSync(): WebAssembly.Module {
  return (compiled ??= new WebAssembly.Module(latin1Bytes(HF_WASM_BYTES) as BufferSource));
}

export async function compileHfWasm(): Promise<WebAssembly.Module> {
  return (compiled ??= await WebAssembly.compile(latin1Bytes(HF_WASM_BYTES) as BufferSource));
}

const imports = {
  env: {
    abort() {
      throw new TokenmillError("WASM_ABORT", "tokenmill: the WebAssembly engine aborted");
    },
  },
};

/**
 * The model as the core reads it (layout in assembly/hf/model.ts), or null when the model uses
 * something only the TS merge loop does (dropout, continuing_subword_prefix /
 * end_of_word_suffix, a byte-level alphabet with missing bytes, an unk_token not in the vocab).
 */
export function serializeBpe(model: BpeModel, byteLevel: boolean): Uint8Array | null {
  if (model.dropout > 0 || model.prefix !== null || model.suffix !== null) return null;
  const { byteIds, fallbackIds } = model.byteTables;
  if (byteLevel && byteIds.some((id) => id < 0)) return null;
  let unk = NONE;
  if (!byteLevel && model.unkToken !== null) {
    const u = model.vocab.get(model.unkToken);
    if (u === undefined) return null;
    unk = u;
  }
  // single-char tokens (char-level models)
  const chars: number[] = [];
  if (!byteLevel) {
    for (const [tok, id] of model.vocab) {
      const cp = tok.codePointAt(0);
      if (cp !== undefined && tok.length === (cp > 0xffff ? 2 : 1)) chars.push(cp, id);
    }
  }
  // whole-word entries (ignore_merges): the bytes the core sees for each token
  const wordChunks: Uint8Array[] = [];
  const wordIdList: number[] = [];
  let wordLen = 0;
  if (model.ignoreMerges) {
    for (const [tok, id] of model.vocab) {
      const b = byteLevel ? byteLevelBytes(tok) : utf8.encode(tok);
      if (b === null || b.length === 0) continue;
      wordChunks.push(b);
      wordIdList.push(id);
      wordLen += b.length;
    }
  }
  const triples = model.mergeTriples;
  const nMerges = triples.length / 3;
  const nChars = chars.length / 2;
  const nWords = wordIdList.length;
  // word segments (BpeModel.useWordSegments): the marker and the chars not cut after
  const seg = byteLevel ? null : model.segments;
  const noSplit = seg ? [...seg.noSplitAfter] : [];
  const headerWords = 9 + 512 + triples.length + chars.length + noSplit.length + (nWords + 1) + nWords;
  const blob = new Uint8Array(headerWords * 4 + wordLen);
  const u32 = new Uint32Array(blob.buffer, 0, headerWords);
  u32[0] = 0x31424648; // "HFB1"
  u32[1] = (byteLevel ? 1 : 0) | (model.byteFallback ? 2 : 0) | (model.fuseUnk ? 4 : 0) | (model.ignoreMerges ? 8 : 0) | (seg?.cutAfterUnknown ? 16 : 0);
  u32[2] = unk;
  u32[3] = nMerges;
  u32[4] = nChars;
  u32[5] = nWords;
  u32[6] = wordLen;
  u32[7] = seg ? seg.marker : 0;
  u32[8] = noSplit.length;
  let o = 9;
  for (let b = 0; b < 256; b++) u32[o++] = byteIds[b]! < 0 ? NONE : byteIds[b]!;
  for (let b = 0; b < 256; b++) u32[o++] = fallbackIds[b]! < 0 ? NONE : fallbackIds[b]!;
  u32.set(triples, o);
  o += triples.length;
  for (let i = 0; i < chars.length; i++) u32[o++] = chars[i]!;
  for (const cp of noSplit) u32[o++] = cp;
  let off = 0;
  for (let w = 0; w < nWords; w++) {
    u32[o++] = off;
    off += wordChunks[w]!.length;
  }
  u32[o++] = off;
  for (let w = 0; w < nWords; w++) u32[o++] = wordIdList[w]!;
  let at = o * 4;
  for (const c of wordChunks) {
    blob.set(c, at);
    at += c.length;
  }
  return blob;
}

export class HfWasmBpe {
  private readonly ex: Exports;
  private u8!: Uint8Array;
  private u32!: Uint32Array;
  private inPtr = 0;
  private inCap = 0;
  private boundsIdx = 0;
  private idsIdx = 0;
  private lensIdx = 0;
  private readonly scratch: ModelOutput = { ids: [], offs: [] };

  constructor(module: WebAssembly.Module, blob: Uint8Array) {
    const instance = new WebAssembly.Instance(module, imports);
    this.ex = instance.exports as unknown as Exports;
    const at = this.ex.hfAlloc(blob.length);
    new Uint8Array(this.ex.memory.buffer).set(blob, at);
    if (this.ex.hfInit(INITIAL_INPUT_CAP) !== 0) throw new TokenmillError("VOCAB_FORMAT", "the WebAssembly engine rejected the BPE model");
    this.refresh();
  }

  get memoryBytes(): number {
    return this.ex.memory.buffer.byteLength;
  }

  private refresh(): void {
    const buf = this.ex.memory.buffer;
    this.u8 = new Uint8Array(buf);
    this.u32 = new Uint32Array(buf);
    this.inPtr = this.ex.inputPtr();
    this.inCap = this.ex.inputCap();
    this.boundsIdx = this.ex.boundsPtr() >>> 2;
    this.idsIdx = this.ex.idsPtr() >>> 2;
    this.lensIdx = this.ex.lensPtr() >>> 2;
  }

  /**
   * Token ids of each piece, appended to `ids`. With `onPiece`, each piece's tokens are handed
   * over with their byte offsets within the piece (as BpeModel.tokenize gives them) instead.
   * `fixed[i] >= 0` says pieces[i] is an added token with that id: it goes out as it is, in
   * order (through `onFixed` when offsets are wanted), so a whole text with its added tokens
   * is one call into the core, not one per stretch between them.
   */
  encodePieces(pieces: NStr[], ids: number[], onPiece?: PieceSink, fixed?: number[], onFixed?: FixedSink): void {
    let pos = 0;
    let w = 0;
    let first = 0;
    for (let i = 0; i < pieces.length; i++) {
      const s = fixed !== undefined && fixed[i]! >= 0 ? "" : pieces[i]!.s;
      const need = s.length * 3;
      if (pos + need > this.inCap || w >= this.inCap) {
        if (w > 0) this.flush(pieces, first, w, ids, onPiece, fixed, onFixed);
        pos = 0;
        w = 0;
        first = i;
        if (need > this.inCap) {
          this.ex.grow(need);
          this.refresh();
        }
      }
      if (s.length > 0) pos = this.writeUtf8(s, pos);
      this.u32[this.boundsIdx + w++] = pos;
    }
    if (w > 0) this.flush(pieces, first, w, ids, onPiece, fixed, onFixed);
  }

  private flush(pieces: NStr[], first: number, nWords: number, ids: number[], onPiece?: PieceSink, fixed?: number[], onFixed?: FixedSink): void {
    const n = this.ex.hfEncode(nWords, 0);
    if (this.u8.buffer !== this.ex.memory.buffer) this.refresh();
    const u32 = this.u32;
    const base = this.idsIdx;
    if (!onPiece && fixed === undefined) {
      for (let k = 0; k < n; k++) ids.push(u32[base + k]!);
      return;
    }
    const out = this.scratch;
    let k = 0;
    for (let w = 0; w < nWords; w++) {
      const end = u32[this.boundsIdx + w]!;
      const id = fixed !== undefined ? fixed[first + w]! : -1;
      if (id >= 0) {
        if (onFixed) onFixed(pieces[first + w]!, id);
        else ids.push(id);
        continue;
      }
      if (!onPiece) {
        for (; k < end; k++) ids.push(u32[base + k]!);
        continue;
      }
      out.ids.length = 0;
      out.offs.length = 0;
      let b = 0;
      for (; k < end; k++) {
        out.ids.push(u32[base + k]!);
        out.offs.push(b, (b += u32[this.lensIdx + k]!));
      }
      onPiece(pieces[first + w]!, out);
    }
  }

  /** Ids of `s` pre-tokenized by the core's scanner `pattern` (see scannerFor), appended to `ids`. */
  encodeScanned(s: string, pattern: number, ids: number[]): void {
    if (s.length === 0) return;
    if (s.length * 3 > this.inCap) {
      this.ex.grow(s.length * 3);
      this.refresh();
    }
    const len = this.writeUtf8(s, 0);
    const n = this.ex.hfEncodeScan(len, pattern);
    if (this.u8.buffer !== this.ex.memory.buffer) this.refresh();
    const u32 = this.u32;
    const base = this.idsIdx;
    for (let k = 0; k < n; k++) ids.push(u32[base + k]!);
  }

  /** UTF-8 of s at inputPtr + pos (lone surrogates → U+FFFD, as TextEncoder); returns the end. */
  private writeUtf8(s: string, pos: number): number {
    return writeUtf8(s, this.u8, this.inPtr + pos) - this.inPtr;
  }
}
