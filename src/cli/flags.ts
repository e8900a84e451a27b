// A small parser for the flags of the commands that take their own (compare, train, shard):
// `--name value`, `--name=value`, `-x value`, `-xVALUE`, repeatable flags, booleans, and `--`.

import { UsageError } from "./io.js";

export interface FlagSpec {
  /** One-letter alias, without the dash. */
  short?: string;
  /** "string": one value (the last wins); "strings": repeatable; "boolean": no value; "number": a finite number. */
  kind: "string" | "strings" | "boolean" | "number";
}

export interface ParsedFlags {
  values: Record<string, string | string[] | boolean | number | undefined>;
  positionals: string[];
}

/** Parses `argv` (after the command word) by `spec`; throws UsageError naming the flag. */
export function parseFlags(command: string, argv: readonly string[], spec: Record<string, FlagSpec>): ParsedFlags {
  const values: ParsedFlags["values"] = {};
  const positionals: string[] = [];
  const byShort = new Map(Object.entries(spec).flatMap(([name, s]) => (s.short ? [[s.short, name] as const] : [])));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a === "-" || !a.startsWith("-")) {
      positionals.push(a);
      continue;
    }
    let name: string | undefined;
    let attached: string | undefined;
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      if (eq >= 0) attached = a.slice(eq + 1);
    } else {
      name = byShort.get(a[1]!);
      if (a.length > 2) attached = a.slice(2);
    }
    // Own keys only: "--constructor" or "--toString" are unknown options, not Object's members.
    const s = name === undefined || !Object.hasOwn(spec, name) ? undefined : spec[name];
    if (!s || name === undefined) throw new UsageError(`${command}: unknown option ${JSON.stringify(a)}`);
    if (s.kind === "boolean") {
      if (attached !== undefined) throw new UsageError(`${command}: option --${name} takes no value`);
      values[name] = true;
      continue;
    }
    let v = attached;
    if (v === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`${command}: option --${name} needs a value`);
      v = argv[++i]!;
    }
    if (s.kind === "strings") {
      const list = (values[name] as string[] | undefined) ?? [];
      list.push(v);
      values[name] = list;
    } else if (s.kind === "number") {
      const n = Number(v);
      if (v.trim() === "" || !Number.isFinite(n)) throw new UsageError(`${command}: option --${name} needs a number, got ${JSON.stringify(v)}`);
      values[name] = n;
    } else values[name] = v;
  }
  return { values, positionals };
}
