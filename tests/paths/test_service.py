"""Career paths from the database: graph loading, paths, next moves, gap and learning, evaluation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pytest
from sqlalchemy.orm import Session

from builders import (
    make_employee,
    make_history,
    make_opportunity,
    make_resource,
    make_role,
    make_skill,
    make_taxonomy,
)
from trellis.errors import Invalid, NotFound
from trellis.models import Employee, Role, Skill
from trellis.paths import service


@dataclass
class Org:
    skills: dict[str, Skill]
    junior: Role
    dev: Role
    senior: Role
    analyst: Role
    scientist: Role
    person: Employee


def build_org(session: Session) -> Org:
    tax = make_taxonomy(session)
    sk = {name: make_skill(session, name, taxonomy_id=tax.id) for name in ("python", "sql", "design", "stats", "ml")}
    junior = make_role(session, title="Junior Developer", level=1, skills={sk["python"]: 2})
    dev = make_role(session, title="Developer", level=2, skills={sk["python"]: 3, sk["sql"]: 2})
    senior = make_role(session, title="Senior Developer", level=3,
                       skills={sk["python"]: 4, sk["sql"]: 3, sk["design"]: 3})
    analyst = make_role(session, title="Data Analyst", level=2, skills={sk["sql"]: 3, sk["stats"]: 2})
    scientist = make_role(session, title="Data Scientist", level=3,
                          skills={sk["stats"]: 4, sk["ml"]: 3, sk["python"]: 3})
    for n in range(6):  # junior -> dev -> senior
        e = make_employee(session, role_id=senior.id, level=3)
        make_history(session, e, junior, date(2018, 1, 1))
        make_history(session, e, dev, date(2019, 7, 1), "promotion")
        make_history(session, e, senior, date(2021, 7 + n % 2, 1), "promotion")
    for _ in range(5):  # dev -> analyst -> scientist
        e = make_employee(session, role_id=scientist.id, level=3)
        make_history(session, e, dev, date(2018, 1, 1))
        make_history(session, e, analyst, date(2019, 1, 1), "lateral")
        make_history(session, e, scientist, date(2021, 1, 1), "promotion")
    person = make_employee(session, role_id=dev.id, level=2, skills={sk["python"]: 3, sk["sql"]: 2})
    make_history(session, person, junior, date(2020, 1, 1))
    make_history(session, person, dev, date(2022, 1, 1), "promotion")
    return Org(sk, junior, dev, senior, analyst, scientist, person)


def test_moves_are_read_from_consecutive_history_rows_with_months_in_role(session: Session) -> None:
    org = build_org(session)
    moves = [m.move for m in service.load_moves(session)]
    junior_to_dev = [m for m in moves if (m.source, m.target) == (org.junior.id, org.dev.id)]
    assert len(junior_to_dev) == 7
    assert junior_to_dev[0].months_in_role == pytest.approx(18.0, abs=0.2)
    assert junior_to_dev[0].move_type == "promotion"


def test_requirement_similarity_is_a_cosine_with_ones_on_the_diagonal(session: Session) -> None:
    org = build_org(session)
    ids = [org.dev.id, org.senior.id, org.analyst.id]
    sim = service.requirement_similarity(ids, service.load_requirements(session))
    assert np.allclose(np.diag(sim), 1) and np.allclose(sim, sim.T)
    assert sim[0, 1] > sim[1, 2]


def test_paths_to_a_target_role_carry_gap_time_and_head_count(session: Session) -> None:
    org = build_org(session)
    out = service.find_paths(session, employee=org.person.external_id, role=org.scientist.external_id, k=3)
    best = out.paths[0]
    assert [r.title for r in best.roles] == ["Developer", "Data Analyst", "Data Scientist"]
    first = best.steps[0]
    assert first.people == 5 and first.months == pytest.approx(12.0, abs=0.2) and first.months_basis == "observed"
    assert [g.label for g in first.gap] == ["stats", "sql"]  # 2 levels short before 1
    assert {g.label: g.current_level for g in best.steps[1].gap} == {"ml": 0, "stats": 2}  # stats 2 learned as analyst


def test_next_moves_leave_out_roles_the_person_already_held(session: Session) -> None:
    org = build_org(session)
    out = service.next_moves(session, employee=org.person.external_id, k=5)
    targets = [m.target.title for m in out.moves]
    assert targets[:2] == ["Senior Developer", "Data Analyst"]
    assert "Junior Developer" not in targets
    assert out.moves[0].people == 6 and out.moves[0].move_type == "promotion"
    assert out.moves[0].reason.startswith("6 people moved from Developer to Senior Developer (")
    assert "median 24 months" in out.moves[0].reason and "skill levels to gain" in out.moves[0].reason
    ids, probs = service.move_probabilities(session)
    assert probs[ids.index(org.dev.id), ids.index(org.senior.id)] == pytest.approx(out.moves[0].probability, abs=1e-4)


def test_a_gap_comes_with_a_fewest_hours_learning_plan(session: Session) -> None:
    org = build_org(session)
    sk = org.skills
    make_resource(session, skills={sk["design"]: 3}, hours=20, title="Design long")
    make_resource(session, skills={sk["design"]: 3, sk["sql"]: 3}, hours=12, title="SQL and design")
    make_resource(session, skills={sk["python"]: 4}, hours=6, title="Python deep dive")
    out = service.analyse_gap(session, employee=org.person.external_id, role=org.senior.external_id)
    assert [g.label for g in out.gap] == ["design", "python", "sql"]
    assert [i.title for i in out.learning_plan.items] == ["SQL and design", "Python deep dive"]
    assert out.learning_plan.hours == 18 and out.learning_plan.uncovered == []
    assert 0 < out.score < 100


def test_a_gap_can_target_an_opportunity_but_needs_exactly_one_target(session: Session) -> None:
    org = build_org(session)
    opp = make_opportunity(session, skills={org.skills["ml"]: 2})
    out = service.analyse_gap(session, employee=org.person.external_id, opportunity=opp.external_id)
    assert out.target_kind == "opportunity" and [g.label for g in out.gap] == ["ml"]
    assert out.learning_plan.uncovered == ["ml"]
    with pytest.raises(Invalid):
        service.analyse_gap(session, employee=org.person.external_id)


def test_unknown_people_and_roles_are_reported(session: Session) -> None:
    org = build_org(session)
    with pytest.raises(NotFound, match="E-nobody"):
        service.next_moves(session, employee="E-nobody")
    with pytest.raises(NotFound, match="R-nothing"):
        service.find_paths(session, employee=org.person.external_id, role="R-nothing")


def test_the_evaluation_holds_out_last_moves_and_compares_with_popularity(session: Session) -> None:
    build_org(session)
    out = service.evaluate_next_moves(session, share=0.5, seed=1, k=1)
    assert out.movers == 12 and out.held_out == 6
    # Developer -> Senior Developer is the common move, so most held-out last moves are found.
    assert 0 <= out.hit_at_k_popularity <= 1 and out.hit_at_k >= out.hit_at_k_popularity
    with pytest.raises(Invalid):
        service.evaluate_next_moves(session, share=0)


def test_the_graph_is_cached_until_the_history_or_roles_change(session: Session) -> None:
    org = build_org(session)
    first = service.cached_graph(session)
    assert service.cached_graph(session) is first
    make_history(session, org.person, org.analyst, date(2024, 1, 1), "lateral")
    second = service.cached_graph(session)
    assert second is not first
    assert second.graph.edge(org.dev.id, org.analyst.id).observed_count == 6
