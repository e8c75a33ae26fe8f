"""Mentor assignment at scale: 5,000 mentees × 1,000 mentors (defaults), optimal vs greedy.

    PYTHONPATH=src python bench/mentoring_bench.py [--mentees 5000] [--mentors 1000] [--seed 0]

Synthetic but shaped like a company: 400 skills in 20 clusters; each mentee wants 1–4 skills
mostly from one cluster; each mentor teaches 4–12 skills mostly from one or two clusters at level
3–5, with capacity 1–5; languages (everyone speaks English with probability 0.8, plus local
languages) and time zones in five regions. Prints the time and peak memory of the fit matrix,
the optimal assignment (core.mentoring.assign) and the greedy baseline, and the total fit of
each, all in the same run.
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc

import numpy as np

from trellis.core.mentoring import Mentee, Mentor, assign, fit_matrix, greedy_assign

REGIONS = [("en", -5.0), ("es", -3.0), ("de", 1.0), ("fr", 1.0), ("hi", 5.5), ("ja", 9.0)]


def synth(n_mentees: int, n_mentors: int, seed: int) -> tuple[list[Mentee], list[Mentor]]:
    rng = np.random.default_rng(seed)
    n_skills, n_clusters = 400, 20

    def cluster_skills(k: int, clusters: list[int]) -> list[int]:
        out: set[int] = set()
        while len(out) < k:
            c = clusters[0] if rng.random() < 0.75 else int(rng.choice(clusters))
            if rng.random() < 0.1:
                c = int(rng.integers(n_clusters))
            out.add(c * (n_skills // n_clusters) + int(rng.integers(n_skills // n_clusters)))
        return sorted(out)

    def person() -> tuple[frozenset[str], float]:
        lang, tz = REGIONS[int(rng.integers(len(REGIONS)))]
        langs = {lang} | ({"en"} if rng.random() < 0.8 else set())
        return frozenset(langs), tz

    mentees = []
    for i in range(n_mentees):
        langs, tz = person()
        skills = cluster_skills(int(rng.integers(1, 5)), [int(rng.integers(n_clusters))])
        mentees.append(Mentee(i, {s: float(rng.uniform(0.5, 1.0)) for s in skills}, langs, tz))
    mentors = []
    for j in range(n_mentors):
        langs, tz = person()
        skills = cluster_skills(int(rng.integers(4, 13)), [int(c) for c in rng.integers(n_clusters, size=2)])
        mentors.append(Mentor(n_mentees + j, {s: int(rng.integers(3, 6)) for s in skills},
                              int(rng.integers(1, 6)), langs, tz))
    return mentees, mentors


def timed(fn, *args, **kw):  # type: ignore[no-untyped-def]
    tracemalloc.start()
    t = time.perf_counter()
    out = fn(*args, **kw)
    secs = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return out, secs, peak / 2**20


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mentees", type=int, default=5000)
    ap.add_argument("--mentors", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    mentees, mentors = synth(args.mentees, args.mentors, args.seed)
    caps = [m.capacity for m in mentors]
    (fit, allowed), t_fit, m_fit = timed(fit_matrix, mentees, mentors)
    opt, t_opt, m_opt = timed(assign, fit, allowed, caps)
    greedy, t_greedy, m_greedy = timed(greedy_assign, fit, allowed, caps)
    f_opt, f_greedy = sum(p.fit for p in opt), sum(p.fit for p in greedy)
    print(f"mentees {len(mentees):,} × mentors {len(mentors):,}, capacity {sum(caps):,} slots, "
          f"allowed pairs {allowed.mean():.1%}")
    print(f"fit matrix          {t_fit:7.2f} s  peak {m_fit:7.0f} MB")
    print(f"optimal assignment  {t_opt:7.2f} s  peak {m_opt:7.0f} MB  pairs {len(opt):,}  total fit {f_opt:.1f}")
    print(f"greedy baseline     {t_greedy:7.2f} s  peak {m_greedy:7.0f} MB  pairs {len(greedy):,}  "
          f"total fit {f_greedy:.1f}")
    print(f"optimal / greedy: total fit ×{f_opt / f_greedy:.4f} (+{f_opt - f_greedy:.1f}), "
          f"time ×{t_opt / t_greedy:.1f}")
    print(f"process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
