// Input patterns → files: `*`, `?`, `[...]` within a path component and `**` for any depth,
// expanded by tokenmill itself (so a quoted 'data/*.jsonl' works the same on every shell and
// on Dask workers). Matches are sorted by code unit, so the document order never depends on the
// file system's listing order.

import type * as Fs from "node:fs";

const MAGIC = /[*?[]/;

function componentRegex(part: string): RegExp {
  let re = "";
  for (let i = 0; i < part.length; i++) {
    const c = part[i]!;
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = part.indexOf("]", i + 2);
      if (end < 0) re += "\\[";
      else {
        let body = part.slice(i + 1, end);
        if (body.startsWith("!")) body = "^" + body.slice(1);
        re += `[${body.replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\\]]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/**
 * The files a pattern names, sorted. A pattern without magic characters is returned as is
 * (whether or not it exists: reading it reports the error). Hidden entries (".x") match only a
 * pattern component that starts with ".".
 */
export function expandPattern(fs: typeof Fs, pattern: string): string[] {
  if (!MAGIC.test(pattern)) return [pattern];
  const absolute = pattern.startsWith("/");
  const parts = pattern.split("/").filter((p, i) => p !== "" || i === 0);
  let bases: string[] = [absolute ? "/" : ""];
  if (absolute) parts.shift();
  const join = (base: string, name: string): string => (base === "" ? name : base.endsWith("/") ? base + name : `${base}/${name}`);
  const list = (dir: string): Fs.Dirent[] => {
    try {
      return fs.readdirSync(dir === "" ? "." : dir, { withFileTypes: true });
    } catch {
      return [];
    }
  };
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k]!;
    const last = k === parts.length - 1;
    const next: string[] = [];
    if (part === "**") {
      // Zero or more directories.
      const stack = [...bases];
      while (stack.length) {
        const b = stack.pop()!;
        next.push(b);
        for (const e of list(b)) if (e.isDirectory() && !e.name.startsWith(".")) stack.push(join(b, e.name));
      }
    } else if (!MAGIC.test(part)) {
      for (const b of bases) next.push(join(b, part));
    } else {
      const re = componentRegex(part);
      for (const b of bases) {
        for (const e of list(b)) {
          if (e.name.startsWith(".") && !part.startsWith(".")) continue;
          if (!re.test(e.name)) continue;
          if (!last && !e.isDirectory() && !e.isSymbolicLink()) continue;
          next.push(join(b, e.name));
        }
      }
    }
    bases = next;
  }
  const files = bases.filter((p) => {
    try {
      return fs.statSync(p).isFile();
    } catch {
      return false;
    }
  });
  return [...new Set(files)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
