"""Succession lists for critical roles."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from builders import make_employee, make_role, make_skill
from trellis.errors import NotFound
from trellis.succession import service


def test_critical_roles_get_ranked_successors_with_bands_and_bench_strength(session: Session) -> None:
    a, b, c = make_skill(session, "Finance"), make_skill(session, "Leadership"), make_skill(session, "Strategy")
    cfo = make_role(session, title="Finance Director", level=5, is_critical=True, skills={a: 4, b: 4, c: 3})
    make_role(session, title="Analyst", level=2, skills={a: 2})  # not critical
    other = make_role(session, title="Controller", level=4)
    make_employee(session, role_id=cfo.id, level=5, skills={a: 5, b: 5, c: 5})  # incumbent
    ready = make_employee(session, name="Ready", role_id=other.id, level=4, skills={a: 4, b: 4, c: 3})
    near = make_employee(session, name="Near", role_id=other.id, level=4, skills={a: 4, b: 3, c: 2})
    make_employee(session, name="Junior", level=1, skills={a: 4, b: 4, c: 3})  # too far below
    make_employee(session, name="Chief", level=6, skills={a: 5, b: 5, c: 5})  # already above the role
    out = service.list_successors(session)
    assert [r.title for r in out] == ["Finance Director"]
    role = out[0]
    assert role.incumbents == 1
    assert [(s.employee, s.band) for s in role.successors] == [(ready.external_id, "ready now"),
                                                              (near.external_id, "1-2 years")]
    assert role.successors[1].top_gaps == ["Leadership 3→4", "Strategy 2→3"]
    assert role.bench == {"ready now": 1, "1-2 years": 1, "3+ years": 0} and role.strength == "strong"


def test_a_named_role_is_listed_even_when_not_critical_and_unknown_roles_are_reported(session: Session) -> None:
    role = make_role(session, title="Plain")
    out = service.list_successors(session, role=role.external_id)
    assert out[0].critical is False and out[0].successors == [] and out[0].strength == "weak"
    with pytest.raises(NotFound):
        service.list_successors(session, role="R-none")
