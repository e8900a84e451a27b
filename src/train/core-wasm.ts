import type { CoreWords, MergeCore } from "./core.js";
import { JsMergeCore } from "./core-js.js";
export function wasmAvailable(): boolean { return false; }
export function createWasmMergeCore(words: CoreWords): MergeCore { return new JsMergeCore(words); }
