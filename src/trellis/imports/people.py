"""Kinds describing people: employees (with the manager chain), their skills, and job history."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from trellis.imports.context import ImportContext
from trellis.imports.org import _by_ext, _tree_errors
from trellis.imports.schemas import EmployeeRow, EmployeeSkillRow, HistoryRow
from trellis.imports.upsert import Prepared, TablePlan, diff, load_existing, outcome, write
from trellis.models import Employee, EmployeeSkill, JobHistory, Location, OrgUnit, Role, Skill

EMPLOYEE_COLUMNS = ["external_id", "name", "work_email", "job_title", "role_id", "level", "org_unit_id",
                    "location_id", "hire_date", "employment_type", "status", "languages"]


def prepare_employees(ctx: ImportContext, rows: list[tuple[int, EmployeeRow]]) -> Prepared:
    existing = load_existing(ctx.session, Employee, [*EMPLOYEE_COLUMNS, "manager_id"], key=_by_ext)
    ext_of = {v["id"]: k for k, v in existing.items()}
    email_owner = {v["work_email"].casefold(): k for k, v in existing.items()}
    plan, prep, seen = TablePlan(Employee, self_ref="manager_id"), Prepared(), dict[Any, int]()
    emails: dict[str, int] = {}
    file_ids = {row.id for _, row in rows}
    file_emails = {row.work_email.casefold(): row.id for _, row in rows}
    graph: dict[str, list[str]] = {k: [ext_of[v["manager_id"]]] for k, v in existing.items()
                                   if v["manager_id"] is not None}
    managers: dict[str, tuple[int, str]] = {}
    resolved: list[tuple[int, EmployeeRow, dict[str, Any]]] = []
    for i, (line, row) in enumerate(rows):
        if ctx.duplicate(seen, row.id, line, "id", row.id):
            continue
        email = row.work_email.casefold()
        if ctx.duplicate(emails, email, line, "work_email", row.work_email):
            continue
        owner = email_owner.get(email)
        if owner is not None and owner != row.id and file_emails.get(existing[owner]["work_email"].casefold()) == owner:
            owner = None  # the other person gets a new address in this same file
        if owner is not None and owner != row.id:
            ctx.error(line, f"already belongs to employee {owner}", column="work_email", value=row.work_email)
        if row.manager_id is not None:
            if row.manager_id not in file_ids and row.manager_id not in existing:
                ctx.error(line, "does not exist", column="manager_id", value=row.manager_id)
            managers[row.id] = (line, row.manager_id)
        graph[row.id] = [row.manager_id] if row.manager_id else []
        values = {"external_id": row.id, "name": row.name, "work_email": row.work_email, "job_title": row.job_title,
                  "role_id": ctx.ref(Role, row.role_id, line, "role_id"), "level": row.level,
                  "org_unit_id": ctx.ref(OrgUnit, row.org_unit_id, line, "org_unit_id"),
                  "location_id": ctx.ref(Location, row.location_id, line, "location_id"),
                  "hire_date": row.hire_date, "employment_type": row.employment_type, "status": row.status,
                  "languages": row.languages}
        resolved.append((line, row, values))
        if i % 5_000 == 0:
            ctx.progress("checking references", i, len(rows))
    ctx.progress("checking references", len(rows), len(rows))
    _tree_errors(ctx, graph, managers, "manager_id")
    for _line, row, values in resolved:
        current = existing.get(row.id)
        changed = diff(plan, row.id, values, existing)
        if row.manager_id != (ext_of.get(current["manager_id"]) if current else None):
            plan.self_links.append((row.id, row.manager_id))
            changed = True
        prep.count(outcome(current is None, changed))
    prep.steps.append(lambda: write(ctx, plan, stage="employees"))
    return prep


def export_employees(session: Session) -> list[dict[str, Any]]:
    mgr = aliased(Employee)
    rows = session.execute(
        select(Employee.external_id, Employee.name, Employee.work_email, Employee.job_title, Role.external_id,
               Employee.level, OrgUnit.external_id, mgr.external_id, Location.external_id, Employee.hire_date,
               Employee.employment_type, Employee.status, Employee.languages)
        .outerjoin(Role, Employee.role_id == Role.id).outerjoin(OrgUnit, Employee.org_unit_id == OrgUnit.id)
        .outerjoin(mgr, Employee.manager_id == mgr.id).outerjoin(Location, Employee.location_id == Location.id)
        .order_by(Employee.external_id)
    )
    keys = ["id", "name", "work_email", "job_title", "role_id", "level", "org_unit_id", "manager_id", "location_id",
            "hire_date", "employment_type", "status", "languages"]
    return [dict(zip(keys, r, strict=True)) for r in rows]


def prepare_employee_skills(ctx: ImportContext, rows: list[tuple[int, EmployeeSkillRow]]) -> Prepared:
    """Upsert per (employee, skill); skills a person has that the file does not list (added in
    the portal, inferred from a course) are kept."""
    columns = ["employee_id", "skill_id", "proficiency", "source", "status", "verified_by_id", "verified_at",
               "last_used", "evidence"]
    existing = load_existing(ctx.session, EmployeeSkill, columns, key=lambda v: (v["employee_id"], v["skill_id"]))
    plan, prep, seen = TablePlan(EmployeeSkill), Prepared(), dict[Any, int]()
    for i, (line, row) in enumerate(rows):
        emp = ctx.ref(Employee, row.employee_id, line, "employee_id")
        skill = ctx.skill(row.skill, line, "skill")
        verifier = ctx.ref(Employee, row.verified_by_id, line, "verified_by_id")
        if emp is None or skill is None or ctx.duplicate(seen, (emp, skill), line, "skill", row.skill):
            continue
        values = {"employee_id": emp, "skill_id": skill, "proficiency": row.proficiency, "source": row.source,
                  "status": row.status, "verified_by_id": verifier, "verified_at": row.verified_at,
                  "last_used": row.last_used, "evidence": row.evidence}
        if (emp, skill) in existing and _same_instant(existing[(emp, skill)]["verified_at"], row.verified_at):
            values["verified_at"] = existing[(emp, skill)]["verified_at"]
        prep.count(outcome((emp, skill) not in existing, diff(plan, (emp, skill), values, existing)))
        if i % 5_000 == 0:
            ctx.progress("checking references", i, len(rows))
    ctx.progress("checking references", len(rows), len(rows))
    prep.steps.append(lambda: write(ctx, plan, stage="employee skills"))
    return prep


def _same_instant(a: datetime | None, b: datetime | None) -> bool:
    """SQLite hands back naive datetimes for timezone-aware columns; compare both as naive UTC."""
    return _naive_utc(a) == _naive_utc(b)


def _naive_utc(value: datetime | None) -> datetime | None:
    return value if value is None or value.tzinfo is None else value.astimezone(UTC).replace(tzinfo=None)


def export_employee_skills(session: Session) -> list[dict[str, Any]]:
    verifier = aliased(Employee)
    rows = session.execute(
        select(Employee.external_id, Skill.external_id, EmployeeSkill.proficiency, EmployeeSkill.source,
               EmployeeSkill.status, verifier.external_id, EmployeeSkill.verified_at, EmployeeSkill.last_used,
               EmployeeSkill.evidence)
        .join(Employee, EmployeeSkill.employee_id == Employee.id).join(Skill, EmployeeSkill.skill_id == Skill.id)
        .outerjoin(verifier, EmployeeSkill.verified_by_id == verifier.id)
        .order_by(Employee.external_id, Skill.external_id)
    )
    keys = ["employee_id", "skill", "proficiency", "source", "status", "verified_by_id", "verified_at", "last_used",
            "evidence"]
    return [dict(zip(keys, r, strict=True)) for r in rows]


def prepare_history(ctx: ImportContext, rows: list[tuple[int, HistoryRow]]) -> Prepared:
    """Upsert by ``id`` when the row has one, else by (employee, start_date)."""
    columns = ["external_id", "employee_id", "role_id", "title", "org_unit_id", "start_date", "end_date", "move_type"]
    current = load_existing(ctx.session, JobHistory, columns, key=lambda v: v["id"])
    existing: dict[Any, dict[str, Any]] = {}
    for values in current.values():
        existing.setdefault(("nat", values["employee_id"], values["start_date"]), values)
        if values["external_id"] is not None:
            existing[("id", values["external_id"])] = values
    plan, prep, seen = TablePlan(JobHistory), Prepared(), dict[Any, int]()
    for line, row in rows:
        emp = ctx.ref(Employee, row.employee_id, line, "employee_id")
        values = {"external_id": row.id, "employee_id": emp, "role_id": ctx.ref(Role, row.role_id, line, "role_id"),
                  "title": row.title, "org_unit_id": ctx.ref(OrgUnit, row.org_unit_id, line, "org_unit_id"),
                  "start_date": row.start_date, "end_date": row.end_date, "move_type": row.move_type}
        if emp is None:
            continue
        key = ("id", row.id) if row.id is not None else ("nat", emp, row.start_date)
        if ctx.duplicate(seen, key, line, "id" if row.id else "start_date", row.id or row.start_date):
            continue
        prep.count(outcome(key not in existing, diff(plan, key, values, existing)))
    prep.steps.append(lambda: write(ctx, plan, stage="job history"))
    return prep


def export_history(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(
        select(JobHistory.external_id, Employee.external_id, Role.external_id, JobHistory.title, OrgUnit.external_id,
               JobHistory.start_date, JobHistory.end_date, JobHistory.move_type)
        .join(Employee, JobHistory.employee_id == Employee.id).outerjoin(Role, JobHistory.role_id == Role.id)
        .outerjoin(OrgUnit, JobHistory.org_unit_id == OrgUnit.id)
        .order_by(Employee.external_id, JobHistory.start_date)
    )
    keys = ["id", "employee_id", "role_id", "title", "org_unit_id", "start_date", "end_date", "move_type"]
    return [dict(zip(keys, r, strict=True)) for r in rows]
