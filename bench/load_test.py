"""A bounded, closed-loop load test of a running portal, from a second process over loopback.

It signs in as each role's demo account (employee, manager, HR partner, HR admin), takes a
read-only API token for the HR admin, makes sure the manager has one open opening (creating,
submitting and approving one the first time), then runs C virtual users for D seconds. Each
virtual user repeatedly picks a request from the weighted mix below (no think time) and waits
for the answer before sending the next, so the load is bounded by C. It prints, per endpoint
and per group: count, requests per second, p50/p95/p99/max latency and errors (any status of
400 or more, a redirect to the sign-in page, a timeout or a connection error). `/health`
(framework + one trivial query) is part of the same mix: the floor the other rows compare to.

    trellis serve --db postgresql://postgres@127.0.0.1:5432/demo100k --workers 2 --port 8765 &
    python bench/load_test.py --url http://127.0.0.1:8765 --duration 120 --concurrency 8
    python bench/load_test.py --url http://127.0.0.1:8765 --only /for-you --duration 60 --concurrency 2
    python bench/load_test.py --url http://127.0.0.1:8765 --only /hr/analytics --duration 60 --concurrency 1

The writes (apply to an opening with a note, withdraw an earlier application) are real: each
apply takes an open opening the employee has not applied to yet.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from portal_load import CSRF, wait_for  # bench/ is on the path when a script in it runs

ACCOUNTS = {"employee": "zainab.park@example.com", "manager": "emily.lopez@example.com",
            "hr": "lars.zhang@example.com", "admin": "erik.banerjee@example.com"}
SEARCH_WORDS = ["python", "data", "sales", "engineer", "design", "finance", "cloud", "marketing", "security",
                "analyst"]
FILTERS = ["type=gig", "type=job&remote=remote", "type=project", "type=mentorship", "remote=hybrid",
           "type=gig&max_hours=8"]


@dataclass
class Session:
    """One signed-in account: its cookies and the CSRF token of its session."""

    email: str
    cookies: httpx.Cookies
    csrf: str


@dataclass
class World:
    """What the mix draws from, gathered once before the clock starts."""

    sessions: dict[str, Session]
    token: str
    open_ids: list[int]  # internal ids of open openings
    open_ext: list[str]  # their external ids
    people: list[str]  # external ids of active employees
    opening: int  # the manager's open opening
    to_apply: list[int] = field(default_factory=list)
    applied: list[tuple[int, int]] = field(default_factory=list)  # (application id, version) to withdraw
    lock: threading.Lock = field(default_factory=threading.Lock)


def sign_in(base: str, email: str, password: str) -> Session:
    with httpx.Client(base_url=base, timeout=60) as client:
        token = CSRF.search(client.get("/login").text)
        assert token, "no CSRF token on /login"
        client.post("/login", data={"email": email, "password": password, "csrf_token": token.group(1)})
        if "trellis_session" not in client.cookies:
            raise SystemExit(f"sign-in failed for {email}")
        page = CSRF.search(client.get("/profile").text) or CSRF.search(client.get("/").text)
        assert page, f"no CSRF token on the signed-in pages of {email}"
        return Session(email=email, cookies=client.cookies, csrf=page.group(1))


def prepare(base: str, password: str, *, timeout: float, people: bool = True) -> World:
    """Sign in, take a token, collect ids (with ``people``, also people the matcher shortlists,
    which needs the matching index), and make sure the manager has an open opening."""
    wait_for(base, seconds=120)
    sessions = {role: sign_in(base, email, password) for role, email in ACCOUNTS.items()}
    admin = sessions["admin"]
    with httpx.Client(base_url=base, cookies=admin.cookies, timeout=timeout,
                      headers={"x-csrf-token": admin.csrf}) as client:
        made = client.post("/api/v1/tokens", json={"name": f"load test {time.time():.0f}", "scopes": ["read"]})
        made.raise_for_status()
        token = made.json()["token"]
    open_ids, open_ext, people = [], [], set()
    with httpx.Client(base_url=base, timeout=timeout, headers={"authorization": f"Bearer {token}"}) as api:
        page = 1
        while True:
            got = api.get("/api/v1/opportunities", params={"page": page, "per_page": 100}).json()
            open_ids += [o["id"] for o in got["items"]]
            open_ext += [o["external_id"] for o in got["items"]]
            if page * 100 >= got["total"]:
                break
            page += 1
        for ext in random.Random(1).sample(open_ext, 5) if people else []:
            found = api.get(f"/api/v1/opportunities/{ext}/candidates", params={"k": 40}).json()
            people |= {m["employee"] for m in found["results"]}
    opening = manager_opening(base, sessions, timeout=timeout)
    with httpx.Client(base_url=base, cookies=sessions["employee"].cookies, timeout=timeout) as employee:
        mine = employee.get("/api/v1/applications").json()
    taken = {a["opportunity_id"] for a in mine}
    applied = [(a["id"], a["version"]) for a in mine if a["status"] in ("submitted", "screening")]
    to_apply = [i for i in open_ids if i not in taken and i != opening]
    random.Random(2).shuffle(to_apply)
    return World(sessions=sessions, token=token, open_ids=open_ids, open_ext=open_ext, people=sorted(people),
                 opening=opening, to_apply=to_apply, applied=applied)


def manager_opening(base: str, sessions: dict[str, Session], *, timeout: float) -> int:
    manager, hr = sessions["manager"], sessions["hr"]
    with httpx.Client(base_url=base, cookies=manager.cookies, timeout=timeout,
                      headers={"x-csrf-token": manager.csrf}) as client:
        found = re.findall(r"/manage/opportunities/(\d+)/applicants", client.get("/manage/opportunities").text)
        for oid in sorted({int(i) for i in found}, reverse=True):
            if client.get(f"/api/v1/opportunities/{oid}").json().get("status") == "open":
                return oid
        skills = [s["id"] for word in ("python", "sql", "data") for s in
                  client.get("/api/v1/skills", params={"q": word, "limit": 1}).json()]
        made = client.post("/api/v1/opportunities", json={
            "type": "job", "title": "Data analyst (load test opening)",
            "description": "Opening created by bench/load_test.py so the manager pages have a shortlist.",
            "skills": [{"skill_id": s, "min_proficiency": 3} for s in skills]})
        made.raise_for_status()
        oid = int(made.json()["id"])
        client.post(f"/api/v1/opportunities/{oid}/submit").raise_for_status()
    with httpx.Client(base_url=base, cookies=hr.cookies, timeout=timeout,
                      headers={"x-csrf-token": hr.csrf}) as client:
        client.post(f"/api/v1/opportunities/{oid}/approve").raise_for_status()
    return oid


# ---------------------------------------------------------------------------------------------
# The mix: (name, group, account, weight, request builder). A builder returns (method, url, kwargs)
# or None when there is nothing left to do (no opening left to apply to).

Request = tuple[str, str, dict[str, Any]] | None
Builder = Callable[[World, random.Random], Request]


def _get(url: str) -> Builder:
    return lambda w, r: ("GET", url, {})


def _apply(w: World, r: random.Random) -> Request:
    with w.lock:
        if not w.to_apply:
            return None
        oid = w.to_apply.pop()
    form = {"note": "I would like to help with this; happy to talk.", "csrf_token": w.sessions["employee"].csrf}
    return "POST", f"/opportunities/{oid}/apply", {"data": form}


def _withdraw(w: World, r: random.Random) -> Request:
    with w.lock:
        if not w.applied:
            return None
        app_id, version = w.applied.pop(0)
    return "POST", f"/api/v1/applications/{app_id}/withdraw", {
        "json": {"version": version, "reason": "load test"}, "headers": {"x-csrf-token": w.sessions["employee"].csrf}}


MIX: list[tuple[str, str, str, float, Builder]] = [
    ("/health", "health", "none", 2, _get("/health")),
    ("/for-you", "employee", "employee", 4, _get("/for-you")),
    ("/", "employee", "employee", 1, _get("/")),
    ("/marketplace", "employee", "employee", 2, _get("/marketplace")),
    ("/marketplace?filters", "employee", "employee", 1, lambda w, r: ("GET", f"/marketplace?{r.choice(FILTERS)}", {})),
    ("/marketplace?q=", "employee", "employee", 2,
     lambda w, r: ("GET", f"/marketplace?q={r.choice(SEARCH_WORDS)}&page={r.randint(1, 3)}", {})),
    ("/opportunities/{id}", "employee", "employee", 2,
     lambda w, r: ("GET", f"/opportunities/{r.choice(w.open_ids)}", {})),
    ("/profile", "employee", "employee", 1, _get("/profile")),
    ("/applications", "employee", "employee", 1, _get("/applications")),
    ("/career", "employee", "employee", 1, _get("/career")),
    ("/manage/opportunities/{id}/applicants", "manager", "manager", 1,
     lambda w, r: ("GET", f"/manage/opportunities/{w.opening}/applicants", {})),
    ("/api/v1/opportunities/{id}/shortlist", "manager", "manager", 1,
     lambda w, r: ("GET", f"/api/v1/opportunities/{w.opening}/shortlist?k=20", {})),
    ("/hr/approvals", "hr", "hr", 0.5, _get("/hr/approvals")),
    ("/api/v1/opportunities?page=", "api", "token", 2,
     lambda w, r: ("GET", f"/api/v1/opportunities?page={r.randint(1, max(1, len(w.open_ids) // 50))}&per_page=50",
                   {})),
    ("/api/v1/recommendations", "api", "employee", 1, _get("/api/v1/recommendations")),
    ("/api/v1/employees/{ext}/recommendations", "api", "token", 1,
     lambda w, r: ("GET", f"/api/v1/employees/{r.choice(w.people)}/recommendations?k=20", {})),
    ("/api/v1/opportunities/{ext}/candidates", "api", "token", 1,
     lambda w, r: ("GET", f"/api/v1/opportunities/{r.choice(w.open_ext)}/candidates?k=20", {})),
    ("/api/v1/match/explain", "api", "token", 1,
     lambda w, r: ("GET", f"/api/v1/match/explain?employee={r.choice(w.people)}&opportunity={r.choice(w.open_ext)}",
                   {})),
    ("POST /opportunities/{id}/apply", "writes", "employee", 0.3, _apply),
    ("POST /api/v1/applications/{id}/withdraw", "writes", "employee", 0.15, _withdraw),
]
# measured only on request (--only), not part of the mix: heavy HR reports
EXTRA: list[tuple[str, str, str, float, Builder]] = [("/hr/analytics", "hr", "hr", 1, _get("/hr/analytics"))]


def only(names: list[str]) -> list[tuple[str, str, str, float, Builder]]:
    """The mix narrowed to these endpoints (equal weights), with /health as the floor."""
    known = {m[0]: m for m in [*MIX, *EXTRA]}
    unknown = sorted(set(names) - set(known))
    if unknown:
        raise SystemExit(f"--only: unknown endpoint(s) {unknown}; choose from {sorted(known)}")
    return [(*known[n][:3], 1.0, known[n][4]) for n in dict.fromkeys([*names, "/health"])]


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    samples: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str, ms: float, error: str | None) -> None:
        with self.lock:
            self.latencies[name].append(ms)
            if error:
                self.errors[name] += 1
                if len(self.samples[name]) < 3:
                    self.samples[name].append(error)


def virtual_user(base: str, world: World, mix: list[tuple[str, str, str, float, Builder]], tally: Tally,
                 until: float, seed: int, timeout: float) -> None:
    """One closed loop over one keep-alive connection (like one browser tab): each request
    carries the cookies or token of the account its mix entry is for."""
    rng = random.Random(seed)
    auth = {role: {"cookie": "; ".join(f"{c.name}={c.value}" for c in s.cookies.jar)}
            for role, s in world.sessions.items()}
    auth["token"] = {"authorization": f"Bearer {world.token}"}
    auth["none"] = {}
    weights = [m[3] for m in mix]
    with httpx.Client(base_url=base, timeout=timeout) as client:
        while time.monotonic() < until:
            name, _group, account, _w, build = rng.choices(mix, weights)[0]
            request = build(world, rng)
            if request is None:
                continue
            method, url, kwargs = request
            kwargs = {**kwargs, "headers": {**auth[account], **kwargs.get("headers", {})}}
            start = time.perf_counter()
            error: str | None = None
            try:
                response = client.request(method, url, **kwargs)
                if response.status_code >= 400:
                    error = f"{response.status_code} {url}: {response.text[:160]!r}"
                elif response.is_redirect and "/login" in response.headers.get("location", ""):
                    error = f"{response.status_code} to sign-in from {url}"
            except httpx.HTTPError as err:
                error = f"{type(err).__name__} {url}: {err}"
            tally.add(name, (time.perf_counter() - start) * 1000, error)
            if name.startswith("POST /opportunities") and error is None:
                remember_application(client, auth["employee"], world)


def remember_application(client: httpx.Client, headers: dict[str, str], world: World) -> None:
    """After an apply, queue the employee's newest open application for a later withdraw (untimed)."""
    mine = client.get("/api/v1/applications", headers=headers).json()
    known = {a for a, _v in world.applied}
    fresh = [(a["id"], a["version"]) for a in mine if a["status"] == "submitted" and a["id"] not in known]
    with world.lock:
        world.applied += fresh[:1]  # newest first


