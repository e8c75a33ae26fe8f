"""Time `trellis import employees` on a generated CSV of N employees (default 100,000).

    PYTHONPATH=src python bench/import_bench.py --employees 100000 [--db URL]

Generates locations, org units, roles and N employees (a 4-ary manager tree, 9 levels at 100k),
imports the reference kinds, then times on a fresh database (temporary SQLite file, or the EMPTY
database given with --db): the employee import, a dry run, and a re-import of the same file (all
unchanged). As a baseline measured in the same run on the same database it times the floor:
parsing the CSV with the csv module and inserting the same rows with one SQLAlchemy Core
executemany, no validation, no links (deleted again before the imports). Prints a Markdown
table for BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import delete, insert

from trellis.config import Settings
from trellis.db import make_engine, make_session_factory, session_scope
from trellis.imports.service import import_file
from trellis.migrations import upgrade
from trellis.models import Employee

HEADER = ["id", "name", "work_email", "job_title", "role_id", "level", "org_unit_id", "manager_id", "location_id",
          "hire_date", "employment_type", "status", "languages"]


def write_reference_files(folder: Path) -> None:
    with (folder / "locations.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name", "country", "timezone"])
        for i, (country, tz) in enumerate([("DE", "Europe/Berlin"), ("GB", "Europe/London"),
                                           ("US", "America/New_York"), ("IN", "Asia/Kolkata")]):
            w.writerow([f"L{i}", f"Office {i}", country, tz])
    with (folder / "org-units.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name", "parent_id"])
        w.writerow(["U0", "Company", ""])
        for i in range(1, 200):
            w.writerow([f"U{i}", f"Unit {i}", f"U{(i - 1) // 8}"])
    with (folder / "roles.csv").open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "title", "level", "family_id", "family_name"])
        for i in range(60):
            w.writerow([f"R{i}", f"Role {i}", 1 + i % 6, f"F{i % 12}", f"Family {i % 12}"])


def write_employees(path: Path, n: int, seed: int) -> None:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for i in range(n):
            manager = "" if i == 0 else f"E{(i - 1) // 4:07d}"  # a 4-ary tree: ~9 levels at 100k
            w.writerow([f"E{i:07d}", f"Person {i}", f"person.{i}@bench.example", f"Title {i % 300}",
                        f"R{rng.randrange(60)}", 1 + rng.randrange(6), f"U{rng.randrange(200)}", manager,
                        f"L{rng.randrange(4)}", date(2010, 1, 1) + timedelta(days=rng.randrange(5000)),
                        rng.choice(["full_time", "full_time", "part_time", "contractor"]), "active", "en|de"])


def fresh_db(base: str | None, folder: Path, name: str) -> str:
    url = base or f"sqlite:///{folder / name}.db"
    upgrade(url)
    return url


def timed_import(url: str, settings: Settings, kind: str, path: Path, *, dry_run: bool = False) -> float:
    engine = make_engine(url)
    start = time.perf_counter()
    with session_scope(make_session_factory(engine)) as session:
        import_file(session, kind=kind, path=path, settings=settings, dry_run=dry_run)
    elapsed = time.perf_counter() - start
    engine.dispose()
    return elapsed


def baseline_insert(url: str, path: Path) -> float:
    """Parse with csv and insert with one Core executemany: no validation, no look-ups, no
    upsert; manager/role/unit links left empty."""
    engine = make_engine(url)
    start = time.perf_counter()
    with path.open(newline="", encoding="utf-8") as fh:
        rows = [{"external_id": r["id"], "name": r["name"], "work_email": r["work_email"],
                 "job_title": r["job_title"], "level": int(r["level"]), "hire_date": date.fromisoformat(r["hire_date"]),
                 "employment_type": r["employment_type"], "status": r["status"], "languages": r["languages"].split("|")}
                for r in csv.DictReader(fh)]
    with engine.begin() as conn:
        conn.execute(insert(Employee.__table__), rows)  # type: ignore[arg-type]
    elapsed = time.perf_counter() - start
    engine.dispose()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", help="An EMPTY database URL to use instead of temporary SQLite files "
                        "(it is migrated; run once per empty database).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_reference_files(folder)
        employees = folder / "employees.csv"
        write_employees(employees, args.employees, args.seed)
        size_mb = employees.stat().st_size / 1_048_576
        settings = Settings(database_url="sqlite://", max_upload_mb=1024)

        url = fresh_db(args.db, folder, "import")
        floor = baseline_insert(url, employees)  # on the same database, emptied again afterwards
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(delete(Employee.__table__))  # type: ignore[arg-type]
        engine.dispose()
        for kind in ("locations", "org-units", "roles"):
            timed_import(url, settings, kind, folder / f"{kind}.csv")
        first = timed_import(url, settings, "employees", employees)
        dry = timed_import(url, settings, "employees", employees, dry_run=True)
        again = timed_import(url, settings, "employees", employees)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    backend = (args.db or "sqlite").split(":")[0]
    print(f"{args.employees:,} employees, {size_mb:.1f} MB CSV, {backend}, peak RSS {peak_mb:.0f} MB, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("| step | seconds | rows/s | × baseline |")
    print("| --- | ---: | ---: | ---: |")
    for label, secs in [("baseline: csv parse + one Core executemany (no checks)", floor),
                        ("import (validate + references + cycles + insert + managers)", first),
                        ("dry run of the same file", dry),
                        ("re-import of the same file (all unchanged)", again)]:
        print(f"| {label} | {secs:.1f} | {args.employees / secs:,.0f} | {secs / floor:.1f} |")


if __name__ == "__main__":
    main()
