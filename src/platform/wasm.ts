/** Whether this runtime can instantiate WebAssembly (some locked-down browsers and runtimes cannot). */
export function wasmAvailable(): boolean {
  return typeof WebAssembly === "object" && typeof WebAssembly.Instance === "function";
}
