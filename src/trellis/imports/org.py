"""Kinds describing the organisation: locations, org units (a tree), the company's skill library,
job families and roles, and each role's skill requirements. Each kind has a ``prepare_*``
(validate every row against the file and the database, plan the writes) and an ``export_*``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session, aliased

from trellis.imports.context import ImportContext, find_cycles
from trellis.imports.schemas import LocationRow, OrgUnitRow, RoleRow, RoleSkillRow, SkillRow
from trellis.imports.upsert import Prepared, TablePlan, diff, load_existing, outcome, write
from trellis.models import JobFamily, Location, OrgUnit, Role, RoleSkill, Skill, SkillRelation, Taxonomy

COMPANY_SOURCE, COMPANY_VERSION = "company", "current"
STARTER_SOURCE = "trellis"  # the starter library shipped in trellis.demo (LIBRARY_SOURCE there)


def _by_ext(values: dict[str, Any]) -> Any:
    return values["external_id"]


def prepare_locations(ctx: ImportContext, rows: list[tuple[int, LocationRow]]) -> Prepared:
    existing = load_existing(ctx.session, Location, ["external_id", "name", "country", "timezone"], key=_by_ext)
    plan, prep, seen = TablePlan(Location), Prepared(), dict[Any, int]()
    for line, row in rows:
        if ctx.duplicate(seen, row.id, line, "id", row.id):
            continue
        values = {"external_id": row.id, "name": row.name, "country": row.country, "timezone": row.timezone}
        prep.count(outcome(row.id not in existing, diff(plan, row.id, values, existing)))
    prep.steps.append(lambda: write(ctx, plan, stage="locations"))
    return prep


def export_locations(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(select(Location.external_id, Location.name, Location.country, Location.timezone)
                           .order_by(Location.external_id))
    return [{"id": r[0], "name": r[1], "country": r[2], "timezone": r[3]} for r in rows]


def _tree_errors(ctx: ImportContext, graph: dict[str, list[str]], file_rows: dict[str, tuple[int, str]],
                 column: str) -> None:
    """Reject links that close a loop, counting links already in the database."""
    for ext, cycle in find_cycles(graph, file_rows).items():
        if ext in file_rows:
            line, target = file_rows[ext]
            ctx.error(line, "would make a cycle: " + " → ".join(cycle), column=column, value=target)


def prepare_org_units(ctx: ImportContext, rows: list[tuple[int, OrgUnitRow]]) -> Prepared:
    existing = load_existing(ctx.session, OrgUnit, ["external_id", "name", "parent_id", "cost_center"], key=_by_ext)
    ext_of = {v["id"]: k for k, v in existing.items()}
    plan, prep, seen = TablePlan(OrgUnit, self_ref="parent_id"), Prepared(), dict[Any, int]()
    file_ids = {row.id for _, row in rows}
    parents: dict[str, tuple[int, str]] = {}
    graph: dict[str, list[str]] = {k: [ext_of[v["parent_id"]]] for k, v in existing.items()
                                   if v["parent_id"] is not None}
    for line, row in rows:
        if ctx.duplicate(seen, row.id, line, "id", row.id):
            continue
        if row.parent_id is not None and row.parent_id not in file_ids and row.parent_id not in existing:
            ctx.error(line, "does not exist", column="parent_id", value=row.parent_id)
        graph[row.id] = [row.parent_id] if row.parent_id else []
        parents[row.id] = (line, row.parent_id or "")
    _tree_errors(ctx, graph, parents, "parent_id")
    for line, row in rows:
        if seen.get(row.id) != line:
            continue
        values = {"external_id": row.id, "name": row.name, "cost_center": row.cost_center}
        current = existing.get(row.id)
        changed = diff(plan, row.id, values, existing)
        if row.parent_id != (ext_of.get(current["parent_id"]) if current else None):
            plan.self_links.append((row.id, row.parent_id))
            changed = True
        prep.count(outcome(current is None, changed))
    prep.steps.append(lambda: write(ctx, plan, stage="org units"))
    return prep


def export_org_units(session: Session) -> list[dict[str, Any]]:
    parent = aliased(OrgUnit)
    rows = session.execute(
        select(OrgUnit.external_id, OrgUnit.name, parent.external_id, OrgUnit.cost_center)
        .outerjoin(parent, OrgUnit.parent_id == parent.id).order_by(OrgUnit.external_id)
    )
    return [{"id": r[0], "name": r[1], "parent_id": r[2], "cost_center": r[3]} for r in rows]


def company_taxonomy(session: Session, *, create: bool) -> Taxonomy | None:
    """The company's own skill library (source ``company``), created on first use."""
    tax = session.scalar(select(Taxonomy).where(Taxonomy.source == COMPANY_SOURCE,
                                                Taxonomy.version == COMPANY_VERSION))
    if tax is None and create:
        tax = Taxonomy(source=COMPANY_SOURCE, version=COMPANY_VERSION, name="Company skills library", active=True)
        session.add(tax)
        session.flush()
    return tax


