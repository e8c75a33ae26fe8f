"""Applications (mine, one, move with a reason, withdraw) and time releases."""

from __future__ import annotations

from fastapi import APIRouter

from trellis.accounts.permissions import Actor
from trellis.applications import service as applications
from trellis.applications.schemas import (
    ApplicationOut,
    MoveIn,
    TimeReleaseDecision,
    TimeReleaseOut,
    WithdrawIn,
)
from trellis.web.deps import Permit, SessionDep

router = APIRouter(tags=["applications"])


@router.get("/applications")
def mine(session: SessionDep, actor: Actor = Permit("application.view_own")) -> list[ApplicationOut]:
    return applications.list_mine(session, actor=actor)


@router.get("/applications/{application_id}")
def read(application_id: int, session: SessionDep, actor: Actor = Permit("application.view_own")) -> ApplicationOut:
    return applications.get_application(session, actor=actor, application_id=application_id)


@router.post("/applications/{application_id}/move")
def move(application_id: int, data: MoveIn, session: SessionDep,
         actor: Actor = Permit("application.move")) -> ApplicationOut:
    return applications.move(session, actor=actor, application_id=application_id, data=data)


@router.post("/applications/{application_id}/withdraw")
def withdraw(application_id: int, data: WithdrawIn, session: SessionDep,
             actor: Actor = Permit("application.withdraw")) -> ApplicationOut:
    return applications.withdraw(session, actor=actor, application_id=application_id, version=data.version,
                                 reason=data.reason)


@router.get("/time-releases")
def time_releases(session: SessionDep, actor: Actor = Permit("time_release.decide")) -> list[TimeReleaseOut]:
    return applications.list_time_releases(session, actor=actor)


@router.post("/time-releases/{release_id}")
def decide(release_id: int, data: TimeReleaseDecision, session: SessionDep,
           actor: Actor = Permit("time_release.decide")) -> TimeReleaseOut:
    return applications.decide_time_release(session, actor=actor, release_id=release_id, data=data)
