"""Bulk queries that turn the database into the matching core's inputs. A handful of queries
per build, whatever the size of the company; the same functions load single rows for
incremental updates. Nothing here reads protected attributes: matching has no use for them and
``tests/matching`` checks that no statement issued while building touches their table."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import select
from sqlalchemy.orm import Session

from trellis.config import Settings
from trellis.core.types import OPPORTUNITY_TYPES, OpportunityData, Profile, Requirement, SkillLevel
from trellis.matching.encoders import CachedEncoder, TextEncoder
from trellis.models import (
    Employee,
    EmployeeSkill,
    JobFamily,
    JobHistory,
    Location,
    Opportunity,
    OpportunitySkill,
    OpportunityVisibility,
    OrgUnit,
    PerformancePlan,
    Preferences,
    Role,
    RoleSkill,
    Skill,
    SkillRelation,
    TargetRole,
)

RELATION_STRENGTH = {"related": 0.8, "broader": 0.6}


@dataclass
class Snapshot:
    """Everything the matcher is fitted on, plus the id/label maps the service needs."""

    people: list[Profile]
    opportunities: list[OpportunityData]
    skills: list[int]
    skill_vectors: npt.NDArray[np.float32] | None
    links: list[tuple[int, int, float]]
    transitions: dict[tuple[int, int], float] | None
    labels: dict[str, dict[int, str]]
    employee_ext: dict[int, str] = field(default_factory=dict)
    employee_names: dict[int, str] = field(default_factory=dict)
    opportunity_ext: dict[int, str] = field(default_factory=dict)
    opportunity_titles: dict[int, str] = field(default_factory=dict)


def _months_between(start: date, end: date) -> float:
    return (end - start).days / 30.44


class Context:
    """Lookups shared by people and opportunities (roles, org tree, skill labels)."""

    def __init__(self, session: Session) -> None:
        self.role_family: dict[int, int | None] = {}
        self.role_level: dict[int, int] = {}
        self.role_title: dict[int, str] = {}
        plain = session.connection()  # plain rows: no ORM result processing
        for rid, fam, level, title in plain.execute(select(Role.id, Role.family_id, Role.level, Role.title)):
            self.role_family[rid], self.role_level[rid], self.role_title[rid] = fam, level, title
        self.parent = dict(plain.execute(select(OrgUnit.id, OrgUnit.parent_id)).all())
        self.family_names = dict(plain.execute(select(JobFamily.id, JobFamily.name)).all())
        self.location_names = dict(plain.execute(select(Location.id, Location.name)).all())
        self._skill_by_label: dict[str, int] | None = None
        self._paths: dict[int | None, tuple[int, ...]] = {}
        self.session = session

    def org_path(self, unit: int | None) -> tuple[int, ...]:
        """The unit and its ancestors: one tuple per unit, shared by everyone in it."""
        found = self._paths.get(unit)
        if found is None:
            path: list[int] = []
            step = unit
            while step is not None and step not in path:
                path.append(step)
                step = self.parent.get(step)
            found = self._paths[unit] = tuple(path)
        return found

    def skills_for_labels(self, labels: Iterable[str]) -> list[int]:
        if self._skill_by_label is None:
            self._skill_by_label = {lab.lower(): sid for sid, lab in
                                    self.session.connection().execute(select(Skill.id, Skill.preferred_label))}
        found = {self._skill_by_label.get(label.strip().lower()) for label in labels}
        return sorted(s for s in found if s is not None)


def text_rows(encoder: TextEncoder, texts: Sequence[str]) -> list[npt.NDArray[np.floating]]:
    """One vector per text. A caching encoder hands out its own read-only rows, so people with
    the same text share one vector and no second copy of them all is made (93,901 profiles:
    144 MB); any other encoder's matrix is split into rows."""
    if isinstance(encoder, CachedEncoder):
        return encoder.rows(texts)
    return list(encoder.encode(texts))


PEOPLE_CHUNK = 10_000  # people read per round of queries


