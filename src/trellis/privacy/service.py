"""Export everything held about a person, and erase them while keeping aggregates valid.

Both walk the schema instead of listing tables by hand: every table with a foreign key to
`employees.id` is about someone, so a table added later is exported and erased without
anyone remembering to add it here."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, Table, select, update
from sqlalchemy.orm import Session

from trellis.db import Base
from trellis.errors import NotFound
from trellis.models import AuditEvent, Employee, ProtectedAttributes

# Free-text or identifying columns blanked on erasure, wherever they appear.
FREE_TEXT = {"note", "evidence", "decision_reason", "reason", "goals", "bio", "comment", "message", "body"}
IDENTIFYING = {"email", "login", "name", "phone", "password_hash", "token_hash", "display_name"}
# Tables whose rows are deleted outright on erasure (nothing aggregate depends on them).
# Columns that say whose row it is (as opposed to who acted on it, like decided_by_id).
SUBJECT_COLUMNS = {"employee_id", "owner_id", "mentee_id", "mentor_id"}
DELETE_ON_ERASE = {"preferences", "target_roles", "users", "api_tokens", "sessions", "notifications", "saved_searches",
                   "login_attempts"}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def _person_columns() -> list[tuple[Table, Column[Any]]]:
    """(table, column) pairs whose column points at employees.id."""
    found = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if any(fk.column.table.name == "employees" and fk.column.name == "id" for fk in column.foreign_keys):
                found.append((table, column))
    return found


def export_person(session: Session, *, employee_id: int, actor: str) -> dict[str, Any]:
    """Every row about the person, table by table, machine-readable (JSON-ready)."""
    person = session.get(Employee, employee_id)
    if person is None:
        raise NotFound(f"employee {employee_id} does not exist")
    employees = Base.metadata.tables["employees"]
    row = session.execute(select(employees).where(employees.c.id == employee_id)).mappings().one()
    out: dict[str, Any] = {"employees": [{k: _plain(v) for k, v in row.items()}]}
    for table, column in _person_columns():
        rows = session.execute(select(table).where(column == employee_id)).mappings().all()
        if rows:
            out.setdefault(table.name, []).extend({k: _plain(v) for k, v in r.items()} for r in rows)
    audit = session.scalars(select(AuditEvent).where(
        AuditEvent.entity_type == "employee", AuditEvent.entity_id == str(employee_id)))
    out["audit_events"] = [{"at": _plain(a.at), "actor": a.actor, "action": a.action, "reason": a.reason,
                            "data": a.data} for a in audit]
    session.add(AuditEvent(actor=actor, action="privacy.export", entity_type="employee",
                           entity_id=str(employee_id), reason="data subject access request"))
    session.flush()
    return out


def erase_person(session: Session, *, employee_id: int, actor: str, reason: str) -> dict[str, int]:
    """Anonymise the person: identifying fields replaced, free text blanked, private tables
    emptied, demographics coarsened. Job history, application outcomes and recommendation
    events stay (unlinked from any identity), so mobility and fairness figures still add up."""
    person = session.get(Employee, employee_id)
    if person is None:
        raise NotFound(f"employee {employee_id} does not exist")
    counts: dict[str, int] = {}
    pseudonym = f"erased-{employee_id}"
    person.name = "Erased person"
    person.work_email = f"{pseudonym}@erased.invalid"
    person.external_id = pseudonym
    person.job_title = None
    person.languages = []
    for table, column in _person_columns():
        if column.name not in SUBJECT_COLUMNS:
            continue
        if table.name in DELETE_ON_ERASE:
            result = session.execute(table.delete().where(column == employee_id))
            counts[table.name] = counts.get(table.name, 0) + (result.rowcount or 0)  # type: ignore[attr-defined]
            continue
        blank = {c.name: None for c in table.columns if c.name in FREE_TEXT | IDENTIFYING and c.nullable}
        if blank:
            result = session.execute(update(table).where(column == employee_id).values(**blank))
            counts[table.name] = counts.get(table.name, 0) + (result.rowcount or 0)  # type: ignore[attr-defined]
    attrs = session.scalar(select(ProtectedAttributes).where(ProtectedAttributes.employee_id == employee_id))
    if attrs is not None and attrs.birth_year:
        attrs.birth_year = attrs.birth_year // 10 * 10
    session.add(AuditEvent(actor=actor, action="privacy.erase", entity_type="employee",
                           entity_id=str(employee_id), reason=reason, data=counts))
    session.flush()
    return counts
