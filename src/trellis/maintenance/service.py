"""Backup and restore (SQLite online backup; pg_dump/pg_restore for PostgreSQL) and the
retention purge of old applications and AI recommendation logs."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from trellis.db import is_sqlite, normalise_url
from trellis.errors import Invalid, Unavailable
from trellis.models import Application, AuditEvent, RecommendationEvent

CLOSED_APPLICATION = ("selected", "rejected", "withdrawn")


def _sqlite_path(url: str) -> Path:
    database = make_url(normalise_url(url)).database
    if not database or database == ":memory:":
        raise Invalid("an in-memory SQLite database cannot be backed up or restored")
    return Path(database)


def _pg_args(url: str) -> tuple[list[str], dict[str, str]]:
    u = make_url(normalise_url(url))
    args = ["-h", u.host or "127.0.0.1", "-p", str(u.port or 5432), "-U", u.username or "postgres"]
    env = {"PGPASSWORD": u.password} if u.password else {}
    return [*args, "-d", u.database or "postgres"], env


def _run(cmd: list[str], env: dict[str, str]) -> None:
    import os

    if shutil.which(cmd[0]) is None:
        raise Unavailable(f"{cmd[0]} is not installed (apt-get install postgresql-client)")
    done = subprocess.run(cmd, env={**os.environ, **env}, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise Unavailable(f"{cmd[0]} failed: {done.stderr.strip()[-500:]}")


def backup(*, database_url: str, target: Path) -> Path:
    """A consistent copy of the live database in `target` (the app may keep running)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if is_sqlite(database_url):
        source = _sqlite_path(database_url)
        if not source.exists():
            raise Invalid(f"{source}: no such database file")
        tmp = target.with_suffix(target.suffix + ".part")
        with sqlite3.connect(source) as src, sqlite3.connect(tmp) as dst:
            src.backup(dst)
        dst.close()
        tmp.replace(target)
        return target
    args, env = _pg_args(database_url)
    _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target), *args], env)
    return target


def _check_sqlite_backup(path: Path) -> None:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
            has_version = conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE name = 'alembic_version'").fetchone()[0]
        conn.close()
    except sqlite3.DatabaseError as err:
        raise Invalid(f"{path}: not a SQLite database ({err})") from err
    if ok != "ok" or not has_version:
        raise Invalid(f"{path}: not a Trellis backup (integrity: {ok}, migrations table: {bool(has_version)})")


def restore(*, database_url: str, source: Path) -> None:
    """Replace the database with the backup in `source`. Stop the web workers first."""
    if not source.is_file():
        raise Invalid(f"{source}: no such backup file")
    if is_sqlite(database_url):
        _check_sqlite_backup(source)
        target = _sqlite_path(database_url)
        target.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        dst.close()
        return
    args, env = _pg_args(database_url)
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", *args, str(source)], env)


def purge(
    session: Session, *, applications_months: int, ai_log_months: int, now: datetime | None = None,
    dry_run: bool = False,
) -> dict[str, int]:
    """Delete closed applications and recommendation logs older than their retention period.
    Open applications are never purged. The purge itself is written to the audit log."""
    if ai_log_months < 6:
        raise Invalid("AI recommendation logs must be kept at least 6 months")
    now = now or datetime.now(UTC)
    app_cutoff = now - timedelta(days=round(applications_months * 30.44))
    ai_cutoff = now - timedelta(days=round(ai_log_months * 30.44))
    old_apps = (Application.status.in_(CLOSED_APPLICATION), Application.updated_at < app_cutoff)
    old_events = (RecommendationEvent.at < ai_cutoff,)
    counts = {
        "applications": session.scalar(select(func.count()).select_from(Application).where(*old_apps)) or 0,
        "recommendation_events": session.scalar(
            select(func.count()).select_from(RecommendationEvent).where(*old_events)) or 0,
    }
    if not dry_run:
        session.execute(delete(Application).where(*old_apps))
        session.execute(delete(RecommendationEvent).where(*old_events))
        session.add(AuditEvent(actor="maintenance", action="maintenance.purge", data={
            **counts, "applications_before": app_cutoff.isoformat(), "ai_log_before": ai_cutoff.isoformat()}))
        session.flush()
    return counts