def load_people(session: Session, ctx: Context, *, settings: Settings, encoder: TextEncoder | None,
                ids: list[int] | None = None, today: date | None = None) -> tuple[list[Profile], dict[int, str],
                                                                                   dict[int, str]]:
    """Profiles of the active employees (or of ``ids``), in id order. People are read
    `PEOPLE_CHUNK` at a time (a range of ids per query): reading a large company's ~1.3 million
    held skills at once left ~330 MB of rows in the driver and the heap at 100,000 people, for
    the same time (BENCHMARKS.md, "Web worker memory")."""
    q = select(Employee.id).where(Employee.status != "terminated").order_by(Employee.id)
    if ids is not None:
        q = q.where(Employee.id.in_(ids))
    chosen = list(session.scalars(q))
    reader = _PeopleReader(session, ctx, encoder=encoder, today=today or date.today())
    profiles: list[Profile] = []
    ext: dict[int, str] = {}
    names: dict[int, str] = {}
    for first in range(0, len(chosen), PEOPLE_CHUNK):
        part = chosen[first:first + PEOPLE_CHUNK]
        profiles += reader.read(part, ext, names, exact=ids is not None)
    return profiles, ext, names


class _PeopleReader:
    """Reads the profiles of one chunk of employees; what chunks share (one `SkillLevel` per
    distinct held skill, the skills of each stated interest) lives here."""

    def __init__(self, session: Session, ctx: Context, *, encoder: TextEncoder | None, today: date) -> None:
        self.session, self.ctx, self.encoder, self.today = session, ctx, encoder, today
        # one shared SkillLevel per distinct (skill, level, source, verified): they are frozen, and
        # a large company has ~10^6 held skills but only ~10^4 distinct ones (~100 MB per worker)
        self.levels: dict[tuple[int, Any, str, bool], SkillLevel] = {}
        self.interest_skills: dict[str, list[int]] = {}
        # and one object per distinct small value (ids, id tuples, the types someone is open to):
        # 100,000 profiles hold ~10^3 distinct ones, ~25 MB less per worker
        self.shared: dict[Any, Any] = {}

    def share(self, value: Any) -> Any:
        return self.shared.setdefault(value, value)

    def read(self, part: list[int], ext: dict[int, str], names: dict[int, str], *, exact: bool) -> list[Profile]:
        """``part``: ascending ids; ``exact``: exactly these (else every row in their id range, of
        which only theirs are kept: one range condition instead of thousands of ids)."""
        session, ctx = self.session, self.ctx
        if not part:
            return []

        def of(stmt: Any) -> Sequence[Any]:
            column = stmt.selected_columns[0]
            stmt = stmt.where(column.in_(part) if exact else column.between(part[0], part[-1]))
            return session.connection().execute(stmt).all()  # plain rows: no ORM result processing (1.6x)

        wanted = set(part)
        rows = [r for r in of(select(Employee.id, Employee.external_id, Employee.name, Employee.job_title,
                                     Employee.role_id, Employee.level, Employee.org_unit_id, Employee.manager_id,
                                     Employee.location_id, Employee.hire_date).order_by(Employee.id))
                if r[0] in wanted]
        skills: dict[int, list[SkillLevel]] = defaultdict(list)
        levels = self.levels
        for emp, sid, prof, source, verified in of(
                select(EmployeeSkill.employee_id, EmployeeSkill.skill_id, EmployeeSkill.proficiency,
                       EmployeeSkill.source, EmployeeSkill.verified_at.is_not(None))
                .where(EmployeeSkill.status == "accepted")):
            key = (sid, prof, source, bool(verified))
            held = levels.get(key)
            if held is None:
                held = levels[key] = SkillLevel(sid, float(prof), source, bool(verified))
            skills[emp].append(held)
        prefs = {r[0]: r for r in of(
            select(Preferences.employee_id, Preferences.interests, Preferences.open_to_jobs, Preferences.open_to_gigs,
                   Preferences.open_to_mentoring, Preferences.location_ids, Preferences.remote, Preferences.relocation,
                   Preferences.gig_hours_per_week, Preferences.ai_opt_out))}
        targets: dict[int, list[int]] = defaultdict(list)
        for emp, role in of(select(TargetRole.employee_id, TargetRole.role_id).order_by(TargetRole.priority)):
            targets[emp].append(role)
        history: dict[int, list[tuple[date, date | None, int | None, str | None]]] = defaultdict(list)
        for emp, start, end, role, title in of(
                select(JobHistory.employee_id, JobHistory.start_date, JobHistory.end_date, JobHistory.role_id,
                       JobHistory.title).order_by(JobHistory.start_date)):
            history[emp].append((start, end, role, title))
        on_plan = {r[0] for r in of(select(PerformancePlan.employee_id).where(PerformancePlan.closed_on.is_(None)))}
        people: list[dict[str, Any]] = []
        texts = []
        for eid, external, name, title, role, level, unit, manager, location, hired in rows:
            p = prefs.get(eid)
            interests = list(p[1] or []) if p else []
            for label in interests:
                if label not in self.interest_skills:
                    self.interest_skills[label] = ctx.skills_for_labels([label])
            open_to = {"job", "gig", "project", "mentorship"}
            if p:
                open_to = {k for k, ok in zip(OPPORTUNITY_TYPES, (p[2], p[3], p[3], p[4]), strict=True) if ok}
            hist = history.get(eid, [])
            current = [h for h in hist if h[1] is None and (role is None or h[2] == role)]
            since = current[-1][0] if current else hired
            target_roles = targets.get(eid, [])
            titles = [t for *_, t in hist if t] + [ctx.role_title[r] for *_, r, _t in hist if r in ctx.role_title]
            texts.append(". ".join(dict.fromkeys([title or "", *titles[-6:], *interests]).keys()).strip(". "))
            share = self.share
            people.append(dict(
                id=eid, skills=tuple(skills.get(eid, ())), role=share(role),
                family=ctx.role_family.get(role) if role else None,
                level=level if level is not None else (ctx.role_level.get(role) if role else None),
                org_unit=share(unit), org_path=ctx.org_path(unit), manager=share(manager), location=share(location),
                accepted_locations=share(tuple(p[5] or [])) if p else (), remote=share(p[6]) if p else "any",
                relocation=bool(p[7]) if p else False, gig_hours=share(int(p[8] or 0)) if p else 0,
                open_to=share(frozenset(open_to)), target_roles=share(tuple(target_roles)),
                target_families=share(tuple({f for r in target_roles if (f := ctx.role_family.get(r)) is not None})),
                interests=share(tuple(sorted({s for label in interests for s in self.interest_skills[label]}))),
                months_in_role=_months_between(since, self.today) if since else None,
                open_performance_plan=eid in on_plan, opted_out=bool(p[9]) if p else False))
            ext[eid], names[eid] = external, name
        vectors: Sequence[npt.NDArray[np.float32] | None] = [None] * len(people)
        if self.encoder is not None and people:
            vectors = text_rows(self.encoder, texts)
        return [Profile(**kw, text_vector=v if t else None) for kw, v, t in zip(people, vectors, texts, strict=True)]


