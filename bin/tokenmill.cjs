#!/usr/bin/env node
"use strict";

let cli;
try {
  cli = require("../dist/cli.cjs");
} catch (err) {
  if (err && err.code === "MODULE_NOT_FOUND" && String(err.message).includes("cli.cjs")) {
    process.stderr.write("tokenmill: dist/cli.cjs is missing; build the package first (npm run build)\n");
    process.exit(1);
  }
  throw err;
}

// `tokenmill encode big.txt | head` closes the pipe early: stop quietly, like other Unix tools.
// Any other write error (a full disk, /dev/full, a revoked file) is the user's to see as one
// line, not a stack trace, and the output is incomplete, so the exit code is 1.
process.stdout.on("error", (err) => {
  if (err && err.code === "EPIPE") process.exit(process.exitCode || 0);
  process.stderr.write(`tokenmill: cannot write the output: ${(err && err.message) || err}\n`);
  process.exit(1);
});

cli
  .main(process.argv.slice(2), {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    version: require("../package.json").version,
    env: process.env,
  })
  .then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`tokenmill: internal error: ${(err && err.stack) || err}\n`);
      process.exitCode = 1;
    },
  );
