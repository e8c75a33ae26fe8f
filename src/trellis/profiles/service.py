"""A person's own profile: skills with levels (added from the active taxonomy or suggested from
an uploaded CV), aspirations and preferences, visibility. Skill autocomplete is a prefix search
over preferred and alternative labels of the active taxonomies."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import ColumnElement, String, cast, delete, func, or_, select
from sqlalchemy.orm import Session

from trellis.errors import Invalid, NotFound
from trellis.extraction import service as extraction
from trellis.extraction.documents import read_document
from trellis.extraction.schemas import PendingSkill, SkillSuggestion
from trellis.matching.service import mark_changed
from trellis.models import AuditEvent, Employee, EmployeeSkill, Preferences, Role, Skill, TargetRole, Taxonomy
from trellis.profiles.schemas import PreferencesIn, ProfileOut, ProfileSkill, SkillHit, SkillIn, Suggestion


def _active_skills() -> ColumnElement[bool]:
    return Skill.taxonomy_id.in_(select(Taxonomy.id).where(Taxonomy.active.is_(True)))


def search_skills(session: Session, *, q: str, limit: int = 10) -> list[SkillHit]:
    """Skills whose label or an alternative label starts with ``q`` (or has a word starting
    with it); label-prefix hits first, then shorter labels."""
    q = q.strip().lower()
    if len(q) < 1:
        return []
    esc = q.replace("\\", "").replace("%", "").replace("_", "").replace('"', "")
    label = func.lower(Skill.preferred_label)
    alts = func.lower(cast(Skill.alt_labels, String))
    stmt = (select(Skill.id, Skill.preferred_label, Skill.alt_labels)
            .where(_active_skills(), or_(label.like(f"{esc}%"), label.like(f"% {esc}%"), alts.like(f'%"{esc}%')))
            .order_by(label.like(f"{esc}%").desc(), func.length(Skill.preferred_label), Skill.id).limit(limit))
    hits = []
    for sid, pref, alt in session.execute(stmt):
        matched = pref if esc in pref.lower() else next((a for a in alt or [] if a.lower().startswith(esc)), pref)
        hits.append(SkillHit(id=sid, label=pref, matched=matched))
    return hits


def resolve_skill(session: Session, *, data: SkillIn) -> Skill:
    if data.skill_id is not None:
        skill = session.get(Skill, data.skill_id)
        if skill is None:
            raise NotFound(f"skill {data.skill_id} does not exist")
        return skill
    text = (data.label or "").strip()
    if not text:
        raise Invalid("skill: pick a skill from the list")
    exact = session.scalar(select(Skill).where(_active_skills(), func.lower(Skill.preferred_label) == text.lower())
                           .order_by(Skill.id).limit(1))
    if exact is not None:
        return exact
    for hit in search_skills(session, q=text, limit=20):
        skill = session.get(Skill, hit.id)
        if skill is not None and text.lower() in {a.lower() for a in skill.alt_labels or []}:
            return skill
    near = [h.label for h in search_skills(session, q=text[:3], limit=3)] if len(text) >= 3 else []
    hint = f" Did you mean {' or '.join(near)}?" if near else " Start typing and pick one from the list."
    raise Invalid(f"skill: there is no skill called “{text}” in the skills library.{hint}")


def get_profile(session: Session, *, employee_id: int) -> ProfileOut:
    person = session.get(Employee, employee_id)
    if person is None:
        raise NotFound(f"employee {employee_id} does not exist")
    rows = session.execute(select(EmployeeSkill, Skill.preferred_label).join(Skill, Skill.id == EmployeeSkill.skill_id)
                           .where(EmployeeSkill.employee_id == employee_id, EmployeeSkill.status == "accepted")
                           .order_by(EmployeeSkill.proficiency.desc(), Skill.preferred_label)).all()
    skills = [ProfileSkill(skill_id=es.skill_id, label=label, proficiency=es.proficiency, source=es.source,
                           status=es.status, verified=es.verified_at is not None) for es, label in rows]
    prefs = session.scalar(select(Preferences).where(Preferences.employee_id == employee_id))
    targets = list(session.scalars(select(TargetRole.role_id).where(TargetRole.employee_id == employee_id)
                                   .order_by(TargetRole.priority)))
    pin = PreferencesIn(target_role_ids=targets)
    if prefs is not None:
        pin = PreferencesIn(
            interests=list(prefs.interests or []), target_role_ids=targets, open_to_jobs=prefs.open_to_jobs,
            open_to_gigs=prefs.open_to_gigs, open_to_mentoring=prefs.open_to_mentoring,
            remote=prefs.remote if prefs.remote in ("onsite", "hybrid", "remote", "any") else "any",
            relocation=prefs.relocation, gig_hours_per_week=min(prefs.gig_hours_per_week, 40),
            visibility=prefs.visibility if prefs.visibility in ("company", "managers", "private") else "company",
            ai_opt_out=prefs.ai_opt_out,
        )
    manager = session.get(Employee, person.manager_id) if person.manager_id else None
    return ProfileOut(employee_id=person.id, name=person.name, job_title=person.job_title,
                      manager=manager.name if manager else None, skills=skills, preferences=pin)


def add_skill(session: Session, *, employee_id: int, data: SkillIn) -> ProfileSkill:
    """Add a self-declared skill, or change the level of one already held."""
    skill = resolve_skill(session, data=data)
    row = session.scalar(select(EmployeeSkill).where(EmployeeSkill.employee_id == employee_id,
                                                     EmployeeSkill.skill_id == skill.id))
    if row is None:
        row = EmployeeSkill(employee_id=employee_id, skill_id=skill.id, proficiency=data.proficiency,
                            source="self", status="accepted")
        session.add(row)
    else:
        if row.proficiency != data.proficiency and row.source != "self":
            row.verified_at, row.verified_by_id = None, None  # a changed level is no longer the verified one
        row.proficiency, row.status = data.proficiency, "accepted"
    session.flush()
    mark_changed(session, employee_ids=[employee_id])
    return ProfileSkill(skill_id=skill.id, label=skill.preferred_label, proficiency=row.proficiency,
                        source=row.source, status=row.status, verified=row.verified_at is not None)


def remove_skill(session: Session, *, employee_id: int, skill_id: int) -> None:
    result = session.execute(delete(EmployeeSkill).where(EmployeeSkill.employee_id == employee_id,
                                                         EmployeeSkill.skill_id == skill_id))
    if not getattr(result, "rowcount", 0):
        raise NotFound(f"skill {skill_id} is not on your profile")
    mark_changed(session, employee_ids=[employee_id])


def update_preferences(session: Session, *, employee_id: int, data: PreferencesIn) -> PreferencesIn:
    unknown = [r for r in data.target_role_ids if session.get(Role, r) is None]
    if unknown:
        raise Invalid(f"target_role_ids: unknown roles {unknown}")
    prefs = session.scalar(select(Preferences).where(Preferences.employee_id == employee_id))
    if prefs is None:
        prefs = Preferences(employee_id=employee_id)
        session.add(prefs)
    for field in ("open_to_jobs", "open_to_gigs", "open_to_mentoring", "remote", "relocation",
                  "gig_hours_per_week", "visibility", "ai_opt_out"):
        setattr(prefs, field, getattr(data, field))
    prefs.interests = [i.strip() for i in data.interests if i.strip()]
    session.execute(delete(TargetRole).where(TargetRole.employee_id == employee_id))
    for priority, role_id in enumerate(dict.fromkeys(data.target_role_ids), start=1):
        session.add(TargetRole(employee_id=employee_id, role_id=role_id, priority=priority))
    session.add(AuditEvent(actor=f"employee:{employee_id}", action="profile.preferences",
                           entity_type="employee", entity_id=str(employee_id), data={"visibility": data.visibility,
                                                                        "ai_opt_out": data.ai_opt_out}))
    session.flush()
    mark_changed(session, employee_ids=[employee_id])
    return data


def suggest_from_cv(
    session: Session, *, employee_id: int, data: bytes, filename: str, max_bytes: int,
    data_dir: Path | None = None,
) -> list[Suggestion]:
    """Read an uploaded CV (text, PDF or DOCX; sniffed and size-limited), find the skills it
    names or describes (semantic extraction with the skill linker whose vectors live under
    ``data_dir``; exact names only without it) and keep them as suggestions, apart from the
    profile, that the person accepts or rejects one by one. A suggestion keeps the level the
    CV's words give, or none: a level is never made up."""
    text = read_document(data, filename, max_bytes=max_bytes)
    found = extraction.extract_skills(session, text=text, kind="cv", data_dir=data_dir)
    store_suggestions(session, employee_id=employee_id, suggestions=found, actor=f"employee:{employee_id}")
    return list_suggestions(session, employee_id=employee_id)


