"""Static (not from the dev set) signals for title normalisation, each scored against the title
linker as written (`TITLE_PARAMS`) in the same run, overall and on the two halves of the dev titles
(`titles_tried.halves`). Every weight is picked on one half and checked on the other.

  PYTHONPATH=src python bench/titles_prior.py --cache <data dir>/embeddings [--work /tmp/titles_helper]

Ideas:
  onet, esco  static priors added to the linker's candidate scores (w x log prior, or w x feature):
            onet    how many O*NET 29.3 alternate / reported titles the title linker puts first on
                    each ESCO occupation (smoothed counts; soft: top-5 softmax shares);
            esco    ESCO structure: alternative labels, skill links (relations.zip), leaf occupations;
  bm25      word-level BM25 of the title against each occupation's labels, fused with the score;
  combo     leaf + O*NET prior (+ code depth, + BM25): small weight grids, picked on each half;
  final     the recommended formulas at fixed weights;
  brute     exact cosine over every title label instead of / besides the 48 IVF candidates, and BM25's
            top 16 occupations as extra candidates (needs combo for the priors on top);
  clean     the earlier sweep's raw + 0.25 x cleaned-title blend with the priors on top;
  parent    -w for a candidate one of whose narrower occupations is also a candidate;
  isco      the O*NET counts pooled over each occupation's ISCO unit group (needs combo).

  Commands used (each run after the first reuses --work): --ideas onet esco combo bm25 (first run),
  --ideas combo final clean, --ideas combo brute (3 min, 3.4 GB peak), --ideas combo parent, --ideas combo isco.

Title and O*NET vectors and the linker's candidate lists are kept under --work between runs."""

from __future__ import annotations

import csv
import io
import pickle
import re
import sys
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).parent))
from linking_bench import data_arguments
from titles_ideas import DiskMemo, ExpLinker, as_dicts, rank_vectors, read_occupations
from titles_onet import read_onet_titles
from titles_tried import halves

from trellis.embedding.encoder import Encoder
from trellis.skills.evaluation import read_title_gold
from trellis.skills.titles import TITLE_PARAMS

GRID = (0.0, 0.0025, 0.005, 0.01, 0.015, 0.02, 0.03, 0.04, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3)


# -- candidate lists as padded arrays ---------------------------------------------------------
class Cands:
    """Per title: candidate concept ids K (-1 pad) and scores S (-inf pad)."""

    def __init__(self, dicts: list[dict[int, float]]) -> None:
        m = max(len(d) for d in dicts)
        self.K = np.full((len(dicts), m), -1, np.int64)
        self.S = np.full((len(dicts), m), -np.inf)
        for i, d in enumerate(dicts):
            self.K[i, : len(d)] = list(d.keys())
            self.S[i, : len(d)] = list(d.values())
        self.valid = self.K >= 0

    def gather(self, values: np.ndarray) -> np.ndarray:
        """A per-concept vector, or a titles x concepts matrix, at each title's candidates."""
        at = np.maximum(self.K, 0)
        got = values[at] if values.ndim == 1 else np.take_along_axis(values, at, axis=1)
        return np.where(self.valid, got, 0.0)


def rr_of(c: Cands, S: np.ndarray, gold: np.ndarray) -> np.ndarray:
    """Reciprocal rank (0 past 10; ties count in the title's favour, as `titles_ideas.metrics`)."""
    hit = c.K == gold[:, None]  # noqa: SIM300
    has = hit.any(axis=1)
    g = np.where(has, S[np.arange(len(S)), hit.argmax(axis=1)], np.inf)
    rank = 1 + (S > g[:, None]).sum(axis=1)  # noqa: SIM300
    return np.where(has & (rank <= 10), 1.0 / rank, 0.0)


def summary(rr: np.ndarray, fold: np.ndarray) -> tuple[float, float, float, float]:
    return rr.mean(), (rr == 1).mean(), rr[fold == 0].mean(), rr[fold == 1].mean()


