import { InvalidArgumentError, TokenmillError } from "../errors.js";
import { wasmAvailable } from "../platform/wasm.js";

/** The `engine` option every loader takes. */
export type EngineChoice = "auto" | "wasm" | "js";

/** Checks an `engine` option (undefined = "auto"); throws InvalidArgumentError for anything else. */
export function checkEngineChoice(engine: unknown): EngineChoice {
  if (engine === undefined) return "auto";
  if (engine !== "auto" && engine !== "wasm" && engine !== "js") {
    throw new InvalidArgumentError(`engine must be "auto", "wasm" or "js", got ${JSON.stringify(engine)}`);
  }
  return engine;
}

/**
 * Whether to use a WASM core for this `engine` option: "auto" where WebAssembly exists, "js"
 * never, "wasm" always (TokenmillError "NO_WASM" where it does not exist).
 */
export function wantsWasm(engine: unknown): boolean {
  const choice = checkEngineChoice(engine);
  const available = wasmAvailable();
  if (choice === "wasm" && !available) {
    throw new TokenmillError("NO_WASM", 'engine "wasm" was requested but WebAssembly is not available here');
  }
  return choice !== "js" && available;
}
