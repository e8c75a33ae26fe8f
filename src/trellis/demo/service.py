"""Build the demo organisation into a database: wipe (only when asked), load the starter
library, then write the generated batches with bulk inserts. The caller commits."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from trellis.demo.bulk import insert_rows, next_id, sync_sequences
from trellis.demo.generate import Offsets, generate
from trellis.demo.library import load_library, read_library
from trellis.demo.org import minimum_employees
from trellis.demo.schemas import DemoSummary
from trellis.errors import Conflict, Invalid
from trellis.models import (
    Application,
    AuditEvent,
    Base,
    DevelopmentPlan,
    DevelopmentPlanItem,
    Employee,
    EmployeeSkill,
    JobFamily,
    JobHistory,
    LearningResource,
    LearningSkill,
    Location,
    MenteeGoal,
    MenteeRequest,
    MentorProfile,
    MentorSkill,
    Opportunity,
    OpportunitySkill,
    OrgUnit,
    Preferences,
    ProtectedAttributes,
    Role,
    RoleSkill,
    TargetRole,
)

# Progress callback: (stage, done, total).
Progress = Callable[[str, int, int], None]

MODELS = {m.__tablename__: m for m in (
    JobFamily, Role, RoleSkill, Location, OrgUnit, Employee, EmployeeSkill, JobHistory, Preferences, TargetRole,
    ProtectedAttributes, Opportunity, OpportunitySkill, Application, LearningResource, LearningSkill,
    MentorProfile, MentorSkill, MenteeRequest, MenteeGoal, DevelopmentPlan, DevelopmentPlanItem)}
# What --replace wipes: these tables and every table that refers to one of them, however
# indirectly (so tables added later, e.g. accounts or development plans, go too). Taxonomies,
# skills, occupations and the audit log refer to none of them and stay.
ORGANISATION = {"job_families", "roles", "locations", "org_units", "employees", "opportunities",
                "learning_resources"}


def build_demo(session: Session, *, employees: int = 2_000, seed: int = 7, replace: bool = False,
               as_of: date | None = None, actor: str = "cli", progress: Progress | None = None) -> DemoSummary:
    """Build the demo organisation. Refuses a database that already has employees unless
    ``replace``, which first deletes the organisation's data (everything but taxonomies and the
    audit log) in foreign-key-safe order."""
    started = time.perf_counter()
    as_of = as_of or date.today()
    report = progress or (lambda _stage, _done, _total: None)
    library = read_library()
    floor = minimum_employees()
    if employees < floor:
        raise Invalid(f"--employees must be at least {floor}, not {employees}")
    existing = session.scalar(select(func.count()).select_from(Employee)) or 0
    if existing and not replace:
        raise Conflict(f"the database already has {existing:,} employees; pass --replace to wipe the organisation "
                       "(taxonomies and the audit log are kept) and build the demo instead")
    if existing or replace:
        report("wiping the organisation", 0, 1)
        wipe_organisation(session)
    report("skills library", 0, 1)
    skill_ids = load_library(session)
    offsets = Offsets(**{name: next_id(session, MODELS[name]) for name in (
        "job_families", "roles", "locations", "org_units", "employees", "opportunities", "learning_resources",
        "mentor_profiles", "mentee_requests", "development_plans")})
    rows: dict[str, int] = {}
    done = 0
    for table, batch in generate(employees=employees, seed=seed, library=library, skill_ids=skill_ids,
                                 offsets=offsets, as_of=as_of):
        rows[table] = rows.get(table, 0) + insert_rows(session, MODELS[table], batch)
        if table == "employees":
            done += len(batch)
            report("employees", done, employees)
        elif done >= employees:
            report(table.replace("_", " "), 0, 0)
    sync_sequences(session, [JobFamily, Role, Location, OrgUnit, Employee, Opportunity, LearningResource,
                             MentorProfile, MenteeRequest, DevelopmentPlan])
    session.add(AuditEvent(actor=actor, action="demo.build", entity_type="organisation",
                           data={"employees": employees, "seed": seed, "as_of": as_of.isoformat(),
                                 "replaced": existing}))
    session.flush()
    return DemoSummary(employees=employees, seed=seed, as_of=as_of, replaced=existing, rows=rows,
                       seconds=round(time.perf_counter() - started, 2))


def organisation_tables() -> list[str]:
    """The tables --replace empties, children before parents."""
    wiped = set(ORGANISATION)
    tables = Base.metadata.sorted_tables
    for table in tables:  # parents come first, so one pass reaches every dependant
        if any(fk.column.table.name in wiped for fk in table.foreign_keys):
            wiped.add(table.name)
    return [t.name for t in reversed(tables) if t.name in wiped]


def wipe_organisation(session: Session) -> None:
    """Delete every row of the organisation's tables, children before parents."""
    for name in organisation_tables():
        session.execute(delete(Base.metadata.tables[name]))
