"""Related-roles figures of the similarity the career graph blends in, on the O*NET Related
Occupations development split (needs O*NET imported: `trellis taxonomy import onet PATH`).

    PYTHONPATH=src python bench/paths_related_roles.py --db sqlite:///onet.db [--data TSV]

With no observed moves (a public taxonomy has none) the blend weight is 1 and the career graph's
content edges come from the role similarity alone. Rows, all scored like `trellis eval
related-roles` (Recall@10 and MAP with Primary tiers relevant, nDCG@10 with tier gains):

* ``z-scored facet blend``: the taxonomy work's ranking (what `trellis eval related-roles` prints);
* ``raw facet mean``: the same facets and weights without per-role z-scores, in 0–1: the matrix
  `paths.service.facet_similarity` feeds the career graph;
* ``career graph, content edges``: roles ranked by the graph's edge probability with job zones
  as levels (content edges go only sideways or one zone up, at most 8 per role, similarity ≥ 0.15):
  what "next moves" would propose for a company with no history at all;
* ``baseline``: cosine of the Skills + Knowledge importance vectors.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from trellis.core.paths import CareerGraph
from trellis.core.similarity import RoleSimilarity
from trellis.db import make_engine
from trellis.models import Occupation
from trellis.similarity.evaluate import default_data_path, read_judgements, score
from trellis.similarity.schemas import RelatedRole, RelatedRoles
from trellis.similarity.service import BASELINE_WEIGHTS, DEFAULT_WEIGHTS, load_profiles, rank_related
from trellis.taxonomy.service import get_active_taxonomy


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--top", type=int, default=20)
    args = ap.parse_args()
    gold = read_judgements(args.data or default_data_path())
    engine = make_engine(args.db)
    with Session(engine) as session:
        found = load_profiles(session, kind="onet")
        tax = get_active_taxonomy(session, source="onet")
        zone = dict(session.execute(select(Occupation.external_id, Occupation.job_zone)
                                    .where(Occupation.taxonomy_id == tax.id)).all())
    engine.dispose()
    weights = DEFAULT_WEIGHTS["onet"]
    rows = {
        "z-scored facet blend (trellis eval related-roles)": rank_related(found, top=args.top, weights=weights),
        "raw facet mean (fed to the career graph)": rank_related(found, top=args.top, weights=weights,
                                                                  standardise=False),
    }
    raw = RoleSimilarity(weights=weights, standardise=False).fit(found.facets).similarity_.astype(np.float64)
    n = len(found.ids)
    levels = [int(zone.get(i) or 3) for i in found.ids]
    graph = CareerGraph().fit(list(range(n)), levels, [], np.clip(raw, 0, 1))
    rows["career graph, content edges (no history)"] = [
        RelatedRoles(id=found.ids[i], label=found.labels[i],
                     related=[RelatedRole(id=found.ids[int(j)], score=round(float(graph.probability_[i, j]), 4))
                              for j in np.argsort(-graph.probability_[i])[: args.top] if graph.probability_[i, j] > 0])
        for i in range(n)
    ]
    z = RoleSimilarity(weights=weights).fit(found.facets).similarity_.astype(np.float64)
    for scale in (3.0, 4.0, 6.0):
        zg = CareerGraph().fit(list(range(n)), levels, [], np.clip(z / scale, 0, 1))
        rows[f"career graph, z/{scale:g} content edges"] = [
            RelatedRoles(id=found.ids[i], label=found.labels[i],
                         related=[RelatedRole(id=found.ids[int(j)], score=round(float(zg.probability_[i, j]), 4))
                                  for j in np.argsort(-zg.probability_[i])[: args.top] if zg.probability_[i, j] > 0])
            for i in range(n)
        ]
    rows["baseline: Skills+Knowledge cosine"] = rank_related(found, top=args.top, weights=BASELINE_WEIGHTS,
                                                              standardise=False)
    print(f"{'ranking':52} {'queries':>7} {'R@10':>7} {'MAP':>7} {'nDCG@10':>8}")
    for name, ranking in rows.items():
        m = score(ranking, gold)
        print(f"{name:52} {m.queries:7d} {m.recall_at_10:7.4f} {m.map:7.4f} {m.ndcg_at_10:8.4f}")


if __name__ == "__main__":
    main()
