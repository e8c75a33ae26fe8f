"""`trellis eval related-roles`: the O*NET Related Occupations development split, scored the way
``../shared/checks/eval_contract.py`` scores the JSON Lines output of `trellis roles related`
(Primary tiers relevant for Recall@10 and MAP; tier gains 3/2/1 for nDCG@10)."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

from sqlalchemy.orm import Session

from trellis.core import metrics
from trellis.errors import Invalid
from trellis.similarity.schemas import RankingMetrics, RelatedRoles, RelatedRolesEvaluation
from trellis.similarity.semantic import Embed
from trellis.similarity.service import BASELINE_WEIGHTS, DEFAULT_WEIGHTS, load_profiles, rank_related

TIER_GAIN = {"Primary-Short": 3.0, "Primary-Long": 2.0, "Supplemental": 1.0}
RELEVANT_GAIN = 2.0  # the Primary tiers
DEV_SPLIT = Path("eval") / "related-occupations" / "related_occupations.dev.tsv"


def default_data_path(root: Path | None = None) -> Path:
    """``../shared/data/eval/related-occupations/related_occupations.dev.tsv`` beside the project
    root (the current directory), or beside one of its parents (a git worktree)."""
    root = (root or Path.cwd()).resolve()
    for base in (root, *root.parents):
        candidate = base.parent / "shared" / "data" / DEV_SPLIT
        if candidate.is_file():
            return candidate
    return root.parent / "shared" / "data" / DEV_SPLIT


def read_judgements(path: Path) -> dict[str, dict[str, float]]:
    """query code → {related code: tier gain}."""
    if not path.is_file():
        raise Invalid(f"{path}: no such file (pass --data)")
    gold: dict[str, dict[str, float]] = defaultdict(dict)
    cols = ("O*NET-SOC Code", "Related O*NET-SOC Code", "Relatedness Tier")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        missing = [c for c in cols if c not in (reader.fieldnames or [])]
        if missing:
            raise Invalid(f"{path.name}: missing column(s) {', '.join(missing)}")
        for row in reader:
            tier = row["Relatedness Tier"].strip()
            if tier not in TIER_GAIN:
                raise Invalid(f"{path.name}:{reader.line_num}: unknown Relatedness Tier {tier!r}")
            gold[row["O*NET-SOC Code"].strip()][row["Related O*NET-SOC Code"].strip()] = TIER_GAIN[tier]
    return dict(gold)


def score(ranking: list[RelatedRoles], gold: dict[str, dict[str, float]]) -> RankingMetrics:
    """Recall@10, MAP and nDCG@10 over every judged query (a query not ranked scores 0)."""
    by_id = {r.id: [x.id for x in r.related if x.id != r.id] for r in ranking}
    recall, ap, ndcg = [], [], []
    for query, gains in gold.items():
        primary = {c for c, g in gains.items() if g >= RELEVANT_GAIN}
        ranked = by_id.get(query, [])
        recall.append(metrics.recall_at_k(ranked, primary, 10))
        ap.append(metrics.average_precision(ranked, primary))
        ndcg.append(metrics.ndcg_at_k(ranked, gains, 10))
    return RankingMetrics(
        queries=len(gold),
        covered=sum(q in by_id for q in gold),
        recall_at_10=round(metrics.mean(recall), 4),
        map=round(metrics.mean(ap), 4),
        ndcg_at_10=round(metrics.mean(ndcg), 4),
    )


def evaluate_related_roles(
    session: Session, *, data: Path, top: int = 20, embed: Embed | None = None
) -> RelatedRolesEvaluation:
    """Score our ranking (with the semantic facet when ``embed`` is given) and the Skills +
    Knowledge cosine baseline on the judgements in ``data``."""
    gold = read_judgements(data)
    found = load_profiles(session, kind="onet", embed=embed)
    weights = {k: w for k, w in DEFAULT_WEIGHTS["onet"].items() if k in found.facets}
    return RelatedRolesEvaluation(
        data=str(data),
        top=top,
        ours=score(rank_related(found, top=top, weights=weights), gold),
        baseline=score(rank_related(found, top=top, weights=BASELINE_WEIGHTS, standardise=False), gold),
        weights=weights,
    )