def store_suggestions(session: Session, *, employee_id: int, suggestions: list[SkillSuggestion],
                      actor: str) -> int:
    """Keep extracted skills as suggestions (skills the person has, or rejected before, are left
    alone), each with the level its words give or none; how many were new."""
    levels = {s.skill_id: s.suggested_level for s in suggestions}
    added = extraction.suggest_skills(session, employee_id=employee_id, suggestions=suggestions, actor=actor)
    for row in added:
        row.suggested_level = levels.get(row.skill_id)
    session.flush()
    return len(added)


def list_suggestions(session: Session, *, employee_id: int) -> list[Suggestion]:
    """The person's suggestions waiting for a decision (none of them is on the profile yet)."""
    rows = session.execute(select(EmployeeSkill, Skill.preferred_label).join(Skill, Skill.id == EmployeeSkill.skill_id)
                           .where(EmployeeSkill.employee_id == employee_id, EmployeeSkill.status == "pending")
                           .order_by(Skill.preferred_label))
    return [Suggestion(skill_id=r.skill_id, label=label, suggested_level=r.suggested_level, evidence=r.evidence)
            for r, label in rows]


def decide_suggestion(
    session: Session, *, employee_id: int, skill_id: int, accept: bool, proficiency: int | None = None,
    actor: str | None = None,
) -> PendingSkill:
    """Accept a suggestion at the level the person chose (or the one suggested), which puts it on
    the profile, or reject it (it is not suggested again)."""
    row = session.scalar(select(EmployeeSkill).where(EmployeeSkill.employee_id == employee_id,
                                                     EmployeeSkill.skill_id == skill_id,
                                                     EmployeeSkill.status == "pending"))
    level = proficiency if proficiency is not None else (row.suggested_level if row is not None else None)
    if accept and row is not None and level is None:
        skill = session.get(Skill, skill_id)
        raise Invalid(f"proficiency: choose your level in {skill.preferred_label if skill else 'this skill'} "
                      "before accepting it")
    row = extraction.decide_suggestion(session, employee_id=employee_id, skill_id=skill_id, accept=accept,
                                       proficiency=level if accept else None,
                                       actor=actor or f"employee:{employee_id}")
    mark_changed(session, employee_ids=[employee_id])
    skill = session.get(Skill, skill_id)
    return PendingSkill(skill_id=skill_id, label=skill.preferred_label if skill else "?", proficiency=row.proficiency,
                        evidence=row.evidence, status=row.status)


