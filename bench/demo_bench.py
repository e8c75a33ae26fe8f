"""Time the demo organisation: generation alone (the baseline: no database) and the whole build
into a database, each in its own process so that peak memory is its own.

    python bench/demo_bench.py --employees 2000 [--db URL]      # default: a fresh SQLite file

The database must be migrated and hold no employees (or pass --replace)."""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run_phase(phase: str, employees: int, seed: int, db: str, replace: bool) -> dict[str, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    if phase == "generate":
        from trellis.demo.generate import generate
        from trellis.demo.library import read_library

        library = read_library()
        ids = {s.id: i + 1 for i, s in enumerate(library)}
        rows = sum(len(batch) for _, batch in generate(employees=employees, seed=seed, library=library,
                                                       skill_ids=ids))
    else:
        from trellis.db import make_engine, make_session_factory, session_scope
        from trellis.demo.service import build_demo

        engine = make_engine(db)
        with session_scope(make_session_factory(engine)) as session:
            rows = sum(build_demo(session, employees=employees, seed=seed, replace=replace).rows.values())
        engine.dispose()
    return {"seconds": time.perf_counter() - wall, "cpu_seconds": time.process_time() - cpu, "rows": rows,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db")
    parser.add_argument("--replace", action="store_true")
    parser.add_argument("--phase", choices=["generate", "build"])
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(run_phase(args.phase, args.employees, args.seed, args.db, args.replace)))
        return
    db = args.db
    if db is None:
        from trellis.migrations import upgrade

        db = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
        upgrade(db)
    results = {}
    for phase in ("generate", "build"):
        cmd = [sys.executable, __file__, "--phase", phase, "--employees", str(args.employees), "--seed",
               str(args.seed), "--db", db] + (["--replace"] if args.replace else [])
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        results[phase] = json.loads(out.strip().splitlines()[-1])
    gen, build = results["generate"], results["build"]
    print(f"N={args.employees:,} db={db.split('@')[-1]}")
    for phase, r in results.items():
        print(f"  {phase:<9} {r['seconds']:8.1f} s wall {r['cpu_seconds']:8.1f} s CPU "
              f"{r['peak_rss_mb']:7.0f} MB peak  {int(r['rows']):,} rows")
    print(f"  build / generate: {build['seconds'] / gen['seconds']:.2f}x wall, "
          f"{build['cpu_seconds'] / gen['cpu_seconds']:.2f}x CPU")


if __name__ == "__main__":
    main()
