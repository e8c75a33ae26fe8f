"""The starter skills library: size, labels, groups and links."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from trellis.demo.library import TYPES, LibrarySkill, library_path, normalise_label, read_library
from trellis.errors import Invalid


def test_the_library_has_a_few_hundred_skills_of_every_type(library: list[LibrarySkill]) -> None:
    skills = [s for s in library if not s.is_group]
    assert 300 <= len(skills) <= 450
    assert set(Counter(s.type for s in library)) == set(TYPES)


def test_no_two_skills_share_a_label_or_an_alternative_label(library: list[LibrarySkill]) -> None:
    owners: dict[str, set[str]] = {}
    for skill in library:
        for text in (skill.label, *skill.alt_labels):
            owners.setdefault(normalise_label(text), set()).add(skill.id)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}


def test_common_abbreviations_resolve_to_their_skill(library: list[LibrarySkill]) -> None:
    by_alt = {normalise_label(a): s.label for s in library for a in s.alt_labels}
    assert by_alt["k8s"] == "Kubernetes"
    assert by_alt["py"] == by_alt["python3"] == "Python"
    assert by_alt["postgres"] == "PostgreSQL"


def test_every_skill_sits_in_a_group_and_groups_form_a_hierarchy(library: list[LibrarySkill]) -> None:
    by_id = {s.id: s for s in library}
    for skill in library:
        if not skill.is_group:
            assert by_id[skill.broader or ""].is_group
    tops = [s for s in library if s.is_group and s.broader is None]
    assert 3 <= len(tops) <= 8
    assert all(by_id[r].id for s in library for r in s.related)
    assert sum(len(s.related) for s in library) >= 100


def test_a_library_file_with_a_colliding_label_is_refused_with_its_line(tmp_path: Path) -> None:
    text = library_path().read_text(encoding="utf-8")
    bad = tmp_path / "skills.csv"
    bad.write_text(text + "kubectl,Kubectl,technology,grp-cloud,K8s,,\n", encoding="utf-8")
    with pytest.raises(Invalid) as err:
        read_library(bad)
    line = len(text.splitlines()) + 1
    assert any(d.startswith(f"skills.csv:{line}:") and "'K8s'" in d for d in err.value.details)
