from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from builders import make_family, make_role, make_skill, make_taxonomy
from trellis.core import metrics
from trellis.errors import Invalid, NotFound
from trellis.similarity import evaluate, service
from trellis.taxonomy.service import import_esco, import_onet


def ranked(result: list, role_id: str) -> list[str]:
    return [r.id for r in next(x for x in result if x.id == role_id).related]


def test_onet_occupations_rank_the_closest_by_content(session: Session, onet_dir: Path) -> None:
    import_onet(session, paths=[onet_dir])
    result = service.related_roles(session, kind="onet", top=3)
    assert [r.id for r in result] == ["11-9041.00", "15-1252.00", "15-1253.00", "15-2051.00"]
    developers = ranked(result, "15-1252.00")
    assert developers[0] == "15-1253.00" and "15-1252.00" not in developers and len(developers) == 3
    scores = [r.score for r in result[1].related]
    assert scores == sorted(scores, reverse=True)


def test_the_baseline_ranks_by_skills_and_knowledge_importance_only(session: Session, onet_dir: Path) -> None:
    import_onet(session, paths=[onet_dir])
    result = service.related_roles(session, kind="onet", top=1, baseline=True)
    assert all(0.0 <= r.related[0].score <= 1.0 for r in result)
    with pytest.raises(Invalid, match="O\\*NET only"):
        service.related_roles(session, kind="esco", baseline=True)


def test_esco_occupations_that_share_skills_are_related(session: Session, esco_dir: Path) -> None:
    import_esco(session, paths=[esco_dir])
    result = service.related_roles(session, kind="esco", top=2)
    developer = "http://data.europa.eu/esco/occupation/o-developer"
    assert ranked(result, developer)[0] == "http://data.europa.eu/esco/occupation/o-data-scientist"


def test_company_roles_are_related_through_their_skill_requirements(session: Session) -> None:
    tax = make_taxonomy(session)
    python, sql, sales = (make_skill(session, label, taxonomy_id=tax.id) for label in ("Python", "SQL", "Selling"))
    family = make_family(session)
    engineer = make_role(session, title="Data engineer", skills={python: 4, sql: 3}, family_id=family.id)
    analyst = make_role(session, title="Data analyst", skills={sql: 3, python: 2}, family_id=family.id)
    seller = make_role(session, title="Account executive", skills={sales: 4})
    result = service.related_roles(session, kind="company", top=2)
    assert ranked(result, engineer.external_id)[0] == analyst.external_id
    assert ranked(result, analyst.external_id)[0] == engineer.external_id
    assert seller.external_id not in ranked(result, seller.external_id)


def test_an_unknown_kind_or_a_missing_taxonomy_is_an_error(session: Session) -> None:
    with pytest.raises(Invalid, match="--taxonomy must be one of"):
        service.related_roles(session, kind="isco")
    with pytest.raises(NotFound):
        service.related_roles(session, kind="onet")
    with pytest.raises(Invalid, match="--top"):
        service.related_roles(session, kind="company", top=0)


def test_evaluation_scores_ours_and_the_baseline_as_the_contract_does(
    session: Session, onet_dir: Path, judgements: Path
) -> None:
    import_onet(session, paths=[onet_dir])
    result = evaluate.evaluate_related_roles(session, data=judgements, top=20)
    assert result.ours.queries == 2 and result.ours.covered == 2
    ranking = service.related_roles(session, kind="onet", top=20)
    gold = evaluate.read_judgements(judgements)
    recall = metrics.mean(
        metrics.recall_at_k(ranked(ranking, q), {c for c, g in gains.items() if g >= 2}, 10)
        for q, gains in gold.items()
    )
    assert result.ours.recall_at_10 == round(recall, 4)
    # with four occupations every related one is in the top 10: full recall for both rankings
    assert result.ours.recall_at_10 == 1.0 and result.baseline.recall_at_10 == 1.0


def test_a_judgements_file_with_an_unknown_tier_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text("O*NET-SOC Code\tRelated O*NET-SOC Code\tRelatedness Tier\n11-1011.00\t11-1021.00\tClose\n")
    with pytest.raises(Invalid, match=r"bad\.tsv:2: unknown Relatedness Tier 'Close'"):
        evaluate.read_judgements(path)
    with pytest.raises(Invalid, match="no such file"):
        evaluate.read_judgements(tmp_path / "missing.tsv")


def test_the_semantic_facet_joins_the_blend_and_its_vectors_are_cached(
    session: Session, onet_dir: Path, tmp_path: Path
) -> None:
    import numpy as np

    from trellis.similarity import semantic

    import_onet(session, paths=[onet_dir])
    calls: list[int] = []

    def fake(texts: Sequence[str]) -> np.ndarray:  # "software" roles point one way, the rest another
        calls.append(len(texts))
        return np.array([[1.0, 0.0] if "software" in t.lower() else [0.0, 1.0] for t in texts], dtype=np.float32)

    embed = semantic.cached(fake, tmp_path, model="fake")
    found = service.load_profiles(session, kind="onet", embed=embed)
    assert found.facets["semantic"].shape == (4, 4)
    only_semantic = service.rank_related(found, top=1, weights={"semantic": 1.0})
    assert ranked(only_semantic, "15-1252.00") == ["15-1253.00"]
    service.related_roles(session, kind="onet", top=2, embed=embed)
    assert calls == [4]  # the second run read the cache
