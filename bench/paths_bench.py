"""Career-path latencies on a demo organisation.

    PYTHONPATH=src python bench/paths_bench.py --db sqlite:///var/demo.db [--queries 200] [--seed 0]

Times, in one process: building the career graph from the database (cold), the cached graph
(warm), and per query with the warm graph: next moves (k=5), the 3 best paths of at most 4 moves
to a random role one or two levels up, and gap analysis with a learning plan; then the succession
lists of every critical role. As a floor in the same run: one dense row lookup + argsort over all
roles (what a precomputed "top moves" table would cost).
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import time

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from trellis.db import make_engine
from trellis.models import Employee, Role
from trellis.paths import service
from trellis.succession.service import list_successors


def pct(xs: list[float], q: float) -> float:
    return float(np.percentile(np.array(xs) * 1000, q))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    engine = make_engine(args.db)
    with Session(engine) as s:
        people = s.execute(select(Employee.external_id, Employee.level).where(
            Employee.status == "active", Employee.role_id.is_not(None))).all()
        roles = s.execute(select(Role.external_id, Role.level)).all()
        t = time.perf_counter()
        loaded = service.load_graph(s)
        cold = time.perf_counter() - t
        service.cached_graph(s)
        t = time.perf_counter()
        service.cached_graph(s)
        warm = time.perf_counter() - t
        sample = rng.sample(people, min(args.queries, len(people)))
        times: dict[str, list[float]] = {"next moves (k=5)": [], "3 best paths (≤4 moves)": [],
                                         "gap + learning plan": [], "floor: row argsort": []}
        found = 0
        for ext, level in sample:
            ups = [r.external_id for r in roles if level is not None and level < r.level <= level + 2]
            target = rng.choice(ups) if ups else rng.choice(roles).external_id
            t = time.perf_counter()
            service.next_moves(s, employee=ext, k=5, loaded=loaded)
            times["next moves (k=5)"].append(time.perf_counter() - t)
            t = time.perf_counter()
            out = service.find_paths(s, employee=ext, role=target, k=3, max_steps=4, loaded=loaded)
            times["3 best paths (≤4 moves)"].append(time.perf_counter() - t)
            found += bool(out.paths)
            t = time.perf_counter()
            service.analyse_gap(s, employee=ext, role=target)
            times["gap + learning plan"].append(time.perf_counter() - t)
            i = rng.randrange(len(loaded.graph.role_ids_))
            t = time.perf_counter()
            np.argsort(-loaded.graph.probability_[i])[:5]
            times["floor: row argsort"].append(time.perf_counter() - t)
        t = time.perf_counter()
        lists = list_successors(s, limit=10)
        succession = time.perf_counter() - t
    engine.dispose()
    print(f"{len(people):,} active people, {len(roles):,} roles; {len(sample)} queries")
    print(f"career graph from the database (cold) {cold:.2f} s; cached (warm, fingerprint query) {warm * 1000:.1f} ms")
    for name, xs in times.items():
        mean = statistics.mean(xs) * 1000
        print(f"{name:28} p50 {pct(xs, 50):8.2f} ms  p95 {pct(xs, 95):8.2f} ms  mean {mean:8.2f} ms")
    print(f"paths found for {found}/{len(sample)} targets")
    print(f"succession lists for {len(lists)} critical roles {succession:.2f} s")
    print(f"process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
