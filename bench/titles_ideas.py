"""Ideas for title normalisation on the JobBERT development split, each scored against the
title linker as written (`TITLE_PARAMS`), overall and on the two halves of the titles.

  PYTHONPATH=src python bench/titles_ideas.py --cache <data dir>/embeddings [--ideas ...]

Title vectors are kept in ``--vectors`` (an .npz beside the cache) between runs."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import sys
import zipfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from linking_bench import data_arguments
from titles_tried import clean_title, halves

from trellis.core.linking import Concept
from trellis.embedding.encoder import Encoder
from trellis.skills.evaluation import read_title_gold
from trellis.skills.linker import ConceptLinker
from trellis.skills.titles import TITLE_PARAMS


class DiskMemo:
    """Encoder that remembers every text it has encoded, across runs (an .npz file)."""

    def __init__(self, inner: Encoder, path: Path) -> None:
        self.inner, self.name, self.dim, self.path = inner, inner.name, inner.dim, path
        self._vectors: dict[str, np.ndarray] = {}
        if path.exists():
            data = np.load(path, allow_pickle=True)
            self._vectors = dict(zip(data["texts"].tolist(), data["vectors"], strict=True))
        self._dirty = False

    def encode(self, texts):
        todo = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if todo:
            self._vectors.update(zip(todo, self.inner.encode(todo), strict=True))
            self._dirty = True
        return np.stack([self._vectors[t] for t in texts]) if len(texts) else np.zeros((0, self.dim), np.float32)

    def save(self) -> None:
        if self._dirty:
            texts = list(self._vectors)
            np.savez(self.path, texts=np.array(texts, dtype=object),
                     vectors=np.stack([self._vectors[t] for t in texts]))
            self._dirty = False


def read_occupations(folder: Path, *, hidden: bool) -> list[Concept]:
    with zipfile.ZipFile(folder / "classification_en.zip") as archive:
        name = next(n for n in archive.namelist() if n.endswith("occupations_en.csv"))
        rows = list(csv.DictReader(io.TextIOWrapper(archive.open(name), encoding="utf-8")))
    out = []
    for r in rows:
        pref = r["preferredLabel"].strip()
        alts = [a.strip() for a in r["altLabels"].split("\n") if a.strip() and a.strip() != pref]
        if hidden:
            alts += [a.strip() for a in r["hiddenLabels"].split("\n") if a.strip() and a.strip() != pref]
        out.append(Concept(r["conceptUri"], pref, tuple(dict.fromkeys(alts)), description=r["description"].strip()))
    return out


def metrics(dicts: list[dict[int, float]], gold: np.ndarray, fold: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Reciprocal rank (top 10) and hit@1 per title."""
    rr = np.zeros(len(dicts))
    for n, (d, g) in enumerate(zip(dicts, gold, strict=True)):
        if g in d:
            s = d[g]
            rank = 1 + sum(1 for v in d.values() if v > s)
            rr[n] = 1.0 / rank if rank <= 10 else 0.0
    return rr, (rr == 1.0).astype(float)


def line(name: str, dicts, gold, fold) -> str:
    rr, r1 = metrics(dicts, gold, fold)
    return (f"{name:44} MRR {rr.mean():.4f} R@1 {r1.mean():.4f} (halves MRR {rr[fold == 0].mean():.4f} / "
            f"{rr[fold == 1].mean():.4f}; R@1 {r1[fold == 0].mean():.4f} / {r1[fold == 1].mean():.4f})")


def as_dicts(ranked) -> list[dict[int, float]]:
    return [dict(zip(r.concepts.tolist(), r.scores.tolist(), strict=True)) for r in ranked]


def rank_vectors(linker: ConceptLinker, texts: list[str], vectors: np.ndarray):
    """`ConceptLinker.rank` with the given text vectors (lexical and exact signals still on the texts)."""
    n = len(texts)
    empty = np.zeros((0, vectors.shape[1]), np.float32)
    out = []
    for a in range(0, n, 2048):
        b = min(n, a + 2048)
        out += linker._rank(texts[a:b], [[] for _ in range(b - a)], vectors[a:b].astype(np.float32),
                            [empty] * (b - a))
    return out


def fuse(*parts: tuple[float, list[dict[int, float]]], floor: str = "min") -> list[dict[int, float]]:
    """Weighted sum of several candidate dicts per title; a missing candidate gets that list's minimum."""
    out = []
    for rows in zip(*(p[1] for p in parts), strict=True):
        keys = set().union(*rows)
        mins = [min(r.values()) if r else 0.0 for r in rows]
        out.append({k: sum(w * r.get(k, m) for (w, _), r, m in zip(parts, rows, mins, strict=True)) for k in keys})
    return out


