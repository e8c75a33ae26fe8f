"""Services around the skill linker: read the active taxonomy's skills, build (and keep) the
linker, link texts, search and autocomplete. Queries live here; the maths is in
`trellis.core.linking`, the fusion in `trellis.skills.linker`."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from trellis.core.linking import Concept
from trellis.embedding.cache import TextEncoder
from trellis.errors import Invalid, NotFound
from trellis.models import Skill, SkillRelation, Taxonomy
from trellis.skills.linker import ConceptLinker, Link, LinkerParams
from trellis.skills.schemas import LinkedSkill, LinkQuery

SKILL_PARAMS = LinkerParams()
_linkers: dict[tuple[object, ...], ConceptLinker] = {}
_lock = threading.Lock()


def active_taxonomy(session: Session, *, kind: str = "skills", source: str | None = None) -> Taxonomy:
    """The active taxonomy that has ``kind`` (skills or occupations), newest import first."""
    from trellis.models import Occupation

    model = Skill if kind == "skills" else Occupation
    query = (
        select(Taxonomy)
        .where(Taxonomy.active.is_(True), select(model.id).where(model.taxonomy_id == Taxonomy.id).exists())
        .order_by(Taxonomy.imported_at.desc(), Taxonomy.id.desc())
    )
    if source:
        query = query.where(Taxonomy.source == source)
    taxonomy = session.scalars(query).first()
    if taxonomy is None:
        raise NotFound(f"no active taxonomy with {kind}: import one first (trellis taxonomy import ...)")
    return taxonomy


def load_skill_concepts(session: Session, *, taxonomy_id: int) -> list[Concept]:
    """Every linkable skill of a taxonomy (skill groups excluded) with its broader links."""
    rows = session.execute(
        select(Skill.id, Skill.external_id, Skill.preferred_label, Skill.alt_labels, Skill.description)
        .where(Skill.taxonomy_id == taxonomy_id, Skill.skill_type != "group")
        .order_by(Skill.id)
    ).all()
    external = {row.id: row.external_id for row in rows}
    broader: dict[int, list[str]] = defaultdict(list)
    relations = session.execute(
        select(SkillRelation.source_id, SkillRelation.target_id)
        .join(Skill, Skill.id == SkillRelation.source_id)
        .where(Skill.taxonomy_id == taxonomy_id, SkillRelation.relation == "broader")
    ).all()
    for source_id, target_id in relations:
        if source_id in external and target_id in external:
            broader[source_id].append(external[target_id])
    return [
        Concept(
            id=row.external_id,
            label=row.preferred_label,
            alt_labels=tuple(row.alt_labels or ()),
            description=row.description or "",
            broader=tuple(broader.get(row.id, ())),
        )
        for row in rows
    ]


def get_skill_linker(
    session: Session,
    *,
    data_dir: Path | None,
    encoder: TextEncoder | None = None,
    params: LinkerParams = SKILL_PARAMS,
) -> ConceptLinker:
    """The linker for the active skills taxonomy, built once per process and taxonomy (label
    vectors cached under ``data_dir/embeddings``)."""
    taxonomy = active_taxonomy(session, kind="skills")

    def build(enc: TextEncoder) -> ConceptLinker:
        namespace = (taxonomy.source, taxonomy.version, "skills")
        linker = ConceptLinker(enc, params, cache_dir=embeddings_dir(data_dir), namespace=namespace)
        return linker.fit(load_skill_concepts(session, taxonomy_id=taxonomy.id))

    key = ("skills", taxonomy.id, taxonomy.source, taxonomy.version, str(taxonomy.imported_at), params)
    return cached_linker(key=key, build=build, encoder=encoder)


def embeddings_dir(data_dir: Path | None) -> Path | None:
    """Where label vectors are cached (``<data_dir>/embeddings``; None: no disk cache)."""
    return None if data_dir is None else Path(data_dir) / "embeddings"


def cached_linker(
    *, key: tuple[object, ...], build: Callable[[TextEncoder], ConceptLinker], encoder: TextEncoder | None
) -> ConceptLinker:
    """One fitted linker per (taxonomy, parameters, encoder) and process."""
    from trellis.embedding import get_encoder

    enc = encoder or get_encoder()
    full_key = (*key, id(enc))
    with _lock:
        linker = _linkers.get(full_key)
        if linker is None:
            linker = build(enc)
            _linkers[full_key] = linker
        return linker


def link_skills(linker: ConceptLinker, *, texts: Sequence[str], k: int) -> list[list[LinkedSkill]]:
    """The k best skills of each text."""
    return [[_linked(link) for link in links] for links in linker.link(texts, k)]


def complete_skills(linker: ConceptLinker, *, prefix: str, k: int = 10) -> list[LinkedSkill]:
    """Autocomplete: skills whose label (or a word of it) starts with ``prefix``."""
    return [_linked(link) for link in linker.complete(prefix, k)]


def _linked(link: Link) -> LinkedSkill:
    return LinkedSkill(uri=link.id, label=link.label, score=round(link.score, 4))


def read_queries(lines: Iterable[str], *, batch_size: int = 256, source: str = "stdin") -> Iterator[list[LinkQuery]]:
    """Parse JSON Lines ``{"id", "text"}`` in batches (blank lines skipped). A bad line raises
    `Invalid` naming the line and the reason."""
    batch: list[LinkQuery] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            batch.append(LinkQuery.model_validate_json(line))
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "line"
            raise Invalid(f"{source}:{number}: {where}: {first['msg']}") from None
        if len(batch) >= batch_size:
            yield batch
            batch = []
    if batch:
        yield batch
