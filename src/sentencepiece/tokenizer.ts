/**
 * A SentencePiece model (`.model` file) that encodes and decodes exactly as SentencePiece
 * (`SentencePieceProcessor::Encode` / `Decode`, checked against spm_encode/spm_decode 0.1.97):
 * normalize (normalizer.ts), segment (unigram.ts or bpe.ts), then the processor's own rules —
 * consecutive unknown pieces fused into one, or spelled as `<0xXX>` byte pieces when the model
 * has byte fallback. Runs in TypeScript (there is no WASM engine for these models, as for HF's
 * Unigram).
 */
import { InvalidArgumentError, InvalidTokenIdError, UnsupportedComponentError } from "../errors.js";
import { ByteTrie } from "../hf/models/byte-trie.js";
import { BpeEncoder } from "./bpe.js";
import { ModelType, parseModelProto, PieceType, type SpModelProto } from "./model-proto.js";
import { ByteSink, SpNormalizer } from "./normalizer.js";
import { toTokenizerJsonObject } from "./to-tokenizer-json.js";
import { UnigramEncoder } from "../hf/models/unigram-viterbi.js";

export interface SentencePieceOptions {
  /** Put the model's `<s>` (bos_piece) first / `</s>` (eos_piece) last, as spm's `--extra_options=bos:eos`. Default false. */
  addBos?: boolean;
  addEos?: boolean;
  /** "auto" or "js": SentencePiece models run in TypeScript ("wasm" is refused). */
  engine?: "auto" | "js" | "wasm";
}

export interface SentencePieceEncodeOptions {
  addBos?: boolean;
  addEos?: boolean;
}

const utf8 = new TextEncoder();
// a U+FEFF that opens a piece is text here, not a byte order mark
const fromUtf8 = new TextDecoder("utf-8", { ignoreBOM: true });
const BYTE_PIECE = /^<0x([0-9A-F]{2})>$/;

function bytePiece(b: number): string {
  return `<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`;
}

export class SentencePieceTokenizer {
  /** "unigram" or "bpe". */
  readonly modelType: "unigram" | "bpe";
  readonly engine = "js" as const;
  /** The parsed model file (pieces with scores and types, trainer and normalizer specs). */
  readonly proto: SpModelProto;
  readonly unkId: number;
  /** Ids of the bos/eos/pad pieces when they are control symbols, else -1 (as spm's `bos_id()`). */
  readonly bosId: number;
  readonly eosId: number;
  readonly padId: number;
  private readonly options: SentencePieceOptions;
  private readonly reserved = new Map<string, number>(); // CONTROL, UNKNOWN, BYTE
  private readonly pieces = new Map<string, number>(); // NORMAL, USER_DEFINED, UNUSED
  private readonly types: Uint8Array;
  private readonly byteIds = new Int32Array(256);
  private readonly byteValue: Int16Array; // id → byte of a BYTE piece, else -1
  private readonly normalizer: SpNormalizer;
  private readonly denormalizer: SpNormalizer | null;
  private readonly unigram: UnigramEncoder | null = null;
  private readonly bpe: BpeEncoder | null = null;
  private readonly sink = new ByteSink();
  private readonly shadowed: boolean;

