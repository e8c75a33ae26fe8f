"""One web worker on a large demo, measured as a newcomer meets it: time to "ready", resident
memory once ready, then `For you` under load (bench/load_test.py, `/for-you` only, with
`/health` as the same run's floor), then memory again. With several source trees (a worktree of
an older commit, say) the workers run one after another in the same session, for ratios.

    trellis demo --employees 100000 --seed 7 --db postgresql://postgres@127.0.0.1:5432/demo100k
    trellis users demo-accounts --db postgresql://postgres@127.0.0.1:5432/demo100k
    git worktree add /tmp/old <older commit>
    python bench/worker_ab.py --db postgresql://postgres@127.0.0.1:5432/demo100k --src /tmp/old/src --src src

Text vectors must be cached already (start one worker once): the first start ever encodes every
profile. Each worker is `trellis serve --workers 1` with the tree's `src` first on PYTHONPATH."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

READY = re.compile(r"matching index and text model ready ([\d.]+) s after the worker started")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return float("nan")


def anonymous_mb(pid: int) -> float:
    """The worker's own memory in MB: its resident size less the file pages it maps (the model's
    weights, the label index), which every worker shares and the system can drop and read again."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:])
    return int(fields["Anonymous"].split()[0]) / 1024


def worker_pid(parent: int) -> int:
    """The process that serves (the CLI may run the server in itself or in a child)."""
    children = subprocess.run(["pgrep", "-P", str(parent)], capture_output=True, text=True).stdout.split()
    return int(children[0]) if children else parent


def measure(src: str, args: argparse.Namespace) -> None:
    env = dict(os.environ, PYTHONPATH=str(Path(src).resolve()))
    env.setdefault("TRELLIS_SECRET_KEY", "bench-" + "0123456789abcdef" * 3)
    log = Path(f"/tmp/worker-ab-{os.getpid()}.log")
    with log.open("w") as out:
        server = subprocess.Popen([args.trellis, "serve", "--db", args.db, "--workers", "1", "--port", str(args.port)],
                                  stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        started = time.monotonic()
        while not (found := READY.search(log.read_text())):
            if server.poll() is not None or time.monotonic() - started > 600:
                raise SystemExit(f"the worker from {src} did not get ready:\n{log.read_text()[-2000:]}")
            time.sleep(0.5)
        from_launch = time.monotonic() - started
        time.sleep(5)
        pid = worker_pid(server.pid)
        ready_rss = rss_mb(pid)
        anonymous = anonymous_mb(pid)
        load = subprocess.run([sys.executable, str(Path(__file__).parent / "load_test.py"), "--url",
                               f"http://127.0.0.1:{args.port}", "--only", "/for-you", "--duration", str(args.duration),
                               "--concurrency", "2"], capture_output=True, text=True, check=True).stdout
        rows = [line for line in load.splitlines() if line.startswith(("/for-you ", "/health "))][:2]
        print(f"== {src}: ready {found.group(1)} s after the worker started "
              f"({from_launch:.1f} s from launch), RSS {ready_rss:.0f} MB once ready (anonymous {anonymous:.0f}), "
              f"{rss_mb(pid):.0f} MB after the load")
        print("   endpoint                                          n   req/s     p50     p95     p99     max  err "
              "p95/health")
        for row in rows:
            print("   " + row)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--src", action="append", required=True, help="a source tree's src folder (repeat)")
    parser.add_argument("--trellis", default=".venv/bin/trellis")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--duration", type=int, default=40)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}")
    for src in args.src:
        measure(src, args)


if __name__ == "__main__":
    main()
