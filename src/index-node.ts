// The whole API as Node's `import "tokenmill"` gets it (package.json "exports" → "node"): the
// same exports as ./index.ts, but the layers (./api/layers.ts: tokenizer.json, SentencePiece,
// the pool, comparison, training, chat, sharding) are loaded on first use, so that importing the
// package compiles only the core (issue 18's cold start; PERFORMANCE.md C12). Browsers, bundlers
// and require() get ./index.ts, which has everything at import: only Node can load a module
// synchronously on demand.
//
// Each layer export is a stand-in with the real one's name: a function that loads the layers and
// calls it, or, for a class, a Proxy that loads them on any use (new, instanceof, extends,
// statics) and then behaves as the class: instances are the real class's, so `instanceof` holds
// either way.

import { createRequire } from "node:module";
import type * as Layers from "./api/layers.js";
import { TokenmillError } from "./errors.js";
import { installEncodingTools } from "./api/install.js";

export * from "./api/core.js";

installEncodingTools();

type LayerModule = typeof Layers;
type Constructor = abstract new (...args: never) => unknown;
type ClassKeys = { [K in keyof LayerModule]: LayerModule[K] extends Constructor ? K : never }[keyof LayerModule];
type FunctionKeys = Exclude<keyof LayerModule, ClassKeys>;

let layers: LayerModule | undefined;

// require() of an ES module (Node 20.19+, 22.12+: package.json "engines"): synchronous, and into
// the module map `import` uses, so the layers share this entry's core (its Encoding, errors,
// engines) rather than a copy.
function loadLayers(): LayerModule {
  if (layers) return layers;
  try {
    layers = createRequire(import.meta.url)("./api/layers.js") as LayerModule;
  } catch (e) {
    if ((e as { code?: string }).code !== "ERR_REQUIRE_ESM") throw e;
    throw new TokenmillError(
      "NODE_TOO_OLD",
      `tokenmill's tokenizer.json, SentencePiece, pool, training, comparison, chat and sharding APIs need require() of ES modules (Node 20.19+ or 22.12+); this is Node ${process.version} (require("tokenmill") works there)`,
    );
  }
  return layers;
}

function lazyFunction<K extends FunctionKeys>(name: K): LayerModule[K] {
  const stand = {
    [name](...args: unknown[]): unknown {
      return (loadLayers()[name] as (...a: unknown[]) => unknown)(...args);
    },
  }[name]!;
  return stand as LayerModule[K];
}

function lazyClass<K extends ClassKeys>(name: K): LayerModule[K] {
  const real = () => loadLayers()[name] as unknown as new (...args: unknown[]) => object;
  // a function (not a class) target: its `prototype` is writable, so `get` may report the real one
  const target = { [name]: function () {} }[name]!;
  const proxy: object = new Proxy(target, {
    get: (_t, key) => Reflect.get(real(), key),
    set: (_t, key, value) => Reflect.set(real(), key, value),
    has: (_t, key) => Reflect.has(real(), key),
    apply: (_t, self, args) => Reflect.apply(real(), self, args), // throws as calling the class does
    construct: (_t, args, newTarget) => Reflect.construct(real(), args, newTarget === proxy ? real() : newTarget),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
  });
  return proxy as LayerModule[K];
}

export const fromTokenizerJson = lazyFunction("fromTokenizerJson");
export const fromTokenizerJsonSync = lazyFunction("fromTokenizerJsonSync");
export const HfTokenizer = lazyClass("HfTokenizer");
export type HfTokenizer = Layers.HfTokenizer;
export const fromSentencePieceModel = lazyFunction("fromSentencePieceModel");
export const sentencePieceToTokenizerJson = lazyFunction("sentencePieceToTokenizerJson");
export const SentencePieceTokenizer = lazyClass("SentencePieceTokenizer");
export type SentencePieceTokenizer = Layers.SentencePieceTokenizer;
export const createTokenizerPool = lazyFunction("createTokenizerPool");
export const encodeBatch = lazyFunction("encodeBatch");
export const countBatch = lazyFunction("countBatch");
export const hfEncodeBatch = lazyFunction("hfEncodeBatch");
export const hfCountBatch = lazyFunction("hfCountBatch");
export const compareTokenizers = lazyFunction("compareTokenizers");
export const parseTokenizerSpec = lazyFunction("parseTokenizerSpec");
export const renderCsv = lazyFunction("renderCsv");
export const renderJson = lazyFunction("renderJson");
export const renderTable = lazyFunction("renderTable");
export const renderHtml = lazyFunction("renderHtml");
export const train = lazyFunction("train");
export const TrainedTokenizer = lazyClass("TrainedTokenizer");
export type TrainedTokenizer = Layers.TrainedTokenizer;
export const encodeChat = lazyFunction("encodeChat");
export const countChat = lazyFunction("countChat");
export const isChatWithinTokenLimit = lazyFunction("isChatWithinTokenLimit");
export const shardCorpus = lazyFunction("shardCorpus");
export const listShardInputs = lazyFunction("listShardInputs");
export const mergeShardTasks = lazyFunction("mergeShardTasks");
export const megatronIndex = lazyFunction("megatronIndex");
export type * from "./api/layers.js";
