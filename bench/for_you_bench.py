"""`For you` in process, without HTTP: the service a page calls (recommendations with their
explanations, the rules that hide other openings), for 50 employees, 4 timed rounds after a
warm one, with the number of SQL statements per call.

    PYTHONPATH=src python bench/for_you_bench.py --db postgresql://postgres@127.0.0.1:5432/demo100k

For a same-run comparison, run it again with an older tree first on PYTHONPATH."""

from __future__ import annotations

import argparse
import random
import statistics
import time

from sqlalchemy import event, select

from trellis.accounts.permissions import Actor
from trellis.config import get_settings
from trellis.db import make_engine, make_session_factory
from trellis.matching import service as matching
from trellis.models import Employee
from trellis.recommendations import service as recommendations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--people", type=int, default=50)
    args = parser.parse_args()
    settings = get_settings()
    engine = make_engine(args.db)
    factory = make_session_factory(engine)
    with factory() as session:
        started = time.perf_counter()
        matching.warm(session, settings=settings)
        print(f"index ready in {time.perf_counter() - started:.1f} s")
        ids = list(session.scalars(select(Employee.id).where(Employee.status != "terminated").limit(5000)))
    picks = random.Random(1).sample(ids, args.people)
    statements = [0]
    event.listen(engine, "before_cursor_execute", lambda *_: statements.__setitem__(0, statements[0] + 1))
    times = []
    for round_ in range(5):
        for employee in picks:
            with factory() as session:
                t = time.perf_counter()
                recommendations.for_you(session, settings=settings, actor=Actor(user_id=1, role="employee",
                                                                                employee_id=employee), k=20)
                if round_:
                    times.append(time.perf_counter() - t)
    times.sort()
    print(f"for_you in process: median {statistics.median(times) * 1e3:.1f} ms, "
          f"p95 {times[int(0.95 * len(times))] * 1e3:.1f} ms over {len(times)} calls, "
          f"{statements[0] / (5 * len(picks)):.1f} SQL statements per call")


if __name__ == "__main__":
    main()
