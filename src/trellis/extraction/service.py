"""Extraction services: text → suggested skills; suggestions stored as *pending* until the
person (or their manager) accepts or rejects each one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from trellis.core.extraction import (
    Label,
    LabelIndex,
    Mention,
    find_mentions,
    pick_semantic,
    sentence_spans,
    suggest_level,
)
from trellis.errors import Invalid, NotFound
from trellis.extraction.schemas import DocumentKind, PendingSkill, SkillSuggestion
from trellis.models import AuditEvent, Employee, EmployeeSkill, Skill, Taxonomy

if TYPE_CHECKING:
    from trellis.skills.linker import ConceptLinker

SENTENCE_END = re.compile(r"[.!?\n•]")


def build_label_index(session: Session, *, taxonomy_ids: list[int] | None = None) -> LabelIndex:
    """Every preferred and alternative label of the active taxonomies (or the ones named)."""
    chosen = Skill.taxonomy_id.in_(taxonomy_ids) if taxonomy_ids else Taxonomy.active.is_(True)
    query = select(Skill.id, Skill.preferred_label, Skill.alt_labels).join(Taxonomy).where(
        chosen, Skill.skill_type != "group")
    labels: list[Label] = []
    for skill_id, preferred, alts in session.execute(query):
        labels.append(Label(skill_id, preferred, True))
        labels.extend(Label(skill_id, alt, False) for alt in alts or [])
    return LabelIndex(labels).fit()


def _evidence(text: str, start: int, end: int, limit: int = 200) -> str:
    left = max((m.end() for m in SENTENCE_END.finditer(text, 0, start)), default=0)
    right_match = SENTENCE_END.search(text, end)
    right = right_match.start() + 1 if right_match else len(text)
    snippet = " ".join(text[left:right].split())
    return snippet if len(snippet) <= limit else snippet[: limit - 1] + "…"


@dataclass(frozen=True)
class SemanticParams:
    """When a linked span counts as a mention (chosen on the development splits, BENCHMARKS.md)."""

    threshold: float = 1.4  # fused linker score (sentence + span + 0.2 lexical + 0.1 exact, at most 2.3)
    per_sentence: int = 3


SEMANTIC = SemanticParams()


def semantic_mentions(linker: ConceptLinker, text: str, *, with_levels: bool = False,
                      params: SemanticParams = SEMANTIC) -> list[tuple[str, Mention]]:
    """``(concept id, mention)`` for each sentence span the linker ties to a skill strongly
    enough: "built dashboards for sales" finds data visualisation without naming it."""
    spans = sentence_spans(text)
    pieces = [text[a:b] for a, b in spans]
    out: list[tuple[str, Mention]] = []
    for (offset, stop), links in zip(spans, linker.link(pieces, k=10) if pieces else [], strict=True):
        labels = {link.id: link.label for link in links}
        candidates = [(link.id, link.score, link.start, link.end) for link in links]
        for concept, score, start, end in pick_semantic(candidates, threshold=params.threshold,
                                                        per_sentence=params.per_sentence):
            lo, hi = (offset + start, offset + end) if start >= 0 else (offset, stop)  # -1: the whole sentence
            label = labels[concept]
            level = suggest_level(text, lo, hi) if with_levels else None
            confidence = round(min(1.0, max(0.0, (score - params.threshold) / 0.5 * 0.4 + 0.5)), 3)
            out.append((concept, Mention(-1, lo, hi, text[lo:hi], label, confidence, level)))
    return out


def extract_skills(
    session: Session, *, text: str, kind: DocumentKind = "job", index: LabelIndex | None = None,
    data_dir: Path | None = None, linker: ConceptLinker | None = None, method: str = "semantic",
) -> list[SkillSuggestion]:
    """Skills in `text`, one entry per skill with its first evidence span, strongest first.

    ``lexical``: exact label matches only. ``semantic`` (the default once a linker is at hand,
    given or built for ``data_dir``): the exact matches plus every sentence span the skill
    linker ties to a skill above `SemanticParams.threshold`."""
    if not text.strip():
        raise Invalid("the text is empty")
    index = index or build_label_index(session)
    mentions = find_mentions(text, index, with_levels=kind == "cv")
    if method == "semantic" and (linker is not None or data_dir is not None):
        if linker is None:
            from trellis.skills.service import get_skill_linker

            linker = get_skill_linker(session, data_dir=data_dir)
        found = semantic_mentions(linker, text, with_levels=kind == "cv")
        ids = dict(session.execute(select(Skill.external_id, Skill.id).where(
            Skill.external_id.in_({concept for concept, _ in found}))).all()) if found else {}
        lexical_spans = {(m.start, m.end, m.skill_id) for m in mentions}
        for concept, mention in found:
            skill_id = ids.get(concept)
            if skill_id is not None and (mention.start, mention.end, skill_id) not in lexical_spans:
                mentions.append(Mention(skill_id, mention.start, mention.end, mention.surface, mention.label,
                                        mention.confidence, mention.suggested_level))
    return _suggestions(session, text, mentions)


def _suggestions(session: Session, text: str, mentions: list[Mention]) -> list[SkillSuggestion]:
    by_skill: dict[int, list[Mention]] = {}
    for mention in sorted(mentions, key=lambda m: m.start):
        by_skill.setdefault(mention.skill_id, []).append(mention)
    if not by_skill:
        return []
    skills = {s.id: s for s in session.scalars(select(Skill).where(Skill.id.in_(by_skill)))}
    out: list[SkillSuggestion] = []
    for skill_id, found in by_skill.items():
        first = max(found, key=lambda m: m.confidence)
        levels = [m.suggested_level for m in found if m.suggested_level]
        confidence = min(1.0, first.confidence + 0.05 * (len(found) - 1))
        out.append(
            SkillSuggestion(
                skill_id=skill_id,
                uri=skills[skill_id].external_id,
                label=skills[skill_id].preferred_label,
                surface=first.surface,
                start=first.start,
                end=first.end,
                mentions=len(found),
                confidence=round(confidence, 3),
                suggested_level=max(levels) if levels else None,
                evidence=_evidence(text, first.start, first.end),
            )
        )
    return sorted(out, key=lambda s: (-s.confidence, -s.mentions, s.start))


def suggest_skills(
    session: Session, *, employee_id: int, suggestions: list[SkillSuggestion], actor: str
) -> list[EmployeeSkill]:
    """Store suggestions as pending, inferred skills. Skills the person already has, or has
    rejected before, are left alone."""
    if session.get(Employee, employee_id) is None:
        raise NotFound(f"employee {employee_id} does not exist")
    existing = set(session.scalars(select(EmployeeSkill.skill_id).where(EmployeeSkill.employee_id == employee_id)))
    added: list[EmployeeSkill] = []
    for s in suggestions:
        if s.skill_id in existing:
            continue
        row = EmployeeSkill(
            employee_id=employee_id, skill_id=s.skill_id, proficiency=s.suggested_level or 2,
            source="inferred", status="pending", evidence=s.evidence,
        )
        session.add(row)
        existing.add(s.skill_id)
        added.append(row)
    session.add(AuditEvent(actor=actor, action="skills.suggest", entity_type="employee",
                           entity_id=str(employee_id), data={"skills": [r.skill_id for r in added]}))
    session.flush()
    return added


def list_pending(session: Session, *, employee_id: int) -> list[PendingSkill]:
    rows = session.execute(
        select(EmployeeSkill, Skill.preferred_label)
        .join(Skill, Skill.id == EmployeeSkill.skill_id)
        .where(EmployeeSkill.employee_id == employee_id, EmployeeSkill.status == "pending")
        .order_by(Skill.preferred_label)
    )
    return [PendingSkill(skill_id=r.skill_id, label=label, proficiency=r.proficiency, evidence=r.evidence,
                         status=r.status) for r, label in rows]


def decide_suggestion(
    session: Session, *, employee_id: int, skill_id: int, accept: bool, actor: str,
    proficiency: int | None = None, verifier_id: int | None = None,
) -> EmployeeSkill:
    """Accept (optionally at another level) or reject one pending suggestion."""
    row = session.scalar(select(EmployeeSkill).where(
        EmployeeSkill.employee_id == employee_id, EmployeeSkill.skill_id == skill_id))
    if row is None or row.status != "pending":
        raise NotFound(f"no pending suggestion of skill {skill_id} for employee {employee_id}")
    if proficiency is not None and not 1 <= proficiency <= 5:
        raise Invalid(f"proficiency {proficiency} is outside 1–5")
    row.status = "accepted" if accept else "rejected"
    if proficiency is not None:
        row.proficiency = proficiency
    if accept and verifier_id is not None and verifier_id != employee_id:
        row.verified_by_id, row.verified_at = verifier_id, datetime.now(UTC)
    session.add(AuditEvent(actor=actor, action="skills.accept" if accept else "skills.reject",
                           entity_type="employee", entity_id=str(employee_id), data={"skill_id": skill_id}))
    session.flush()
    return row


def employee_id_for(session: Session, *, external_id: str) -> int:
    found = session.scalar(select(Employee.id).where(Employee.external_id == external_id))
    if found is None:
        raise NotFound(f'employee "{external_id}" does not exist')
    return found


def skill_id_for(session: Session, *, ref: str) -> int:
    """A skill by its taxonomy id/URI, or by its exact preferred label."""
    found = session.scalar(select(Skill.id).where(Skill.external_id == ref)) or session.scalar(
        select(Skill.id).where(Skill.preferred_label == ref))
    if found is None:
        raise NotFound(f'skill "{ref}" is not in the taxonomy')
    return found
