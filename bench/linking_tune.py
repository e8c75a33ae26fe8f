"""Pick the skill linker's settings by cross-validation over the two development splits.

  PYTHONPATH=src python bench/linking_tune.py [--esco ../shared/data/esco-1.1.1] [--eval ../shared/data/eval]

Reads ESCO skills from the release zip (no database), the TECH and HOUSE validation sentences,
and scores a small grid of `LinkerParams` for each encoder precision (int8, fp32). Encoder calls
are memoised, so the grid costs one pass of the model per precision. Prints MRR per split for
every setting, then leave-one-split-out: the setting picked on one split, scored on the other
(the spread across the two folds), and the default's figures."""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from linking_bench import data_arguments, read_esco_skills

from trellis.core.linking import Concept
from trellis.embedding.encoder import Encoder, TokenVectors
from trellis.skills.evaluation import rank_scores, read_skill_gold
from trellis.skills.linker import ConceptLinker, LinkerParams
from trellis.skills.service import SKILL_PARAMS


class Memo:
    """An encoder that remembers every text it has encoded (the grid re-encodes the same ones)."""

    def __init__(self, inner: Encoder) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self._vectors: dict[str, np.ndarray] = {}
        self._tokens: dict[str, tuple[np.ndarray, TokenVectors]] = {}

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if todo:
            self._vectors.update(zip(todo, self.inner.encode(todo), strict=True))
        return np.stack([self._vectors[t] for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def encode_tokens(self, texts: Sequence[str]) -> tuple[np.ndarray, list[TokenVectors]]:
        todo = [t for t in dict.fromkeys(texts) if t not in self._tokens]
        if todo:
            vectors, tokens = self.inner.encode_tokens(todo)
            self._tokens.update(zip(todo, zip(vectors, tokens, strict=True), strict=True))
        return np.stack([self._tokens[t][0] for t in texts]), [self._tokens[t][1] for t in texts]


def mrr(linker: ConceptLinker, sentences: list[str], gold: list[set[str]]) -> float:
    links = linker.link(sentences, k=10)
    return statistics.fmean(rank_scores([x.id for x in row], g)["MRR"] for row, g in zip(links, gold, strict=True))


def time_settings(args: argparse.Namespace, grid: list[LinkerParams], concepts: list[Concept], *,
                  precision: str) -> None:
    """Sentences per second of linking alone (the encoder's calls memoised by a first pass)."""
    from skills_ai_bench import job_ad_sentences

    sentences = job_ad_sentences(args.eval, args.speed)
    encoder = Memo(Encoder(precision=precision))
    encoder.encode_tokens(sentences)
    linkers = [ConceptLinker(encoder, params, cache_dir=args.cache, namespace=("esco", "1.1.1", "skills")).fit(concepts)
               for params in grid]
    print(f"\nlinking speed, {len(sentences)} job-ad sentences, batches of 32, encoder memoised:")
    for round_ in (1, 2):
        for params, linker in zip(grid, linkers, strict=True):
            started = time.perf_counter()
            for first in range(0, len(sentences), 32):
                linker.link(sentences[first:first + 32], k=10)
            rate = len(sentences) / (time.perf_counter() - started)
            print(f"  round {round_}: span_queries={params.span_queries} text={params.text_candidates}/"
                  f"{params.probes} lexcand={params.lexical_candidates}: {rate:.0f} sentences/s", flush=True)


def main() -> None:
    parser = data_arguments(__doc__)
    parser.add_argument("--precisions", default="int8,fp32")
    parser.add_argument("--only-default", action="store_true", help="score the default setting only")
    parser.add_argument("--search-grid", action="store_true",
                        help="score the default fusion at several search depths (labels kept x clusters probed)")
    parser.add_argument("--span-grid", action="store_true",
                        help="spans only re-score: candidates from the whole text's query (labels x clusters)")
    parser.add_argument("--speed", type=int, default=0, metavar="N",
                        help="also time each setting over N SkillSpan job-ad sentences (batches of 32, encoder "
                             "memoised: the linking alone), twice, alternating settings")
    args = parser.parse_args()

    concepts = read_esco_skills(args.esco)
    label_to_id = {c.label.lower(): c.id for c in concepts}
    splits = {}
    for name in ("tech", "house"):
        sentences, gold, _ = read_skill_gold(args.eval / "skill-linking" / f"{name}_validation_annotations.csv",
                                             label_to_id)
        splits[name] = (sentences, gold)
    grid = [
        replace(SKILL_PARAMS, w_text=wt, w_lexical=wl, w_exact=we)
        for wt, wl, we in itertools.product((0.5, 1.0), (0.0, 0.1, 0.2, 0.3), (0.0, 0.1, 0.2, 0.3))
    ]
    grid.append(replace(SKILL_PARAMS, span_vectors="separate"))  # every span encoded on its own
    grid.append(replace(SKILL_PARAMS, candidates=200, probes=10_000))  # the default, searched exhaustively
    grid.append(SKILL_PARAMS)
    if args.only_default:
        grid = [SKILL_PARAMS]
    if args.search_grid:
        grid = [replace(LinkerParams(), probes=p, exact_spans=e)  # every span querying the index, as measured
                for e, p in itertools.product((False, True), (12, 24, 48, 96, 160, 10_000))]
    if args.span_grid:
        spans_query = LinkerParams()  # the setting before: every span queries the index too
        grid = [spans_query] + [replace(spans_query, lexical_candidates=lex) for lex in (16, 32)]
        grid += [replace(SKILL_PARAMS, span_queries=False, text_candidates=k, probes=p, lexical_candidates=lex)
                 for k, p, lex in ((400, 32, 0), (400, 32, 16), (400, 32, 32), (400, 32, 64), (400, 64, 32),
                                   (800, 32, 32), (200, 32, 32))]
    results: dict[tuple[str, LinkerParams], dict[str, float]] = {}
    for precision in args.precisions.split(","):
        encoder = Memo(Encoder(precision=precision))
        started = time.perf_counter()
        ConceptLinker(encoder, cache_dir=args.cache, namespace=("esco", "1.1.1", "skills")).fit(concepts)
        print(f"[{precision}] label index ready in {time.perf_counter() - started:.1f} s", flush=True)
        for params in grid:
            linker = ConceptLinker(encoder, params, cache_dir=args.cache, namespace=("esco", "1.1.1", "skills"))
            linker.fit(concepts)
            scores = {name: mrr(linker, *splits[name]) for name in splits}
            results[(precision, params)] = scores
            print(f"[{precision}] {params.span_vectors:8} text={params.w_text} lex={params.w_lexical} "
                  f"exact={params.w_exact} cand={params.candidates} probes={params.probes} "
                  f"exact_spans={params.exact_spans} span_queries={params.span_queries} "
                  f"text={params.text_candidates} lexcand={params.lexical_candidates}: "
                  f"TECH {scores['tech']:.4f} HOUSE {scores['house']:.4f}", flush=True)
    if args.speed:
        time_settings(args, grid, concepts, precision="int8")
    if args.only_default or args.search_grid or args.span_grid:
        return
    print("\nleave one split out (pick on one, score on the other):")
    for held, other in (("tech", "house"), ("house", "tech")):
        best = max(results, key=lambda key: results[key][other])
        precision, params = best
        print(f"  picked on {other.upper()}: [{precision}] {params.span_vectors} text={params.w_text} "
              f"lex={params.w_lexical} exact={params.w_exact} -> {other.upper()} {results[best][other]:.4f}, "
              f"held-out {held.upper()} {results[best][held]:.4f}")
    for precision in args.precisions.split(","):
        default = results[(precision, SKILL_PARAMS)]
        print(f"  default [{precision}]: TECH {default['tech']:.4f} HOUSE {default['house']:.4f}")


if __name__ == "__main__":
    main()
