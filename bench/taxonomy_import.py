"""Time the ESCO and O*NET imports: reading the release alone (the floor) and the full import
into a fresh database, in the same process. Prints one line per step and the ratio.

usage: python bench/taxonomy_import.py [--shared ../shared/data] [--db URL ...]
(no --db: a temporary SQLite file; pass a PostgreSQL URL of an EMPTY database to time it too —
it is migrated and the imports are committed into it)."""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from trellis.db import make_engine, make_session_factory
from trellis.migrations import upgrade
from trellis.taxonomy import service
from trellis.taxonomy.esco import read_esco
from trellis.taxonomy.onet import read_onet


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=Path("..") / "shared" / "data")
    parser.add_argument("--db", action="append", default=[])
    args = parser.parse_args()
    esco, onet = args.shared / "esco-1.1.1", args.shared / "onet-29.3"
    urls = args.db or [f"sqlite:///{tempfile.mkdtemp()}/bench.db"]
    started = time.perf_counter()
    read_esco([esco], version="1.1.1")
    esco_read = time.perf_counter() - started
    started = time.perf_counter()
    read_onet([onet], version="29.3")
    onet_read = time.perf_counter() - started
    print(f"read only: ESCO {esco_read:.1f} s, O*NET {onet_read:.1f} s")
    for url in urls:
        upgrade(url)
        engine = make_engine(url)
        session = make_session_factory(engine)()
        try:
            for name, fn, path, floor in (
                ("ESCO 1.1.1", service.import_esco, esco, esco_read),
                ("O*NET 29.3", service.import_onet, onet, onet_read),
            ):
                started = time.perf_counter()
                fn(session, paths=[path])
                session.commit()
                seconds = time.perf_counter() - started
                print(f"{url.split('://')[0]:10} {name}: {seconds:.1f} s  ({seconds / floor:.1f}x reading alone)")
        finally:
            session.close()
            engine.dispose()


if __name__ == "__main__":
    main()
