"""`trellis eval skill-linking|title-normalization` on the development sets in
``../shared/data/eval`` (formats and metric definitions in that folder's README).

Skill linking is scored per sentence as published (Decorte et al. 2022): the query is the whole
sentence, the relevant items are the ESCO skills annotated on its spans (UNDERSPECIFIED and
LABEL NOT PRESENT dropped); RP@k = hits in the top k / min(k, number of gold skills).
Title normalisation: one query per vacancy title, one relevant ESCO occupation; R@k."""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from trellis.core import metrics
from trellis.errors import Invalid, NotFound
from trellis.skills.linker import ConceptLinker

SKILL_SETS = ("tech", "house")
IGNORED_LABELS = {"UNDERSPECIFIED", "LABEL NOT PRESENT"}


@dataclass(frozen=True)
class RankingReport:
    name: str
    queries: int
    metrics: dict[str, float]
    seconds: float
    skipped: int = 0  # gold labels not found in the taxonomy


def rank_scores(ranked: Sequence[str], relevant: set[str], ks: Sequence[int] = (1, 5, 10)) -> dict[str, float]:
    """Reciprocal rank, RP@k and R@k of one ranked list (definitions in `trellis.core.metrics`)."""
    out = {"MRR": metrics.reciprocal_rank(ranked, relevant)}
    for k in ks:
        out[f"RP@{k}"] = metrics.r_precision_at_k(ranked, relevant, k)
        out[f"R@{k}"] = metrics.recall_at_k(ranked, relevant, k)
    return out


def mean_scores(rows: list[dict[str, float]], names: Sequence[str]) -> dict[str, float]:
    return {name: metrics.mean(row[name] for row in rows) for name in names} if rows else {}


def default_data_dir(root: Path | None = None) -> Path:
    """``../shared/data/eval`` beside the project root (the current directory), or beside one of
    its parents (a git worktree)."""
    root = (root or Path.cwd()).resolve()
    for base in (root, *root.parents):
        candidate = base.parent / "shared" / "data" / "eval"
        if candidate.is_dir():
            return candidate
    return root.parent / "shared" / "data" / "eval"


def read_skill_gold(path: Path, label_to_id: dict[str, str]) -> tuple[list[str], list[set[str]], int]:
    """Sentences, their gold skill ids, and how many gold labels the taxonomy lacks."""
    if not path.exists():
        raise NotFound(f"{path}: development file not found (use --data)")
    gold: dict[str, set[str]] = defaultdict(set)
    skipped = 0
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            label = (row.get("label") or "").strip()
            if label in IGNORED_LABELS:
                continue
            if "sentence" not in row:
                raise Invalid(f"{path}: expected columns sentence,span,sub_span,label")
            skill = label_to_id.get(label.lower())
            if skill is None:
                skipped += 1
                continue
            gold[row["sentence"]].add(skill)
    sentences = sorted(gold)
    return sentences, [gold[s] for s in sentences], skipped


def read_title_gold(path: Path) -> tuple[list[str], list[str]]:
    if not path.exists():
        raise NotFound(f"{path}: development file not found (use --data)")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if rows and not {"vacancyTitle", "conceptUri"} <= rows[0].keys():
        raise Invalid(f"{path}: expected columns vacancyTitle,conceptUri")
    return [r["vacancyTitle"] for r in rows], [r["conceptUri"] for r in rows]


def evaluate_ranker(
    name: str, linker: ConceptLinker, queries: Sequence[str], gold: Sequence[set[str]], *, metrics: Sequence[str],
    k: int = 100, batch_size: int = 256, skipped: int = 0,
) -> RankingReport:
    import time

    started = time.perf_counter()
    rows: list[dict[str, float]] = []
    for first in range(0, len(queries), batch_size):
        chunk = queries[first : first + batch_size]
        for links, relevant in zip(linker.link(chunk, k), gold[first : first + batch_size], strict=True):
            rows.append(rank_scores([link.id for link in links], relevant))
    seconds = time.perf_counter() - started
    return RankingReport(name, len(rows), mean_scores(rows, metrics), seconds, skipped)


def evaluate_skill_linking(linker: ConceptLinker, *, data_dir: Path, k: int = 10) -> list[RankingReport]:
    label_to_id = {c.label.lower(): c.id for c in linker.table_.concepts}
    reports = []
    for name in SKILL_SETS:
        path = data_dir / "skill-linking" / f"{name}_validation_annotations.csv"
        sentences, gold, skipped = read_skill_gold(path, label_to_id)
        reports.append(
            evaluate_ranker(name.upper(), linker, sentences, gold, metrics=("MRR", "RP@1", "RP@5", "RP@10"),
                            k=k, skipped=skipped)
        )
    return reports


def evaluate_title_normalization(linker: ConceptLinker, *, data_dir: Path, k: int = 10) -> RankingReport:
    titles, uris = read_title_gold(data_dir / "title-normalization" / "titles.validation.csv")
    return evaluate_ranker("titles", linker, titles, [{u} for u in uris], metrics=("MRR", "R@1", "R@5", "R@10"),
                           k=k, batch_size=1024)
