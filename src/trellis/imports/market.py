"""Kinds describing the marketplace: opportunities (with required and preferred skills) and the
learning catalogue (with the skills each resource teaches). The skill lists travel inside the
row; a row's list replaces what the database held for that opportunity or resource."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session, aliased

from trellis.imports.context import ImportContext
from trellis.imports.org import _by_ext
from trellis.imports.schemas import LearningRow, OpportunityRow, SkillLevel
from trellis.imports.upsert import BATCH, Prepared, TablePlan, diff, load_existing, outcome, write
from trellis.models import (
    Employee,
    LearningResource,
    LearningSkill,
    Location,
    Opportunity,
    OpportunitySkill,
    OrgUnit,
    Role,
    Skill,
)

SkillSet = dict[int, tuple[Any, ...]]


def _skill_set(ctx: ImportContext, line: int, lists: list[tuple[str, list[SkillLevel], bool]]) -> SkillSet:
    """Resolve ``(column, skills, required)`` lists into ``{skill id: (level, required)}``."""
    out: SkillSet = {}
    where: dict[int, str] = {}
    for column, skills, required in lists:
        for item in skills:
            pk = ctx.skill(item.skill, line, column)
            if pk is None:
                continue
            if pk in out:
                ctx.error(line, f"is listed twice (also in {where[pk]})", column=column, value=item.skill)
                continue
            out[pk], where[pk] = (item.level, required), column
    return out


def _replace_children(ctx: ImportContext, *, parent_model: Any, child_model: Any, parent_col: str,
                      sets: dict[str, SkillSet], to_row: Any) -> None:
    """Delete the skills of every parent in ``sets`` and insert the new ones (batched)."""
    if not sets:
        return
    ids: dict[str, int] = dict(ctx.session.execute(select(parent_model.external_id, parent_model.id)).all())
    parents = [ids[ext] for ext in sets]
    for start in range(0, len(parents), BATCH):
        column = getattr(child_model, parent_col)
        ctx.session.execute(delete(child_model).where(column.in_(parents[start : start + BATCH])))
    rows = [{parent_col: ids[ext], "skill_id": skill, **to_row(spec)} for ext, skills in sets.items()
            for skill, spec in skills.items()]
    for start in range(0, len(rows), BATCH):
        ctx.session.execute(insert(child_model), rows[start : start + BATCH])


OPPORTUNITY_COLUMNS = ["external_id", "type", "title", "description", "role_id", "org_unit_id", "location_id",
                       "remote", "hours_per_week", "duration_weeks", "hiring_manager_id", "status", "posted_on",
                       "closes_on", "filled_on", "filled_by_id", "filled_internally"]


def prepare_opportunities(ctx: ImportContext, rows: list[tuple[int, OpportunityRow]]) -> Prepared:
    existing = load_existing(ctx.session, Opportunity, OPPORTUNITY_COLUMNS, key=_by_ext)
    current: dict[int, SkillSet] = defaultdict(dict)
    for opp, skill, level, required in ctx.session.execute(
        select(OpportunitySkill.opportunity_id, OpportunitySkill.skill_id, OpportunitySkill.min_proficiency,
               OpportunitySkill.required)
    ):
        current[opp][skill] = (level, required)
    plan, prep, seen = TablePlan(Opportunity), Prepared(), dict[Any, int]()
    new_sets: dict[str, SkillSet] = {}
    for line, row in rows:
        if ctx.duplicate(seen, row.id, line, "id", row.id):
            continue
        values = {"external_id": row.id, "type": row.type, "title": row.title, "description": row.description,
                  "role_id": ctx.ref(Role, row.role_id, line, "role_id"),
                  "org_unit_id": ctx.ref(OrgUnit, row.org_unit_id, line, "org_unit_id"),
                  "location_id": ctx.ref(Location, row.location_id, line, "location_id"),
                  "remote": row.remote, "hours_per_week": row.hours_per_week, "duration_weeks": row.duration_weeks,
                  "hiring_manager_id": ctx.ref(Employee, row.hiring_manager_id, line, "hiring_manager_id"),
                  "status": row.status, "posted_on": row.posted_on, "closes_on": row.closes_on,
                  "filled_on": row.filled_on, "filled_by_id": ctx.ref(Employee, row.filled_by_id, line, "filled_by_id"),
                  "filled_internally": row.filled_internally}
        skills = _skill_set(ctx, line, [("required_skills", row.required_skills, True),
                                        ("preferred_skills", row.preferred_skills, False)])
        changed = diff(plan, row.id, values, existing)
        old = existing.get(row.id)
        if skills != (current.get(old["id"], {}) if old else {}):
            new_sets[row.id] = skills
            changed = True
        prep.count(outcome(old is None, changed))

    def apply() -> None:
        write(ctx, plan, stage="opportunities")
        _replace_children(ctx, parent_model=Opportunity, child_model=OpportunitySkill, parent_col="opportunity_id",
                          sets=new_sets, to_row=lambda spec: {"min_proficiency": spec[0], "required": spec[1]})

    prep.steps.append(apply)
    return prep


def export_opportunities(session: Session) -> list[dict[str, Any]]:
    skills: dict[int, dict[bool, list[dict[str, Any]]]] = defaultdict(lambda: {True: [], False: []})
    for opp_id, ext, level, required in session.execute(
        select(OpportunitySkill.opportunity_id, Skill.external_id, OpportunitySkill.min_proficiency,
               OpportunitySkill.required).join(Skill, OpportunitySkill.skill_id == Skill.id)
        .order_by(OpportunitySkill.id)
    ):
        skills[opp_id][bool(required)].append({"skill": ext, "level": level})
    manager, filler = aliased(Employee), aliased(Employee)
    rows = session.execute(
        select(Opportunity, Role.external_id, OrgUnit.external_id, Location.external_id, manager.external_id,
               filler.external_id)
        .outerjoin(Role, Opportunity.role_id == Role.id).outerjoin(OrgUnit, Opportunity.org_unit_id == OrgUnit.id)
        .outerjoin(Location, Opportunity.location_id == Location.id)
        .outerjoin(manager, Opportunity.hiring_manager_id == manager.id)
        .outerjoin(filler, Opportunity.filled_by_id == filler.id).order_by(Opportunity.external_id)
    )
    out = []
    for opp, role, unit, loc, mgr, fill in rows:
        out.append({"id": opp.external_id, "type": opp.type, "title": opp.title, "description": opp.description,
                    "role_id": role, "org_unit_id": unit, "location_id": loc, "remote": opp.remote,
                    "hours_per_week": opp.hours_per_week, "duration_weeks": opp.duration_weeks,
                    "hiring_manager_id": mgr, "status": opp.status, "posted_on": opp.posted_on,
                    "closes_on": opp.closes_on, "filled_on": opp.filled_on, "filled_by_id": fill,
                    "filled_internally": opp.filled_internally,
                    "required_skills": skills[opp.id][True], "preferred_skills": skills[opp.id][False]})
    return out


def prepare_learning(ctx: ImportContext, rows: list[tuple[int, LearningRow]]) -> Prepared:
    columns = ["external_id", "title", "provider", "url", "format", "hours", "description"]
    existing = load_existing(ctx.session, LearningResource, columns, key=_by_ext)
    current: dict[int, SkillSet] = defaultdict(dict)
    for res, skill, level in ctx.session.execute(
        select(LearningSkill.resource_id, LearningSkill.skill_id, LearningSkill.level)
    ):
        current[res][skill] = (level,)
    plan, prep, seen = TablePlan(LearningResource), Prepared(), dict[Any, int]()
    new_sets: dict[str, SkillSet] = {}
    for line, row in rows:
        if ctx.duplicate(seen, row.id, line, "id", row.id):
            continue
        values = {"external_id": row.id, "title": row.title, "provider": row.provider, "url": row.url,
                  "format": row.format, "hours": row.hours, "description": row.description}
        skills = {pk: (spec[0],) for pk, spec in _skill_set(ctx, line, [("skills", row.skills, True)]).items()}
        changed = diff(plan, row.id, values, existing)
        old = existing.get(row.id)
        if skills != (current.get(old["id"], {}) if old else {}):
            new_sets[row.id] = skills
            changed = True
        prep.count(outcome(old is None, changed))

    def apply() -> None:
        write(ctx, plan, stage="learning resources")
        _replace_children(ctx, parent_model=LearningResource, child_model=LearningSkill, parent_col="resource_id",
                          sets=new_sets, to_row=lambda spec: {"level": spec[0]})

    prep.steps.append(apply)
    return prep


def export_learning(session: Session) -> list[dict[str, Any]]:
    skills: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for res, ext, level in session.execute(
        select(LearningSkill.resource_id, Skill.external_id, LearningSkill.level)
        .join(Skill, LearningSkill.skill_id == Skill.id).order_by(LearningSkill.id)
    ):
        skills[res].append({"skill": ext, "level": level})
    resources = session.scalars(select(LearningResource).order_by(LearningResource.external_id)).all()
    return [{"id": r.external_id, "title": r.title, "provider": r.provider, "url": r.url, "format": r.format,
             "hours": r.hours, "description": r.description, "skills": skills[r.id]} for r in resources]
