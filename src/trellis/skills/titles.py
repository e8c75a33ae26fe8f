"""Title normalisation: raw job titles -> ranked occupations of the active taxonomy (ESCO or
O*NET), with the same linker as skills over each occupation's title and alternative titles."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from trellis.core.linking import Concept
from trellis.embedding.cache import TextEncoder
from trellis.embedding.index import Progress
from trellis.models import Occupation
from trellis.skills.linker import ConceptLinker, LinkerParams
from trellis.skills.service import active_taxonomy, cached_linker, cached_table, embeddings_dir

# A title is short: no span scoring; the whole title against every title and alternative title,
# the occupation's second-best title and its description (both halves of the dev titles pick
# 0.3 and 0.5: `bench/titles_tune.py`), and a bonus for the most specific occupations (a vacancy
# names a job, not the group of jobs an occupation with narrower ones stands for; both halves
# pick 0.15: `bench/titles_prior.py`, BENCHMARKS.md "Title normalisation").
TITLE_PARAMS = LinkerParams(spans=False, w_text=1.0, w_lexical=0.3, w_exact=0.1, w_second=0.3, w_description=0.5,
                            w_specific=0.15, candidates=48, lexical_candidates=16, probes=12)


class LinkedRole(BaseModel):
    uri: str | None = None
    code: str | None = None
    label: str
    score: float


def load_occupation_concepts(session: Session, *, taxonomy_id: int) -> list[Concept]:
    rows = session.execute(
        select(
            Occupation.external_id, Occupation.title, Occupation.alt_titles, Occupation.description, Occupation.extra
        )
        .where(Occupation.taxonomy_id == taxonomy_id)
        .order_by(Occupation.id)
    ).all()
    return [
        Concept(
            id=row.external_id,
            label=row.title,
            alt_labels=tuple(row.alt_titles or ()),
            description=row.description or "",
            broader=tuple(b for b in (row.extra or {}).get("broader", []) if isinstance(b, str)),
        )
        for row in rows
    ]


def get_title_linker(
    session: Session,
    *,
    data_dir: Path | None,
    encoder: TextEncoder | None = None,
    params: LinkerParams = TITLE_PARAMS,
    progress: Progress | None = None,
) -> ConceptLinker:
    """The linker over the active taxonomy's occupations, built once per process."""
    taxonomy = active_taxonomy(session, kind="occupations")

    def build(enc: TextEncoder) -> ConceptLinker:
        linker = ConceptLinker(
            enc, params, cache_dir=embeddings_dir(data_dir), namespace=(taxonomy.source, taxonomy.version, "titles")
        )
        table = cached_table(session, taxonomy=taxonomy, model=Occupation, data_dir=data_dir, kind="titles",
                             load=lambda: load_occupation_concepts(session, taxonomy_id=taxonomy.id))
        return linker.fit(table, progress=progress)

    key = ("titles", taxonomy.id, taxonomy.source, taxonomy.version, str(taxonomy.imported_at), params)
    return cached_linker(key=key, build=build, encoder=encoder)


def link_titles(linker: ConceptLinker, *, texts: Sequence[str], k: int) -> list[list[LinkedRole]]:
    """The k best occupations for each title: ``uri`` for ESCO (URIs), ``code`` for O*NET codes."""
    out = []
    for links in linker.link(texts, k):
        out.append(
            [
                LinkedRole(
                    uri=link.id if "://" in link.id else None,
                    code=None if "://" in link.id else link.id,
                    label=link.label,
                    score=round(link.score, 4),
                )
                for link in links
            ]
        )
    return out
