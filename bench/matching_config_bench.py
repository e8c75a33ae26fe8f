"""What the company matching settings cost a request, and what a change costs each worker.

    PYTHONPATH=src python bench/matching_config_bench.py --employees 2000 --queries 300

Builds the demo organisation in a temporary SQLite file (hashing encoder, no model to load),
then times in one process:

- a warm ``matching.service.recommend`` (top 20 with explanations), which now reads the
  company's matching values (one query) and hashes the effective configuration;
- that read + hash alone (``effective_settings`` + ``model_version``), with no company values
  and with every knob set; its share of a warm recommend is the figure to read;
- the first recommend after a change (a new model version: the worker builds the index for the
  new configuration) against the first recommend on a cold cache (the same build).

Prints CPU and wall p50/p95 and ratios, because the machine is shared and absolute times drift."""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sqlalchemy import Select, select

from trellis.config import Settings
from trellis.db import make_engine, make_session_factory
from trellis.demo.service import build_demo
from trellis.governance import service as governance
from trellis.matching import service
from trellis.migrations import upgrade
from trellis.models import Employee


def timed(fn: Callable[[], object], n: int) -> dict[str, float]:
    wall, cpu = [], []
    for _ in range(n):
        w, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    return {"wall_p50_ms": float(np.percentile(wall, 50) * 1000), "wall_p95_ms": float(np.percentile(wall, 95) * 1000),
            "cpu_p50_ms": float(np.percentile(cpu, 50) * 1000), "cpu_p95_ms": float(np.percentile(cpu, 95) * 1000)}


def once(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--employees", type=int, default=2000)
    ap.add_argument("--queries", type=int, default=300)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="trellis-config-bench-"))
    url = f"sqlite:///{tmp / 'demo.db'}"
    upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with factory() as session:
        build_demo(session, employees=args.employees, seed=7)
        session.commit()
    settings = Settings(database_url=url, match_text_encoder="hashing")
    out: dict[str, object] = {"employees": args.employees, "queries": args.queries,
                              "load_average": os.getloadavg()}
    with factory() as session:
        people = session.scalars(select_people()).all()[: args.queries]
        cycle = iter(people * 4)

        def recommend() -> object:
            return service.recommend(session, settings=settings, employee=next(cycle), k=20)

        def read_config() -> object:
            return service.model_version(service.effective_settings(session, settings=settings))

        out["cold_first_recommend_s"] = once(recommend)
        out["recommend_warm"] = timed(recommend, args.queries)
        out["config_read_no_values"] = timed(read_config, args.queries)
        governance.set_settings(session, changes=every_knob_changed(settings), actor="bench", reason="bench",
                                settings=settings)
        session.commit()
        out["config_read_every_knob_set"] = timed(read_config, args.queries)
        out["first_recommend_after_change_s"] = once(recommend)
        out["recommend_warm_every_knob_set"] = timed(recommend, args.queries)
    warm = out["recommend_warm"]["cpu_p50_ms"]  # type: ignore[index]
    out["ratio_config_read_to_recommend_cpu_p50"] = round(
        out["config_read_every_knob_set"]["cpu_p50_ms"] / warm, 4)  # type: ignore[index]
    out["ratio_change_to_cold_build"] = round(
        out["first_recommend_after_change_s"] / out["cold_first_recommend_s"], 3)  # type: ignore[operator]
    engine.dispose()
    print(json.dumps(out, indent=2))


def every_knob_changed(settings: Settings) -> dict[str, object]:
    """A company value for every matching knob: halved numbers (levels 1), flipped switches."""
    changes: dict[str, object] = {}
    for key in governance.MATCHING_KEYS:
        spec = governance.SETTINGS[key]
        default = spec.default_for(settings)
        changes[key] = (not default) if spec.kind is bool else 1 if spec.kind is int else default / 2
    return changes


def select_people() -> Select[tuple[str]]:
    return select(Employee.external_id).where(Employee.status == "active").order_by(Employee.id)


if __name__ == "__main__":
    main()
