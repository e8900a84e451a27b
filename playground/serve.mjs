#!/usr/bin/env node
// Serves the token playground: playground/ at /, and the built package's dist/ and vocab/ as
// static files (so the page loads the engine and the vocab exactly as any app would, no
// bundler). `npm run build` first. PORT (default 5173), HOST (default 127.0.0.1).
//
//   npm run playground          →  http://127.0.0.1:5173/
//
// It is a local development server, but a page on any site can make the browser send it
// requests, so it answers defensively: a malformed URL is a 400 (never an uncaught
// URIError), only GET and HEAD are served (405), and the Host header must be an IP address,
// localhost or the HOST it is bound to, which defeats DNS rebinding (a hostile name re-pointed
// at 127.0.0.1 arrives with that name as its Host: 421). Every answer carries
// `X-Content-Type-Options: nosniff` and a Content-Security-Policy the page works under
// (test/browser.test.ts runs it in Chromium; `wasm-unsafe-eval` lets the worker compile its
// inlined WebAssembly, nothing else may evaluate code).

import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { isIP } from "node:net";
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

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "referrer-policy": "no-referrer",
};

/** The file a URL path names, undefined if none, or null if the path is malformed. */
function resolve(urlPath) {
  for (const [prefix, dir] of Object.entries(MOUNTS)) {
    if (!urlPath.startsWith(prefix)) continue;
    let rest;
    try {
      rest = decodeURIComponent(urlPath.slice(prefix.length)) || "index.html";
    } catch {
      return null; // a lone or bad %-escape (`/%ZZ`, `/%E9`)
    }
    if (rest.includes("\0")) return null;
    const base = join(ROOT, dir);
    const file = normalize(join(base, rest));
    if (file !== base && !file.startsWith(base + sep)) return undefined; // no ../ escapes
    return file;
  }
  return undefined;
}

/**
 * Whether a Host header may reach this server: an IP literal (a browser that connected to an
 * address by number cannot be rebound: the page's origin is that number), "localhost", or the
 * name the server was bound to. A DNS-rebinding page reaches us under its own name, which
 * fails this. The port is not checked: the browser had to connect to ours anyway.
 */
function hostAllowed(hostHeader, boundHost) {
  if (typeof hostHeader !== "string") return false;
  const m = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::\d{1,5})?$/.exec(hostHeader.toLowerCase());
  if (!m) return false;
  const name = m[1].endsWith(".") ? m[1].slice(0, -1) : m[1];
  if (isIP(name.replace(/^\[|\]$/g, "")) !== 0) return true;
  return name === "localhost" || name === String(boundHost).toLowerCase();
}

function answer(res, status, text, extra = {}) {
  res.writeHead(status, { ...SECURITY_HEADERS, "content-type": "text/plain; charset=utf-8", ...extra });
  res.end(`${text}\n`);
}

/** Starts the server; resolves to it once listening (port 0 picks a free one). */
export function serve({ port = Number(process.env.PORT ?? 5173), host = process.env.HOST ?? "127.0.0.1" } = {}) {
  const server = createServer((req, res) => {
    if (!hostAllowed(req.headers.host, host)) {
      answer(res, 421, "misdirected request: the Host header does not name this server");
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      answer(res, 405, `method not allowed: ${req.method}`, { allow: "GET, HEAD" });
      return;
    }
    let path;
    try {
      path = new URL(req.url ?? "/", "http://x").pathname;
    } catch {
      answer(res, 400, "bad request: malformed URL");
      return;
    }
    const file = resolve(path);
    if (file === null) {
      answer(res, 400, "bad request: malformed URL");
      return;
    }
    if (!file || !existsSync(file) || !statSync(file).isFile()) {
      answer(res, 404, `not found: ${path}`);
      return;
    }
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "content-length": statSync(file).size,
      "cache-control": "no-cache",
    });
    if (req.method === "HEAD") res.end();
    else createReadStream(file).on("error", () => res.destroy()).pipe(res);
  });
  // a malformed request line or header never reaches the handler: answer 400 and move on
  server.on("clientError", (_err, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n");
    else socket.destroy();
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
  console.log(`tokenmill playground: http://${address.includes(":") ? `[${address}]` : address}:${port}/`);
}