def suggest_for_text(
    session: Session, *, text: str, exclude: set[int] | None = None, title: str | None = None,
    data_dir: Path | None = None,
) -> list[SkillSuggestion]:
    """Skills for a posting, for a manager to review: with ``data_dir`` (where the linkers keep
    their vectors), the skills of the occupations its title names blended with those its
    description mentions or describes (`trellis.skills.postings`); else the skills it names."""
    if not text.strip() and not (title and title.strip()):
        return []
    if data_dir is not None and title and title.strip():
        found = _posting_suggestions(session, text=text, title=title, data_dir=data_dir)
    elif text.strip():
        found = extraction.extract_skills(session, text=text, kind="job", data_dir=data_dir)
    else:
        found = []
    return [s for s in found if s.skill_id not in (exclude or set())]


def _posting_suggestions(session: Session, *, text: str, title: str, data_dir: Path) -> list[SkillSuggestion]:
    from trellis.errors import NotFound
    from trellis.skills.postings import get_posting_suggester

    try:
        suggester = get_posting_suggester(session, data_dir=data_dir)
    except NotFound:  # no occupations imported: the description alone
        return extraction.extract_skills(session, text=text, kind="job", data_dir=data_dir) if text.strip() else []
    (ranked,) = suggester.suggest([text], titles=[title], k=15)
    ids = dict(session.execute(select(Skill.external_id, Skill.id).where(
        Skill.external_id.in_([r.uri for r in ranked]))).all())
    return [
        SkillSuggestion(skill_id=ids[r.uri], uri=r.uri, label=r.label, surface=r.evidence, start=-1, end=-1,
                        confidence=round(min(1.0, r.score), 3), evidence=r.evidence)
        for r in ranked if r.uri in ids
    ]
