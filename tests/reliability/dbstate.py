"""Fingerprints of a whole database: row counts per table and a checksum over every row, so a
test can prove that a database is exactly as it was."""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select

from trellis.db import make_engine
from trellis.models import Base


def fingerprint(url: str) -> tuple[dict[str, int], str]:
    """(rows per table, sha256 over every row of every table in primary-key order)."""
    engine = make_engine(url)
    digest = hashlib.sha256()
    counts: dict[str, int] = {}
    try:
        with engine.connect() as conn:
            for table in Base.metadata.sorted_tables:
                counts[table.name] = conn.scalar(select(func.count()).select_from(table)) or 0
                order = list(table.primary_key.columns) or list(table.columns)
                digest.update(table.name.encode())
                for row in conn.execute(select(table).order_by(*order)):
                    digest.update(repr(tuple(row)).encode())
    finally:
        engine.dispose()
    return counts, digest.hexdigest()
