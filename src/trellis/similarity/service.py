"""Related roles: for every role of a taxonomy (or the company), the most similar roles by
content. The maths is in :mod:`trellis.core.similarity`; this module chooses the facets and
their weights and reads the profiles from the database.

Weights for O*NET were set on the development split of O*NET Related Occupations only (see
BENCHMARKS.md): per-role z-scored facet similarities, rounded weights. ESCO and company weights
follow the same shape; no public judgements exist to tune them."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from sqlalchemy.orm import Session

from trellis.core.similarity import RoleSimilarity
from trellis.errors import Invalid
from trellis.similarity import profiles, semantic
from trellis.similarity.schemas import RelatedRole, RelatedRoles
from trellis.similarity.semantic import Embed
from trellis.taxonomy.service import get_active_taxonomy

KINDS = ("onet", "esco", "company")

DEFAULT_WEIGHTS: dict[str, dict[str, float]] = {
    "onet": {
        "ratings": 2.0,  # Skills + Knowledge, importance × level, centred
        "tasks": 1.5,
        "titles": 1.0,  # title, alternate and reported titles
        "code": 0.5,  # SOC hierarchy
        "technology": 0.3,
        "commodities": 0.3,
        "zone": 0.3,
        "description": 0.2,
        "semantic": 1.0,  # only with --semantic: MiniLM of "title. description"
    },
    "esco": {"skills": 2.0, "groups": 0.5, "titles": 1.0, "code": 0.5, "description": 0.3, "semantic": 1.0},
    "company": {"skills": 2.0, "titles": 1.0, "code": 0.5, "zone": 0.3, "semantic": 1.0},
}
# The published baseline: cosine of the Skills + Knowledge importance vectors, nothing else.
BASELINE_WEIGHTS = {"baseline": 1.0}


def load_profiles(session: Session, *, kind: str, embed: Embed | None = None) -> profiles.Profiles:
    """The roles of ``kind`` (onet | esco | company) with their facet similarity matrices; with
    ``embed`` (texts → L2-normalised rows) also the ``semantic`` facet."""
    if kind == "onet":
        return profiles.onet_profiles(session, get_active_taxonomy(session, source="onet"), embed=embed)
    if kind == "esco":
        return profiles.esco_profiles(session, get_active_taxonomy(session, source="esco"), embed=embed)
    if kind == "company":
        return profiles.company_profiles(session, embed=embed)
    raise Invalid(f"--taxonomy must be one of {', '.join(KINDS)}, not {kind!r}")


def rank_related(
    found: profiles.Profiles, *, top: int, weights: Mapping[str, float], standardise: bool = True
) -> list[RelatedRoles]:
    """Rank the ``top`` most similar roles of every role in ``found``."""
    if not found.ids:
        return []
    model = RoleSimilarity(weights=weights, standardise=standardise).fit(found.facets)
    return [
        RelatedRoles(
            id=found.ids[i],
            label=found.labels[i],
            related=[RelatedRole(id=found.ids[j], score=round(score, 4)) for j, score in ranked],
        )
        for i, ranked in enumerate(model.top_k(top))
    ]


def semantic_embedder(cache_dir: Path) -> Embed:
    """The MiniLM encoder with its vectors cached under ``cache_dir`` (Settings.data_dir/cache)."""
    return semantic.cached(semantic.encode, cache_dir, model=semantic.model_name())


def related_roles(
    session: Session,
    *,
    kind: str,
    top: int = 10,
    baseline: bool = False,
    weights: Mapping[str, float] | None = None,
    embed: Embed | None = None,
) -> list[RelatedRoles]:
    """For each role of the active ``kind`` taxonomy (or the company), its ``top`` most similar
    roles. ``baseline`` ranks by the Skills + Knowledge importance cosine alone (O*NET only);
    ``embed`` adds the semantic facet (see :func:`semantic_embedder`)."""
    if top < 1:
        raise Invalid("--top must be at least 1")
    if baseline and kind != "onet":
        raise Invalid("the baseline is defined for O*NET only")
    found = load_profiles(session, kind=kind, embed=None if baseline else embed)
    if baseline:
        return rank_related(found, top=top, weights=BASELINE_WEIGHTS, standardise=False)
    return rank_related(found, top=top, weights=weights or DEFAULT_WEIGHTS[kind])
