"""The bias audit on the small organisation of conftest.py: funnel stages, applications and
engine scores by sex, race/ethnicity and their intersection."""

from __future__ import annotations

from datetime import UTC, datetime

from org_scenario import Org
from sqlalchemy.orm import Session

from builders import make_event
from trellis.analytics.fairness import audit_bias
from trellis.analytics.schemas import Period

YEAR = Period.parse("2025")


def outcome(audit, name):  # type: ignore[no-untyped-def]
    return next(o for o in audit.outcomes if o.name == name)


def groups(table):  # type: ignore[no-untyped-def]
    return {g.group: (g.total, g.selected) for g in table.groups}


def test_the_audit_states_its_source_period_and_method(session: Session, org: Org) -> None:
    audit = audit_bias(session, period=YEAR)
    assert audit.period == "2025-01-01..2025-12-31"
    assert "protected_attributes" in audit.data_source and "recommendation_events" in audit.data_source
    assert any("median" in m for m in audit.method) and any("2%" in m for m in audit.method)


def test_each_funnel_stage_counts_people_by_group_with_unknown_reported(session: Session, org: Org) -> None:
    audit = audit_bias(session, period=YEAR)
    opened = outcome(audit, "recommendation funnel: shown → opened")
    sex, race, inter = opened.tables
    assert (opened.assessed, opened.selected) == (4, 3)
    assert groups(sex) == {"Female": (2, 1), "Male": (1, 1), "Unknown": (1, 1)}
    assert sex.reference_group == "Male"
    female = next(g for g in sex.groups if g.group == "Female")
    assert female.impact_ratio == 0.5 and female.fisher_p == 1.0
    assert not female.below_four_fifths and "too few" in (female.note or "")  # 3 selected: no flag (#15)
    unknown = next(g for g in sex.groups if g.group == "Unknown")
    assert unknown.excluded and unknown.impact_ratio is None
    assert groups(race) == {"Asian": (1, 1), "White": (2, 1), "Unknown": (1, 1)}
    assert groups(inter) == {"Asian · Female": (1, 1), "White · Female": (1, 0), "White · Male": (1, 1),
                             "Unknown": (1, 1)}
    selected = outcome(audit, "recommendation funnel: shortlisted → selected")
    assert (selected.assessed, selected.selected) == (1, 1)


def test_engine_scores_use_the_share_above_the_whole_sample_median(session: Session, org: Org) -> None:
    audit = audit_bias(session, period=YEAR)
    scores = outcome(audit, "engine scores: above the median")
    assert scores.kind == "scoring" and "4 people scored" in scores.description
    assert groups(scores.tables[0]) == {"Female": (2, 1), "Male": (1, 1), "Unknown": (1, 0)}


def test_application_stages_follow_statuses(session: Session, org: Org) -> None:
    audit = audit_bias(session, period=YEAR)
    final = outcome(audit, "applications: applied → selected")
    assert groups(final.tables[0]) == {"Female": (2, 2), "Male": (1, 0)}


def test_an_empty_period_gives_empty_tables_and_says_why(session: Session, org: Org) -> None:
    audit = audit_bias(session, period=Period.parse("2019"))
    assert all(o.assessed == 0 for o in audit.outcomes)
    assert any("No recommendation events" in n for n in audit.notes)


def test_a_person_with_many_openings_counts_once(session: Session, org: Org) -> None:
    a = org.people["a"]
    for opp in org.opps.values():
        make_event(session, a, opp, "shown", at=datetime(2025, 2, 1, tzinfo=UTC), score=0.8)
    session.flush()
    audit = audit_bias(session, period=YEAR)
    opened = outcome(audit, "recommendation funnel: shown → opened")
    assert opened.assessed == 4 and opened.pairs == 4 + len(org.opps) - 1

