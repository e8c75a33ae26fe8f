from __future__ import annotations

from sqlalchemy.orm import Session

from builders import make_marketplace
from trellis.config import Settings
from trellis.matching.evaluation import evaluate, hit_at_k, reciprocal_rank


def test_ranking_metrics_count_the_true_item_where_it_is() -> None:
    assert hit_at_k([3, 1, 2], 1, 2) == 1.0 and hit_at_k([3, 1, 2], 2, 2) == 0.0
    assert reciprocal_rank([3, 1, 2], 1) == 0.5 and reciprocal_rank([3], 9) == 0.0


def test_the_hold_out_check_hides_last_moves_and_compares_with_tfidf(session: Session,
                                                                     match_settings: Settings) -> None:
    make_marketplace(session)
    report = evaluate(session, settings=match_settings, share=1.0, seed=1)
    assert report.movers == 1 and report.held_out == 1
    assert 0.0 <= report.hit_at_10 <= 1.0 and 0.0 <= report.baseline_hit_at_10 <= 1.0
    assert report.hit_at_10 == 1.0  # two roles only: the one moved to is in the top 10
