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