def load_opportunities(session: Session, ctx: Context, *, encoder: TextEncoder | None,
                       ids: list[int] | None = None) -> tuple[list[OpportunityData], dict[int, str], dict[int, str]]:
    q = select(Opportunity.id, Opportunity.external_id, Opportunity.type, Opportunity.title, Opportunity.description,
               Opportunity.role_id, Opportunity.org_unit_id, Opportunity.location_id, Opportunity.remote,
               Opportunity.hours_per_week, Opportunity.hiring_manager_id).where(Opportunity.status == "open")
    if ids is not None:
        q = q.where(Opportunity.id.in_(ids))
    rows = session.connection().execute(q).all()
    chosen = [r[0] for r in rows]
    reqs: dict[int, list[Requirement]] = defaultdict(list)
    sq = select(OpportunitySkill.opportunity_id, OpportunitySkill.skill_id, OpportunitySkill.min_proficiency,
                OpportunitySkill.required, OpportunitySkill.weight)
    # the skills of these openings only: a company keeps years of closed ones (42,000 at 100,000
    # people, 10 times the open ones: ~50 MB of requirements read for nothing)
    open_ids = select(Opportunity.id).where(Opportunity.status == "open")
    for oid, sid, level, required, weight in session.connection().execute(
            sq.where(OpportunitySkill.opportunity_id.in_(chosen if ids is not None else open_ids))):
        reqs[oid].append(Requirement(sid, int(level), bool(required), float(weight)))
    role_reqs: dict[int, list[Requirement]] = defaultdict(list)
    for rid, sid, level, required, weight in session.connection().execute(
            select(RoleSkill.role_id, RoleSkill.skill_id, RoleSkill.min_proficiency, RoleSkill.required,
                   RoleSkill.weight)):
        role_reqs[rid].append(Requirement(sid, int(level), bool(required), float(weight)))
    vis_units: dict[int, list[int]] = defaultdict(list)
    vis_locs: dict[int, list[int]] = defaultdict(list)
    vq = select(OpportunityVisibility.opportunity_id, OpportunityVisibility.org_unit_id,
                OpportunityVisibility.location_id)
    for oid, unit, loc in session.connection().execute(
            vq.where(OpportunityVisibility.opportunity_id.in_(chosen if ids is not None else open_ids))):
        if unit is not None:
            vis_units[oid].append(unit)
        if loc is not None:
            vis_locs[oid].append(loc)
    opps, ext, titles, texts = [], {}, {}, []
    for oid, external, kind, title, description, role, unit, location, remote, hours, manager in rows:
        requirements = reqs.get(oid) or (role_reqs.get(role, []) if role else [])  # a posting inherits its role's
        opps.append(OpportunityData(
            id=oid, type=kind if kind in OPPORTUNITY_TYPES else "job", role=role,
            family=ctx.role_family.get(role) if role else None, level=ctx.role_level.get(role) if role else None,
            org_unit=unit, hiring_manager=manager, location=location, remote=remote, hours_per_week=hours,
            requirements=tuple(requirements), visible_org_units=tuple(vis_units.get(oid, ())),
            visible_locations=tuple(vis_locs.get(oid, ()))))
        ext[oid], titles[oid] = external, title
        texts.append(f"{title}. {description or ''}".strip())
    if encoder is not None and opps:
        from dataclasses import replace

        vectors = text_rows(encoder, texts)
        opps = [replace(o, text_vector=v) for o, v in zip(opps, vectors, strict=True)]
    return opps, ext, titles