LINKS = ("broader", "related")


def _company_links(session: Session, ext_of: dict[int, str]) -> dict[tuple[str, str], set[str]]:
    """``(skill, relation) -> {target}`` for the broader/related links inside the company library."""
    links: dict[tuple[str, str], set[str]] = {}
    for src, dst, relation in session.execute(select(SkillRelation.source_id, SkillRelation.target_id,
                                                     SkillRelation.relation).where(SkillRelation.relation.in_(LINKS))):
        if src in ext_of and dst in ext_of:
            links.setdefault((ext_of[src], relation), set()).add(ext_of[dst])
    return links


def prepare_skills(ctx: ImportContext, rows: list[tuple[int, SkillRow]]) -> Prepared:
    tax = company_taxonomy(ctx.session, create=False)
    tax_id = tax.id if tax else -1
    columns = ["external_id", "preferred_label", "alt_labels", "skill_type", "group", "description"]
    existing = {k: v for k, v in load_existing(ctx.session, Skill, [*columns, "taxonomy_id"], key=_by_ext).items()
                if v["taxonomy_id"] == tax_id}
    current = _company_links(ctx.session, {v["id"]: k for k, v in existing.items()})
    plan, prep, seen = TablePlan(Skill), Prepared(), dict[Any, int]()
    file_ids = {row.id for _, row in rows}
    graph: dict[str, list[str]] = {src: sorted(t) for (src, rel), t in current.items() if rel == "broader"}
    lines: dict[str, tuple[int, str]] = {}
    for line, row in rows:
        if ctx.duplicate(seen, row.id, line, "id", row.id):
            continue
        for relation in LINKS:
            for target in getattr(row, relation):
                if target not in file_ids and target not in existing:
                    ctx.error(line, "is not a skill of the company library", column=relation, value=target)
                elif target == row.id and relation == "related":
                    ctx.error(line, "is the skill itself", column=relation, value=target)
        graph[row.id] = list(row.broader)
        lines[row.id] = (line, "|".join(row.broader))
    _tree_errors(ctx, graph, lines, "broader")
    relinks: dict[tuple[str, str], list[str]] = {}
    for line, row in rows:
        if seen.get(row.id) != line:
            continue
        values = {"external_id": row.id, "preferred_label": row.label, "alt_labels": row.alt_labels,
                  "skill_type": row.type, "group": row.group, "description": row.description}
        changed = diff(plan, row.id, values, existing)
        for relation in LINKS:
            targets = getattr(row, relation)
            if set(targets) != current.get((row.id, relation), set()):
                relinks[(row.id, relation)] = list(targets)
                changed = True
        prep.count(outcome(row.id not in existing, changed))

    def apply() -> None:
        tax_now = company_taxonomy(ctx.session, create=True)
        assert tax_now is not None
        for values in plan.creates:
            values["taxonomy_id"] = tax_now.id
        write(ctx, plan, stage="skills")
        ids = dict(ctx.session.execute(select(Skill.external_id, Skill.id).where(Skill.taxonomy_id == tax_now.id))
                   .all())
        for relation in LINKS:
            sources = [ids[ext] for ext, rel in relinks if rel == relation]
            for start in range(0, len(sources), 5_000):
                chunk = sources[start : start + 5_000]
                ctx.session.execute(delete(SkillRelation).where(SkillRelation.relation == relation,
                                                                SkillRelation.source_id.in_(chunk)))
        links = [{"source_id": ids[ext], "target_id": ids[t], "relation": rel}
                 for (ext, rel), targets in relinks.items() for t in dict.fromkeys(targets)]
        if links:
            ctx.session.execute(insert(SkillRelation), links)

    prep.steps.append(apply)
    return prep


def exported_library(session: Session) -> Taxonomy | None:
    """The company-owned library that ``export skills`` writes: the company's own taxonomy when it
    has skills, otherwise the active Trellis starter library the company builds on (the demo's).
    External taxonomies (ESCO, O*NET) are not the company's and are never exported."""
    tax = company_taxonomy(session, create=False)
    if tax is not None and session.scalar(select(Skill.id).where(Skill.taxonomy_id == tax.id).limit(1)):
        return tax
    starter = session.scalar(select(Taxonomy).where(Taxonomy.source == STARTER_SOURCE, Taxonomy.active.is_(True))
                             .order_by(Taxonomy.id.desc()).limit(1))
    return starter or tax


def export_skills(session: Session) -> list[dict[str, Any]]:
    tax = exported_library(session)
    if tax is None:
        return []
    skills = session.scalars(select(Skill).where(Skill.taxonomy_id == tax.id).order_by(Skill.external_id)).all()
    links = _company_links(session, {s.id: s.external_id for s in skills})
    return [{"id": s.external_id, "label": s.preferred_label, "alt_labels": list(s.alt_labels or []),
             "type": s.skill_type, "group": s.group,
             "broader": sorted(links.get((s.external_id, "broader"), [])),
             "related": sorted(links.get((s.external_id, "related"), [])),
             "description": s.description} for s in skills]


