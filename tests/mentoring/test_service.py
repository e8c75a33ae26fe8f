"""Mentoring: profiles, requests, persisted pins/forbids, and the global assignment."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from builders import make_employee, make_skill
from trellis.errors import Invalid
from trellis.mentoring import service
from trellis.mentoring.schemas import MentorIn, RequestIn
from trellis.models import MentoringConstraint, MentoringPair


def _setup(session: Session) -> dict[str, str]:
    py, sql = make_skill(session, "Python"), make_skill(session, "SQL")
    ids = {}
    for key in ("ana", "ben", "cy", "dee", "eve"):
        ids[key] = make_employee(session).external_id
    service.save_mentor(session, employee=ids["ana"], data=MentorIn(
        skills={"Python": 5, "SQL": 3}, capacity=1, languages=["en"], timezone="Europe/Berlin"))
    service.save_mentor(session, employee=ids["ben"], data=MentorIn(
        skills={py.external_id: 3}, capacity=2, languages=["en", "de"], timezone="America/New_York"))
    service.request_mentor(session, employee=ids["cy"], data=RequestIn(goals={"Python": 1.0}, languages=["en"],
                                                                       timezone="Europe/Paris"))
    service.request_mentor(session, employee=ids["dee"], data=RequestIn(goals={"SQL": 1.0}, languages=["en"]))
    service.request_mentor(session, employee=ids["eve"], data=RequestIn(goals={sql.preferred_label: 1.0},
                                                                        languages=["fr"]))
    return ids


def test_the_assignment_respects_capacity_and_language_and_explains_each_pair(session: Session) -> None:
    ids = _setup(session)
    out = service.assign_mentors(session)
    pairs = {(p.mentee, p.mentor) for p in out.pairs}
    # Greedy would give Cy the best mentor (Ana, fit 1.0) and leave Dee without one (total 1.0);
    # the optimum pairs Cy with Ben and Dee with Ana (0.51 + 0.51).
    assert pairs == {(ids["cy"], ids["ben"]), (ids["dee"], ids["ana"])}
    assert out.total_fit == pytest.approx(1.02, abs=0.01)
    assert ids["eve"] in out.unassigned  # speaks only French
    assert out.capacity == 3 and out.mentees == 3
    best = max(out.pairs, key=lambda p: p.fit)
    assert best.shared_skills and best.languages == ["en"] and best.hours_apart is not None
    stored = session.scalars(select(MentoringPair)).all()
    assert len(stored) == out.assigned and all(p.status == "proposed" and p.explanation for p in stored)


def test_pins_and_forbids_are_persisted_and_honoured_on_rerun(session: Session) -> None:
    ids = _setup(session)
    service.set_constraint(session, mentor=ids["ana"], mentee=ids["cy"], kind="forbid", reason="same team")
    service.set_constraint(session, mentor=ids["ben"], mentee=ids["dee"], kind="pin", reason="HR choice")
    assert len(session.scalars(select(MentoringConstraint)).all()) == 2
    out = service.assign_mentors(session)
    pairs = {(p.mentee, p.mentor, p.pinned) for p in out.pairs}
    assert (ids["dee"], ids["ben"], True) in pairs
    assert all(not (p.mentee == ids["cy"] and p.mentor == ids["ana"]) for p in out.pairs)
    again = service.assign_mentors(session)
    assert {(p.mentee, p.mentor) for p in again.pairs} == {(p[0], p[1]) for p in pairs}
    assert len(session.scalars(select(MentoringPair)).all()) == again.assigned  # proposals replaced
    service.set_constraint(session, mentor=ids["ben"], mentee=ids["dee"], kind="clear")
    assert len(session.scalars(select(MentoringConstraint)).all()) == 1


def test_a_dry_run_writes_nothing_and_active_pairs_use_capacity(session: Session) -> None:
    ids = _setup(session)
    out = service.assign_mentors(session, dry_run=True)
    assert out.assigned > 0 and session.scalars(select(MentoringPair)).all() == []
    ana = session.scalar(select(MentoringPair.mentor_id).limit(1))
    assert ana is None
    from trellis.paths.service import get_employee

    session.add(MentoringPair(mentor_id=get_employee(session, ids["ana"]).id,
                              mentee_id=get_employee(session, ids["eve"]).id, status="active"))
    session.flush()
    out = service.assign_mentors(session, dry_run=True)
    assert all(p.mentor != ids["ana"] for p in out.pairs)  # her one slot is taken


def test_bad_input_is_refused_clearly(session: Session) -> None:
    ids = _setup(session)
    with pytest.raises(Invalid, match="IANA"):
        service.save_mentor(session, employee=ids["ana"], data=MentorIn(skills={"Python": 4}, timezone="Mars/Base"))
    with pytest.raises(Invalid) as err:
        service.request_mentor(session, employee=ids["cy"], data=RequestIn(goals={"Knitting": 1}))
    assert 'skill "Knitting" does not exist' in str(err.value)
    with pytest.raises(Invalid, match="themselves"):
        service.set_constraint(session, mentor=ids["ana"], mentee=ids["ana"], kind="pin")
    service.set_constraint(session, mentor=ids["cy"], mentee=ids["dee"], kind="pin")
    with pytest.raises(Invalid, match="cannot be honoured"):
        service.assign_mentors(session)
