"""What was tried for title normalisation on the JobBERT development split, and did not help.

  PYTHONPATH=src python bench/titles_tried.py [--cache var/embeddings]

Links every dev title with the title linker (`trellis.skills.titles.TITLE_PARAMS`) as written,
cleaned (brackets, a trailing " - ...", seniority and contract words removed), the best of both,
their sum, and each with a prior for occupations with many labels (log(1 + labels) x w). Prints
MRR and R@1 overall and on two halves of the titles (by a hash) for each. See BENCHMARKS.md."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import sys
import zipfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from linking_bench import data_arguments
from linking_tune import Memo

from trellis.core.linking import Concept
from trellis.embedding.encoder import Encoder
from trellis.skills.evaluation import rank_scores, read_title_gold
from trellis.skills.linker import ConceptLinker
from trellis.skills.titles import TITLE_PARAMS

_BRACKETS = re.compile(r"\([^)]*\)?|\[[^\]]*\]?|\{[^}]*\}?")
_TAIL = re.compile(r"\s+(?:-|–|—|\||@|:)\s+.*$|\s*,.*$")  # " - Remote", " | London", ", Kuala Lumpur"
_ALTERNATIVES = re.compile(r"\s*/\s*|\s+cum\s+|\s+or\s+|\s*&\s*(?=[A-Z])", re.IGNORECASE)
_NOISE = re.compile(
    r"\b(?:senior|snr|sr|junior|jnr|jr|graduate|fresh|trainee|intern(?:ship)?|apprentice(?:ship)?|"
    r"part[- ]?time|full[- ]?time|temporary|temp|contract|permanent|freelance|remote|hybrid|urgent(?:ly)?|"
    r"hiring|vacancy|vacancies|for|immediate|start|needed|wanted|required|m/f/d|m/w/d|f/m/d|"
    r"i{1,3}|iv|[0-9]+)\b\.?",
    re.IGNORECASE,
)
_SPACE = re.compile(r"\s+")


def _strip(text: str) -> str:
    return _SPACE.sub(" ", _NOISE.sub(" ", text)).strip(" -–—|,.:;/&")


def clean_title(title: str) -> str:
    """The title without brackets, a trailing " - …" part, seniority and contract words (the
    trailing part is the title when the rest is only such words: "Internship - Developer")."""
    text = _BRACKETS.sub(" ", title)
    head = _TAIL.sub("", text)
    cleaned = _strip(head)
    if not cleaned:
        cleaned = _strip(text[len(head):])
    return cleaned or _SPACE.sub(" ", title).strip()


def _complete(parts: list[str]) -> list[str]:
    """Share the words alternatives leave out: "Product Executive/Manager" -> "Product Manager",
    "Sales & Marketing Executive" -> "Sales Executive"."""
    words = [p.split() for p in parts]
    out = []
    for i, part in enumerate(words):
        if len(part) == 1 and i > 0 and len(words[0]) > 1:
            part = [*words[0][:-1], *part]
        elif len(part) == 1 and i < len(words) - 1 and len(words[-1]) > 1:
            part = [*part, words[-1][-1]]
        out.append(" ".join(part))
    return out


def title_variants(title: str, *, limit: int = 4) -> list[str]:
    """The cleaned title, then each alternative it names ("A / B", "A cum B"), de-duplicated,
    at most ``limit``; never empty for a non-empty title."""
    whole = clean_title(title)
    parts = [p for p in (_strip(part) for part in _ALTERNATIVES.split(whole)) if p]
    out: list[str] = []
    for candidate in [whole, *(_complete(parts) if len(parts) > 1 else [])]:
        if candidate and candidate.lower() not in {o.lower() for o in out}:
            out.append(candidate)
    return out[:limit] or [title.strip()]


def halves(titles: list[str]) -> np.ndarray:
    """0 or 1 per title, by a hash of its text: the two folds of the dev titles."""
    return np.array([int(hashlib.sha1(t.encode()).hexdigest(), 16) % 2 for t in titles])


def read_esco_occupations(folder: Path) -> list[Concept]:
    with zipfile.ZipFile(folder / "classification_en.zip") as archive:
        name = next(n for n in archive.namelist() if n.endswith("occupations_en.csv"))
        rows = list(csv.DictReader(io.TextIOWrapper(archive.open(name), encoding="utf-8")))
    return [
        Concept(r["conceptUri"], r["preferredLabel"].strip(),
                tuple(a.strip() for a in r["altLabels"].split("\n") if a.strip() and a.strip() != r["preferredLabel"]),
                description=r["description"].strip())
        for r in rows
    ]


def main() -> None:
    parser = data_arguments(__doc__)
    args = parser.parse_args()
    concepts = read_esco_occupations(args.esco)
    titles, uris = read_title_gold(args.eval / "title-normalization" / "titles.validation.csv")
    fold = halves(titles)
    linker = ConceptLinker(Memo(Encoder(precision="int8")), TITLE_PARAMS, cache_dir=args.cache,
                           namespace=("esco", "1.1.1", "titles")).fit(concepts)
    nlabels = np.diff(np.append(linker.table_.starts, len(linker.table_.texts)))

    def evaluate(name: str, dicts: list[dict[int, float]], prior: float) -> None:
        lists = [[concepts[i].id for i, _ in sorted(d.items(), key=lambda kv: -(kv[1] + prior * np.log1p(
            nlabels[kv[0]])))[:10]] for d in dicts]
        rows = [rank_scores(r, {u}) for r, u in zip(lists, uris, strict=True)]
        m, r1 = np.array([r["MRR"] for r in rows]), np.array([r["R@1"] for r in rows])
        print(f"{name:20} prior={prior:<5} MRR {m.mean():.4f} R@1 {r1.mean():.4f} "
              f"(halves {m[fold == 0].mean():.4f} / {m[fold == 1].mean():.4f})", flush=True)

    plain = [{x.index: x.score for x in row} for row in linker.link(titles, 30)]
    cleaned = [{x.index: x.score for x in row} for row in linker.link([clean_title(t) for t in titles], 30)]
    pairs = list(zip(plain, cleaned, strict=True))
    best = [{i: max(a.get(i, -9.0), b.get(i, -9.0)) for i in a.keys() | b.keys()} for a, b in pairs]
    both = [{i: a.get(i, 0.0) + b.get(i, 0.0) for i in a.keys() | b.keys()} for a, b in pairs]
    for prior in (0.0, 0.02, 0.05, 0.1):
        for name, dicts in (("as written", plain), ("cleaned", cleaned), ("best of both", best), ("sum of both", both)):
            evaluate(name, dicts, prior)


if __name__ == "__main__":
    main()
