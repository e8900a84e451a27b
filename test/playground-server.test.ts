// playground/serve.mjs answers hostile requests without dying (issue 20 item 2): malformed
// URLs are 400, methods other than GET/HEAD 405, a Host that is not this server (DNS rebinding)
// 421, and every answer carries nosniff and a CSP. Raw HTTP over a socket, so the request line
// and the Host header are exactly what the test writes. (test/browser.test.ts checks that the
// page works under the CSP in Chromium.)
import type { Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let server: Server;
let port: number;

beforeAll(async () => {
  // @ts-expect-error: plain .mjs without types
  const { serve } = await import("../playground/serve.mjs");
  server = await serve({ port: 0, host: "127.0.0.1" });
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((ok) => server?.close(ok));
});

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One raw HTTP/1.1 request; `host: null` sends no Host header. */
function request(method: string, target: string, host: string | null = `127.0.0.1:${port}`): Promise<Reply> {
  return new Promise((ok, fail) => {
    const sock = connect(port, "127.0.0.1");
    let data = "";
    sock.setEncoding("latin1");
    sock.on("data", (d) => (data += d));
    sock.on("error", fail);
    sock.on("close", () => {
      const [head = "", ...rest] = data.split("\r\n\r\n");
      const [statusLine = "", ...lines] = head.split("\r\n");
      const headers: Record<string, string> = {};
      for (const l of lines) {
        const i = l.indexOf(":");
        headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
      }
      ok({ status: Number(statusLine.split(" ")[1]), headers, body: rest.join("\r\n\r\n") });
    });
    sock.write(`${method} ${target} HTTP/1.1\r\n${host === null ? "" : `Host: ${host}\r\n`}Connection: close\r\n\r\n`);
  });
}

describe("playground server", () => {
  it("serves the page with nosniff and a CSP", async () => {
    const r = await request("GET", "/");
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toMatch(/^text\/html/);
    expect(r.headers["x-content-type-options"]).toBe("nosniff");
    expect(r.headers["content-security-policy"]).toContain("default-src 'none'");
    expect(r.headers["content-security-policy"]).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(r.body).toContain("tokenmill playground");
  });

  it("answers 400 to malformed %-escapes and keeps serving (GET /%ZZ threw an uncaught URIError)", async () => {
    for (const target of ["/%ZZ", "/%", "/dist/%E9", "/vocab/%C0%AF", "/%00"]) {
      const r = await request("GET", target);
      expect(r.status, target).toBe(400);
      expect(r.headers["x-content-type-options"]).toBe("nosniff");
    }
    expect((await request("GET", "/app.js")).status).toBe(200);
  });

  it("answers 404 to paths outside its folders", async () => {
    for (const target of ["/../package.json", "/%2e%2e/package.json", "/dist/..%2f..%2fpackage.json", "/nope.js"]) {
      expect((await request("GET", target)).status, target).toBe(404);
    }
  });

  it("answers 404 or 400 to absolute paths, encoded slashes and NUL bytes; never a file outside", async () => {
    const targets = ["//etc/passwd", "/%2fetc%2fpasswd", "/dist/%2e%2e%2f%2e%2e%2fpackage.json", "/vocab/..%5c..%5cpackage.json", "/app.js%00.html", "/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc/passwd", "/./../../etc/passwd"];
    for (const target of targets) {
      const r = await request("GET", target);
      expect([400, 404], target).toContain(r.status);
      expect(r.body, target).not.toMatch(/root:|"name": "tokenmill"/);
    }
  });

  it("serves each kind of file with its content type", async () => {
    expect((await request("GET", "/app.js")).headers["content-type"]).toMatch(/^text\/javascript/);
    const vocab = await request("HEAD", "/vocab/o200k_base.tkp");
    expect(vocab.status).toBe(200);
    expect(vocab.headers["content-type"]).toBe("application/octet-stream");
  });

  it.skipIf(process.env.HOST !== undefined)("binds to 127.0.0.1 unless told otherwise (HOST unset)", async () => {
    const { serve } = await import("../playground/serve.mjs");
    const s = await serve({ port: 0 });
    try {
      expect((s.address() as { address: string }).address).toBe("127.0.0.1");
    } finally {
      await new Promise((r) => s.close(r));
    }
  });

  it("answers only GET and HEAD (405 with Allow otherwise)", async () => {
    const head = await request("HEAD", "/");
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
    for (const method of ["POST", "PUT", "DELETE", "OPTIONS", "PATCH"]) {
      const r = await request(method, "/");
      expect(r.status, method).toBe(405);
      expect(r.headers.allow).toBe("GET, HEAD");
    }
  });

  it("refuses a Host that does not name it (DNS rebinding), accepts its own names", async () => {
    for (const host of ["evil.example", `evil.example:${port}`, "127.0.0.1.evil.example", "localhost.evil.example", ""]) {
      expect((await request("GET", "/", host)).status, host).toBe(421);
    }
    // no Host at all: Node's parser refuses an HTTP/1.1 request without one
    expect([400, 421]).toContain((await request("GET", "/", null)).status);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, "localhost", `[::1]:${port}`, `LOCALHOST:${port}`]) {
      expect((await request("GET", "/", host)).status, host).toBe(200);
    }
  });

  it("answers 400 to a request it cannot parse, and stays up", async () => {
    const r = await request("GET", "/ bad target");
    expect(r.status).toBe(400);
    expect((await request("GET", "/")).status).toBe(200);
  });
});
