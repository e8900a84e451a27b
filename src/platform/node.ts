/**
 * Node's built-in modules, reached through `process.getBuiltinModule` (Node >= 20.16) instead of
 * static imports: a bundle made for a browser then pulls in nothing from Node, and the code that
 * asks gets `undefined` where the runtime has no such module.
 */
export function nodeBuiltin<T>(id: string): T | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    return proc?.getBuiltinModule?.(id) as T | undefined;
  } catch {
    return undefined; // a runtime that has getBuiltinModule but not this module
  }
}

/** The parts of Node's global `Buffer` the engines use: native copies that a plain loop is slower at. */
export interface NodeBuffer {
  from(text: string, encoding: "latin1"): Uint8Array;
  from(buf: ArrayBuffer): { toString(encoding: "latin1" | "utf16le", start: number, end: number): string };
}

/** Node's (and Bun's, Deno's) global `Buffer`; undefined in browsers. */
export const nodeBuffer = (globalThis as unknown as { Buffer?: NodeBuffer }).Buffer;