def pct(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summarise(names: dict[str, list[float]], errors: dict[str, int], seconds: float) -> dict[str, float]:
    ordered = sorted(ms for v in names.values() for ms in v)
    n = len(ordered)
    if not n:
        return {"n": 0, "rps": 0, "p50": 0, "p95": 0, "p99": 0, "max": 0, "errors": 0, "error_rate": 0}
    errs = sum(errors.values())
    return {"n": n, "rps": n / seconds, "p50": statistics.median(ordered), "p95": pct(ordered, 0.95),
            "p99": pct(ordered, 0.99), "max": ordered[-1], "errors": errs, "error_rate": errs / n}


def report(tally: Tally, mix: list[tuple[str, str, str, float, Builder]], seconds: float) -> dict[str, Any]:
    rows: dict[str, Any] = {"endpoints": {}, "groups": {}}
    health = summarise({"/health": tally.latencies.get("/health", [])}, {}, seconds)
    print(f"\n{'endpoint':44} {'n':>6} {'req/s':>7} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7} {'err':>4} "
          f"{'p95/health':>10}")
    groups: dict[str, list[str]] = defaultdict(list)
    for name, group, *_ in mix:
        groups[group].append(name)
        s = summarise({name: tally.latencies.get(name, [])}, {name: tally.errors.get(name, 0)}, seconds)
        rows["endpoints"][name] = s
        ratio = s["p95"] / health["p95"] if health["p95"] else 0
        print(f"{name:44} {s['n']:6.0f} {s['rps']:7.1f} {s['p50']:7.1f} {s['p95']:7.1f} {s['p99']:7.1f} "
              f"{s['max']:7.0f} {s['errors']:4.0f} {ratio:10.1f}")
    print(f"\n{'group':44} {'n':>6} {'req/s':>7} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7} {'err':>4} {'err %':>6}")
    for group, names in [*groups.items(), ("all", [m[0] for m in mix])]:
        s = summarise({n: tally.latencies.get(n, []) for n in names}, {n: tally.errors.get(n, 0) for n in names},
                      seconds)
        rows["groups"][group] = s
        print(f"{group:44} {s['n']:6.0f} {s['rps']:7.1f} {s['p50']:7.1f} {s['p95']:7.1f} {s['p99']:7.1f} "
              f"{s['max']:7.0f} {s['errors']:4.0f} {100 * s['error_rate']:6.2f}")
    for name, samples in tally.samples.items():
        print(f"errors on {name}: {samples}")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8765")
    parser.add_argument("--password", default="trellis-demo")
    parser.add_argument("--duration", type=float, default=60, help="seconds of measured load")
    parser.add_argument("--concurrency", type=int, default=4, help="virtual users (requests in flight at most)")
    parser.add_argument("--warmup", type=float, default=10, help="seconds of the same mix first, not measured")
    parser.add_argument("--timeout", type=float, default=30, help="seconds before a request counts as an error")
    parser.add_argument("--only", action="append", metavar="ENDPOINT",
                        help="measure these endpoints alone, with /health (repeatable; e.g. /for-you, /hr/analytics)")
    parser.add_argument("--no-writes", action="store_true", help="leave out apply and withdraw")
    parser.add_argument("--label", default="", help="free text kept in the JSON (workers, commit...)")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    mix = only(args.only) if args.only else [m for m in MIX if not (args.no_writes and m[1] == "writes")]
    needs_people = any("{ext}/recommendations" in m[0] or "match/explain" in m[0] for m in mix)
    world = prepare(args.url, args.password, timeout=max(args.timeout, 600), people=needs_people)
    print(f"prepared: {len(world.open_ids)} open openings, {len(world.people)} people, manager opening "
          f"{world.opening}, {len(world.to_apply)} left to apply to")
    load_before = os.getloadavg()
    tally = Tally()
    for phase, seconds in (("warm-up", args.warmup), ("measured", args.duration)):
        if seconds <= 0:
            continue
        tally = Tally()
        until = time.monotonic() + seconds
        threads = [threading.Thread(target=virtual_user, args=(args.url, world, mix, tally, until, 100 + i,
                                                               args.timeout)) for i in range(args.concurrency)]
        began = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - began
        print(f"{phase}: {wall:.1f} s, {sum(len(v) for v in tally.latencies.values())} requests")
    load_after = os.getloadavg()
    print(f"concurrency {args.concurrency}, {args.duration:.0f} s; load average before "
          f"{load_before[0]:.2f} {load_before[1]:.2f}, after {load_after[0]:.2f} {load_after[1]:.2f} "
          f"({os.cpu_count()} cores)")
    rows = report(tally, mix, wall)
    if args.json:
        rows.update(label=args.label, concurrency=args.concurrency, duration=wall, load_before=load_before,
                    load_after=load_after)
        with open(args.json, "w") as handle:
            json.dump(rows, handle, indent=1)


if __name__ == "__main__":
    main()
