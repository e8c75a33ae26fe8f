"""Load the portal from a second process: sign in, then request each page many times from
several threads over loopback, and print p50/p95/max latency, requests per second and errors.
`/health` is measured in the same run as the floor (framework + one trivial query).

    trellis serve --db sqlite:///var/trellis.db &          # the server, in its own process
    python bench/portal_load.py --email ... --password trellis-demo --path /marketplace --path /for-you
"""

from __future__ import annotations

import argparse
import re
import statistics
import threading
import time

import httpx

CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def wait_for(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            httpx.get(f"{base}/health", timeout=5).raise_for_status()
            return
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def sign_in(base: str, email: str, password: str) -> httpx.Client:
    wait_for(base)
    client = httpx.Client(base_url=base, timeout=30)
    token = CSRF.search(client.get("/login").text)
    assert token, "no CSRF token on /login"
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": token.group(1)})
    if "trellis_session" not in client.cookies:
        raise SystemExit(f"sign-in failed: {response.status_code}")
    return client


def hammer(base: str, cookies: httpx.Cookies, path: str, requests: int, concurrency: int) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    per_thread = max(1, requests // concurrency)

    def worker() -> None:
        nonlocal errors
        with httpx.Client(base_url=base, cookies=cookies, timeout=30) as client:
            for _ in range(per_thread):
                start = time.perf_counter()
                response = client.get(path)
                elapsed = (time.perf_counter() - start) * 1000
                with lock:
                    latencies.append(elapsed)
                    errors += response.status_code != 200

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    ordered = sorted(latencies)
    return {"n": len(ordered), "p50": statistics.median(ordered), "p95": ordered[int(0.95 * (len(ordered) - 1))],
            "max": ordered[-1], "rps": len(ordered) / wall, "errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--email", required=True)
    parser.add_argument("--password", default="trellis-demo")
    parser.add_argument("--path", action="append", default=[])
    parser.add_argument("--requests", type=int, default=200, help="requests per path")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per path first")
    args = parser.parse_args()
    client = sign_in(args.url, args.email, args.password)
    paths = ["/health", *(args.path or ["/", "/marketplace"])]
    for path in paths:
        for _ in range(args.warmup):
            client.get(path)
    print(f"{'path':40} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'req/s':>7} {'errors':>6}")
    for path in paths:
        r = hammer(args.url, client.cookies, path, args.requests, args.concurrency)
        print(f"{path:40} {r['n']:5.0f} {r['p50']:8.1f} {r['p95']:8.1f} {r['max']:8.1f} {r['rps']:7.1f} "
              f"{r['errors']:6.0f}")


if __name__ == "__main__":
    main()
