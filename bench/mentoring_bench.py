"""Mentor assignment at scale: 5,000 mentees × 1,000 mentors (defaults), optimal vs greedy.

    PYTHONPATH=src python bench/mentoring_bench.py [--mentees 5000] [--mentors 1000] [--seed 0] [--service]

Synthetic but shaped like a company: 400 skills in 20 clusters; each mentee wants 1–4 skills
mostly from one cluster; each mentor teaches 4–12 skills mostly from one or two clusters at level
3–5, with capacity 1–5; languages (everyone speaks English with probability 0.8, plus local
languages) and time zones in five regions. Prints the time and peak memory of the fit matrix,
the optimal assignment (core.mentoring.assign) and the greedy baseline, and the total fit of
each, all in the same run. ``--service`` also loads the same people into a scratch SQLite
database and times the whole ``mentoring.service.assign_mentors`` (queries, assignment,
explanations, writing the proposed pairs).
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


def service_run(mentees: list[Mentee], mentors: list[Mentor]) -> None:
    import tempfile
    from pathlib import Path

    from sqlalchemy.orm import Session

    from trellis.db import make_engine
    from trellis.mentoring.service import assign_mentors
    from trellis.migrations import upgrade
    from trellis.models import Employee, MenteeGoal, MenteeRequest, MentorProfile, MentorSkill, Skill, Taxonomy

    offset_tz = {-5.0: "America/Bogota", -3.0: "America/Sao_Paulo", 1.0: "Africa/Lagos", 5.5: "Asia/Kolkata",
                 9.0: "Asia/Tokyo"}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(url)
        engine = make_engine(url)
        with Session(engine) as s:
            tax = Taxonomy(source="company", version="bench", name="bench")
            s.add(tax)
            s.flush()
            skills = sorted({k for m in mentees for k in m.goals} | {k for m in mentors for k in m.skills})
            s.add_all([Skill(id=k + 1, taxonomy_id=tax.id, external_id=f"S{k}", preferred_label=f"skill {k}")
                       for k in skills])
            s.add_all([Employee(id=p.person_id + 1, external_id=f"E{p.person_id}", name=f"P{p.person_id}",
                                work_email=f"p{p.person_id}@x.org") for p in [*mentees, *mentors]])
            s.flush()
            for m in mentors:
                s.add(MentorProfile(employee_id=m.person_id + 1, capacity=m.capacity, languages=sorted(m.languages),
                                    timezone=offset_tz[m.utc_offset or 0.0],
                                    skills=[MentorSkill(skill_id=k + 1, level=v) for k, v in m.skills.items()]))
            for me in mentees:
                s.add(MenteeRequest(employee_id=me.person_id + 1, languages=sorted(me.languages),
                                    timezone=offset_tz[me.utc_offset or 0.0],
                                    goals=[MenteeGoal(skill_id=k + 1, weight=w) for k, w in me.goals.items()]))
            s.commit()
        with Session(engine) as s:
            t = time.perf_counter()
            out = assign_mentors(s, dry_run=False, actor="bench")
            s.commit()
            secs = time.perf_counter() - t
        engine.dispose()
    print(f"service assign_mentors (SQLite, queries + assignment + explanations + writes) {secs:.2f} s, "
          f"{out.assigned:,} pairs, total fit {out.total_fit:.1f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mentees", type=int, default=5000)
    ap.add_argument("--mentors", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--service", action="store_true", help="also time the database service end to end")
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
    if args.service:
        service_run(mentees, mentors)


if __name__ == "__main__":
    main()