def fmt(name: str, rr: np.ndarray, fold: np.ndarray) -> str:
    m, r1, h0, h1 = summary(rr, fold)
    return f"{name:58} MRR {m:.4f} R@1 {r1:.4f} halves {h0:.4f} / {h1:.4f}"


def cross_pick(name: str, c: Cands, feature: np.ndarray, gold, fold, base_rr, grid=GRID, S0=None) -> dict:
    """S + w x feature for w in grid; w picked on each half, checked on the other."""
    S0 = c.S if S0 is None else S0
    rows = []
    for w in grid:
        rr = rr_of(c, S0 + w * feature, gold)
        rows.append((w, rr))
    h = [[rr[fold == f].mean() for _, rr in rows] for f in (0, 1)]
    b = [base_rr[fold == f].mean() for f in (0, 1)]
    w_on0, w_on1 = grid[int(np.argmax(h[0]))], grid[int(np.argmax(h[1]))]
    check1 = h[1][grid.index(w_on0)] - b[1]  # picked on half 0, gain on half 1
    check0 = h[0][grid.index(w_on1)] - b[0]
    both = check1 > 0 and check0 > 0
    for w, rr in rows:
        print("   " + fmt(f"{name} w={w}", rr, fold), flush=True)
    print(f"== {name}: w picked on half 0 = {w_on0} -> half 1 {check1:+.4f}; picked on half 1 = {w_on1} -> "
          f"half 0 {check0:+.4f}; both gain: {'yes' if both else 'no'}", flush=True)
    return {"name": name, "w0": w_on0, "w1": w_on1, "g1": check1, "g0": check0, "both": both,
            "rows": {w: summary(rr, fold) for w, rr in rows}}


COMBOS = [  # feature -> weights tried; every combination scored, the best picked on each half
    {"esco leaf": (0.0, 0.1, 0.15, 0.2, 0.25, 0.3), "bm25": (0.0, 0.1, 0.2, 0.3)},  # what trellis takes
    {"esco leaf": (0.1, 0.15, 0.2, 0.25), "onet all-top1 a=0.5": (0.0, 0.02, 0.03, 0.04, 0.05)},
    {"esco leaf": (0.1, 0.15, 0.2, 0.25), "onet rep-top1 a=0.5": (0.0, 0.02, 0.03, 0.04, 0.05)},
    {"esco leaf": (0.1, 0.15, 0.2, 0.25, 0.3), "onet all-top1 a=0.5": (0.0, 0.02, 0.03, 0.04, 0.05),
     "esco depth 1 (code x.y)": (0.0, 0.02, 0.04, 0.06, 0.08)},
    {"esco leaf": (0.1, 0.15, 0.2, 0.25), "onet all-top1 a=0.5": (0.0, 0.02, 0.03, 0.04),
     "esco depth 1 (code x.y)": (0.0, 0.02, 0.04, 0.06), "bm25": (0.0, 0.1, 0.2, 0.3)},
    {"esco leaf": (0.1, 0.15, 0.2, 0.25), "onet all-top1 a=0.5": (0.0, 0.02, 0.03, 0.04), "bm25": (0.0, 0.1, 0.2, 0.3)},
]