  constructor(bytes: Uint8Array | ArrayBuffer, options: SentencePieceOptions = {}) {
    if (!(bytes instanceof Uint8Array) && !(bytes instanceof ArrayBuffer)) {
      throw new InvalidArgumentError(`fromSentencePieceModel: expected the .model file's bytes (Uint8Array or ArrayBuffer), got ${bytes === null ? "null" : typeof bytes}`);
    }
    for (const k of Object.keys(options)) {
      if (k !== "addBos" && k !== "addEos" && k !== "engine") throw new InvalidArgumentError(`fromSentencePieceModel: unknown option ${JSON.stringify(k)}`);
    }
    if (options.engine === "wasm") throw new InvalidArgumentError('fromSentencePieceModel: SentencePiece models run in TypeScript; engine "wasm" is not available for them');
    if (options.engine !== undefined && options.engine !== "auto" && options.engine !== "js") throw new InvalidArgumentError(`fromSentencePieceModel: engine must be "auto" or "js", got ${JSON.stringify(options.engine)}`);
    this.options = { ...options };
    const proto = parseModelProto(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes));
    this.proto = proto;
    const ts = proto.trainerSpec;
    if (ts.modelType === ModelType.UNIGRAM) this.modelType = "unigram";
    else if (ts.modelType === ModelType.BPE) this.modelType = "bpe";
    else throw new UnsupportedComponentError(`SentencePiece model type ${ts.modelType === ModelType.WORD ? "WORD" : ts.modelType === ModelType.CHAR ? "CHAR" : ts.modelType}`, "unigram and BPE models are supported");
    const n = proto.pieces.length;
    this.types = new Uint8Array(n);
    this.byteValue = new Int16Array(n).fill(-1);
    let unk = -1;
    const userDefined: string[] = [];
    proto.pieces.forEach((p, id) => {
      this.types[id] = p.type;
      const normal = p.type === PieceType.NORMAL || p.type === PieceType.USER_DEFINED || p.type === PieceType.UNUSED;
      const map = normal ? this.pieces : this.reserved;
      if (map.has(p.piece)) throw new InvalidArgumentError(`SentencePiece model: piece ${JSON.stringify(p.piece)} is defined twice (ids ${map.get(p.piece)} and ${id})`);
      map.set(p.piece, id);
      if (p.type === PieceType.USER_DEFINED) userDefined.push(p.piece);
      if (p.type === PieceType.UNKNOWN) {
        if (unk >= 0) throw new InvalidArgumentError(`SentencePiece model: two unknown pieces (ids ${unk} and ${id})`);
        unk = id;
      }
      if (p.type === PieceType.BYTE) {
        const m = BYTE_PIECE.exec(p.piece);
        if (!ts.byteFallback) throw new InvalidArgumentError(`SentencePiece model: byte piece ${p.piece} (id ${id}) although byte_fallback is false`);
        if (m === null) throw new InvalidArgumentError(`SentencePiece model: invalid byte piece ${JSON.stringify(p.piece)} (id ${id})`);
        this.byteValue[id] = parseInt(m[1]!, 16);
      }
    });
    if (unk < 0) throw new InvalidArgumentError("SentencePiece model: no unknown piece (<unk>)");
    this.unkId = unk;
    this.shadowed = [...this.reserved.keys()].some((k) => this.pieces.has(k));
    for (let b = 0; b < 256; b++) this.byteIds[b] = this.pieceToId(bytePiece(b));
    if (ts.byteFallback) {
      for (let b = 0; b < 256; b++) if (this.byteIds[b] === unk) throw new InvalidArgumentError(`SentencePiece model: byte_fallback without the byte piece ${bytePiece(b)}`);
    }
    const controlId = (piece: string): number => {
      const id = this.reserved.get(piece);
      return id !== undefined && this.types[id] === PieceType.CONTROL ? id : -1;
    };
    this.bosId = controlId(ts.bosPiece);
    this.eosId = controlId(ts.eosPiece);
    this.padId = controlId(ts.padPiece);

    let userTrie: ByteTrie | null = null;
    if (userDefined.length > 0) {
      userTrie = new ByteTrie();
      for (const u of userDefined) userTrie.insert(utf8.encode(u), 1);
    }
    this.normalizer = new SpNormalizer(proto.normalizerSpec, userTrie, ts.treatWhitespaceAsSuffix);
    const dn = proto.denormalizerSpec;
    this.denormalizer = dn !== null && dn.precompiledCharsmap.length > 0 ? new SpNormalizer(dn, null, false) : null;

