"""Explanations are written for the reader: to the person in the second person ("you meet 2
of the 3 required skills"), about them in the third person for a hiring manager; no
engineering output (similarities, "the person offers"), no rule shown as "Excluded:" among the
reasons, and what would raise a score told once (the skill's ``score_if_added``)."""

from __future__ import annotations

import re

from test_matching import fitted

from trellis.core.types import Match

ENGINEERING = re.compile(r"the person|similarity \d|offers \d|Excluded|\d+ → \d+$|\(\+\d|h/week")


def _texts(m: Match) -> list[str]:
    return [*m.reasons, *(c.text for c in m.components), *(s.text for s in m.skills), *(h.text for h in m.excluded_by)]


def test_a_person_reads_their_explanation_in_the_second_person_without_engineering_terms() -> None:
    matcher = fitted()
    for match in (*matcher.recommend(100), matcher.explain(101, 200), matcher.explain(100, 202)):
        texts = _texts(match)
        assert not [t for t in texts if ENGINEERING.search(t)], texts
        assert not [t for t in texts if re.search(r"\b(they|their)\b", t, re.IGNORECASE)], texts
        assert any(re.search(r"\byou(r)?\b", t, re.IGNORECASE) for t in texts)
    job = matcher.explain(100, 200)
    assert next(c.text for c in job.components if c.name == "required_skills") == \
        "you fully meet 1 of the 3 required skills, and 1 partly"
    assert [h.text for h in matcher.explain(101, 200).excluded_by] == [
        "jobs are suggested after 12 months in a role, and you have been in yours for 3"]
    assert [h.text for h in matcher.explain(100, 202).excluded_by] == ["it is in your own team"]


def test_the_gain_from_a_missing_skill_is_told_once_not_again_among_the_reasons() -> None:
    job = fitted().explain(100, 200)
    assert any(s.score_if_added for s in job.skills)
    assert not [r for r in job.reasons if "Kubernetes" in r or "K8S" in r or "Add " in r]


def test_a_hiring_manager_reads_about_candidates_in_the_third_person() -> None:
    for match in fitted().candidates(201):
        texts = _texts(match)
        assert not [t for t in texts if ENGINEERING.search(t)], texts
        assert not [t for t in texts if re.search(r"\byou(r)?\b", t, re.IGNORECASE)], texts
    assert fitted().explain(101, 200, you=False).excluded_by[0].text == \
        "jobs are suggested after 12 months in a role, and they have been in theirs for 3"


def test_hidden_counts_the_openings_each_rule_keeps_out_of_a_persons_suggestions() -> None:
    matcher = fitted()
    assert [(h.rule, n) for h, n in matcher.hidden(101)] == [("min_months_in_role", 2)]
    assert [(h.rule, h.text, n) for h, n in matcher.hidden(102)] == [
        ("preferences", "your preferences say you are not open to jobs", 2)]
    assert [(h.rule, n) for h, n in matcher.hidden(100)] == [("own_team", 1)]


def test_hidden_counts_what_the_rules_say_pair_by_pair_on_a_synthetic_company() -> None:
    from collections import Counter
    from dataclasses import replace

    from trellis.core.matching import Matcher
    from trellis.core.rules import rule_hits
    from trellis.matching.synthetic import synthetic_org

    org = synthetic_org(300, 120, seed=3, dim=16)
    people = [replace(p, open_to=frozenset({"gig", "project"})) if p.id % 7 == 0 else
              replace(p, opted_out=True) if p.id % 11 == 0 else p for p in org.people]
    matcher = Matcher().fit(org.opportunities, people, skills=org.skills, skill_vectors=org.skill_vectors[:, :16],
                            transitions=org.transitions)
    for person in people[:80]:
        expected: Counter[str] = Counter()
        for opening in org.opportunities:
            expected.update(hit.rule for hit in rule_hits(person, opening, matcher.space_.rules, you=True))
        counted: Counter[str] = Counter()
        for hit, n in matcher.hidden(person.id):
            counted[hit.rule] += n
        assert counted == expected, person.id