def load_skill_graph(session: Session, skill_ids: list[int], encoder: TextEncoder | None
                     ) -> tuple[list[tuple[int, int, float]], npt.NDArray[np.float32] | None, dict[int, str]]:
    wanted = set(skill_ids)
    plain = session.connection()
    labels = {sid: lab for sid, lab in plain.execute(select(Skill.id, Skill.preferred_label)) if sid in wanted}
    links = [(a, b, float(strength if strength is not None else RELATION_STRENGTH.get(rel, 0.5)))
             for a, b, rel, strength in plain.execute(select(SkillRelation.source_id, SkillRelation.target_id,
                                                             SkillRelation.relation, SkillRelation.strength))
             if a in wanted and b in wanted and rel in RELATION_STRENGTH]
    vectors = encoder.encode([labels.get(s, "") for s in skill_ids]) if encoder is not None and skill_ids else None
    return links, vectors, labels


def load_transitions(session: Session) -> dict[tuple[int, int], float]:
    """Observed moves between roles: consecutive job-history rows of the same person."""
    counts: dict[tuple[int, int], float] = defaultdict(float)
    last: dict[int, int | None] = {}
    moves = select(JobHistory.employee_id, JobHistory.role_id, JobHistory.move_type)
    for emp, role, move in session.connection().execute(moves.order_by(JobHistory.employee_id, JobHistory.start_date)):
        prev = last.get(emp)
        if prev is not None and role is not None and move != "hire":
            counts[(prev, role)] += 1
        last[emp] = role
    return dict(counts)
