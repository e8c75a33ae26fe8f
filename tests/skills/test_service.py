from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from builders import make_skill, make_taxonomy
from skills.conftest import TrigramEncoder
from trellis.errors import Invalid, NotFound
from trellis.models import Occupation, SkillRelation
from trellis.skills import service, titles


@pytest.fixture(autouse=True)
def _no_shared_linkers() -> Iterator[None]:
    service._linkers.clear()
    yield
    service._linkers.clear()


def _library(session: Session) -> int:
    tax = make_taxonomy(session, source="esco", version="t1")
    budgets = make_skill(session, "manage budgets", taxonomy_id=tax.id, alt_labels=["budgeting"])
    finance = make_skill(session, "financial management", taxonomy_id=tax.id)
    make_skill(session, "Python (computer programming)", taxonomy_id=tax.id, alt_labels=["Python"])
    make_skill(session, "finance and budgets", taxonomy_id=tax.id, skill_type="group")
    session.add(SkillRelation(source_id=budgets.id, target_id=finance.id, relation="broader"))
    session.add(Occupation(taxonomy_id=tax.id, external_id="http://x/occ/1", title="software developer",
                           alt_titles=["programmer", "software engineer"]))
    session.add(Occupation(taxonomy_id=tax.id, external_id="http://x/occ/2", title="accountant",
                           alt_titles=["bookkeeper"], extra={"broader": ["http://x/isco/2411"]}))
    session.flush()
    return tax.id


def test_the_skill_concepts_are_the_taxonomys_skills_without_groups_with_their_broader_links(
    session: Session,
) -> None:
    taxonomy_id = _library(session)
    concepts = service.load_skill_concepts(session, taxonomy_id=taxonomy_id)
    assert [c.label for c in concepts] == ["manage budgets", "financial management", "Python (computer programming)"]
    assert concepts[0].alt_labels == ("budgeting",)
    assert concepts[0].broader == (concepts[1].id,)


def test_skills_are_linked_against_the_active_taxonomy(session: Session) -> None:
    _library(session)
    linker = service.get_skill_linker(session, data_dir=None, encoder=TrigramEncoder())
    (skills,) = service.link_skills(linker, texts=["python"], k=2)
    assert skills[0].label == "Python (computer programming)"
    assert service.complete_skills(linker, prefix="budg")[0].label == "manage budgets"
    assert service.get_skill_linker(session, data_dir=None, encoder=linker.encoder) is linker


def test_titles_link_to_occupations_with_uris(session: Session) -> None:
    _library(session)
    linker = titles.get_title_linker(session, data_dir=None, encoder=TrigramEncoder())
    (roles,) = titles.link_titles(linker, texts=["Senior Software Engineer"], k=2)
    assert roles[0].uri == "http://x/occ/1" and roles[0].code is None
    assert linker.table_.concepts[1].broader == ("http://x/isco/2411",)


def test_without_a_taxonomy_linking_says_what_to_import(session: Session) -> None:
    with pytest.raises(NotFound, match="taxonomy import"):
        service.get_skill_linker(session, data_dir=None, encoder=TrigramEncoder())


def test_a_bad_query_line_is_named_with_its_number() -> None:
    lines = ['{"id": 1, "text": "python"}\n', '{"id": 2}\n']
    with pytest.raises(Invalid, match=r"stdin:2: text: Field required"):
        service.read_queries(lines)
    with pytest.raises(Invalid, match=r"stdin:2: empty line"):
        service.read_queries([lines[0], "\n"])
    queries = service.read_queries(lines[:1] * 5)
    assert [len(b) for b in service.batches(queries, 2)] == [2, 2, 1]
