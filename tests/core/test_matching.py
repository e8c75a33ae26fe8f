from __future__ import annotations

from dataclasses import fields, replace

import numpy as np
import pytest

from trellis.core import ranking
from trellis.core.matching import Matcher
from trellis.core.types import Filters, OpportunityData, Profile, Requirement, SkillLevel
from trellis.matching.synthetic import synthetic_org

PY, MYSQL, PG, K8S, DOCKER = 1, 2, 3, 4, 5


def small() -> tuple[list[OpportunityData], list[Profile]]:
    people = [
        Profile(id=100, skills=(SkillLevel(PY, 4, verified=True), SkillLevel(PG, 4, "manager")), role=10, level=2,
                org_unit=7, manager=50, location=1, months_in_role=24),
        Profile(id=101, skills=(SkillLevel(K8S, 3),), role=11, level=3, org_unit=8, manager=51, location=2,
                months_in_role=3),
        Profile(id=102, skills=(SkillLevel(PY, 4),), role=10, level=2, org_unit=9, manager=52, location=1,
                months_in_role=30, open_to=frozenset({"gig"})),
    ]
    opps = [
        OpportunityData(id=200, role=11, level=3, location=1, hiring_manager=60,
                        requirements=(Requirement(PY, 3), Requirement(MYSQL, 3), Requirement(K8S, 3),
                                      Requirement(DOCKER, 2, required=False))),
        OpportunityData(id=201, type="gig", hours_per_week=8, location=2, remote="remote",
                        requirements=(Requirement(K8S, 2),)),
        OpportunityData(id=202, role=10, level=2, hiring_manager=50, requirements=(Requirement(PY, 2),)),
    ]
    return opps, people


def fitted(**kw: object) -> Matcher:
    opps, people = small()
    return Matcher(what_if=None).fit(opps, people, skill_links=[(MYSQL, PG, 0.8)],
                                     transitions={(10, 11): 3, (10, 10): 1}, **kw)  # type: ignore[arg-type]


def test_components_add_up_to_the_score_and_results_are_sorted() -> None:
    results = fitted().recommend(100)
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)
    for r in results:
        assert sum(c.points for c in r.components) == pytest.approx(r.score, abs=0.05)
        assert 0 <= r.score <= 100 and all(c.text for c in r.components)


def test_a_related_skill_gives_partial_credit_and_says_through_what() -> None:
    m = fitted().explain(100, 200)
    mysql = next(s for s in m.skills if s.skill == MYSQL)
    assert mysql.status == "partial" and mysql.via == PG and 0 < mysql.credit < 1


def test_missing_skills_are_ordered_by_the_re_scored_gain() -> None:
    m = fitted()
    match = m.explain(100, 200)
    gaps = [s for s in match.skills if s.status != "matched"]
    missing = [s.score_if_added - match.score for s in gaps if s.status == "missing" and s.score_if_added]
    assert len(missing) == 2 and missing == sorted(missing, reverse=True) and missing[-1] > 0
    k8s = next(s for s in gaps if s.skill == K8S)
    person = m.people_[m.person_index_[100]]
    added = replace(person, skills=(*person.skills, SkillLevel(K8S, 3, "assessed", verified=True)))
    assert k8s.score_if_added == pytest.approx(m.score(added, m.opportunities_[0]), abs=0.06)


def test_verified_skills_score_higher_than_self_declared_ones() -> None:
    m = fitted()
    opp = OpportunityData(id=9, requirements=(Requirement(PY, 4),))
    verified = Profile(id=1, skills=(SkillLevel(PY, 4, verified=True),))
    declared = Profile(id=1, skills=(SkillLevel(PY, 4, "self"),))
    assert m.score(verified, opp) > m.score(declared, opp)


def test_rules_exclude_pairs_and_explain_names_every_rule() -> None:
    m = fitted()
    assert 202 not in [r.id for r in m.recommend(100)]  # own team: hiring manager is the person's manager
    assert [h.rule for h in m.explain(100, 202).excluded_by] == ["own_team"]
    assert 200 not in [r.id for r in m.recommend(101)]  # 3 months in role
    assert [h.rule for h in m.explain(101, 200).excluded_by] == ["min_months_in_role"]
    assert [r.id for r in m.recommend(102)] == [201]  # only open to gigs
    shown = m.recommend(101, filters=Filters(include_excluded=True))
    assert any(not r.eligible and r.id == 200 for r in shown)


