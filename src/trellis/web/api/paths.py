"""JSON API for career paths, development plans, mentoring and succession (under /api/v1).

Who is asking: ``current_actor`` returns the employee acting, or ``None`` for a trusted caller.
It returns ``None`` until the portal's accounts land; the portal overrides it with
``app.dependency_overrides[current_actor] = ...`` so plan permissions (owner edits, manager
views) apply to every route here."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from trellis.mentoring import service as mentoring
from trellis.mentoring.schemas import AssignmentOut, ConstraintOut, MentorIn, RequestIn
from trellis.models import Employee
from trellis.paths import service as paths
from trellis.paths.schemas import GapOut, NextMovesOut, PathsOut
from trellis.plans import service as plans
from trellis.plans.schemas import CompletedOut, ItemIn, PlanIn, PlanOut
from trellis.succession import service as succession
from trellis.succession.schemas import SuccessionOut
from trellis.web.deps import SessionDep

router = APIRouter(prefix="/api/v1")


def current_actor() -> Employee | None:
    """The employee making the request; ``None`` means a trusted caller (see module docstring)."""
    return None


ActorDep = Annotated[Employee | None, Depends(current_actor)]


@router.get("/paths/{employee}/to/{role}", response_model=PathsOut, tags=["paths"])
def career_paths(employee: str, role: str, session: SessionDep, k: Annotated[int, Query(ge=1, le=20)] = 3,
                 max_steps: Annotated[int, Query(ge=1, le=8)] = 4) -> PathsOut:
    return paths.find_paths(session, employee=employee, role=role, k=k, max_steps=max_steps)


@router.get("/paths/{employee}/next", response_model=NextMovesOut, tags=["paths"])
def next_moves(employee: str, session: SessionDep, k: Annotated[int, Query(ge=1, le=50)] = 5) -> NextMovesOut:
    return paths.next_moves(session, employee=employee, k=k)


@router.get("/paths/{employee}/gap", response_model=GapOut, tags=["paths"])
def gap(employee: str, session: SessionDep, role: str | None = None, opportunity: str | None = None) -> GapOut:
    return paths.analyse_gap(session, employee=employee, role=role, opportunity=opportunity)


@router.post("/employees/{employee}/plans", response_model=PlanOut, status_code=201, tags=["plans"])
def create_plan(employee: str, data: PlanIn, session: SessionDep, actor: ActorDep) -> PlanOut:
    return plans.create_plan(session, owner=employee, data=data, actor=actor)


@router.get("/employees/{employee}/plans", response_model=list[PlanOut], tags=["plans"])
def list_plans(employee: str, session: SessionDep, actor: ActorDep) -> list[PlanOut]:
    return plans.list_plans(session, employee=employee, actor=actor)


@router.get("/plans/{plan_id}", response_model=PlanOut, tags=["plans"])
def get_plan(plan_id: int, session: SessionDep, actor: ActorDep) -> PlanOut:
    return plans.get_plan(session, plan_id=plan_id, actor=actor)


@router.post("/plans/{plan_id}/items", response_model=PlanOut, status_code=201, tags=["plans"])
def add_item(plan_id: int, data: ItemIn, session: SessionDep, actor: ActorDep) -> PlanOut:
    return plans.add_item(session, plan_id=plan_id, data=data, actor=actor)


@router.post("/plan-items/{item_id}/complete", response_model=CompletedOut, tags=["plans"])
def complete_item(item_id: int, session: SessionDep, actor: ActorDep) -> CompletedOut:
    return plans.complete_item(session, item_id=item_id, actor=actor)


@router.put("/mentoring/mentors/{employee}", status_code=204, tags=["mentoring"])
def save_mentor(employee: str, data: MentorIn, session: SessionDep) -> None:
    mentoring.save_mentor(session, employee=employee, data=data)


@router.post("/mentoring/requests/{employee}", status_code=201, tags=["mentoring"])
def request_mentor(employee: str, data: RequestIn, session: SessionDep) -> dict[str, int]:
    return {"id": mentoring.request_mentor(session, employee=employee, data=data)}


@router.post("/mentoring/constraints", response_model=ConstraintOut, tags=["mentoring"])
def set_constraint(mentor: str, mentee: str, kind: str, session: SessionDep,
                   reason: str | None = None) -> ConstraintOut:
    return mentoring.set_constraint(session, mentor=mentor, mentee=mentee, kind=kind, reason=reason, actor="api")


@router.post("/mentoring/assign", response_model=AssignmentOut, tags=["mentoring"])
def assign(session: SessionDep, dry_run: bool = False) -> AssignmentOut:
    return mentoring.assign_mentors(session, dry_run=dry_run, actor="api")


@router.get("/succession", response_model=list[SuccessionOut], tags=["succession"])
def successors(session: SessionDep, role: str | None = None,
               limit: Annotated[int, Query(ge=1, le=100)] = 10) -> list[SuccessionOut]:
    return succession.list_successors(session, role=role, limit=limit)
