"""The company switch for automated recommendations and the per-person opt-out."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from builders import make_employee
from trellis.audit.schemas import AuditQuery
from trellis.audit.service import search
from trellis.errors import Invalid
from trellis.governance import service
from trellis.models import Preferences


def test_recommendations_are_on_by_default(session: Session) -> None:
    assert service.get_setting(session, key=service.AI_RECOMMENDATIONS) is True
    assert service.company_ai_status(session).allowed


def test_switching_recommendations_off_is_audited_with_old_new_and_reason(session: Session) -> None:
    out = service.set_setting(session, key=service.AI_RECOMMENDATIONS, value=False, actor="user:1",
                              reason="works council review")
    assert (out.value, out.updated_by) == (False, "user:1")
    status = service.company_ai_status(session)
    assert not status.allowed and "switched off for the whole company" in (status.reason or "")
    event = search(session, query=AuditQuery(action="config.change")).items[0]
    assert (event.actor, event.entity_id, event.reason, event.data) == (
        "user:1", service.AI_RECOMMENDATIONS, "works council review", {"old": True, "new": False})
    service.set_setting(session, key=service.AI_RECOMMENDATIONS, value=True, actor="user:1", reason="approved")
    assert service.company_ai_status(session).allowed
    assert search(session, query=AuditQuery(action="config.change")).total == 2


def test_a_change_needs_a_known_key_the_right_type_and_a_reason(session: Session) -> None:
    with pytest.raises(Invalid, match="unknown company setting"):
        service.set_setting(session, key="ai.anything", value=True, actor="x", reason="r")
    with pytest.raises(Invalid, match="expected bool"):
        service.set_setting(session, key=service.AI_RECOMMENDATIONS, value="off", actor="x", reason="r")
    with pytest.raises(Invalid, match="reason"):
        service.set_setting(session, key=service.AI_RECOMMENDATIONS, value=False, actor="x", reason=" ")
    assert service.parse_value(service.AI_RECOMMENDATIONS, "OFF") is False
    with pytest.raises(Invalid, match="on/off"):
        service.parse_value(service.AI_RECOMMENDATIONS, "maybe")


def test_a_person_who_opted_out_gets_no_recommendations_but_others_do(session: Session) -> None:
    opted, other = make_employee(session), make_employee(session)
    session.add(Preferences(employee_id=opted.id, ai_opt_out=True))
    session.flush()
    status = service.person_ai_status(session, employee_id=opted.id)
    assert not status.allowed and "opted out" in (status.reason or "")
    assert service.person_ai_status(session, employee_id=other.id).allowed
    assert opted.id in service.opted_out_employee_ids(session)
    service.set_setting(session, key=service.AI_RECOMMENDATIONS, value=False, actor="x", reason="pause")
    assert "whole company" in (service.person_ai_status(session, employee_id=other.id).reason or "")