def prepare_roles(ctx: ImportContext, rows: list[tuple[int, RoleRow]]) -> Prepared:
    families = load_existing(ctx.session, JobFamily, ["external_id", "name"], key=_by_ext)
    fam_ext = {v["id"]: k for k, v in families.items()}
    columns = ["external_id", "title", "level", "family_id", "description", "is_critical"]
    existing = load_existing(ctx.session, Role, columns, key=_by_ext)
    for values in existing.values():  # compare families by external id
        values["family_id"] = fam_ext.get(values["family_id"])
    fam_plan, plan, prep, seen = TablePlan(JobFamily), TablePlan(Role), Prepared(), dict[Any, int]()
    fam_names: dict[str, tuple[int, str]] = {}
    for line, row in rows:
        if ctx.duplicate(seen, row.id, line, "id", row.id):
            continue
        if row.family_name is not None and row.family_id is None:
            ctx.error(line, "needs a family_id next to it", column="family_name", value=row.family_name)
        if row.family_id is not None:
            if row.family_name is None and row.family_id not in families and row.family_id not in fam_names:
                ctx.error(line, "does not exist; give family_name to create it", column="family_id",
                          value=row.family_id)
            elif row.family_name is not None:
                first = fam_names.setdefault(row.family_id, (line, row.family_name))
                if first[1] != row.family_name:
                    ctx.error(line, f'differs from "{first[1]}" given for family {row.family_id} on line {first[0]}',
                              column="family_name", value=row.family_name)
        values = {"external_id": row.id, "title": row.title, "level": row.level, "family_id": row.family_id,
                  "description": row.description, "is_critical": row.is_critical}
        prep.count(outcome(row.id not in existing, diff(plan, row.id, values, existing)))
    for ext, (_, name) in fam_names.items():
        diff(fam_plan, ext, {"external_id": ext, "name": name}, families)

    def apply() -> None:
        write(ctx, fam_plan, stage="job families")
        ids = dict(ctx.session.execute(select(JobFamily.external_id, JobFamily.id)).all())
        for values in [*plan.creates, *plan.updates]:
            values["family_id"] = ids[values["family_id"]] if values["family_id"] else None
        write(ctx, plan, stage="roles")

    prep.steps.append(apply)
    return prep


def export_roles(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Role.external_id, Role.title, Role.level, JobFamily.external_id, JobFamily.name, Role.description,
               Role.is_critical).outerjoin(JobFamily, Role.family_id == JobFamily.id).order_by(Role.external_id)
    )
    return [{"id": r[0], "title": r[1], "level": r[2], "family_id": r[3], "family_name": r[4],
             "description": r[5], "is_critical": r[6]} for r in rows]


def prepare_role_skills(ctx: ImportContext, rows: list[tuple[int, RoleSkillRow]]) -> Prepared:
    """The file is the full requirement list of every role it names: requirements of those roles
    that the file does not list are removed; roles the file does not name are left alone."""
    columns = ["role_id", "skill_id", "min_proficiency", "required", "weight"]
    existing = load_existing(ctx.session, RoleSkill, columns, key=lambda v: (v["role_id"], v["skill_id"]))
    plan, prep, seen = TablePlan(RoleSkill), Prepared(), dict[Any, int]()
    listed: set[tuple[int, int]] = set()
    for line, row in rows:
        role = ctx.ref(Role, row.role_id, line, "role_id")
        skill = ctx.skill(row.skill, line, "skill")
        if role is None or skill is None or ctx.duplicate(seen, (role, skill), line, "skill", row.skill):
            continue
        listed.add((role, skill))
        values = {"role_id": role, "skill_id": skill, "min_proficiency": row.min_proficiency,
                  "required": row.required, "weight": row.weight}
        prep.count(outcome((role, skill) not in existing, diff(plan, (role, skill), values, existing)))
    roles = {role for role, _ in listed}
    plan.deletes = [v["id"] for key, v in existing.items() if key[0] in roles and key not in listed]
    prep.deleted = len(plan.deletes)
    prep.steps.append(lambda: write(ctx, plan, stage="role skills"))
    return prep


def export_role_skills(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Role.external_id, Skill.external_id, RoleSkill.min_proficiency, RoleSkill.required, RoleSkill.weight)
        .join(Role, RoleSkill.role_id == Role.id).join(Skill, RoleSkill.skill_id == Skill.id)
        .order_by(Role.external_id, Skill.external_id)
    )
    return [{"role_id": r[0], "skill": r[1], "min_proficiency": r[2], "required": r[3], "weight": r[4]}
            for r in rows]