class ExpLinker(ConceptLinker):
    """The title linker with hooks for the ideas: extra candidates from the description index,
    mean-centred cosines, a concept-centroid score (whole title only: no spans)."""

    desc_candidates = 0
    center: np.ndarray | None = None
    w_centroid = 0.0
    centroids_: np.ndarray | None = None

    def _rank(self, texts, span_lists, text_vectors, span_vectors):
        p = self.params
        found, _ = self.index_.search(text_vectors, p.candidates, probes=p.probes, per_cluster=p.per_cluster)
        lexical_found = self.lexical_.search(texts, p.lexical_candidates) if p.lexical_candidates else None
        desc_found = None
        if self.desc_candidates and self.descriptions_ is not None:
            desc_found, _ = self.descriptions_.search(text_vectors, self.desc_candidates, probes=p.probes)
        out = []
        for row, text in enumerate(texts):
            extra = [found[row]] if lexical_found is None else [found[row], lexical_found[row]]
            if desc_found is not None:
                d = desc_found[row]
                extra.append(self.table_.starts[d[d >= 0]])
            out.append(self._rerank_t(text, text_vectors[row], np.concatenate(extra)))
        return out

    def _rerank_t(self, text, text_vector, text_rows):
        from trellis.core.linking import best_two_per_group, exact_hits, top_k
        from trellis.skills.linker import Ranked, _label_rows
        p, table = self.params, self.table_
        exact = exact_hits(table, [text])
        concepts = np.unique(np.concatenate([table.owner[text_rows[text_rows >= 0]], exact]))
        firsts, lasts = table.starts[concepts], np.append(table.starts, len(table.texts))[concepts + 1]
        sizes = lasts - firsts
        labels, groups = _label_rows(firsts, sizes)
        label_vectors = self.index_.rows_of(labels)
        t = text_vector
        if self.center is not None:
            label_vectors = label_vectors - self.center
            label_vectors /= np.linalg.norm(label_vectors, axis=1, keepdims=True)
            t = t - self.center
            t = t / np.linalg.norm(t)
        label_scores = label_vectors @ t
        best, second = best_two_per_group(label_scores, groups)
        scores = p.w_text * best + p.w_second * second
        if p.w_description and self.descriptions_ is not None:
            d = self.descriptions_.rows_of(concepts)
            if self.center is not None:
                d = d - self.desc_center
                d /= np.linalg.norm(d, axis=1, keepdims=True)
                td = text_vector - self.desc_center
                td = td / np.linalg.norm(td)
            else:
                td = text_vector
            scores += p.w_description * (d @ td)
        if self.w_centroid and self.centroids_ is not None:
            scores += self.w_centroid * (self.centroids_[concepts] @ text_vector)
        if p.w_exact and len(exact):
            scores += p.w_exact * np.isin(concepts, exact)
        if p.w_lexical:
            top = top_k(scores.astype(np.float32), p.rerank_lexical)
            labels_t, groups_t = _label_rows(firsts[top], sizes[top])
            lexical = self.lexical_.similarity([text], labels_t).max(axis=0)
            scores[top] += p.w_lexical * np.maximum.reduceat(lexical, groups_t)
        return Ranked(concepts, scores.astype(np.float32), np.full(len(concepts), -1), ())


def concept_vectors(linker: ConceptLinker, kind: str) -> np.ndarray:
    """One unit vector per concept: its preferred label, the mean of its labels, or its description."""
    table = linker.table_
    if kind == "description":
        return linker.descriptions_.rows_of(np.arange(len(table.concepts)))
    if kind == "preferred":
        return linker.index_.rows_of(table.starts)
    allv = linker.index_.rows_of(np.arange(len(table.texts)))
    sums = np.add.reduceat(allv, table.starts, axis=0)
    return (sums / np.linalg.norm(sums, axis=1, keepdims=True)).astype(np.float32)


def head_word(title: str) -> str:
    words = re.findall(r"[A-Za-z][A-Za-z\-]+", clean_title(title))
    return words[-1].lower() if words else title