    const scores = new Float64Array(n);
    proto.pieces.forEach((p, id) => (scores[id] = p.score));
    const unused = new Uint8Array(n);
    proto.pieces.forEach((p, id) => (unused[id] = p.type === PieceType.UNUSED ? 1 : 0));
    if (this.modelType === "unigram") {
      const trie = new ByteTrie();
      const ud = new Uint8Array(n);
      const byteLength = new Int32Array(n);
      const normalScores: number[] = [];
      proto.pieces.forEach((p, id) => {
        if (p.type === PieceType.NORMAL) normalScores.push(p.score);
        if (p.type === PieceType.USER_DEFINED) ud[id] = 1;
        if (p.type === PieceType.NORMAL || p.type === PieceType.USER_DEFINED || p.type === PieceType.UNUSED) {
          if (p.piece.length === 0) throw new InvalidArgumentError(`SentencePiece model: empty piece (id ${id})`);
          const key = utf8.encode(p.piece);
          byteLength[id] = key.length;
          trie.insert(key, id);
        }
      });
      this.unigram = new UnigramEncoder({ trie, scores, userDefined: ud, unused, byteLength, normalScores, unkId: unk });
    } else {
      let userSymbols: Map<number, string[]> | null = null;
      if (userDefined.length > 0) {
        userSymbols = new Map();
        for (const u of [...userDefined].sort((a, b) => b.length - a.length)) {
          const k = u.charCodeAt(0);
          if (!userSymbols.has(k)) userSymbols.set(k, []);
          userSymbols.get(k)!.push(u);
        }
      }
      this.bpe = new BpeEncoder({ pieces: this.pieces, scores, unused, userSymbols });
    }
  }

  /**
   * The model as a HuggingFace tokenizer.json (text) that `tokenizers` and `fromTokenizerJson`
   * load with the same ids on ordinary text; see src/sentencepiece/to-tokenizer-json.ts for what
   * it cannot carry over.
   */
  toTokenizerJson(): string {
    return JSON.stringify(toTokenizerJsonObject(this));
  }

  /** Number of pieces (ids are 0 .. vocabSize - 1). */
  get vocabSize(): number {
    return this.types.length;
  }

  /** spm's `PieceToId`: control, unknown and byte pieces first, then the others; the unknown id for any other string. */
  pieceToId(piece: string): number {
    return this.reserved.get(piece) ?? this.pieces.get(piece) ?? this.unkId;
  }

  /** The piece of an id (`IdToPiece`); throws InvalidTokenIdError outside [0, vocabSize). */
  idToPiece(id: number): string {
    this.checkId(id, 0);
    return this.proto.pieces[id]!.piece;
  }

  /** The score of an id, as stored (a float32). */
  score(id: number): number {
    this.checkId(id, 0);
    return this.proto.pieces[id]!.score;
  }

  isControl(id: number): boolean {
    return this.types[id] === PieceType.CONTROL;
  }
  isUnknown(id: number): boolean {
    return this.types[id] === PieceType.UNKNOWN;
  }
  isByte(id: number): boolean {
    return this.types[id] === PieceType.BYTE;
  }
  isUnused(id: number): boolean {
    return this.types[id] === PieceType.UNUSED;
  }
  isUserDefined(id: number): boolean {
    return this.types[id] === PieceType.USER_DEFINED;
  }

  /** The text as SentencePiece normalizes it (spaces as "▁"), as `spm_normalize` prints it. */
  normalize(text: string): string {
    this.normalizer.normalize(utf8.encode(text), this.sink);
    const s = fromUtf8.decode(this.sink.buf.subarray(0, this.sink.len));
    this.sink.release();
    return s;
  }

  /** Ids of `text`, as `spm_encode --output_format=id` (one sentence: a "\n" is an ordinary character). */
  encode(text: string, options?: SentencePieceEncodeOptions): Uint32Array {
    const ids: number[] = [];
    this.run(text, options, (id) => ids.push(id), null);
    return Uint32Array.from(ids);
  }

  /** `encode(text).length`. */
  count(text: string, options?: SentencePieceEncodeOptions): number {
    let n = 0;
    this.run(text, options, () => n++, null);
    return n;
  }

  /**
   * The pieces of `text`, as `spm_encode --output_format=piece`: a run of unknown characters is
   * one piece spelled as the (normalized) text, byte fallback gives `<0xXX>` pieces.
   */
  encodeAsPieces(text: string, options?: SentencePieceEncodeOptions): string[] {
    const out: string[] = [];
    this.run(text, options, null, out);
    return out;
  }

  private run(text: string, options: SentencePieceEncodeOptions | undefined, onId: ((id: number) => void) | null, pieces: string[] | null): void {
    if (typeof text !== "string") throw new InvalidArgumentError(`encode: expected a string, got ${text === null ? "null" : typeof text}`);
    const addBos = options?.addBos ?? this.options.addBos ?? false;
    const addEos = options?.addEos ?? this.options.addEos ?? false;
    if (addBos) {
      if (this.bosId < 0) throw new InvalidArgumentError(`encode: addBos, but the model has no control piece ${JSON.stringify(this.proto.trainerSpec.bosPiece)}`);
      onId?.(this.bosId);
      pieces?.push(this.proto.trainerSpec.bosPiece);
    }
    this.normalizer.normalize(utf8.encode(text), this.sink);
    const buf = this.sink.buf;
    const len = this.sink.len;
    const byteFallback = this.proto.trainerSpec.byteFallback;
    const unk = this.unkId;
    let prevUnk = false;
    const dec = pieces !== null ? fromUtf8 : null;
    // PopulateSentencePieceText: byte fallback, or consecutive unknowns fused into one piece
    const take = (id: number, start: number, end: number, piece: string | null): void => {
      const isUnk = id === unk;
      if (isUnk && byteFallback) {
        for (let i = start; i < end; i++) {
          onId?.(this.byteIds[buf[i]!]!);
          pieces?.push(bytePiece(buf[i]!));
        }
      } else if (isUnk && prevUnk) {
        if (pieces !== null) pieces[pieces.length - 1] += piece ?? dec!.decode(buf.subarray(start, end));
      } else {
        onId?.(id);
        pieces?.push(piece ?? dec!.decode(buf.subarray(start, end)));
      }
      prevUnk = isUnk;
    };
    if (this.unigram !== null) {
      this.unigram.encode(buf, len, (s, e, id) => take(id, s, e, null));
    } else {
      const normalized = fromUtf8.decode(buf.subarray(0, len));
      // spm's PieceToId looks at control/unknown/byte pieces first: only a piece spelled like
      // one of them (never in a trained model) needs the lookup by string
      const shadowed = this.shadowed;
      this.bpe!.encode(normalized, (s, e, pid) => {
        const w = pieces !== null || pid < 0 || shadowed ? normalized.slice(s, e) : "";
        const id = pid < 0 || shadowed ? this.pieceToId(w) : pid;
        if (id === unk && byteFallback) {
          for (const x of utf8.encode(normalized.slice(s, e))) {
            onId?.(this.byteIds[x]!);
            pieces?.push(bytePiece(x));
          }
          prevUnk = true;
        } else take(id, 0, 0, w);
      });
    }
    this.sink.release();
    if (addEos) {
      if (this.eosId < 0) throw new InvalidArgumentError(`encode: addEos, but the model has no control piece ${JSON.stringify(this.proto.trainerSpec.eosPiece)}`);
      onId?.(this.eosId);
      pieces?.push(this.proto.trainerSpec.eosPiece);
    }
  }

  private checkId(id: unknown, position: number): asserts id is number {
    if (typeof id !== "number" || !Number.isInteger(id) || id < 0 || id >= this.types.length) {
      throw new InvalidTokenIdError(id, position, this.types.length);
    }
  }

  /** Text of ids, as `spm_decode --input_format=id`. Throws InvalidTokenIdError for an id outside the model. */
  decode(ids: ArrayLike<number>): string {
    const pieces: string[] = new Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      this.checkId(ids[i], i);
      pieces[i] = this.proto.pieces[ids[i]!]!.piece;
    }
    return this.decodePieces(pieces);
  }

  /** Text of pieces, as `spm_decode --input_format=piece` (a piece not in the model is unknown, decoded as itself). */
  decodePieces(pieces: readonly string[]): string {
    const ns = this.proto.normalizerSpec;
    const stripBosWs = ns.addDummyPrefix || ns.removeExtraWhitespaces;
    const unkSurface = this.proto.trainerSpec.unkSurface;
    let text = "";
    let isBosWs = true;
    let bosWsSeen = false;
    const bytes: number[] = [];
    for (const w of pieces) {
      const id = this.pieceToId(w);
      const b = this.byteValue[id]!;
      if (b >= 0 && this.types[id] === PieceType.BYTE) {
        bytes.push(b);
        continue;
      }
      if (bytes.length > 0) {
        text += decodeBytesAsSpm(bytes);
        bytes.length = 0;
      }
      if (bosWsSeen || text.length > 0) isBosWs = false;
      // DecodeSentencePiece
      let piece = w;
      bosWsSeen = false;
      if (this.types[id] === PieceType.CONTROL) continue;
      if (this.types[id] === PieceType.UNKNOWN) {
        text += this.proto.pieces[id]!.piece === w ? unkSurface : w;
        continue;
      }
      if (isBosWs && stripBosWs && piece.startsWith("\u2581")) {
        piece = piece.slice(1);
        bosWsSeen = !ns.removeExtraWhitespaces;
      }
      text += piece.replaceAll("\u2581", " ");
    }
    if (bytes.length > 0) text += decodeBytesAsSpm(bytes);
    if (this.denormalizer !== null) {
      this.denormalizer.normalize(utf8.encode(text), this.sink);
      text = fromUtf8.decode(this.sink.buf.subarray(0, this.sink.len));
      this.sink.release();
    }
    return text;
  }
}

