"""Matching speed and scale, with the floor and a naive baseline measured in the same run.

    PYTHONPATH=src python bench/matching_bench.py --people 10000 --opportunities 1000
    PYTHONPATH=src python bench/matching_bench.py --people 100000 --opportunities 10000 --queries 200
    PYTHONPATH=src python bench/matching_bench.py --db sqlite:///var/trellis.db   # a built demo org

Measures: index build (fit) time; p50/p95 of recommend (top 20 with explanations and re-scored
gaps) and candidates (top 50 with explanations); batch recompute of every person's top 20; peak
memory (ru_maxrss). In the same process: the floor, a plain float32 product people × 384 ·
384 × opportunities computed in the same blocks (no top-k), and a naive baseline, TF-IDF of
profile text vs posting text, cosine, blockwise, top 20 by argpartition. Prints ratios, because
the machine is shared and absolute times drift."""

from __future__ import annotations

import argparse
import json
import resource
import time
from typing import Any

import numpy as np

from trellis.core.matching import Matcher


def single_thread_blas() -> Any:
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover
        import contextlib

        return contextlib.nullcontext()
    return threadpool_limits(1)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentiles(samples: list[float]) -> tuple[float, float]:
    arr = np.asarray(samples) * 1000
    return float(np.percentile(arr, 50)), float(np.percentile(arr, 95))


def matmul_floor(n_people: int, n_opps: int, dim: int, block: int, seed: int = 0) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    y = rng.standard_normal((n_opps, dim), dtype=np.float32)
    x = rng.standard_normal((block, dim), dtype=np.float32)
    start, cpu = time.perf_counter(), time.process_time()
    for lo in range(0, n_people, block):
        _ = y @ x[: min(block, n_people - lo)].T
    return time.perf_counter() - start, time.process_time() - cpu


def tfidf_baseline(people_text: list[str], opp_text: list[str], k: int, block: int) -> float:
    from sklearn.feature_extraction.text import TfidfVectorizer

    start = time.perf_counter()
    vec = TfidfVectorizer(sublinear_tf=True).fit(people_text + opp_text)
    p, o = vec.transform(people_text), vec.transform(opp_text).T.tocsc()
    for lo in range(0, p.shape[0], block):
        sims = (p[lo:lo + block] @ o).toarray()
        np.argpartition(-sims, k - 1, axis=1)[:, :k]
    return time.perf_counter() - start


def load(args: argparse.Namespace) -> tuple[Any, dict[str, Any]]:
    if args.db:
        from trellis.config import Settings
        from trellis.db import make_engine, make_session_factory
        from trellis.matching import service

        settings = Settings(database_url=args.db, match_text_encoder=args.encoder)
        engine = make_engine(args.db)
        with make_session_factory(engine)() as session:
            start = time.perf_counter()
            index = service.build_index(session, settings=settings)
            build = time.perf_counter() - start
        snap = index.snapshot
        texts = {"people": [" ".join(str(s.skill) for s in p.skills) for p in snap.people],
                 "opps": [snap.opportunity_titles[o.id] for o in snap.opportunities]}
        return index.matcher, {"build_s": build, "source": args.db, **texts}
    from trellis.matching.synthetic import synthetic_org

    start = time.perf_counter()
    org = synthetic_org(args.people, args.opportunities, seed=args.seed)
    generated = time.perf_counter() - start
    start = time.perf_counter()
    matcher = Matcher(block_size=args.block).fit(org.opportunities, org.people, skills=org.skills,
                                                  skill_links=org.links, skill_vectors=org.skill_vectors,
                                                  transitions=org.transitions)
    build = time.perf_counter() - start
    return matcher, {"build_s": build, "generate_s": generated, "source": "synthetic",
                     "people": org.people_text, "opps": org.opportunity_text}


T0 = time.perf_counter()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--people", type=int, default=10000)
    ap.add_argument("--opportunities", type=int, default=1000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--block", type=int, default=2048)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--db", help="benchmark a database (e.g. the demo org) instead of the synthetic org")
    ap.add_argument("--encoder", default="hashing", help="text encoder when --db is given")
    ap.add_argument("--json", action="store_true", help="print one JSON line")
    args = ap.parse_args()

    matcher, info = load(args)
    n_people, n_opps = len(matcher.people_), len(matcher.opportunities_)
    rng = np.random.default_rng(args.seed)
    people_ids = [p.id for p in matcher.people_]
    opp_ids = [o.id for o in matcher.opportunities_]
    rec, cand, rec_cpu, cand_cpu = [], [], [], []
    # one query per web worker thread: BLAS on one thread (spinning BLAS threads only add latency)
    with single_thread_blas():
        for pid in rng.choice(people_ids, size=args.queries):
            start, cpu = time.perf_counter(), time.process_time()
            matcher.recommend(int(pid), 20)
            rec.append(time.perf_counter() - start)
            rec_cpu.append(time.process_time() - cpu)
        for oid in rng.choice(opp_ids, size=args.queries):
            start, cpu = time.perf_counter(), time.process_time()
            matcher.candidates(int(oid), 50)
            cand.append(time.perf_counter() - start)
            cand_cpu.append(time.process_time() - cpu)
    start, cpu = time.perf_counter(), time.process_time()
    matcher.batch(20, block_size=args.block)
    batch, batch_cpu = time.perf_counter() - start, time.process_time() - cpu
    engine_peak = peak_mb()
    floor, floor_cpu = matmul_floor(n_people, n_opps, 384, args.block)
    floor_wide, _floor_wide_cpu = matmul_floor(n_people, n_opps, matcher.X_.shape[1], args.block)
    baseline = tfidf_baseline(info["people"], info["opps"], 20, args.block)
    r50, r95 = percentiles(rec)
    c50, c95 = percentiles(cand)
    rc50, rc95 = percentiles(rec_cpu)
    cc50, cc95 = percentiles(cand_cpu)
    result = {
        "source": info["source"], "people": n_people, "opportunities": n_opps, "dense_width": matcher.X_.shape[1],
        "build_s": round(info["build_s"], 2), "recommend_p50_ms": round(r50, 2), "recommend_p95_ms": round(r95, 2),
        "candidates_p50_ms": round(c50, 2), "candidates_p95_ms": round(c95, 2),
        "recommend_cpu_p50_ms": round(rc50, 2), "recommend_cpu_p95_ms": round(rc95, 2),
        "candidates_cpu_p50_ms": round(cc50, 2), "candidates_cpu_p95_ms": round(cc95, 2),
        "batch_s": round(batch, 2), "batch_cpu_s": round(batch_cpu, 2), "floor_cpu_s": round(floor_cpu, 2),
        "batch_cpu_over_floor_cpu": round(batch_cpu / floor_cpu, 2),
        "floor_matmul384_s": round(floor, 2), "floor_matmul_width_s": round(floor_wide, 2),
        "tfidf_baseline_s": round(baseline, 2), "batch_over_floor": round(batch / floor, 2),
        "batch_over_width_floor": round(batch / floor_wide, 2), "batch_over_tfidf": round(batch / baseline, 2),
        "peak_mb_engine": round(engine_peak), "peak_mb_with_baselines": round(peak_mb()),
        "cpu_s_total": round(time.process_time(), 1),
        "wall_s_total": round(time.perf_counter() - T0, 1),
    }
    if args.json:
        print(json.dumps(result))
        return
    for key, value in result.items():
        print(f"{key:24} {value}")


if __name__ == "__main__":
    main()
