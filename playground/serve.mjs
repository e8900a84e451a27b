#!/usr/bin/env node
// Serves the token playground: playground/ at /, and the built package's dist/ and vocab/ as
// static files (so the page loads the engine and the vocab exactly as any app would, no
// bundler). `npm run build` first. PORT (default 5173), HOST (default 127.0.0.1).
//
//   npm run playground          →  http://127.0.0.1:5173/

import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const MOUNTS = { "/dist/": "dist", "/vocab/": "vocab", "/": "playground" };
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".cjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".tkp": "application/octet-stream",
  ".tkv": "application/octet-stream",
};

function resolve(urlPath) {
  for (const [prefix, dir] of Object.entries(MOUNTS)) {
    if (!urlPath.startsWith(prefix)) continue;
    let rest = decodeURIComponent(urlPath.slice(prefix.length)) || "index.html";
    const base = join(ROOT, dir);
    const file = normalize(join(base, rest));
    if (file !== base && !file.startsWith(base + sep)) return undefined; // no ../ escapes
    return file;
  }
  return undefined;
}

/** Starts the server; resolves to it once listening (port 0 picks a free one). */
export function serve({ port = Number(process.env.PORT ?? 5173), host = process.env.HOST ?? "127.0.0.1" } = {}) {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const file = resolve(path);
    if (!file || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end(`not found: ${path}\n`);
      return;
    }
    res.writeHead(200, {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "content-length": statSync(file).size,
      "cache-control": "no-cache",
    });
    if (req.method === "HEAD") res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => ok(server));
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === normalize(process.argv[1])) {
  if (!existsSync(join(ROOT, "dist/worker-main.js")) || !existsSync(join(ROOT, "vocab/o200k_base.tkp"))) {
    console.error("playground: dist/ or vocab/*.tkp is missing; run `npm run build` first");
    process.exit(1);
  }
  const server = await serve();
  const { address, port } = server.address();
  console.log(`tokenmill playground: http://${address}:${port}/`);
}