/** spm's byte-piece decoding: each well-formed UTF-8 character, else one U+FFFD per byte. */
function decodeBytesAsSpm(b: number[]): string {
  let s = "";
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    let cp = -1;
    let n = 1;
    const t = (k: number): boolean => i + k < b.length && (b[i + k]! & 0xc0) === 0x80;
    if (c < 0x80) cp = c;
    else if ((c & 0xe0) === 0xc0 && t(1)) {
      cp = ((c & 0x1f) << 6) | (b[i + 1]! & 0x3f);
      n = 2;
      if (cp < 0x80) cp = -1;
    } else if ((c & 0xf0) === 0xe0 && t(1) && t(2)) {
      cp = ((c & 0x0f) << 12) | ((b[i + 1]! & 0x3f) << 6) | (b[i + 2]! & 0x3f);
      n = 3;
      if (cp < 0x800 || (cp >= 0xd800 && cp < 0xe000)) cp = -1;
    } else if ((c & 0xf8) === 0xf0 && t(1) && t(2) && t(3)) {
      cp = ((c & 0x07) << 18) | ((b[i + 1]! & 0x3f) << 12) | ((b[i + 2]! & 0x3f) << 6) | (b[i + 3]! & 0x3f);
      n = 4;
      if (cp < 0x10000 || cp > 0x10ffff) cp = -1;
    }
    if (cp < 0) {
      s += "\ufffd";
      i += 1;
    } else {
      s += String.fromCodePoint(cp);
      i += n;
    }
  }
  return s;
}

/**
 * Loads a SentencePiece `.model` file (T5, ALBERT, XLM-R, Llama 2, Gemma, mT5, … or your own
 * spm_train output). Unigram and BPE models; ids and pieces as SentencePiece gives them.
 * @example
 *   const sp = fromSentencePieceModel(fs.readFileSync("tokenizer.model"));
 *   sp.encode("Hello world"); // Uint32Array of ids
 */
export function fromSentencePieceModel(bytes: Uint8Array | ArrayBuffer, options?: SentencePieceOptions): SentencePieceTokenizer {
  return new SentencePieceTokenizer(bytes, options);
}

/** `fromSentencePieceModel(bytes).toTokenizerJson()`. */
export function sentencePieceToTokenizerJson(bytes: Uint8Array | ArrayBuffer): string {
  return new SentencePieceTokenizer(bytes).toTokenizerJson();
}
