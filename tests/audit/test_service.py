"""The audit trail records who did what, to what, when and why, and HR can search it."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from builders import make_employee
from trellis.accounts.service import create_user
from trellis.audit.schemas import AuditQuery
from trellis.audit.service import actor_names, record, search
from trellis.errors import Invalid
from trellis.models import AuditEvent

SRC = Path(__file__).resolve().parents[2] / "src" / "trellis"


@pytest.fixture
def trail(session: Session) -> Session:
    old = datetime(2020, 1, 1, tzinfo=UTC)
    session.add(AuditEvent(at=old, actor="user:1", action="application.view", entity_type="application",
                           entity_id="7", reason="shortlisting", data={"employee": "E0042"}))
    record(session, actor="user:2", action="application.decide", entity_type="application", entity_id=7,
           reason="strong fit 100% match_", data={"stage": "offer"})
    record(session, actor="user:2", action="applications.export", entity_type="report")
    record(session, actor="cli", action="config.change", entity_type="company_setting",
           entity_id="ai.recommendations_enabled", reason="works council review", data={"old": True, "new": False})
    return session


def test_a_recorded_event_keeps_who_what_which_and_why(session: Session) -> None:
    event = record(session, actor="user:9", action="demographics.view", entity_type="employee", entity_id=42,
                   reason="bias audit", data={"fields": ["sex"]})
    assert (event.actor, event.action, event.entity_type, event.entity_id, event.reason) == (
        "user:9", "demographics.view", "employee", "42", "bias audit")
    assert event.at is not None and event.id is not None


def test_an_event_without_actor_or_action_is_refused(session: Session) -> None:
    with pytest.raises(Invalid):
        record(session, actor="", action="x.y")


def test_search_filters_by_actor_action_prefix_and_entity(trail: Session) -> None:
    assert {e.action for e in search(trail, query=AuditQuery(actor="user:2")).items} == {
        "application.decide", "applications.export"}
    # a dotted prefix, not a plain string prefix: "application" does not find "applications.export"
    assert {e.action for e in search(trail, query=AuditQuery(action="application")).items} == {
        "application.view", "application.decide"}
    assert search(trail, query=AuditQuery(entity="application:7")).total == 2
    assert search(trail, query=AuditQuery(entity="company_setting")).items[0].data == {"old": True, "new": False}


def test_search_filters_by_time_and_returns_newest_first(trail: Session) -> None:
    page = search(trail, query=AuditQuery(since=datetime(2021, 1, 1)))
    assert "application.view" not in {e.action for e in page.items}
    page = search(trail, query=AuditQuery(until=datetime.now(UTC) - timedelta(days=365)))
    assert [e.action for e in page.items] == ["application.view"]
    everything = search(trail, query=AuditQuery(limit=1000)).items
    assert [e.at for e in everything] == sorted((e.at for e in everything), reverse=True)
    with pytest.raises(Invalid):
        search(trail, query=AuditQuery(since=datetime(2022, 1, 1), until=datetime(2021, 1, 1)))


def test_text_search_reads_reason_and_data_and_treats_wildcards_literally(trail: Session) -> None:
    assert [e.action for e in search(trail, query=AuditQuery(text="WORKS COUNCIL")).items] == ["config.change"]
    assert [e.entity_id for e in search(trail, query=AuditQuery(text="E0042")).items] == ["7"]
    assert [e.action for e in search(trail, query=AuditQuery(text="100% match_")).items] == ["application.decide"]
    assert search(trail, query=AuditQuery(text="%")).total == 1
    assert search(trail, query=AuditQuery(text="' OR 1=1 --")).total == 0


def test_search_pages_with_a_total(trail: Session) -> None:
    first = search(trail, query=AuditQuery(limit=2))
    second = search(trail, query=AuditQuery(limit=2, offset=2))
    assert first.total == second.total >= 4
    assert not {e.id for e in first.items} & {e.id for e in second.items}


def test_no_product_code_updates_or_deletes_audit_events() -> None:
    """Besides the ORM guard and the database triggers: no module issues an UPDATE or DELETE
    against the trail (migrations, which create the triggers, excepted)."""
    pattern = re.compile(r"(update|delete)\(\s*AuditEvent|(UPDATE|DELETE FROM)\s+audit_events|"
                         r"session\.delete\(\s*\w*event", re.IGNORECASE)
    offenders = [str(p.relative_to(SRC)) for p in SRC.rglob("*.py")
                 if "migrations" not in p.parts and pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_reading_demographics_for_the_bias_audit_is_itself_audited(session: Session) -> None:
    from trellis.analytics.fairness import audit_bias
    from trellis.analytics.schemas import Period

    audit_bias(session, period=Period.parse("2025"), actor="user:5")
    [event] = search(session, query=AuditQuery(action="demographics")).items
    assert (event.actor, event.entity_id, event.reason) == ("user:5", "bias_audit", "fairness audit (aggregates only)")


def test_user_actors_are_named_by_their_person_and_email_and_others_are_left_alone(session: Session) -> None:
    ann = make_employee(session, name="Ann Auditor", work_email="ann@example.com")
    linked = create_user(session, email="ann@example.com", role="hr_admin", password="x" * 12)
    bare = create_user(session, email="robot@example.com", role="sysadmin", password="x" * 12)
    assert linked.employee_id == ann.id
    names = actor_names(session, actors=[f"user:{linked.id}", f"user:{bare.id}", "cli", "user:", "user:999999"])
    assert names == {f"user:{linked.id}": "Ann Auditor (ann@example.com)", f"user:{bare.id}": "robot@example.com"}
