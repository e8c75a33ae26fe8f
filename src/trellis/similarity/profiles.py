"""Role profiles read from the database and turned into facet similarity matrices.

One function per kind of role (O*NET occupations, ESCO occupations, the company's own roles);
each returns a :class:`Profiles` — ids, labels, and a dict of role × role similarity matrices
computed by the pure functions in :mod:`trellis.core.similarity`."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sqlalchemy import select
from sqlalchemy.orm import Session

from trellis.core import similarity as sim
from trellis.models import JobFamily, Occupation, OccupationSkill, Role, RoleSkill, Skill, SkillRelation, Taxonomy


@dataclass
class Profiles:
    ids: list[str]  # O*NET-SOC code, ESCO URI, or company role external id
    labels: list[str]
    facets: dict[str, sim.FloatArray] = field(default_factory=dict)


def _matrix(rows: Sequence[dict[int, float]], width: int) -> sp.csr_matrix:
    r, c, v = [], [], []
    for i, row in enumerate(rows):
        for j, value in row.items():
            r.append(i)
            c.append(j)
            v.append(value)
    return sp.csr_matrix((np.asarray(v, dtype=np.float32), (r, c)), shape=(len(rows), max(width, 1)))


def _columns() -> tuple[dict[object, int], Callable[[object], int]]:
    index: dict[object, int] = {}

    def col(key: object) -> int:
        return index.setdefault(key, len(index))

    return index, col


def soc_path(code: str | None) -> list[str]:
    """SOC 15-1252.00 → 15, 15-1, 15-125, 15-1252, 15-1252.00 (major, minor, broad, detailed, O*NET)."""
    if not code or not re.fullmatch(r"\d\d-\d{4}(\.\d\d)?", code):
        return []
    return [code[:2], code[:4], code[:6], code[:7], code]


def isco_path(code: str | None) -> list[str]:
    """ESCO code 2654.1.7 → 2, 26, 265, 2654, 2654.1, 2654.1.7 (ISCO digits, then ESCO levels)."""
    if not code:
        return []
    head, *rest = code.split(".")
    path = [head[: i + 1] for i in range(len(head))]
    for part in rest:
        path.append(f"{path[-1]}.{part}")
    return path


def _occupations(session: Session, taxonomy: Taxonomy) -> list[Occupation]:
    return list(
        session.scalars(
            select(Occupation).where(Occupation.taxonomy_id == taxonomy.id).order_by(Occupation.external_id)
        )
    )


def _links(session: Session, taxonomy: Taxonomy) -> list[tuple[int, str, str, str, float | None, float | None]]:
    query = (
        select(
            OccupationSkill.occupation_id,
            Skill.external_id,
            Skill.skill_type,
            OccupationSkill.relation,
            OccupationSkill.importance,
            OccupationSkill.level,
        )
        .join(Skill, Skill.id == OccupationSkill.skill_id)
        .where(Skill.taxonomy_id == taxonomy.id)
    )
    return [tuple(row) for row in session.execute(query)]  # type: ignore[misc]


def _text_facet(texts: Sequence[str], *, bigrams: bool = False) -> sim.FloatArray:
    return sim.cosine(sim.tfidf(sim.bag_of_words(texts, bigrams=bigrams)))


def _semantic(texts: Sequence[str], embed: Callable[[Sequence[str]], np.ndarray] | None) -> dict[str, sim.FloatArray]:
    return {"semantic": sim.cosine(embed(list(texts)))} if embed is not None and texts else {}


def onet_profiles(
    session: Session, taxonomy: Taxonomy, *, embed: Callable[[Sequence[str]], np.ndarray] | None = None
) -> Profiles:
    """O*NET occupations: Skills and Knowledge ratings (importance × level, each element centred
    on its mean over the rated occupations so that what every occupation needs counts for
    nothing), technology examples and commodities, task, title and description words, the SOC
    hierarchy and the job zone. ``baseline`` is the published baseline: the cosine of the raw
    Skills + Knowledge importance vectors."""
    occs = _occupations(session, taxonomy)
    row = {o.id: i for i, o in enumerate(occs)}
    n = len(occs)
    rated: dict[str, list[dict[int, float]]] = {k: [{} for _ in range(n)] for k in ("imlv", "im")}
    tech: list[dict[int, float]] = [{} for _ in range(n)]
    rated_cols, rated_col = _columns()
    tech_cols, tech_col = _columns()
    for occ_id, ext, kind, _rel, importance, level in _links(session, taxonomy):
        i = row[occ_id]
        if kind in ("skill", "knowledge") and importance is not None:
            j = rated_col(ext)
            rated["imlv"][i][j] = importance * (level if level is not None else importance)
            rated["im"][i][j] = importance
        elif kind == "technology":
            tech[i][tech_col(ext)] = 1.0
    commodities: list[dict[int, float]] = [{} for _ in range(n)]
    com_cols, com_col = _columns()
    for i, o in enumerate(occs):
        for item in o.extra.get("technology", []):
            j = com_col(item.get("commodity"))
            commodities[i][j] = commodities[i].get(j, 0.0) + 1.0
    width = len(rated_cols)
    facets = {
        "baseline": sim.cosine(_matrix(rated["im"], width)),
        "ratings": sim.cosine(sim.center_columns(_matrix(rated["imlv"], width))),
        "technology": sim.cosine(sim.tfidf(_matrix(tech, len(tech_cols)))),
        "commodities": sim.cosine(sim.tfidf(_matrix(commodities, len(com_cols)))),
        "tasks": _text_facet([" ".join(t["task"] for t in o.extra.get("tasks", [])) for o in occs]),
        "titles": _text_facet(
            [" ".join([o.title, *o.alt_titles, *o.extra.get("reported_titles", [])]) for o in occs], bigrams=True
        ),
        "description": _text_facet([o.description or "" for o in occs]),
        "code": sim.hierarchy_proximity([soc_path(o.code) for o in occs]),
        "zone": sim.ordinal_proximity([o.job_zone for o in occs], span=4.0),
        **_semantic([f"{o.title}. {o.description or ''}" for o in occs], embed),
    }
    return Profiles(ids=[o.external_id for o in occs], labels=[o.title for o in occs], facets=facets)


def esco_profiles(
    session: Session, taxonomy: Taxonomy, *, embed: Callable[[Sequence[str]], np.ndarray] | None = None
) -> Profiles:
    """ESCO occupations: shared essential (1.0) / optional (0.5) skills, the skill groups they
    fall in, title and description words, and the ISCO / ESCO code hierarchy."""
    occs = _occupations(session, taxonomy)
    row = {o.id: i for i, o in enumerate(occs)}
    n = len(occs)
    parents: dict[str, list[str]] = defaultdict(list)
    broader = select(Skill.external_id, SkillRelation.target_id).join(Skill, Skill.id == SkillRelation.source_id)
    group_ext = dict(session.execute(select(Skill.id, Skill.external_id).where(Skill.taxonomy_id == taxonomy.id)).all())
    for ext, target in session.execute(
        broader.where(Skill.taxonomy_id == taxonomy.id, SkillRelation.relation == "broader")
    ):
        parents[ext].append(group_ext[target])
    skills: list[dict[int, float]] = [{} for _ in range(n)]
    groups: list[dict[int, float]] = [{} for _ in range(n)]
    skill_cols, skill_col = _columns()
    group_cols, group_col = _columns()
    for occ_id, ext, _kind, relation, _im, _lv in _links(session, taxonomy):
        i = row[occ_id]
        weight = 1.0 if relation == "essential" else 0.5
        skills[i][skill_col(ext)] = weight
        for parent in parents.get(ext, []):
            j = group_col(parent)
            groups[i][j] = groups[i].get(j, 0.0) + weight
    facets = {
        "skills": sim.cosine(sim.tfidf(_matrix(skills, len(skill_cols)), sublinear=False)),
        "groups": sim.cosine(sim.tfidf(_matrix(groups, len(group_cols)))),
        "titles": _text_facet([" ".join([o.title, *o.alt_titles]) for o in occs], bigrams=True),
        "description": _text_facet([o.description or "" for o in occs]),
        "code": sim.hierarchy_proximity([isco_path(o.code) for o in occs]),
        **_semantic([f"{o.title}. {o.description or ''}" for o in occs], embed),
    }
    return Profiles(ids=[o.external_id for o in occs], labels=[o.title for o in occs], facets=facets)


def company_profiles(session: Session, *, embed: Callable[[Sequence[str]], np.ndarray] | None = None) -> Profiles:
    """The company's roles: required (1.0) / preferred (0.5) skills × weight × minimum level,
    title and description words, job family and level."""
    roles = list(session.scalars(select(Role).order_by(Role.external_id)))
    row = {r.id: i for i, r in enumerate(roles)}
    skills: list[dict[int, float]] = [{} for _ in roles]
    cols, col = _columns()
    for role_id, skill_id, required, weight, level in session.execute(
        select(RoleSkill.role_id, RoleSkill.skill_id, RoleSkill.required, RoleSkill.weight, RoleSkill.min_proficiency)
    ):
        skills[row[role_id]][col(skill_id)] = (1.0 if required else 0.5) * weight * level
    families = dict(session.execute(select(JobFamily.id, JobFamily.external_id)).all())
    facets = {
        "skills": sim.cosine(sim.tfidf(_matrix(skills, len(cols)), sublinear=False)),
        "titles": _text_facet([f"{r.title} {r.description or ''}" for r in roles], bigrams=True),
        "code": sim.hierarchy_proximity([[families[r.family_id]] if r.family_id else [] for r in roles]),
        "zone": sim.ordinal_proximity([float(r.level) for r in roles], span=4.0),
        **_semantic([f"{r.title}. {r.description or ''}" for r in roles], embed),
    }
    return Profiles(ids=[r.external_id for r in roles], labels=[r.title for r in roles], facets=facets)