def test_switching_the_own_team_and_visibility_rules_off_opens_those_pairs_in_every_path() -> None:
    from trellis.core.rules import Rules

    opps, people = small()
    opps.append(OpportunityData(id=203, role=10, level=2, requirements=(Requirement(PY, 2),),
                                visible_org_units=(8,)))  # visible only in unit 8; person 100 is in unit 7
    strict = Matcher(what_if=None).fit(opps, people)
    assert {202, 203}.isdisjoint(r.id for r in strict.recommend(100))
    assert 100 not in {c.id for c in strict.candidates(202)}
    loose = Matcher(rules=Rules(exclude_own_team=False, enforce_visibility=False), what_if=None).fit(opps, people)
    assert {202, 203} <= {r.id for r in loose.recommend(100)}
    assert 100 in {c.id for c in loose.candidates(202)} and 100 in {c.id for c in loose.candidates(203)}
    assert not loose.explain(100, 202).excluded_by and not loose.explain(100, 203).excluded_by
    batch = loose.batch(k=5)
    row = batch.person_ids.tolist().index(100)
    assert {202, 203} <= set(batch.ids[row].tolist())


def test_filters_narrow_results_by_type_and_remote() -> None:
    m = fitted()
    assert [r.id for r in m.recommend(100, filters=Filters(types=frozenset({"gig"})))] == [201]
    assert all(r.id == 201 for r in m.recommend(100, filters=Filters(remote_only=True)))


def test_batch_top_k_equals_recommend_for_every_person() -> None:
    org = synthetic_org(300, 80, seed=5, dim=16, n_skills=60, n_families=4)
    m = Matcher(block_size=64).fit(org.opportunities, org.people, skills=org.skills, skill_links=org.links,
                                   skill_vectors=org.skill_vectors[:, :16], transitions=org.transitions)
    batch = m.batch(k=5)
    for pid, ids, scores in zip(batch.person_ids[:60], batch.ids[:60], batch.scores[:60], strict=True):
        rec = m.recommend(int(pid), 5)
        assert [r.score for r in rec] == pytest.approx([s for s in scores if not np.isnan(s)], abs=0.02)
        assert {r.id for r in rec} <= set(ids.tolist()) | {-1} or len(rec) < 5


def test_candidates_and_recommend_agree_on_the_pair_score() -> None:
    org = synthetic_org(200, 40, seed=2, dim=16, n_skills=50, n_families=4)
    m = Matcher().fit(org.opportunities, org.people, skills=org.skills, skill_vectors=org.skill_vectors[:, :16],
                      transitions=org.transitions)
    for opening in org.opportunities[:5]:
        for c in m.candidates(opening.id, 10):
            assert c.score == pytest.approx(m.explain(c.id, opening.id).score, abs=0.01)


def test_a_person_who_changes_target_roles_or_joins_scores_as_after_a_fresh_fit() -> None:
    org = synthetic_org(120, 30, seed=4, dim=16, n_skills=40, n_families=3)
    managers = {p.manager for p in org.people}
    joiner = next(p for p in org.people[1:] if p.id in managers)  # their key is known: no refit needed
    others = [p for p in org.people if p is not joiner]
    fit = {"skills": org.skills, "skill_vectors": org.skill_vectors[:, :16], "transitions": org.transitions}
    m = Matcher().fit(org.opportunities, others, **fit)  # type: ignore[arg-type]
    roles = sorted({o.role for o in org.opportunities if o.role is not None})
    aiming = replace(others[0], target_roles=tuple(roles[:4]))  # more targets than anyone had
    assert m.update_person(aiming) and m.update_person(replace(joiner, target_roles=(roles[-1],)))
    fresh = Matcher().fit(org.opportunities, [aiming, *others[1:], replace(joiner, target_roles=(roles[-1],))],
                          **fit)  # type: ignore[arg-type]
    for pid in (aiming.id, joiner.id):  # the ranking scores themselves, over every opening
        assert ranking.scores_for_person(m, m.person_index_[pid]) == \
            pytest.approx(ranking.scores_for_person(fresh, fresh.person_index_[pid]), abs=1e-5)
    by_id = [m.person_index_[p.id] for p in fresh.people_]
    for j in range(3):
        assert ranking.scores_for_opportunity(m, j)[by_id] == \
            pytest.approx(ranking.scores_for_opportunity(fresh, j), abs=1e-5)


def test_profiles_have_no_place_for_protected_attributes() -> None:
    names = {f.name for f in fields(Profile)}
    assert not names & {"sex", "gender", "race", "race_ethnicity", "ethnicity", "birth_year", "age", "disability"}