def grid_pick(spec: dict, c: Cands, features: dict, gold, fold, base_rr, show=()) -> dict:
    """Every combination of the weights in spec; the best on each half checked on the other."""
    import itertools
    names = list(spec)
    got = {k: c.gather(features[k]) for k in names}
    table = {}
    for ws in itertools.product(*(spec[k] for k in names)):
        S = c.S.copy()
        for k, w in zip(names, ws, strict=True):
            if w:
                S += w * got[k]
        table[ws] = rr_of(c, S, gold)
    keys = list(table)
    h = [[table[k][fold == f].mean() for k in keys] for f in (0, 1)]
    k0, k1 = keys[int(np.argmax(h[0]))], keys[int(np.argmax(h[1]))]
    g1 = table[k0][fold == 1].mean() - base_rr[fold == 1].mean()
    g0 = table[k1][fold == 0].mean() - base_rr[fold == 0].mean()
    name = " + ".join(names)
    print("   " + fmt(f"[{name}] picked on half 0: {k0}", table[k0], fold))
    print("   " + fmt(f"[{name}] picked on half 1: {k1}", table[k1], fold))
    for k in show:
        print("   " + fmt(f"[{name}] {k}", table[k], fold))
    print(f"== [{name}]: picked on half 0 {k0} -> half 1 {g1:+.4f}; picked on half 1 {k1} -> half 0 {g0:+.4f}; "
          f"both gain: {'yes' if g0 > 0 and g1 > 0 else 'no'}", flush=True)
    return {"name": name, "w0": k0, "w1": k1, "g1": g1, "g0": g0, "both": g0 > 0 and g1 > 0,
            "rows": {k: summary(table[k], fold) for k in (k0, k1)}}


# -- priors --------------------------------------------------------------------------------------
def onet_counts(linker, memo, onet_dir: Path, n: int, work: Path) -> dict[str, np.ndarray]:
    """Per ESCO occupation: how many O*NET titles the linker ranks it first for (and soft shares)."""
    path = work / "onet_links.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    sources = {}
    for name, column in (("Alternate Titles.txt", "Alternate Title"), ("Sample of Reported Titles.txt",
                                                                       "Reported Job Title")):
        with (onet_dir / name).open(encoding="utf-8") as handle:
            rows = [(r["O*NET-SOC Code"], r[column].strip()) for r in csv.DictReader(handle, delimiter="\t")
                    if r[column].strip()]
        sources[name.split()[0].lower()] = rows  # "alternate", "sample"
    socs = {code: title for code, (title, _) in read_onet_titles(onet_dir).items()}
    texts = sorted({t for rows in sources.values() for _, t in rows} | set(socs.values()))
    print(f"O*NET: {len(texts):,} distinct titles to link", flush=True)
    vecs = memo.encode(texts)
    memo.save()
    links = {}
    for a in range(0, len(texts), 4096):
        chunk = texts[a : a + 4096]
        for t, r in zip(chunk, rank_vectors(linker, chunk, vecs[a : a + 4096]), strict=True):
            order = np.argsort(-r.scores)[:5]
            links[t] = (r.concepts[order], r.scores[order])
        print(f"  linked {min(a + 4096, len(texts)):,}", flush=True)
    out = {}
    for src, rows in (("alt", sources["alternate"]), ("rep", sources["sample"]),
                      ("all", sources["alternate"] + sources["sample"])):
        hard, soft = np.zeros(n), np.zeros(n)
        for _, t in dict.fromkeys(rows):  # distinct (SOC, title) rows
            k, s = links[t]
            if len(k):
                hard[k[0]] += 1
                p = np.exp((s - s.max()) / 0.05)
                soft[k] += p / p.sum()
        out[f"{src}-top1"], out[f"{src}-soft"] = hard, soft
    path.write_bytes(pickle.dumps(out))
    return out


