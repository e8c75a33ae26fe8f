"""Unsupervised use of the *unlabelled* vacancy titles (no gold URIs): an occupation prior
estimated by EM over the linker's candidate scores, and smoothing of each title's scores by its
nearest other titles. Both are estimated on one half of the dev titles and applied to the other
(the halves of `titles_tried.halves`), so a title never informs its own ranking.

  PYTHONPATH=src python bench/titles_transductive.py --cache <data dir>/embeddings"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from linking_bench import data_arguments
from titles_ideas import DiskMemo, ExpLinker, as_dicts, line, rank_vectors, read_occupations
from titles_tried import halves

from trellis.embedding.encoder import Encoder
from trellis.skills.evaluation import read_title_gold
from trellis.skills.titles import TITLE_PARAMS


def softmax_rows(dicts, T):
    out = []
    for d in dicts:
        k = np.fromiter(d.keys(), int, len(d))
        v = np.fromiter(d.values(), float, len(d)) / T
        v = np.exp(v - v.max())
        out.append((k, v / v.sum()))
    return out


def em_prior(dicts, n, T, iters=10):
    rows = [(np.fromiter(d.keys(), int, len(d)), np.fromiter(d.values(), float, len(d)) / T) for d in dicts]
    prior = np.full(n, 1.0 / n)
    for _ in range(iters):
        acc = np.zeros(n)
        for k, v in rows:
            x = v + np.log(prior[k])
            x = np.exp(x - x.max())
            acc[k] += x / x.sum()
        prior = (acc + 1e-3) / (acc + 1e-3).sum()
    return prior


def with_prior(dicts, idx, n, T, lam, source=None):
    """Each half's scores plus lam x log of the EM prior estimated on the other half's titles."""
    source = source or dicts
    out = list(dicts)
    for f in (0, 1):
        lp = np.log(em_prior([source[i] for i in idx[1 - f]], n, T))
        for i in idx[f]:
            out[i] = {k: v + lam * lp[k] for k, v in dicts[i].items()}
    return out


def with_neighbours(dicts, tv, idx, n, K, lam, T=0.05, source=None):
    """Each title's scores plus lam x the mean candidate posterior of its K nearest titles of the other half."""
    post = softmax_rows(source or dicts, T)
    out = list(dicts)
    for f in (0, 1):
        other = idx[1 - f]
        sims = tv[idx[f]] @ tv[other].T
        top = np.argpartition(-sims, K, axis=1)[:, :K]
        for r, i in enumerate(idx[f]):
            js, ws = other[top[r]], np.maximum(sims[r, top[r]], 0) ** 4
            acc = np.zeros(n)
            for j, w in zip(js, ws, strict=True):
                k, p = post[j]
                acc[k] += w * p
            acc /= max(ws.sum(), 1e-9)
            out[i] = {k: v + lam * acc[k] for k, v in dicts[i].items()}
    return out


def combine(base, cleaned_d, tv, idx, n, show) -> None:
    from titles_ideas import fuse
    for lam in (0.3, 0.5, 0.8):
        show(f"kNN K=20 lam={lam}", with_neighbours(base, tv, idx, n, 20, lam))
    b2 = fuse((1.0, base), (0.25, cleaned_d))
    show("raw + 0.25 clean", b2)
    for lam in (0.02, 0.03):
        show(f"raw + 0.25 clean, EM prior T=0.05 lam={lam}", with_prior(b2, idx, n, 0.05, lam, source=base))
    for lam in (0.2, 0.5, 0.8, 1.2):
        nb = with_neighbours(b2, tv, idx, n, 20, lam, source=base)
        show(f"raw + 0.25 clean, kNN lam={lam}", nb)
        for plam in (0.01, 0.02, 0.03):
            show(f"raw + 0.25 clean, kNN lam={lam}, EM lam={plam}", with_prior(nb, idx, n, 0.05, plam, source=base))


def main() -> None:
    parser = data_arguments(__doc__)
    parser.add_argument("--vectors", type=Path, default=Path("/tmp/titles_vectors.npz"))
    parser.add_argument("--base", type=Path, default=Path("/tmp/titles_base.pkl"))
    parser.add_argument("--combine", action="store_true")
    args = parser.parse_args()
    concepts = read_occupations(args.esco, hidden=False)
    titles, uris = read_title_gold(args.eval / "title-normalization" / "titles.validation.csv")
    fold = halves(titles)
    where = {c.id: i for i, c in enumerate(concepts)}
    gold = np.array([where.get(u, -1) for u in uris])
    memo = DiskMemo(Encoder(precision="int8"), args.vectors)
    tv = memo.encode(titles)
    if args.base.exists():
        base = pickle.loads(args.base.read_bytes())
    else:
        linker = ExpLinker(memo, TITLE_PARAMS, cache_dir=args.cache, namespace=("esco", "1.1.1", "titles"))
        linker.fit(concepts)
        base = as_dicts(rank_vectors(linker, titles, tv))
        args.base.write_bytes(pickle.dumps(base))
    clean_path = args.base.with_name(args.base.stem + "-clean.pkl")
    if clean_path.exists():
        cleaned_d = pickle.loads(clean_path.read_bytes())
    else:
        from titles_tried import clean_title
        linker = ExpLinker(memo, TITLE_PARAMS, cache_dir=args.cache, namespace=("esco", "1.1.1", "titles"))
        linker.fit(concepts)
        cleaned = [clean_title(t) for t in titles]
        cleaned_d = as_dicts(rank_vectors(linker, cleaned, memo.encode(cleaned)))
        memo.save()
        clean_path.write_bytes(pickle.dumps(cleaned_d))
    n = len(concepts)
    show = lambda name, d: print(line(name, d, gold, fold), flush=True)  # noqa: E731
    show("base", base)
    idx = [np.flatnonzero(fold == f) for f in (0, 1)]

    if args.combine:
        combine(base, cleaned_d, tv, idx, n, show)
        return
    # 1. occupation prior by EM over the other half's titles
    for T in (0.03, 0.05, 0.1):
        priors = [em_prior([base[i] for i in idx[1 - f]], n, T) for f in (0, 1)]
        for lam in (0.005, 0.01, 0.02, 0.04):
            out = list(base)
            for f in (0, 1):
                lp = np.log(priors[f])
                for i in idx[f]:
                    out[i] = {k: v + lam * lp[k] for k, v in base[i].items()}
            show(f"EM prior (other half) T={T} lam={lam}", out)

    # 2. each title's scores plus its nearest titles' candidate posteriors (other half only)
    for T in (0.05,):
        post = softmax_rows(base, T)
        for K in (5, 20):
            nbrs = {}
            for f in (0, 1):
                other = idx[1 - f]
                sims = tv[idx[f]] @ tv[other].T
                top = np.argpartition(-sims, K, axis=1)[:, :K]
                for r, i in enumerate(idx[f]):
                    nbrs[i] = (other[top[r]], sims[r, top[r]])
            for lam in (0.05, 0.1, 0.2):
                out = []
                for i, d in enumerate(base):
                    js, ws = nbrs[i]
                    ws = np.maximum(ws, 0) ** 4
                    acc = np.zeros(n)
                    for j, w in zip(js, ws, strict=True):
                        k, p = post[j]
                        acc[k] += w * p
                    acc /= max(ws.sum(), 1e-9)
                    out.append({k: v + lam * acc[k] for k, v in d.items()})
                show(f"title kNN (other half) K={K} lam={lam}", out)


if __name__ == "__main__":
    main()
