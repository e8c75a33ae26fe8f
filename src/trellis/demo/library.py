"""The starter skills library that Trellis ships: ``demo/data/skills.csv``.

A few hundred skills written for this project (not copied from ESCO or O*NET), each with
alternative labels, a type, a group (groups have broader groups) and related skills. It is
loaded as a taxonomy with source ``trellis``; the demo organisation is built on it, and a company
without a taxonomy of its own can start from it. The file format is in docs/data-formats.md.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trellis.demo.bulk import insert_rows, next_id, sync_sequences
from trellis.errors import Invalid
from trellis.models import Skill, SkillRelation, Taxonomy

LIBRARY_SOURCE = "trellis"
LIBRARY_VERSION = "2026.1"
LIBRARY_NAME = "Trellis starter skills library"
COLUMNS = ("id", "label", "type", "broader", "alt_labels", "related", "description")
TYPES = ("group", "skill", "knowledge", "technology", "competence", "language")


@dataclass(frozen=True)
class LibrarySkill:
    id: str
    label: str
    type: str
    broader: str | None
    alt_labels: tuple[str, ...]
    related: tuple[str, ...]
    description: str | None

    @property
    def is_group(self) -> bool:
        return self.type == "group"


def normalise_label(label: str) -> str:
    """The form in which labels must be unique: case-folded, inner whitespace collapsed."""
    return " ".join(label.casefold().split())


def library_path() -> Path:
    return Path(str(resources.files("trellis.demo") / "data" / "skills.csv"))


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split("|") if part.strip())


def read_library(path: Path | None = None) -> list[LibrarySkill]:
    """Read and check the library file; any problem raises `Invalid` naming file and line."""
    path = path or library_path()
    errors: list[str] = []
    skills: list[LibrarySkill] = []
    seen_labels: dict[str, str] = {}
    lines: dict[str, int] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise Invalid(f"{path.name}: missing columns {', '.join(missing)}")
        for line, row in enumerate(reader, start=2):
            sid, label, kind = (row.get("id") or "").strip(), (row.get("label") or "").strip(), row.get("type") or ""
            where = f"{path.name}:{line}"
            if not sid or not label:
                errors.append(f"{where}: id and label are required")
                continue
            if sid in lines:
                errors.append(f"{where}: id {sid!r} repeats line {lines[sid]}")
            if kind not in TYPES:
                errors.append(f"{where}: type {kind!r} is not one of {', '.join(TYPES)}")
            lines[sid] = line
            alts = _split(row.get("alt_labels"))
            for text in (label, *alts):
                key = normalise_label(text)
                if key in seen_labels and seen_labels[key] != sid:
                    errors.append(f"{where}: label {text!r} is already used by {seen_labels[key]!r}")
                elif key in seen_labels and text != label:
                    errors.append(f"{where}: alternative label {text!r} repeats another label of {sid!r}")
                seen_labels[key] = sid
            skills.append(LibrarySkill(sid, label, kind, (row.get("broader") or "").strip() or None, alts,
                                       _split(row.get("related")), (row.get("description") or "").strip() or None))
    by_id = {s.id: s for s in skills}
    for skill in skills:
        where = f"{path.name}:{lines[skill.id]}"
        if skill.broader and (skill.broader not in by_id or not by_id[skill.broader].is_group):
            errors.append(f"{where}: broader {skill.broader!r} is not a group in the library")
        if not skill.is_group and not skill.broader:
            errors.append(f"{where}: skill {skill.id!r} has no group (broader)")
        errors.extend(f"{where}: related {rel!r} is not in the library" for rel in skill.related if rel not in by_id)
    if errors:
        raise Invalid(f"{path.name}: {len(errors)} problem(s) in the skills library", details=errors)
    return skills


def load_library(session: Session, *, path: Path | None = None, version: str = LIBRARY_VERSION) -> dict[str, int]:
    """Insert the library as a taxonomy (source ``trellis``) unless that version is there already.
    Returns the database id of every library entry by its library id."""
    skills = read_library(path)
    taxonomy_id = session.scalar(
        select(Taxonomy.id).where(Taxonomy.source == LIBRARY_SOURCE, Taxonomy.version == version)
    )
    if taxonomy_id is None:
        taxonomy_id = _insert_library(session, skills, version)
    rows = session.execute(select(Skill.external_id, Skill.id).where(Skill.taxonomy_id == taxonomy_id))
    return {ext: sid for ext, sid in rows}


def _insert_library(session: Session, skills: list[LibrarySkill], version: str) -> int:
    taxonomy_id = next_id(session, Taxonomy)
    insert_rows(session, Taxonomy, [
        {"id": taxonomy_id, "source": LIBRARY_SOURCE, "version": version, "name": LIBRARY_NAME, "active": True}
    ])
    first = next_id(session, Skill)
    ids = {s.id: first + i for i, s in enumerate(skills)}
    labels = {s.id: s.label for s in skills}
    insert_rows(session, Skill, [
        {"id": ids[s.id], "taxonomy_id": taxonomy_id, "external_id": s.id, "preferred_label": s.label,
         "alt_labels": list(s.alt_labels), "description": s.description, "skill_type": s.type,
         "group": labels[s.broader] if s.broader else None}
        for s in skills
    ])
    relations: dict[tuple[int, int, str], dict[str, Any]] = {}
    for s in skills:
        if s.broader:
            key = (ids[s.id], ids[s.broader], "broader")
            relations[key] = {"source_id": key[0], "target_id": key[1], "relation": "broader", "strength": None}
        for rel in s.related:  # related links are symmetric: store both directions
            for a, b in ((s.id, rel), (rel, s.id)):
                key = (ids[a], ids[b], "related")
                relations[key] = {"source_id": key[0], "target_id": key[1], "relation": "related", "strength": 1.0}
    insert_rows(session, SkillRelation, list(relations.values()))
    sync_sequences(session, [Taxonomy, Skill])
    return taxonomy_id
