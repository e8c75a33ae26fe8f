"""The signed-in person's own development plans (create, add goals, mark done), their offer to
mentor others and their saved searches; HR's succession bench and mentor matches. Thin: parse, call the services
(plans, mentoring, succession), render."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from trellis.accounts.permissions import Actor
from trellis.architecture.service import role_choices
from trellis.errors import Invalid
from trellis.mentoring import service as mentoring
from trellis.mentoring.schemas import MentorIn
from trellis.opportunities.schemas import SearchFilters
from trellis.plans import service as plans
from trellis.plans.schemas import ItemIn, PlanIn
from trellis.searches import service as searches
from trellis.searches.schemas import SavedSearchIn
from trellis.succession.service import list_successors
from trellis.web.deps import Permit, SessionDep
from trellis.web.pages.career import _labels, _me
from trellis.web.pages.forms import validated
from trellis.web.templating import render
from trellis.web.writes import writes

router = APIRouter()
Text = Annotated[str, Form(max_length=2000)]


@router.get("/plans")
def plans_page(request: Request, session: SessionDep, actor: Actor = Permit("plans.view")) -> Response:
    me = _me(session, actor)
    return render(request, "plans.html", {"plans": plans.list_plans(session, employee=me.external_id, actor=me),
                                          "roles": role_choices(session)})


@router.post("/plans")
def create_plan(session: SessionDep, title: Text, target_role: Text = "", target_date: Text = "",
                goals: Text = "", actor: Actor = Permit("plans.edit")) -> Response:
    me = _me(session, actor)
    data = validated(PlanIn, {"title": title.strip(), "target_role": target_role.strip() or None,
                              "target_date": target_date.strip() or None, "goals": goals.strip() or None})
    plan = plans.create_plan(session, owner=me.external_id, data=data, actor=me)
    return RedirectResponse(f"/plans#plan-{plan.id}", status_code=303)


@router.post("/plans/{plan_id}/items")
def add_goal(plan_id: int, session: SessionDep, description: Text, due_date: Text = "",
             actor: Actor = Permit("plans.edit")) -> Response:
    me = _me(session, actor)
    data = validated(ItemIn, {"kind": "goal", "description": description.strip() or None,
                              "due_date": due_date.strip() or None})
    plans.add_item(session, plan_id=plan_id, data=data, actor=me)
    return RedirectResponse(f"/plans#plan-{plan_id}", status_code=303)


@router.post("/plans/items/{item_id}/done")
def complete(item_id: int, session: SessionDep, actor: Actor = Permit("plans.edit")) -> Response:
    done = plans.complete_item(session, item_id=item_id, actor=_me(session, actor))
    return RedirectResponse(f"/plans#plan-{done.plan.id}", status_code=303)


def _levels(text: str) -> dict[str, int]:
    """``Python 4, SQL`` -> {"Python": 4, "SQL": 4}: a skill label, optionally its level (default 4)."""
    out: dict[str, int] = {}
    for part in _labels(text):
        label, _, level = part.rpartition(" ")
        if label and level.isdigit():
            out[label.strip()] = int(level)
        else:
            out[part] = 4
    return out


@router.post("/mentoring/offer")
def offer_to_mentor(session: SessionDep, skills: Text, capacity: Annotated[int, Form(ge=0, le=50)] = 2,
                    languages: Text = "", active: Text = "on", actor: Actor = Permit("mentoring.offer")) -> Response:
    me = _me(session, actor)
    if not _levels(skills):
        raise Invalid("skills: name at least one skill you can teach")
    data = validated(MentorIn, {"skills": _levels(skills), "capacity": capacity, "languages": _labels(languages),
                                "active": active == "on"})
    mentoring.save_mentor(session, employee=me.external_id, data=data)
    return RedirectResponse("/mentoring#mentor-profile", status_code=303)


@router.get("/hr/succession")
def succession(request: Request, session: SessionDep, role: str | None = None,
               actor: Actor = Permit("succession.view")) -> Response:
    wanted = role.strip() if role and role.strip() else None
    return render(request, "succession.html", {"bench": list_successors(session, role=wanted, limit=5),
                                               "roles": role_choices(session), "role": wanted or "",
                                               "today": date.today()})


@router.get("/hr/mentor-matches")
def mentor_matches(request: Request, session: SessionDep, actor: Actor = Permit("mentoring.match")) -> Response:
    proposal = mentoring.assign_mentors(session, dry_run=True, actor=f"user:{actor.user_id}")
    return render(request, "mentor_matches.html", {"proposal": proposal})


@router.post("/hr/mentor-matches")
def confirm_matches(session: SessionDep, actor: Actor = Permit("mentoring.match")) -> Response:
    mentoring.assign_mentors(session, actor=f"user:{actor.user_id}")
    return RedirectResponse("/hr/mentor-matches?done=1", status_code=303)


@router.get("/searches")
def saved_searches(request: Request, session: SessionDep, actor: Actor = Permit("searches.view")) -> Response:
    return render(request, "searches.html", {"searches": searches.list_searches(session, actor=actor)})


@router.post("/searches")
def save_search(session: SessionDep, name: Text, q: Text = "", type: Text = "", family_id: Text = "",
                location_id: Text = "", remote: Text = "", max_hours: Text = "", alert: Text = "off",
                actor: Actor = Permit("searches.save")) -> Response:
    filters = validated(SearchFilters, {"q": q, "type": type, "family_id": family_id, "location_id": location_id,
                                        "remote": remote, "max_hours": max_hours})
    data = validated(SavedSearchIn, {"name": name.strip(), "filters": filters.model_dump(), "alert": alert == "on"})
    searches.save_search(session, actor=actor, data=data)
    return RedirectResponse("/searches?saved=1", status_code=303)


@router.get("/searches/{search_id}")
@writes  # marks the search's new matches as seen
def run_search(search_id: int, session: SessionDep, actor: Actor = Permit("searches.view")) -> Response:
    found = searches.open_search(session, actor=actor, search_id=search_id)
    return RedirectResponse(f"/marketplace?{found.query}", status_code=303)


@router.post("/searches/{search_id}/delete")
def delete_search(search_id: int, session: SessionDep, actor: Actor = Permit("searches.save")) -> Response:
    searches.delete_search(session, actor=actor, search_id=search_id)
    return RedirectResponse("/searches", status_code=303)
