"""Grid over the title linker's fusion weights on the JobBERT development split, with the two
halves of the titles (by a hash of the title) as folds.

  PYTHONPATH=src python bench/titles_tune.py [--cache var/embeddings]

For each (w_second, w_description, w_lexical, probes, w_span) prints MRR and R@1 overall and on each half; a
setting is kept only where both halves gain (BENCHMARKS.md, "Title normalisation")."""

from __future__ import annotations

import dataclasses
import itertools
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from linking_bench import data_arguments
from linking_tune import Memo
from titles_tried import halves, read_esco_occupations

from trellis.embedding.encoder import Encoder
from trellis.skills.evaluation import rank_scores, read_title_gold
from trellis.skills.linker import ConceptLinker
from trellis.skills.titles import TITLE_PARAMS


def title_scores(linker: ConceptLinker, titles: list[str], uris: list[str], fold: np.ndarray) -> str:
    """MRR and R@1 of the linker on the titles, overall and on each half, as one line."""
    rows = [rank_scores([x.id for x in links], {u}) for links, u in zip(linker.link(titles, 10), uris, strict=True)]
    m, r1 = np.array([r["MRR"] for r in rows]), np.array([r["R@1"] for r in rows])
    return (f"MRR {m.mean():.4f} R@1 {r1.mean():.4f} (halves MRR {m[fold == 0].mean():.4f} / "
            f"{m[fold == 1].mean():.4f})")


def main() -> None:
    parser = data_arguments(__doc__)
    parser.add_argument("--second", type=float, nargs="+", default=[0.0, 0.15, 0.3, 0.5])
    parser.add_argument("--description", type=float, nargs="+", default=[0.0, 0.25, 0.5, 0.75])
    parser.add_argument("--lexical", type=float, nargs="+", default=[TITLE_PARAMS.w_lexical])
    parser.add_argument("--probes", type=int, nargs="+", default=[TITLE_PARAMS.probes])
    parser.add_argument("--span", type=float, nargs="+", default=[0.0],
                        help="weight of the title's best span (0: the whole title only)")
    args = parser.parse_args()
    concepts = read_esco_occupations(args.esco)
    titles, uris = read_title_gold(args.eval / "title-normalization" / "titles.validation.csv")
    fold = halves(titles)
    base = dataclasses.replace(TITLE_PARAMS, w_description=max(args.description) or 1.0)
    linker = ConceptLinker(Memo(Encoder(precision="int8")), base, cache_dir=args.cache,
                           namespace=("esco", "1.1.1", "titles")).fit(concepts)
    for second, description, lexical, probes, span in itertools.product(
            args.second, args.description, args.lexical, args.probes, args.span):
        linker.params = dataclasses.replace(base, w_second=second, w_description=description, w_lexical=lexical,
                                            probes=probes, spans=span > 0, w_span=span)
        print(f"second={second:<5} description={description:<5} lexical={lexical:<5} probes={probes:<3} "
              f"span={span:<4} {title_scores(linker, titles, uris, fold)}", flush=True)


if __name__ == "__main__":
    main()
