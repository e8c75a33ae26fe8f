"""An import killed with SIGKILL while it writes leaves the database exactly as before."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import text

from reliability.dbstate import fingerprint
from trellis.config import Settings
from trellis.db import is_sqlite, make_engine, make_session_factory, session_scope
from trellis.imports.service import import_file

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
ROLES = ["R-SWE-2", "R-SWE-3", "R-EM-4", "R-PLAT-3"]
BIG_ROWS = 30_000


def seed_company(url: str, tmp_path: Path) -> None:
    settings = Settings(database_url=url, data_dir=tmp_path / "data")
    engine = make_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        for kind in ("locations", "org-units", "skills", "roles", "employees"):
            import_file(session, kind=kind, path=EXAMPLES / f"{kind}.csv", settings=settings)
    engine.dispose()


def write_big_file(path: Path, rows: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["id", "name", "work_email", "job_title", "role_id", "level", "org_unit_id", "manager_id",
                      "location_id", "hire_date", "employment_type", "status", "languages"])
        for i in range(rows):
            manager = "E0001" if i == 0 else f"K{(i - 1) // 4:06d}"
            out.writerow([f"K{i:06d}", f"Person {i}", f"person.{i}@northwind.example", "Engineer", ROLES[i % 4],
                          3, "OU-200", manager, "LOC-BER", "2020-01-06", "full_time", "active", "en"])


def writing_started(url: str, wal: Path | None, wal_before: int) -> bool:
    """True once the import process has begun writing rows (uncommitted)."""
    if wal is not None:
        return wal.exists() and wal.stat().st_size > wal_before + 256 * 1024
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return bool(conn.scalar(text(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE c.relname = 'employees' AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()")))
    finally:
        engine.dispose()


def test_an_import_killed_while_it_writes_leaves_the_database_exactly_as_before(
    fresh_db_url: str, tmp_path: Path
) -> None:
    seed_company(fresh_db_url, tmp_path)
    big = tmp_path / "BIG.csv"
    write_big_file(big, BIG_ROWS)
    before = fingerprint(fresh_db_url)
    assert before[0]["employees"] == 16

    wal = None
    if is_sqlite(fresh_db_url):
        wal = Path(fresh_db_url.removeprefix("sqlite:///") + "-wal")
    wal_before = wal.stat().st_size if wal is not None and wal.exists() else 0
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "TRELLIS_DATA_DIR": str(tmp_path / "data")}
    proc = subprocess.Popen([sys.executable, "-m", "trellis", "import", "employees", str(big), "--db", fresh_db_url],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        started = False
        while time.monotonic() < deadline and proc.poll() is None:
            if writing_started(fresh_db_url, wal, wal_before):
                started = True
                break
            time.sleep(0.05)
        assert proc.poll() is None, f"the import ended before it could be killed: {proc.stderr.read()!r}"  # type: ignore[union-attr]
        assert started, "the import never started writing"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
        proc.stderr.close()  # type: ignore[union-attr]
    assert proc.returncode == -signal.SIGKILL
    assert fingerprint(fresh_db_url) == before
