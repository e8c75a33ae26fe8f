"""Skill and title linking speed (issue 3 item 8), with a plain TF-IDF baseline in the same process.

Reads ESCO straight from the release zip (no database needed) and the dev sets for mentions:
  PYTHONPATH=src python bench/linking_bench.py [--esco ../shared/data/esco-1.1.1] [--eval ../shared/data/eval]
Prints: model load time, encoder throughput on short phrases, index build time (label vectors
from the on-disk cache under --cache, computed on the first run), linking throughput in
mentions/s (single mentions, batched) and sentences/s (spans + sentence), autocomplete latency,
and the TF-IDF baseline's throughput and dev-set MRR for comparison."""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import time
import zipfile
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from trellis.core.linking import Concept, top_k
from trellis.embedding import Encoder
from trellis.skills.evaluation import rank_scores
from trellis.skills.linker import ConceptLinker, LinkerParams


def read_esco_skills(folder: Path) -> list[Concept]:
    with zipfile.ZipFile(folder / "classification_en.zip") as archive:
        name = next(n for n in archive.namelist() if n.endswith("skills_en.csv"))
        rows = list(csv.DictReader(io.TextIOWrapper(archive.open(name), encoding="utf-8")))
    return [
        Concept(r["conceptUri"], r["preferredLabel"].strip(),
                tuple(a.strip() for a in r["altLabels"].split("\n") if a.strip()), r["description"])
        for r in rows
    ]


def read_gold(eval_dir: Path, concepts: list[Concept]) -> tuple[list[str], list[str], list[set[str]]]:
    """Mentions (annotated spans) and sentences with their gold skill URIs, TECH + HOUSE."""
    by_label = {c.label.lower(): c.id for c in concepts}
    mentions: list[str] = []
    gold: dict[str, set[str]] = {}
    for name in ("tech", "house"):
        with (eval_dir / "skill-linking" / f"{name}_validation_annotations.csv").open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                uri = by_label.get(row["label"].strip().lower())
                if uri:
                    mentions.append(row["span"])
                    gold.setdefault(row["sentence"], set()).add(uri)
    sentences = sorted(gold)
    return mentions, sentences, [gold[s] for s in sentences]


def timed(fn, *args):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - started


def mrr(rankings: list[list[str]], gold: list[set[str]]) -> float:
    return statistics.fmean(rank_scores(r, g)["MRR"] for r, g in zip(rankings, gold, strict=True))


def data_arguments(description: str | None) -> argparse.ArgumentParser:
    """The options every linking benchmark shares: where ESCO, the dev sets and the vectors are."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--esco", type=Path, default=Path("../shared/data/esco-1.1.1"))
    parser.add_argument("--eval", type=Path, default=Path("../shared/data/eval"))
    parser.add_argument("--cache", type=Path, default=Path("var/embeddings"))
    return parser


def main() -> None:
    args = data_arguments(__doc__).parse_args()

    concepts = read_esco_skills(args.esco)
    mentions, sentences, gold = read_gold(args.eval, concepts)
    phrases = [m for m in mentions for _ in range(4)][:2000]
    print(f"ESCO skills: {len(concepts):,}; mentions: {len(phrases):,}; sentences: {len(sentences)}")

    encoder, load_s = timed(lambda: Encoder().load())
    print(f"model load: {load_s:.2f} s")
    encoder.encode(phrases[:64])
    _, enc_s = timed(encoder.encode, phrases)
    print(f"encoder, short phrases: {len(phrases) / enc_s:,.0f}/s")

    namespace = ("esco", "1.1.1", "skills")
    linker, fit_s = timed(lambda: ConceptLinker(encoder, cache_dir=args.cache, namespace=namespace).fit(concepts))
    print(f"index build (label vectors from cache when present): {fit_s:.1f} s, {len(linker.table_.texts):,} labels")
    mention_linker = ConceptLinker(encoder, LinkerParams(spans=False), cache_dir=args.cache, namespace=namespace)
    mention_linker.fit(concepts)

    _, mention_s = timed(lambda: [mention_linker.link(phrases[i : i + 256], 10) for i in range(0, len(phrases), 256)])
    print(f"linking, single mentions (batched 256): {len(phrases) / mention_s:,.0f} mentions/s")
    ranked, sent_s = timed(lambda: linker.link(sentences, 100))
    print(f"linking, whole sentences (spans + sentence): {len(sentences) / sent_s:,.1f} sentences/s;"
          f" dev MRR (TECH+HOUSE pooled) {mrr([[x.id for x in r] for r in ranked], gold):.3f}")

    prefixes = [m[:n] for m in mentions[:300] for n in (2, 4, 6)]
    latencies = []
    for prefix in prefixes:
        started = time.perf_counter()
        linker.complete(prefix, 10)
        latencies.append(time.perf_counter() - started)
    p50, p95 = np.percentile(latencies, [50, 95]) * 1000
    print(f"autocomplete: p50 {p50:.2f} ms, p95 {p95:.2f} ms over {len(prefixes)} prefixes")

    # Baseline: char n-gram TF-IDF over preferred + alternative labels, cosine, max per concept.
    labels = linker.table_.texts
    (vectoriser, matrix), tfidf_fit_s = timed(lambda: _tfidf(labels))
    def tfidf_rank(texts: list[str], k: int) -> list[list[str]]:
        scores = (vectoriser.transform(texts) @ matrix).toarray()
        per_concept = np.maximum.reduceat(scores, linker.table_.starts, axis=1)
        return [[concepts[i].id for i in top_k(row.astype(np.float32), k)] for row in per_concept]
    _, tf_mention_s = timed(lambda: [tfidf_rank(phrases[i : i + 256], 10) for i in range(0, len(phrases), 256)])
    tf_ranked, tf_sent_s = timed(lambda: tfidf_rank(sentences, 100))
    print(f"TF-IDF baseline: fit {tfidf_fit_s:.1f} s; {len(phrases) / tf_mention_s:,.0f} mentions/s;"
          f" {len(sentences) / tf_sent_s:,.1f} sentences/s; dev MRR (pooled) {mrr(tf_ranked, gold):.3f}")
    print(f"ratio (linker / TF-IDF) mentions/s: {(len(phrases) / mention_s) / (len(phrases) / tf_mention_s):.2f}")


def _tfidf(labels: tuple[str, ...]):  # type: ignore[no-untyped-def]
    vectoriser = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4), sublinear_tf=True, dtype=np.float32)
    return vectoriser, vectoriser.fit_transform(labels).T.tocsr()


if __name__ == "__main__":
    main()
