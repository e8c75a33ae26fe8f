"""The signed-in person's own career explorer (next moves, paths to a target role with gaps and
a learning plan) and their own mentoring (requests, mentor profile, pairs)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from trellis.accounts.permissions import Actor
from trellis.errors import Invalid, NotFound
from trellis.mentoring import service as mentoring
from trellis.mentoring.schemas import RequestIn
from trellis.models import Employee, MenteeRequest, MentoringPair, MentorProfile, Role, Skill
from trellis.paths import service as paths
from trellis.web.deps import Permit, SessionDep
from trellis.web.pages.forms import validated
from trellis.web.templating import render
from trellis.web.writes import in_own_thread

router = APIRouter()


def _me(session: Session, actor: Actor) -> Employee:
    """The actor's own employee record: every query below is narrowed to it."""
    emp = session.get(Employee, actor.employee_id) if actor.employee_id is not None else None
    if emp is None:
        raise Invalid("Your account is not linked to an employee record, so it has no career data.")
    return emp


@router.get("/career")
def career(request: Request, session: SessionDep, target: str | None = None,
           actor: Actor = Permit("career.view")) -> Response:
    me = _me(session, actor)
    roles = session.execute(select(Role.external_id, Role.title).order_by(Role.title, Role.id)).all()
    ctx: dict[str, Any] = {"roles": roles, "target": target, "moves": None, "paths": None, "plan": None,
                           "no_role": None}
    try:
        ctx["moves"] = paths.next_moves(session, employee=me.external_id, k=5)
        if target:
            found = paths.find_paths(session, employee=me.external_id, role=target, k=3)
            ctx["paths"] = found
            ctx["plan"] = paths.analyse_gap(session, employee=me.external_id, role=target)
    except NotFound as err:
        ctx["no_role"] = err.message
    return render(request, "career.html", ctx)


def _labels(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


@router.get("/mentoring")
def mentoring_page(request: Request, session: SessionDep, actor: Actor = Permit("mentoring.view")) -> Response:
    me = _me(session, actor)
    requests = session.scalars(select(MenteeRequest).where(MenteeRequest.employee_id == me.id)
                               .options(selectinload(MenteeRequest.goals))
                               .order_by(MenteeRequest.id.desc())).all()
    skill_ids = {g.skill_id for r in requests for g in r.goals}
    profile = session.scalar(select(MentorProfile).where(MentorProfile.employee_id == me.id)
                             .options(selectinload(MentorProfile.skills)))
    if profile is not None:
        skill_ids |= {s.skill_id for s in profile.skills}
    labels: dict[int, str] = {}
    if skill_ids:
        labels = {r.id: r.preferred_label
                  for r in session.execute(select(Skill.id, Skill.preferred_label).where(Skill.id.in_(skill_ids)))}
    pairs = session.scalars(select(MentoringPair).where(
        or_(MentoringPair.mentee_id == me.id, MentoringPair.mentor_id == me.id),
        MentoringPair.status != "ended").order_by(MentoringPair.id)).all()
    return render(request, "mentoring.html", {"me": me, "requests": requests, "labels": labels,
                                              "profile": profile, "pairs": pairs})


@router.post("/mentoring")
async def request_mentor(request: Request, session: SessionDep, actor: Actor = Permit("mentoring.request")) -> Response:
    form = await request.form()
    goals = [str(g) for g in form.getlist("goals") if str(g).strip()] + _labels(str(form.get("goal_labels", "")))
    raw = {"goals": {g: 1.0 for g in goals}, "languages": _labels(str(form.get("languages", ""))),
           "topics": str(form.get("topics", "")).strip() or None}
    return await in_own_thread(_request_mentor, session, actor=actor, raw=raw)


def _request_mentor(session: Session, *, actor: Actor, raw: dict[str, Any]) -> Response:
    me = _me(session, actor)
    mentoring.request_mentor(session, employee=me.external_id, data=validated(RequestIn, raw))
    return RedirectResponse("/mentoring#requests", status_code=303)
