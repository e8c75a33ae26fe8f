"""Taxonomy import and look-up. Imports are bulk inserts inside the caller's transaction: the
caller commits (CLI, request), so an import lands whole or not at all.

Re-importing the same (source, version) replaces it in place: skills and occupations are
updated by external id (their database ids stay stable, so company data that points at them
survives), ones no longer in the release are removed, and all links are rewritten. The newest
import of a source becomes its active taxonomy."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from trellis.errors import Conflict, Invalid, NotFound
from trellis.models import Occupation, OccupationSkill, Skill, SkillRelation, Taxonomy
from trellis.models.base import utcnow
from trellis.taxonomy.esco import read_esco
from trellis.taxonomy.onet import read_onet
from trellis.taxonomy.release import ParsedRelease, version_from_paths
from trellis.taxonomy.schemas import ImportResult, TaxonomySummary

__all__ = ["ImportResult", "TaxonomySummary", "get_active_taxonomy", "import_esco", "import_onet", "list_taxonomies"]

_CHUNK = 500


def import_esco(session: Session, *, paths: Sequence[Path], version: str | None = None) -> ImportResult:
    """Import an ESCO CSV release (a folder, or the classification + relations zips)."""
    started = time.perf_counter()
    parsed = read_esco(list(paths), version=_version(paths, version))
    return store_release(session, parsed=parsed, started=started)


def import_onet(session: Session, *, paths: Sequence[Path], version: str | None = None) -> ImportResult:
    """Import the O*NET database text files (a folder, or the ``db_XX_X_text.zip``)."""
    started = time.perf_counter()
    parsed = read_onet(list(paths), version=_version(paths, version))
    return store_release(session, parsed=parsed, started=started)


def _version(paths: Sequence[Path], version: str | None) -> str:
    found = version or version_from_paths(list(paths))
    if not found:
        raise Invalid(f"cannot tell the release version from {', '.join(map(str, paths))}; pass --version")
    return found


def store_release(session: Session, *, parsed: ParsedRelease, started: float | None = None) -> ImportResult:
    """Write a parsed release as one taxonomy (replacing the same source and version)."""
    started = time.perf_counter() if started is None else started
    taxonomy = session.scalars(
        select(Taxonomy).where(Taxonomy.source == parsed.source, Taxonomy.version == parsed.version)
    ).one_or_none()
    replaced = taxonomy is not None
    if taxonomy is None:
        taxonomy = Taxonomy(source=parsed.source, version=parsed.version, name=parsed.name)
        session.add(taxonomy)
    taxonomy.name = parsed.name
    taxonomy.imported_at = utcnow()
    session.flush()
    tid = taxonomy.id
    session.execute(update(Taxonomy).where(Taxonomy.source == parsed.source, Taxonomy.id != tid).values(active=False))
    taxonomy.active = True

    try:
        if replaced:
            _delete_links(session, tid)
        skill_ids = _upsert(session, Skill, tid, parsed.skills)
        occ_ids = _upsert(session, Occupation, tid, parsed.occupations)
        relations = {(skill_ids[a], skill_ids[b], kind) for a, b, kind in parsed.skill_relations if a != b}
        _bulk_insert(
            session,
            SkillRelation,
            ({"source_id": s, "target_id": t, "relation": k, "strength": None} for s, t, k in relations),
        )
        _bulk_insert(
            session,
            OccupationSkill,
            (
                {"occupation_id": occ_ids[o], "skill_id": skill_ids[s], "relation": k, "importance": im, "level": lv}
                for o, s, k, im, lv in parsed.occupation_skills
            ),
        )
        session.flush()
    except IntegrityError as err:
        raise Conflict(
            f"cannot replace {parsed.name}: skills that are no longer in the release are still in use ({err.orig})"
        ) from err
    session.expire(taxonomy)
    return ImportResult(
        taxonomy_id=tid,
        source=parsed.source,
        version=parsed.version,
        skills=len(skill_ids),
        occupations=len(occ_ids),
        skill_relations=len(relations),
        occupation_skills=len(parsed.occupation_skills),
        replaced=replaced,
        skipped=parsed.skipped,
        seconds=round(time.perf_counter() - started, 2),
    )


def _delete_links(session: Session, taxonomy_id: int) -> None:
    skills = select(Skill.id).where(Skill.taxonomy_id == taxonomy_id).scalar_subquery()
    occupations = select(Occupation.id).where(Occupation.taxonomy_id == taxonomy_id).scalar_subquery()
    session.execute(delete(SkillRelation).where(SkillRelation.source_id.in_(skills)))
    session.execute(delete(SkillRelation).where(SkillRelation.target_id.in_(skills)))
    session.execute(delete(OccupationSkill).where(OccupationSkill.occupation_id.in_(occupations)))


def _upsert(
    session: Session, model: type[Skill] | type[Occupation], taxonomy_id: int, rows: dict[str, dict[str, Any]]
) -> dict[str, int]:
    """Insert new rows, update existing ones by external id, delete the rest; external id → id."""
    existing: dict[str, int] = dict(
        session.execute(select(model.external_id, model.id).where(model.taxonomy_id == taxonomy_id)).all()
    )
    gone = [i for ext, i in existing.items() if ext not in rows]
    for start in range(0, len(gone), _CHUNK):
        session.execute(delete(model).where(model.id.in_(gone[start : start + _CHUNK])))
    now = utcnow()
    stamped = {"updated_at": now} if model is Skill else {}
    updates = [{**row, **stamped, "id": existing[ext]} for ext, row in rows.items() if ext in existing]
    if updates:
        session.execute(update(model), updates)
    if model is Skill:
        stamped["created_at"] = now
    _bulk_insert(
        session,
        model,
        ({**row, **stamped, "taxonomy_id": taxonomy_id} for ext, row in rows.items() if ext not in existing),
    )
    return dict(session.execute(select(model.external_id, model.id).where(model.taxonomy_id == taxonomy_id)).all())


def _bulk_insert(session: Session, model: type[Any], rows: Iterable[dict[str, Any]]) -> None:
    """Core executemany in batches (the ORM's per-row bookkeeping costs more than the insert)."""
    table = model.__table__
    connection = session.connection()
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= 10_000:
            connection.execute(table.insert(), batch)
            batch = []
    if batch:
        connection.execute(table.insert(), batch)


def list_taxonomies(session: Session) -> list[TaxonomySummary]:
    """Every imported taxonomy with its counts, newest first."""
    skill_counts = dict(session.execute(select(Skill.taxonomy_id, func.count()).group_by(Skill.taxonomy_id)).all())
    occ_counts = dict(
        session.execute(select(Occupation.taxonomy_id, func.count()).group_by(Occupation.taxonomy_id)).all()
    )
    link_counts = dict(
        session.execute(
            select(Occupation.taxonomy_id, func.count())
            .join(OccupationSkill, OccupationSkill.occupation_id == Occupation.id)
            .group_by(Occupation.taxonomy_id)
        ).all()
    )
    rows = session.scalars(select(Taxonomy).order_by(Taxonomy.imported_at.desc(), Taxonomy.id.desc())).all()
    return [
        TaxonomySummary(
            id=t.id,
            source=t.source,
            version=t.version,
            name=t.name,
            active=t.active,
            imported_at=t.imported_at,
            skills=skill_counts.get(t.id, 0),
            occupations=occ_counts.get(t.id, 0),
            occupation_skills=link_counts.get(t.id, 0),
        )
        for t in rows
    ]


def get_active_taxonomy(session: Session, *, source: str | None = None) -> Taxonomy:
    """The active taxonomy of ``source``; without a source, the most recently imported active one."""
    query = select(Taxonomy).where(Taxonomy.active.is_(True))
    if source:
        query = query.where(Taxonomy.source == source)
    found = session.scalars(query.order_by(Taxonomy.imported_at.desc(), Taxonomy.id.desc()).limit(1)).first()
    if found is None:
        what = f"{source} taxonomy" if source else "taxonomy"
        raise NotFound(f"no active {what}; import one with `trellis taxonomy import`")
    return found
