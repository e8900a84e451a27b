#!/usr/bin/python3
"""Pre-tokenize a corpus into training shards on a Dask cluster with `tokenmill shard`.

    python3 scale/dask_shard.py --scheduler tcp://HOST:8786 --out /shared/shards \
        [--tasks N] [--tokenmill "tokenmill"] [--min-workers N] [--keep-tasks] \
        -- -e o200k_base --field text --eot '/shared/data/*.jsonl'

Everything after `--` is passed to `tokenmill shard` as is (inputs, tokenizer, layout). Inputs
and --out must be on storage every worker sees at the same path (NFS, Lustre, a mounted bucket).

1. A worker runs `tokenmill shard ARGS --list-inputs`: the inputs in order, with their sizes.
2. The inputs are split into contiguous tasks of about the same number of bytes (at most one per
   input, default: 4 per worker), and each task runs `tokenmill shard ARGS --input-range A:B
   --out OUT/.tasks/task-K` on a worker (all its cores, through tokenmill's worker pool).
3. A worker merges the task directories: `tokenmill shard --merge ... --out OUT`, which copies
   the documents' token bytes into shards laid out exactly as one `tokenmill shard` run over all
   inputs would lay them out, and writes the same index.json: the result is byte-identical to a
   single-machine run.

A rerun resumes: each task reuses its intact shards. Needs Dask's `distributed` (Debian:
apt-get install python3-distributed) on the client and the workers, and `tokenmill` (Node) on
the workers. Exit code 1 if an input was unreadable (listed in the index), 2 on failure.
"""

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import time


def run_tokenmill(cmd, args):
    """Runs on a worker: tokenmill with args; returns (exit code, stdout, stderr)."""
    p = subprocess.run(cmd + args, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def remove_tree(path):
    shutil.rmtree(path, ignore_errors=True)
    return True


def split_tasks(sizes, n_tasks):
    """Contiguous [start, end) ranges of about the same total size, at most n_tasks of them."""
    n = len(sizes)
    n_tasks = max(1, min(n_tasks, n))
    total = sum(sizes)
    ranges = []
    start = 0
    acc = 0
    for i, s in enumerate(sizes):
        acc += s
        left_tasks = n_tasks - len(ranges) - 1
        left_inputs = n - i - 1
        if left_tasks > 0 and (acc >= total * (len(ranges) + 1) / n_tasks or left_inputs == left_tasks):
            ranges.append((start, i + 1))
            start = i + 1
    if start < n:
        ranges.append((start, n))
    return ranges


def main(argv):
    if "--" in argv:
        k = argv.index("--")
        own, shard_args = argv[:k], argv[k + 1 :]
    else:
        own, shard_args = argv, []
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scheduler", required=True, help="the Dask scheduler's address, e.g. tcp://10.0.0.1:8786")
    ap.add_argument("--out", required=True, help="output directory (shared storage)")
    ap.add_argument("--tasks", type=int, default=0, help="number of tasks (default: 4 per worker)")
    ap.add_argument("--tokenmill", default="tokenmill", help='the command that runs tokenmill on the workers (default "tokenmill")')
    ap.add_argument("--min-workers", type=int, default=1, help="wait for this many workers first (default 1)")
    ap.add_argument("--keep-tasks", action="store_true", help="keep OUT/.tasks (the per-task shards) after the merge")
    o = ap.parse_args(own)
    if not shard_args:
        ap.error("give the tokenmill shard arguments after --")
    for a in shard_args:
        if a in ("-o", "--out", "--merge", "--input-range", "--list-inputs") or a.startswith(("--out=", "--merge=", "--input-range=")):
            ap.error(f"{a} is set by the driver; give --out before --")

    from distributed import Client

    cmd = shlex.split(o.tokenmill)
    out = os.path.abspath(o.out)
    work = os.path.join(out, ".tasks")
    t0 = time.time()
    client = Client(o.scheduler, timeout="60s")
    try:
        client.wait_for_workers(o.min_workers, timeout=120)
        n_workers = len(client.scheduler_info()["workers"])

        rc, stdout, stderr = client.submit(run_tokenmill, cmd, ["shard", *shard_args, "--list-inputs"], pure=False).result()
        if rc != 0:
            sys.stderr.write(stderr)
            return 2
        inputs = json.loads(stdout)
        ranges = split_tasks([i["bytes"] for i in inputs], o.tasks or 4 * n_workers)
        task_dirs = [os.path.join(work, f"task-{k:05d}") for k in range(len(ranges))]
        futures = [
            client.submit(
                run_tokenmill,
                cmd,
                ["shard", *shard_args, "--input-range", f"{a}:{b}", "--out", d, "--no-progress"],
                pure=False,
                key=f"tokenmill-shard-{a}-{b}-{time.time_ns()}",
            )
            for (a, b), d in zip(ranges, task_dirs)
        ]
        unreadable = False
        for (a, b), f in zip(ranges, futures):
            rc, stdout, stderr = f.result()
            # 1 = some input unreadable: reported, the task's index lists it, the others are done.
            # (tokenmill prints its summary on stdout only when the task ran to the end.)
            if rc not in (0, 1) or (rc == 1 and not stdout):
                sys.stderr.write(f"dask_shard: task for inputs {a}:{b} failed (exit {rc}):\n{stderr}")
                return 2
            if rc == 1:
                unreadable = True
                sys.stderr.write(stderr)
        t_tasks = time.time()
        rc, stdout, stderr = client.submit(run_tokenmill, cmd, ["shard", "--out", out, *sum((["--merge", d] for d in task_dirs), [])], pure=False).result()
        if rc != 0:
            sys.stderr.write(f"dask_shard: merge failed (exit {rc}):\n{stderr}")
            return 2
        if not o.keep_tasks:
            client.submit(remove_tree, work, pure=False).result()
        sys.stdout.write(stdout)
        sys.stdout.write(
            f"dask_shard: {len(inputs)} inputs in {len(ranges)} tasks on {n_workers} workers: "
            f"tasks {t_tasks - t0:.1f} s, merge {time.time() - t_tasks:.1f} s\n"
        )
        return 1 if unreadable else 0
    finally:
        client.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
