from __future__ import annotations

import numpy as np
import pytest

from trellis.core.batch import top_k
from trellis.core.features import _level_rows, _location_rows
from trellis.core.matching import Matcher
from trellis.core.scoring import (
    Trust,
    Weights,
    hours_fit,
    level_fit,
    location_fit,
    plausibility_matrix,
    proficiency_credit,
    skill_similarity,
)
from trellis.core.text import HashingEncoder
from trellis.core.types import OpportunityData, Profile, SkillLevel


def test_proficiency_counts_linearly_up_to_the_required_level() -> None:
    assert proficiency_credit(4, 3) == 1.0
    assert proficiency_credit(1.5, 3) == pytest.approx(0.5)
    assert proficiency_credit(0, 2) == 0.0


def test_weights_are_normalised_to_sum_to_one() -> None:
    w = Weights(required_skills=2, preferred_skills=0, semantic=0, aspiration=0, career_move=0, level=0,
                logistics=2).normalised()
    assert w["required_skills"] == 0.5 and sum(w.values()) == pytest.approx(1.0)
    with pytest.raises(ValueError):
        Weights(0, 0, 0, 0, 0, 0, 0).normalised()


def test_verified_skills_count_more_than_self_declared_ones() -> None:
    t = Trust()
    assert t.factor(SkillLevel(1, 3, "self", verified=True)) > t.factor(SkillLevel(1, 3, "self"))
    assert t.factor(SkillLevel(1, 3, "assessed")) > t.factor(SkillLevel(1, 3, "inferred"))


def test_one_step_up_is_the_best_level_gap_and_unknown_is_neutral() -> None:
    assert level_fit(2, 3) == 1.0 and level_fit(2, 2) == 0.9
    assert level_fit(2, 5) < level_fit(2, 4) < level_fit(2, 3)
    assert level_fit(None, 3) == 0.5


def test_location_fit_respects_remote_preference_and_relocation() -> None:
    home = Profile(id=1, location=10)
    assert location_fit(home, "onsite", 10) == 1.0
    assert location_fit(home, "onsite", 11) == 0.0
    assert location_fit(Profile(id=1, location=10, relocation=True), "onsite", 11) == 0.6
    assert location_fit(Profile(id=1, location=10, remote="remote"), "onsite", 10) == pytest.approx(0.3)
    assert location_fit(home, "remote", 99) == 1.0


def test_gig_hours_fit_is_neutral_when_unstated() -> None:
    assert hours_fit(8, 4) == 1.0 and hours_fit(2, 8) == 0.25 and hours_fit(0, 8) == 0.5 and hours_fit(0, None) == 1.0


def test_plausibility_scales_moves_by_the_most_common_one_and_leaves_unseen_rows_unknown() -> None:
    mat = plausibility_matrix({(1, 2): 4, (1, 3): 1}, [1, 2, 3])
    assert mat[0, 1] == pytest.approx(1.0) and mat[0, 2] == pytest.approx(0.4) and mat[0, 0] == pytest.approx(0.2)
    assert np.isnan(mat[1]).all()


def test_skill_similarity_is_symmetric_and_combines_links_and_embeddings() -> None:
    vec = HashingEncoder(64).encode(["postgresql database", "mysql database", "watercolour painting"])
    sim = skill_similarity([1, 2, 3], [(1, 3, 0.7)], vec, threshold=0.2)
    dense = sim.toarray()
    assert np.allclose(dense, dense.T) and np.all(np.diag(dense) == 0)
    assert dense[0, 2] == pytest.approx(0.7) and dense[0, 1] > 0.2


def test_vectorised_location_and_level_rows_equal_the_scalar_functions() -> None:
    people = [Profile(id=1, location=10, remote="remote", level=2), Profile(id=2, location=11, relocation=True),
              Profile(id=3, remote="onsite", accepted_locations=(12,), level=4)]
    opps = [OpportunityData(id=i, location=loc, level=lv) for i, (loc, lv) in
            enumerate([(10, 1), (11, 3), (12, 5), (None, None)])]
    m = Matcher().fit(opps, people)
    space = m.space_
    loc_rows = _location_rows(space, people)
    fit, _pen = _level_rows(space, people)
    for i, p in enumerate(people):
        for mi, mode in enumerate(("onsite", "hybrid", "remote")):
            for loc, col in (*space.locations.items(), (None, len(space.locations))):
                assert loc_rows[i, mi * space.n_locations + col] == pytest.approx(location_fit(p, mode, loc))
        for lv, col in space.levels.items():
            assert fit[i, col] == pytest.approx(level_fit(p.level, lv))


@pytest.mark.parametrize("n_items", [3000, 3001, 3063, 100])
def test_blockwise_top_k_equals_a_full_sort_even_with_ties(n_items: int) -> None:
    rng = np.random.default_rng(1)
    scores = rng.random((50, n_items)).astype(np.float32)
    scores[:10] = np.round(scores[:10], 1)  # heavy ties
    idx, vals = top_k(np.ascontiguousarray(scores.T), 20)
    expected = -np.sort(-scores, axis=1)[:, :20]
    assert np.allclose(vals, expected)
    assert np.allclose(np.take_along_axis(scores, idx, axis=1), vals)


def test_the_hashing_encoder_is_deterministic_and_unit_length() -> None:
    a = HashingEncoder(128).encode(["Python data pipelines", ""])
    b = HashingEncoder(128).encode(["Python data pipelines", ""])
    assert np.array_equal(a, b) and np.linalg.norm(a[0]) == pytest.approx(1.0) and not a[1].any()


def test_an_organisation_without_roles_has_an_empty_plausibility_matrix() -> None:
    from trellis.core.scoring import plausibility_matrix

    assert plausibility_matrix({}, []).shape == (0, 0)
