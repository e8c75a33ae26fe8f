"""A repeatable quality check: hide the last move of a share of the people who moved and ask
the matcher to rank every role for them as they were before the move. Reports hit@10 and MRR
of the role actually moved to, against a TF-IDF baseline (profile text vs role text, cosine),
both ranking the same roles and excluding the role the person held.

Caveats, stated in the report: people keep their current skills (skills are not dated), and
career-move plausibility is learnt from the history with the hidden moves removed."""

from __future__ import annotations

import itertools
import time
from collections import defaultdict
from dataclasses import replace

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from trellis.config import Settings
from trellis.core.matching import Matcher
from trellis.core.rules import Rules
from trellis.core.types import OpportunityData, Profile, Requirement
from trellis.matching.encoders import get_encoder
from trellis.matching.loader import Context, load_people, load_skill_graph
from trellis.matching.schemas import EvalReport
from trellis.matching.service import effective_settings, make_matcher
from trellis.models import JobHistory, Role, RoleSkill

MOVES = ("promotion", "lateral", "demotion")
OPEN_RULES = Rules(min_months_in_role=0, max_levels_up=99, max_levels_down=99, exclude_own_team=False,
                   exclude_open_performance_plan=False, enforce_visibility=False, respect_preferences=False)


def evaluate(session: Session, *, settings: Settings, share: float = 0.2, seed: int = 7) -> EvalReport:
    """Hit@10 and MRR with the matching configuration in effect (the company's weights and credit;
    the eligibility rules are opened up, since past moves ignored them)."""
    start = time.perf_counter()
    settings = effective_settings(session, settings=settings)
    history: dict[int, list[tuple[int | None, str | None, str]]] = defaultdict(list)
    for emp, role, title, move in session.execute(
            select(JobHistory.employee_id, JobHistory.role_id, JobHistory.title, JobHistory.move_type)
            .order_by(JobHistory.employee_id, JobHistory.start_date, JobHistory.id)):
        history[emp].append((role, title, move))
    movers = sorted(e for e, h in history.items()
                    if len(h) >= 2 and h[-1][2] in MOVES and h[-1][0] is not None and h[-2][0] is not None
                    and h[-1][0] != h[-2][0])
    rng = np.random.default_rng(seed)
    held = set(rng.choice(movers, size=max(1, int(len(movers) * share)), replace=False).tolist()) if movers else set()
    counts: dict[tuple[int, int], float] = defaultdict(float)
    for emp, h in history.items():
        steps = h[:-1] if emp in held else h
        for (a, _t, _m), (b, _t2, move) in itertools.pairwise(steps):
            if a is not None and b is not None and move != "hire":
                counts[(a, b)] += 1

    ctx = Context(session)
    encoder = get_encoder(settings.match_text_encoder, data_dir=settings.data_dir)
    people, _ext, _names = load_people(session, ctx, settings=settings, encoder=None, ids=sorted(held))
    roles = session.execute(select(Role.id, Role.title, Role.description, Role.level, Role.family_id)).all()
    reqs: dict[int, list[Requirement]] = defaultdict(list)
    for rid, sid, level, required, weight in session.execute(
            select(RoleSkill.role_id, RoleSkill.skill_id, RoleSkill.min_proficiency, RoleSkill.required,
                   RoleSkill.weight)):
        reqs[rid].append(Requirement(sid, int(level), bool(required), float(weight)))
    skill_ids = sorted({s.skill for p in people for s in p.skills} | {r.skill for rs in reqs.values() for r in rs})
    links, vectors, labels = load_skill_graph(session, skill_ids, encoder)
    role_text = [f"{t}. {d or ''} " + " ".join(labels.get(r.skill, "") for r in reqs[rid])
                 for rid, t, d, _lv, _f in roles]
    role_vecs = encoder.encode(role_text)
    opps = [OpportunityData(id=rid, role=rid, family=fam, level=lv, remote="remote", requirements=tuple(reqs[rid]),
                            text_vector=v) for (rid, _t, _d, lv, fam), v in zip(roles, role_vecs, strict=True)]
    before: list[Profile] = []
    truth: dict[int, int] = {}
    person_text: list[str] = []
    for p in people:
        h = history[p.id]
        prev_role = h[-2][0]
        titles = [(ctx.role_title.get(r) if r is not None else None) or t or "" for r, t, _m in h[:-1]]
        text = ". ".join(dict.fromkeys(titles[::-1]))
        person_text.append(text + " " + " ".join(labels.get(s.skill, "") for s in p.skills))
        truth[p.id] = int(h[-1][0])  # type: ignore[arg-type]
        before.append(replace(p, role=prev_role, level=ctx.role_level.get(prev_role or -1),
                              family=ctx.role_family.get(prev_role or -1), text_vector=encoder.encode([text])[0],
                              target_roles=(), target_families=(), interests=()))
    base = make_matcher(settings)
    matcher = Matcher(base.weights, OPEN_RULES, base.trust, related_credit=base.related_credit,
                      similarity_threshold=base.similarity_threshold, what_if=0)
    matcher.fit(opps, before, skills=skill_ids, skill_links=links, skill_vectors=vectors, transitions=dict(counts))
    ranked = matcher.batch(k=11)
    hits, rr = [], []
    for pid, ids in zip(ranked.person_ids.tolist(), ranked.ids.tolist(), strict=True):
        prev = next(p.role for p in before if p.id == pid)
        order = [r for r in ids if r >= 0 and r != prev][:10]
        hits.append(hit_at_k(order, truth[pid], 10))
        rr.append(reciprocal_rank(order, truth[pid]))
    base_hits, base_rr = _tfidf_baseline(person_text, role_text, [r[0] for r in roles],
                                         [(p.id, p.role) for p in before], truth)
    return EvalReport(movers=len(movers), held_out=len(held), hit_at_10=float(np.mean(hits)) if hits else 0.0,
                      baseline_hit_at_10=float(np.mean(base_hits)) if base_hits else 0.0,
                      mrr=float(np.mean(rr)) if rr else 0.0, baseline_mrr=float(np.mean(base_rr)) if base_rr else 0.0,
                      share=share, seed=seed, encoder=encoder.name, seconds=time.perf_counter() - start)


def hit_at_k(ranked: list[int], truth: int, k: int) -> float:
    return 1.0 if truth in ranked[:k] else 0.0


def reciprocal_rank(ranked: list[int], truth: int) -> float:
    return 1.0 / (ranked.index(truth) + 1) if truth in ranked else 0.0


def _tfidf_baseline(person_text: list[str], role_text: list[str], role_ids: list[int],
                    people: list[tuple[int, int | None]], truth: dict[int, int]) -> tuple[list[float], list[float]]:
    """Rank roles by cosine of TF-IDF vectors of profile text and role text."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    if not people:
        return [], []
    vec = TfidfVectorizer(sublinear_tf=True).fit(person_text + role_text)
    sims = (vec.transform(person_text) @ vec.transform(role_text).T).toarray()
    hits, rr = [], []
    ids = np.asarray(role_ids)
    for row, (pid, prev) in enumerate(people):
        order = [int(r) for r in ids[np.argsort(-sims[row], kind="stable")] if r != prev][:10]
        hits.append(hit_at_k(order, truth[pid], 10))
        rr.append(reciprocal_rank(order, truth[pid]))
    return hits, rr
