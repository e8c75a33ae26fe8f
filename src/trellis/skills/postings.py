"""Skills for a posting: from its title through the occupations it names to their essential and
optional skills, blended with the skills its description mentions (the skill linker over each
sentence). A posting with a title alone still gets the skills of its occupation.

score(skill) = w_title × Σ_occupations weight(occupation) × relation(occupation, skill)
             + w_text × best linker score of the skill over the description's sentences (0–1)
where an occupation's weight is its share of the title linker's top occupations (a softmax of
their scores) and a relation is 1 for essential skills, `OPTIONAL` for optional ones."""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from trellis.models import Occupation, OccupationSkill, Skill
from trellis.skills.linker import ConceptLinker
from trellis.skills.schemas import LinkedSkill
from trellis.skills.service import active_taxonomy, get_skill_linker
from trellis.skills.titles import get_title_linker

OPTIONAL = 0.5
SENTENCE = re.compile(r"(?<=[.!?;:])\s+|\n+|\s*[•·▪]\s*")


@dataclass(frozen=True)
class PostingParams:
    occupations: int = 3  # top occupations of the title that lend their skills
    temperature: float = 0.05  # softmax of their scores (lower: the best one takes more)
    w_title: float = 0.6
    w_text: float = 0.4
    min_text_score: float = 1.4  # a description skill below this fused linker score is noise (see extraction)


def split_title(text: str, title: str | None) -> tuple[str, str]:
    """The title (given, else the first line of the text) and the description (the rest)."""
    if title and title.strip():
        return title.strip(), text
    first, _, rest = text.strip().partition("\n")
    return first.strip(), rest


def sentences(text: str) -> list[str]:
    return [part.strip() for part in SENTENCE.split(text) if part and len(part.strip()) > 2]


class PostingSuggester:
    """Built from the two linkers and the occupation → skills relations of the taxonomy."""

    def __init__(self, titles: ConceptLinker, skills: ConceptLinker,
                 relations: dict[str, list[tuple[str, float]]], params: PostingParams | None = None) -> None:
        self.titles = titles
        self.skills = skills
        self.relations = relations  # occupation id -> [(skill id, 1 | OPTIONAL)]
        self.params = params or PostingParams()
        self._skill_index = {c.id: i for i, c in enumerate(skills.table_.concepts)}

    def suggest(self, texts: Sequence[str], *, titles: Sequence[str | None] | None = None,
                k: int = 10) -> list[list[LinkedSkill]]:
        p = self.params
        pairs = [split_title(t, (titles or [None] * len(texts))[i]) for i, t in enumerate(texts)]
        occupation_links = self.titles.link([title or "-" for title, _ in pairs], p.occupations)
        out = []
        for (title, description), occupations in zip(pairs, occupation_links, strict=True):
            scores: dict[str, float] = defaultdict(float)
            evidence: dict[str, tuple[float, str]] = {}  # the larger contribution names the evidence

            def lend(skill: str, share: float, why: str,
                     scores: dict[str, float] = scores, evidence: dict[str, tuple[float, str]] = evidence) -> None:
                scores[skill] += share
                if share > evidence.get(skill, (0.0, ""))[0]:
                    evidence[skill] = (share, why)

            if occupations and title:
                raw = np.array([o.score for o in occupations])
                weights = np.exp((raw - raw.max()) / p.temperature)
                weights /= weights.sum()
                for occupation, weight in zip(occupations, weights, strict=True):
                    for skill, relation in self.relations.get(occupation.id, ()):
                        kind = "essential" if relation == 1 else "optional"
                        lend(skill, p.w_title * float(weight) * relation, f"title: {kind} for {occupation.label}")
            parts = sentences(description)
            if parts:
                best: dict[str, tuple[float, str]] = {}
                for links in self.skills.link(parts, k=max(k, 10)):
                    for link in links:
                        if link.score >= p.min_text_score and link.score > best.get(link.id, (0.0, ""))[0]:
                            best[link.id] = (link.score, link.evidence)
                top = max((s for s, _ in best.values()), default=1.0)
                for skill, (score, span) in best.items():
                    lend(skill, p.w_text * score / top, span)
            ranked = sorted(scores.items(), key=lambda item: -item[1])[:k]
            concepts = self.skills.table_.concepts
            out.append([
                LinkedSkill(uri=skill, label=concepts[self._skill_index[skill]].label, score=round(score, 4),
                            evidence=evidence.get(skill, (0.0, ""))[1])
                for skill, score in ranked if skill in self._skill_index
            ])
        return out


def load_relations(session: Session, *, taxonomy_id: int) -> dict[str, list[tuple[str, float]]]:
    occupation, skill = aliased(Occupation), aliased(Skill)
    rows = session.execute(
        select(occupation.external_id, skill.external_id, OccupationSkill.relation)
        .join(occupation, occupation.id == OccupationSkill.occupation_id)
        .join(skill, skill.id == OccupationSkill.skill_id)
        .where(occupation.taxonomy_id == taxonomy_id)
    )
    out: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for occupation_id, skill_id, relation in rows:
        out[occupation_id].append((skill_id, 1.0 if relation == "essential" else OPTIONAL))
    return dict(out)


_suggesters: dict[tuple[object, ...], PostingSuggester] = {}
_lock = threading.Lock()


def get_posting_suggester(session: Session, *, data_dir: Path | None) -> PostingSuggester:
    """The suggester for the active taxonomy (built once per process)."""
    skills = get_skill_linker(session, data_dir=data_dir)
    titles = get_title_linker(session, data_dir=data_dir)
    taxonomy = active_taxonomy(session, kind="occupations")
    key = (taxonomy.id, str(taxonomy.imported_at), id(skills), id(titles))
    with _lock:
        if key not in _suggesters:
            _suggesters[key] = PostingSuggester(titles, skills, load_relations(session, taxonomy_id=taxonomy.id))
        return _suggesters[key]