def main() -> None:
    parser = data_arguments(__doc__)
    parser.add_argument("--vectors", type=Path, default=Path("/tmp/titles_vectors.npz"))
    parser.add_argument("--hidden", action="store_true", help="ESCO hiddenLabels as extra titles")
    parser.add_argument("--ideas", nargs="+", default=["base"])
    parser.add_argument("--dump", type=Path, help="write the failure cases (gold not in the top 10) here")
    args = parser.parse_args()
    concepts = read_occupations(args.esco, hidden=args.hidden)
    titles, uris = read_title_gold(args.eval / "title-normalization" / "titles.validation.csv")
    fold = halves(titles)
    where = {c.id: i for i, c in enumerate(concepts)}
    gold = np.array([where.get(u, -1) for u in uris])
    memo = DiskMemo(Encoder(precision="int8"), args.vectors)
    # The vectors of the labels do not depend on --hidden except for the new labels (namespace keyed by texts).
    linker = ExpLinker(memo, TITLE_PARAMS, cache_dir=args.cache, namespace=("esco", "1.1.1", "titles")).fit(concepts)
    memo.save()
    tv = memo.encode(titles)
    memo.save()
    base = as_dicts(rank_vectors(linker, titles, tv))
    print(line(f"base{' +hidden' if args.hidden else ''}", base, gold, fold), flush=True)
    if args.dump:
        dump(args.dump, titles, gold, base, concepts)

    ideas = set(args.ideas)
    if "clean" in ideas:
        cleaned = [clean_title(t) for t in titles]
        cv = memo.encode(cleaned)
        memo.save()
        cd = as_dicts(rank_vectors(linker, cleaned, cv))
        print(line("clean alone", cd, gold, fold), flush=True)
        for w in (0.25, 0.5, 1.0):
            print(line(f"raw + {w} x clean (sum)", fuse((1.0, base), (w, cd)), gold, fold), flush=True)
    def show(name, ranked_or_dicts):
        print(line(name, ranked_or_dicts, gold, fold), flush=True)

    if "hubs" in ideas:  # does the subclass reproduce the base?
        show("subclass base", as_dicts(rank_vectors(linker, titles, tv)))
    if "cands" in ideas:
        keep = linker.params
        for c in (96, 192):
            linker.params = dataclasses.replace(keep, candidates=c)
            show(f"candidates={c}", as_dicts(rank_vectors(linker, titles, tv)))
        linker.params = keep
    if "desccands" in ideas:
        for c in (16, 48):
            linker.desc_candidates = c
            show(f"description candidates={c}", as_dicts(rank_vectors(linker, titles, tv)))
        linker.desc_candidates = 0
    if "center" in ideas:
        allv = linker.index_.rows_of(np.arange(len(linker.table_.texts)))
        linker.desc_center = concept_vectors(linker, "description").mean(axis=0)
        for a in (0.5, 1.0):
            linker.center = a * allv.mean(axis=0)
            linker.desc_center = a * concept_vectors(linker, "description").mean(axis=0)
            show(f"mean-centred cosines x{a}", as_dicts(rank_vectors(linker, titles, tv)))
        linker.center = None
    if "centroid" in ideas:
        linker.centroids_ = concept_vectors(linker, "mean")
        for w in (0.1, 0.3):
            linker.w_centroid = w
            show(f"label-centroid w={w}", as_dicts(rank_vectors(linker, titles, tv)))
        linker.w_centroid = 0.0
    if "prf" in ideas:
        for kind in ("preferred", "mean", "description"):
            cv = concept_vectors(linker, kind)
            for a in (0.5, 1.0):
                tops = np.array([sorted(d, key=lambda k: -d[k])[:3] for d in base])
                q = tv + a * cv[tops].mean(axis=1)
                q /= np.linalg.norm(q, axis=1, keepdims=True)
                prf = as_dicts(rank_vectors(linker, titles, q.astype(np.float32)))
                show(f"prf top3 {kind} a={a}", prf)
                show("  base + 0.5 prf", fuse((1.0, base), (0.5, prf)))
    if "head" in ideas:
        heads = [head_word(t) for t in titles]
        hd = as_dicts(rank_vectors(linker, heads, memo.encode(heads)))
        memo.save()
        for w in (0.1, 0.2, 0.3):
            show(f"base + {w} x head word", fuse((1.0, base), (w, hd)))
    print("done", flush=True)


def dump(path: Path, titles, gold, base, concepts) -> None:
    with path.open("w") as out:
        for t, g, d in zip(titles, gold, base, strict=True):
            order = sorted(d, key=lambda k: -d[k])
            rank = order.index(g) + 1 if g in d else -1
            if rank == -1 or rank > 10:
                best = " | ".join(concepts[k].label for k in order[:3])
                out.write(f"{t!r}\t{concepts[g].label}\t{rank}\t{best}\n")


if __name__ == "__main__":
    main()