def esco_structure(esco: Path, concepts) -> dict[str, np.ndarray]:
    where = {c.id: i for i, c in enumerate(concepts)}
    n = len(concepts)
    alts = np.array([len(c.alt_labels) for c in concepts], float)
    with zipfile.ZipFile(esco / "relations.zip") as z:
        skills = np.zeros(n)
        essential = np.zeros(n)
        for r in csv.DictReader(io.TextIOWrapper(z.open("occupationSkillRelations.csv"), encoding="utf-8")):
            i = where.get(r["occupationUri"])
            if i is not None:
                skills[i] += 1
                essential[i] += r["relationType"] == "essential"
        narrower = np.zeros(n)
        for r in csv.DictReader(io.TextIOWrapper(z.open("broaderRelationsOccPillar.csv"), encoding="utf-8")):
            i = where.get(r["broaderUri"])
            if i is not None:
                narrower[i] += 1
    with zipfile.ZipFile(esco / "classification_en.zip") as z:
        name = next(x for x in z.namelist() if x.endswith("occupations_en.csv"))
        code = {r["conceptUri"]: r["code"] for r in csv.DictReader(io.TextIOWrapper(z.open(name), encoding="utf-8"))}
    depth = np.array([code[c.id].count(".") for c in concepts], float)  # 2512.4 -> 1, 2431.10.4 -> 2
    parent = np.full(n, -1)  # the broader occupation of each occupation (-1: an ISCO group)
    with zipfile.ZipFile(esco / "relations.zip") as z:
        for r in csv.DictReader(io.TextIOWrapper(z.open("broaderRelationsOccPillar.csv"), encoding="utf-8")):
            i, j = where.get(r["conceptUri"]), where.get(r["broaderUri"])
            if i is not None and j is not None:
                parent[i] = j
    return {"alts": alts, "skills": skills, "essential": essential, "leaf": (narrower == 0).astype(float),
            "depth": depth, "parent": parent}


# -- BM25 ----------------------------------------------------------------------------------------
_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def bm25_matrix(titles: list[str], concepts, k1=1.2, b=0.75) -> np.ndarray:
    """titles x occupations BM25 (each occupation one document: all its labels), float32."""
    vocab: dict[str, int] = {}
    rows, cols, vals = [], [], []
    lengths = np.zeros(len(concepts))
    for j, c in enumerate(concepts):
        tf = Counter(w for label in (c.label, *c.alt_labels) for w in words(label))
        lengths[j] = sum(tf.values())
        for w, f in tf.items():
            rows.append(j), cols.append(vocab.setdefault(w, len(vocab))), vals.append(f)
    tf = sp.csr_matrix((vals, (rows, cols)), shape=(len(concepts), len(vocab)), dtype=np.float64)
    df = np.bincount(tf.indices, minlength=len(vocab))
    idf = np.log(1 + (len(concepts) - df + 0.5) / (df + 0.5))
    norm = k1 * (1 - b + b * lengths / lengths.mean())
    tf = tf.tocoo()
    weight = tf.data * (k1 + 1) / (tf.data + norm[tf.row]) * idf[tf.col]
    doc = sp.csr_matrix((weight, (tf.row, tf.col)), shape=tf.shape)
    q_rows, q_cols = [], []
    for i, t in enumerate(titles):
        for w in set(words(t)):
            if w in vocab:
                q_rows.append(i), q_cols.append(vocab[w])
    q = sp.csr_matrix((np.ones(len(q_rows)), (q_rows, q_cols)), shape=(len(titles), len(vocab)))
    return np.asarray((q @ doc.T).todense(), dtype=np.float32)


# -- more candidates ---------------------------------------------------------------------------
def more_dicts(linker, titles, tv, name: str, work: Path, *, brute: int = 0, ivf: bool = True,
               extra: np.ndarray | None = None) -> list[dict[int, float]]:
    """The linker's re-ranking over: the IVF candidates (``ivf``), the n-gram candidates, the
    ``brute`` nearest labels by exact cosine over every label, and ``extra`` concepts per title."""
    path = work / f"{name}.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    from threadpoolctl import threadpool_limits
    table, p = linker.table_, linker.params
    allv = linker.index_.rows_of(np.arange(len(table.texts))).astype(np.float32) if brute else None
    lexical = linker.lexical_.search(titles, p.lexical_candidates)
    out = []
    with threadpool_limits(limits=1, user_api="blas"):
        for a in range(0, len(titles), 1024):
            q = tv[a : a + 1024].astype(np.float32)
            parts = [lexical[a : a + 1024]]
            if ivf:
                parts.append(linker.index_.search(q, p.candidates, probes=p.probes, per_cluster=p.per_cluster)[0])
            if brute:
                sims = q @ allv.T
                parts.append(np.argpartition(-sims, brute, axis=1)[:, :brute])
            if extra is not None:
                parts.append(table.starts[extra[a : a + 1024]])
            rows = np.concatenate(parts, axis=1)
            for r in range(len(q)):
                i = a + r
                ranked = linker._rerank_t(titles[i], q[r], rows[r])
                out.append(dict(zip(ranked.concepts.tolist(), ranked.scores.tolist(), strict=True)))
            print(f"  {name} {a + len(q):,}", flush=True)
    path.write_bytes(pickle.dumps(out))
    return out


