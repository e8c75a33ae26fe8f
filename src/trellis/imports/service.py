"""Import and export of HRIS data files, kind by kind.

An import reads the whole file, validates every row (types with pydantic, then references,
duplicates and cycles against the file and the database, with one query per table), and only
when no row has an error writes everything inside one savepoint: it lands whole or not at all.
The caller commits (the CLI's unit of work)."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from trellis.config import Settings
from trellis.errors import Conflict, Invalid
from trellis.imports import market, org, people
from trellis.imports.context import ImportContext, ProgressCallback
from trellis.imports.reader import SourceFile, file_format, read_records, write_records
from trellis.imports.schemas import KINDS, ROW_MODELS, ExportResult, ImportResult, columns_of, required_columns_of
from trellis.imports.upsert import Prepared
from trellis.models import AuditEvent

Preparer = Callable[[ImportContext, list[tuple[int, Any]]], Prepared]
Exporter = Callable[[Session], list[dict[str, Any]]]

_KIND_HANDLERS: dict[str, tuple[Preparer, Exporter]] = {
    "locations": (org.prepare_locations, org.export_locations),
    "org-units": (org.prepare_org_units, org.export_org_units),
    "skills": (org.prepare_skills, org.export_skills),
    "roles": (org.prepare_roles, org.export_roles),
    "role-skills": (org.prepare_role_skills, org.export_role_skills),
    "employees": (people.prepare_employees, people.export_employees),
    "employee-skills": (people.prepare_employee_skills, people.export_employee_skills),
    "history": (people.prepare_history, people.export_history),
    "opportunities": (market.prepare_opportunities, market.export_opportunities),
    "learning": (market.prepare_learning, market.export_learning),
}


def _check_kind(kind: str) -> None:
    if kind not in _KIND_HANDLERS:
        raise Invalid(f'unknown kind "{kind}"; choose one of: {", ".join(KINDS)}')


def import_file(
    session: Session,
    *,
    kind: str,
    path: Path,
    settings: Settings,
    dry_run: bool = False,
    allow_extra_columns: bool = False,
    actor: str = "cli",
    on_progress: ProgressCallback | None = None,
) -> ImportResult:
    """Validate ``path`` as a file of ``kind`` rows and, unless ``dry_run``, upsert them by
    external id. Raises ``Invalid`` listing ``file:line: column "value" reason`` for every
    problem (up to ``settings.max_import_errors``) and writes nothing in that case."""
    _check_kind(kind)
    source = read_records(path, max_bytes=settings.max_upload_mb * 1024 * 1024)
    ctx = ImportContext(session, file=source.name, max_errors=settings.max_import_errors, on_progress=on_progress)
    _check_columns(ctx, kind, source, allow_extra_columns=allow_extra_columns)
    for line, problem in source.problems:
        ctx.error(line, problem)
    rows = _validate_rows(ctx, kind, source)
    row_count = len(source.rows)
    source.rows.clear()  # only the validated models are needed from here on (lowers peak memory)
    prepared = _KIND_HANDLERS[kind][0](ctx, rows)
    if ctx.error_count:
        more = ctx.error_count - len(ctx.errors)
        details = ctx.errors + ([f"... and {more} more"] if more else [])
        raise Invalid(f"{source.name}: {ctx.error_count} error{'s' if ctx.error_count != 1 else ''}, "
                      "nothing was imported", details=details)
    result = ImportResult(kind=kind, file=source.name, rows=row_count, created=prepared.created,
                          updated=prepared.updated, unchanged=prepared.unchanged, deleted=prepared.deleted,
                          dry_run=dry_run, warnings=ctx.warnings)
    if dry_run:
        return result
    try:
        with session.begin_nested():
            for step in prepared.steps:
                step()
            session.add(AuditEvent(actor=actor, action=f"import.{kind}", entity_type=kind, data={
                "file": source.name, "format": source.format, "rows": result.rows, "created": result.created,
                "updated": result.updated, "unchanged": result.unchanged, "deleted": result.deleted}))
            session.flush()
    except SQLAlchemyError as err:
        reason = str(getattr(err, "orig", None) or err).splitlines()[0]
        raise Conflict(f"{source.name}: the database refused the import, nothing was written ({reason})") from err
    return result


def _check_columns(ctx: ImportContext, kind: str, source: SourceFile, *, allow_extra_columns: bool) -> None:
    known = columns_of(kind)
    unknown = [c for c in source.columns if c not in known]
    for column in unknown:
        close = difflib.get_close_matches(column, known, n=1)
        hint = f'did you mean "{close[0]}"? ' if close else ""
        message = f"is not a column of {kind} ({hint}known columns: {', '.join(known)})"
        if allow_extra_columns:
            ctx.warnings.append(f'{source.name}: column "{column}" ignored: {message}')
        else:
            ctx.error(_first_line_with(source, column), message, column="column", value=column)
    missing = [c for c in required_columns_of(kind) if c not in source.columns]
    if missing:
        line = 1 if source.format == "csv" else 0
        ctx.error(line, f"missing required column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}")
    if ctx.error_count:
        raise Invalid(f"{source.name}: the columns do not match the {kind} format (docs/data-formats.md), "
                      "nothing was imported", details=ctx.errors)


def _first_line_with(source: SourceFile, column: str) -> int:
    if source.format == "csv":
        return 1
    return next((line for line, rec in source.rows if column in rec), 0)


def _validate_rows(ctx: ImportContext, kind: str, source: SourceFile) -> list[tuple[int, Any]]:
    model = ROW_MODELS[kind]
    known = set(columns_of(kind))
    rows: list[tuple[int, Any]] = []
    total = len(source.rows)
    for i, (line, record) in enumerate(source.rows):
        data = {k: v for k, v in record.items() if v is not None and k in known}
        try:
            rows.append((line, model.model_validate(data)))
        except ValidationError as err:
            for problem in err.errors(include_url=False):
                loc = problem["loc"]
                column = str(loc[0]) if loc else None
                value = record.get(column) if column else None
                ctx.error(line, _reason(problem), column=column, value=value)
        if i % 2_000 == 0:
            ctx.progress("validating", i, total)
    ctx.progress("validating", total, total)
    return rows


def _reason(problem: Any) -> str:
    kind, msg = problem["type"], str(problem["msg"])
    if kind == "missing":
        return "is required"
    if kind == "literal_error":
        return "is not one of " + str(problem.get("ctx", {}).get("expected", "")).replace("'", "")
    if kind in ("date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact", "date_type"):
        return "is not a date (use YYYY-MM-DD)"
    if kind in ("int_parsing", "int_from_float", "int_type"):
        return "is not a whole number"
    if kind in ("bool_parsing", "bool_type"):
        return "is not true or false"
    if msg.startswith("Value error, "):
        return msg[len("Value error, ") :]
    if msg.startswith("Input should"):
        return "should" + msg[len("Input should") :]
    return msg[:1].lower() + msg[1:]


def export_file(session: Session, *, kind: str, path: Path, fmt: str | None = None) -> ExportResult:
    """Write every ``kind`` row to ``path`` in the import format (CSV or JSON), so that the file
    imports back unchanged."""
    _check_kind(kind)
    fmt = fmt or file_format(path)
    if fmt not in ("csv", "json"):
        raise Invalid(f'format "{fmt}" is not supported; use csv or json')
    records = _KIND_HANDLERS[kind][1](session)
    write_records(path, columns_of(kind), records, fmt=fmt)
    return ExportResult(kind=kind, file=str(path), format=fmt, rows=len(records))
