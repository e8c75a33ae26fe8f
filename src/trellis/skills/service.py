"""Services around the skill linker: read the active taxonomy's skills, build (and keep) the
linker, link texts, search and autocomplete. Queries live here; the maths is in
`trellis.core.linking`, the fusion in `trellis.skills.linker`."""

from __future__ import annotations

import os
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trellis.core.linking import Concept, LabelTable
from trellis.embedding.cache import TextEncoder, content_hash
from trellis.embedding.index import Progress
from trellis.errors import Invalid, NotFound
from trellis.models import Occupation, Skill, SkillRelation, Taxonomy
from trellis.skills.linker import ConceptLinker, Link, LinkerParams
from trellis.skills.schemas import LinkedSkill, LinkQuery

# Candidates from one index query per text (its 400 nearest labels) and its 32 nearest labels by
# character n-grams; every span then scores every candidate exactly. Against each span querying
# the index itself: TECH 0.6794 vs 0.6572, HOUSE 0.5884 vs 0.5884, same speed
# (`bench/linking_tune.py --span-grid --speed 640`, BENCHMARKS.md "Skill and title linking").
SKILL_PARAMS = LinkerParams(span_queries=False, text_candidates=400, lexical_candidates=32)
TABLE_FORMAT = "table1"
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
    progress: Progress | None = None,
) -> ConceptLinker:
    """The linker for the active skills taxonomy, built once per process and taxonomy (label
    vectors cached under ``data_dir/embeddings``; ``progress`` hears of a first-ever encoding)."""
    taxonomy = active_taxonomy(session, kind="skills")

    def build(enc: TextEncoder) -> ConceptLinker:
        namespace = (taxonomy.source, taxonomy.version, "skills")
        linker = ConceptLinker(enc, params, cache_dir=embeddings_dir(data_dir), namespace=namespace)
        table = cached_table(session, taxonomy=taxonomy, model=Skill, data_dir=data_dir, kind="skills",
                             load=lambda: load_skill_concepts(session, taxonomy_id=taxonomy.id))
        return linker.fit(table, progress=progress)

    key = ("skills", taxonomy.id, taxonomy.source, taxonomy.version, str(taxonomy.imported_at), params)
    return cached_linker(key=key, build=build, encoder=encoder)


def cached_table(
    session: Session, *, taxonomy: Taxonomy, model: type[Skill] | type[Occupation], data_dir: Path | None, kind: str,
    load: Callable[[], list[Concept]],
) -> LabelTable:
    """The label table of a taxonomy's concepts, kept on disk beside the vector index and keyed
    by a fingerprint of the rows (count, last id, last change), so a process that starts again
    reads it instead of loading and normalising every label; any edit makes a new one."""
    import pickle

    folder = embeddings_dir(data_dir)
    if folder is None:
        return LabelTable.from_concepts(load())
    stamp = getattr(model, "updated_at", model.id)
    count, last_id, changed = session.execute(
        select(func.count(), func.max(model.id), func.max(stamp)).where(model.taxonomy_id == taxonomy.id)).one()
    fingerprint = content_hash([kind, str(taxonomy.id), str(taxonomy.imported_at), str(count), str(last_id),
                                str(changed), TABLE_FORMAT])
    path = folder / f"{taxonomy.source}-{kind}-{fingerprint}.table.pickle"
    if path.exists():  # written by this application into its own data folder
        with path.open("rb") as handle:
            table: LabelTable = pickle.load(handle)
        return table
    table = LabelTable.from_concepts(load())
    folder.mkdir(parents=True, exist_ok=True)
    scratch = path.with_suffix(f".{os.getpid()}.tmp")
    with scratch.open("wb") as handle:
        pickle.dump(table, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(scratch, path)
    return table


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
    return LinkedSkill(uri=link.id, label=link.label, score=round(link.score, 4), evidence=link.evidence)


MAX_LINE_BYTES = 100_000  # one JSON Lines record; a text itself is capped at 20,000 characters


def read_queries(lines: Iterable[bytes | str], *, source: str = "stdin") -> list[LinkQuery]:
    """Parse and check every JSON Lines ``{"id", "text"}`` record before anything is linked, so
    bad input stops the command before it writes a line. A blank line, a line over
    `MAX_LINE_BYTES`, bytes that are not UTF-8, bad JSON, a missing field or an empty text raise
    `Invalid` naming the line and the reason."""
    queries: list[LinkQuery] = []
    for number, raw in enumerate(lines, start=1):
        data = raw if isinstance(raw, bytes) else raw.encode("utf-8", "surrogateescape")
        where = f"{source}:{number}"
        if len(data) > MAX_LINE_BYTES:
            raise Invalid(f"{where}: line is {len(data):,} bytes; at most {MAX_LINE_BYTES:,} per record")
        try:
            line = data.decode("utf-8")
        except UnicodeDecodeError as err:
            raise Invalid(f"{where}: not UTF-8 text (byte 0x{data[err.start]:02x} at column {err.start + 1})") from None
        if not line.strip():
            raise Invalid(f"{where}: empty line; every line must be one JSON object {{\"id\", \"text\"}}")
        try:
            query = LinkQuery.model_validate_json(line)
        except ValidationError as err:
            first = err.errors()[0]
            field = ".".join(str(part) for part in first["loc"]) or "line"
            raise Invalid(f"{where}: {field}: {first['msg']}") from None
        if not query.text.strip():
            raise Invalid(f"{where}: text: empty; give the text to link")
        queries.append(query)
    return queries


def batches(items: Sequence[LinkQuery], size: int) -> Iterator[Sequence[LinkQuery]]:
    for first in range(0, len(items), size):
        yield items[first : first + size]