def coverage(name, dicts, gold, fold):
    c = np.array([g in d for d, g in zip(dicts, gold, strict=True)])
    n = np.mean([len(d) for d in dicts])
    print(f"{name:58} gold among candidates {c.mean():.4f} (halves {c[fold == 0].mean():.4f} / "
          f"{c[fold == 1].mean():.4f}); {n:.1f} candidates per title", flush=True)


def main() -> None:
    parser = data_arguments(__doc__)
    parser.add_argument("--onet", type=Path, default=Path("../shared/data/onet-29.3"))
    parser.add_argument("--work", type=Path, default=Path("/tmp/titles_helper"))
    parser.add_argument("--ideas", nargs="+", default=["onet", "esco", "combo", "bm25", "brute"])
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    concepts = read_occupations(args.esco, hidden=False)
    n = len(concepts)
    titles, uris = read_title_gold(args.eval / "title-normalization" / "titles.validation.csv")
    fold = halves(titles)
    where = {c.id: i for i, c in enumerate(concepts)}
    gold = np.array([where.get(u, -1) for u in uris])
    print(f"{len(titles):,} titles, {(gold < 0).sum()} gold not in ESCO; halves {np.bincount(fold)}", flush=True)
    memo = DiskMemo(Encoder(precision="int8"), args.work / "vectors.npz")
    linker = ExpLinker(memo, TITLE_PARAMS, cache_dir=args.cache, namespace=("esco", "1.1.1", "titles")).fit(concepts)
    tv = memo.encode(titles)
    memo.save()
    base_path = args.work / "base.pkl"
    if base_path.exists():
        base = pickle.loads(base_path.read_bytes())
    else:
        base = as_dicts(rank_vectors(linker, titles, tv))
        base_path.write_bytes(pickle.dumps(base))
    c = Cands(base)
    base_rr = rr_of(c, c.S, gold)
    print(fmt("base: the title linker as written", base_rr, fold), flush=True)
    coverage("base", base, gold, fold)
    results = []
    ideas = set(args.ideas)

    def logprior(counts, alpha):
        p = (counts + alpha) / (counts.sum() + alpha * n)
        return np.log(p)

    priors = {}
    if "onet" in ideas or "combo" in ideas:
        counts = onet_counts(linker, memo, args.onet, n, args.work)
        for key, v in counts.items():
            print(f"O*NET {key}: {v.sum():.0f} titles on {(v > 0).sum()} occupations; top: " + ", ".join(
                f"{concepts[i].label} {v[i]:.0f}" for i in np.argsort(-v)[:6]), flush=True)
        gc = np.bincount(gold[gold >= 0], minlength=n)
        for key in ("all-top1", "all-soft", "rep-top1", "alt-top1"):
            v = counts[key]
            # how well does the prior track the gold frequencies? (diagnostic only, not used to pick)
            r = np.corrcoef(np.log1p(v), np.log1p(gc))[0, 1]
            print(f"  corr(log1p {key}, log1p gold count) = {r:.3f}", flush=True)
        for key in ("all-top1", "all-soft", "rep-top1", "alt-top1"):
            for alpha in (0.5, 2.0):
                lp = logprior(counts[key], alpha)
                priors[f"onet {key} a={alpha}"] = lp
        if "onet" in ideas:
            for name, lp in priors.items():
                results.append(cross_pick(f"prior {name}", c, c.gather(lp), gold, fold, base_rr))
    if "esco" in ideas or "combo" in ideas:
        s = esco_structure(args.esco, concepts)
        print(f"ESCO: alts mean {s['alts'].mean():.1f}, skills mean {s['skills'].mean():.1f}, leaves "
              f"{s['leaf'].sum():.0f}", flush=True)
        feats = {"esco log1p alts": np.log1p(s["alts"]), "esco log1p skills": np.log1p(s["skills"]),
                 "esco log1p essential": np.log1p(s["essential"]), "esco leaf": s["leaf"],
                 "esco depth 1 (code x.y)": (s["depth"] == 1).astype(float), "esco code depth": s["depth"]}
        if "esco" in ideas:
            for name, f in feats.items():
                grid = tuple(-w for w in GRID[:0:-1]) + GRID  # the sign is not known in advance
                results.append(cross_pick(name, c, c.gather(f), gold, fold, base_rr, grid=grid))
        priors.update(feats)
    if "combo" in ideas and "onet all-top1 a=0.5" in priors:
        bm = bm25_matrix(titles, concepts)
        priors["bm25"] = bm / np.maximum(bm.max(axis=1, keepdims=True), 1e-9)
        del bm
        for spec in COMBOS:
            results.append(grid_pick(spec, c, priors, gold, fold, base_rr))
    if "bm25" in ideas:
        bm = bm25_matrix(titles, concepts)
        f = c.gather(bm)
        results.append(cross_pick("bm25 (raw)", c, f, gold, fold, base_rr, grid=(*GRID, 0.5)))
        mx = np.maximum(bm.max(axis=1, keepdims=True), 1e-9)
        results.append(cross_pick("bm25 / title's best bm25", c, f / mx, gold, fold, base_rr, grid=(*GRID, 0.5)))
        del bm
    if "brute" in ideas:
        variants = [("brute48", {"brute": 48, "ivf": False}), ("ivf+brute48", {"brute": 48}),
                    ("ivf+brute200", {"brute": 200})]
        if "bm25" in priors:
            top_bm = np.argpartition(-priors["bm25"], 16, axis=1)[:, :16]
            variants.append(("ivf+bm25top16", {"extra": top_bm}))
        spec = {"esco leaf": (0.0, 0.1, 0.15, 0.2, 0.25), "onet all-top1 a=0.5": (0.0, 0.02, 0.03, 0.04, 0.05),
                "bm25": (0.0, 0.1, 0.2, 0.3)}
        for name, kw in variants:
            bd = more_dicts(linker, titles, tv, name, args.work, **kw)
            coverage(name, bd, gold, fold)
            cb = Cands(bd)
            rr = rr_of(cb, cb.S, gold)
            print(fmt(name, rr, fold), flush=True)
            d = [rr[fold == f].mean() - base_rr[fold == f].mean() for f in (0, 1)]
            print(f"== {name}: halves {d[0]:+.4f} / {d[1]:+.4f}; both gain: {'yes' if min(d) > 0 else 'no'}",
                  flush=True)
            results.append({"name": name, "rows": {None: summary(rr, fold)}, "g0": d[0], "g1": d[1]})
            if "bm25" in priors:
                results.append(grid_pick(spec | {}, cb, priors, gold, fold, base_rr))
    if "final" in ideas and "bm25" in priors:
        # the fixed formulas to implement, at one weight each (no picking here)
        for label, ws in (("leaf 0.2 + O*NET 0.04", {"esco leaf": 0.2, "onet all-top1 a=0.5": 0.04}),
                          ("leaf 0.2 + O*NET 0.04 + bm25 0.2", {"esco leaf": 0.2, "onet all-top1 a=0.5": 0.04,
                                                                 "bm25": 0.2}),
                          ("leaf 0.15 alone", {"esco leaf": 0.15}),
                          ("O*NET 0.04 alone", {"onet all-top1 a=0.5": 0.04})):
            S = c.S + sum(w * c.gather(priors[k]) for k, w in ws.items())
            print(fmt(f"final: {label}", rr_of(c, S, gold), fold), flush=True)
    if "clean" in ideas and "bm25" in priors:
        from titles_ideas import fuse
        from titles_tried import clean_title
        path = args.work / "clean.pkl"
        if path.exists():
            cd = pickle.loads(path.read_bytes())
        else:
            cleaned = [clean_title(t) for t in titles]
            cd = as_dicts(rank_vectors(linker, cleaned, memo.encode(cleaned)))
            memo.save()
            path.write_bytes(pickle.dumps(cd))
        fused = Cands(fuse((1.0, base), (0.25, cd)))
        rr = rr_of(fused, fused.S, gold)
        print(fmt("raw + 0.25 x cleaned (earlier sweep's blend)", rr, fold), flush=True)
        spec = {"esco leaf": (0.0, 0.1, 0.15, 0.2, 0.25, 0.3),
                "onet all-top1 a=0.5": (0.0, 0.02, 0.03, 0.04, 0.05, 0.06), "bm25": (0.0, 0.1, 0.2, 0.3)}
        results.append(grid_pick(spec, fused, priors, gold, fold, base_rr,
                                 show=[(0.2, 0.04, 0.2), (0.25, 0.05, 0.2), (0.2, 0.04, 0.0)]))
    if "parent" in ideas:
        # "prefer the more specific": -1 for a candidate one of whose narrower occupations is also a
        # candidate of the same title (only within the title's candidates, unlike the static leaf flag)
        parent = esco_structure(args.esco, concepts)["parent"]
        inner = np.zeros(c.K.shape)
        for i in range(len(c.K)):
            ks = c.K[i][c.valid[i]]
            ps = set(parent[ks].tolist())
            inner[i, : len(ks)] = [k in ps for k in ks]
        grid = GRID
        results.append(cross_pick("negative: a narrower occupation is also a candidate", c, -inner, gold, fold,
                                  base_rr, grid=grid))
        S0 = c.S + 0.2 * c.gather(priors["esco leaf"]) + 0.04 * c.gather(priors["onet all-top1 a=0.5"]) + \
            0.2 * c.gather(priors["bm25"])
        results.append(cross_pick("leaf 0.2 + O*NET 0.04 + bm25 0.2, then - w x narrower-is-candidate", c, -inner,
                                  gold, fold, rr_of(c, S0, gold), grid=grid, S0=S0))
    if "isco" in ideas and "bm25" in priors:
        # the O*NET counts pooled over the ESCO occupation's ISCO unit group (first 4 digits of its code)
        with zipfile.ZipFile(args.esco / "classification_en.zip") as z:
            name = next(x for x in z.namelist() if x.endswith("occupations_en.csv"))
            isco = {r["conceptUri"]: r["iscoGroup"] for r in csv.DictReader(io.TextIOWrapper(z.open(name),
                                                                                            encoding="utf-8"))}
        groups = {g: i for i, g in enumerate(sorted(set(isco.values())))}
        gid = np.array([groups[isco[c_.id]] for c_ in concepts])
        counts = onet_counts(linker, memo, args.onet, n, args.work)["all-top1"]
        gsum, gsize = np.bincount(gid, counts), np.bincount(gid)
        for mix in (0.5, 1.0):
            pooled = (1 - mix) * counts + mix * gsum[gid] / gsize[gid]
            priors[f"onet isco mix={mix}"] = logprior(pooled, 0.5)
            spec = {"esco leaf": (0.1, 0.15, 0.2, 0.25), f"onet isco mix={mix}": (0.0, 0.02, 0.03, 0.04, 0.05, 0.06),
                    "bm25": (0.0, 0.1, 0.2, 0.3)}
            results.append(grid_pick(spec, c, priors, gold, fold, base_rr, show=[(0.2, 0.04, 0.2)]))
    (args.work / "results.pkl").write_bytes(pickle.dumps(results))
    print("done", flush=True)


if __name__ == "__main__":
    main()
