"""Tried for title normalisation: O*NET's alternate and reported job titles as extra titles of
ESCO occupations, without a SOC -> ISCO crosswalk (``../shared/data`` holds none).

  PYTHONPATH=src python bench/titles_onet.py [--cache var/embeddings] [--onet ../shared/data/onet-29.3]

Each O*NET occupation gets its ``--per-soc`` best ESCO occupations by the title linker (its title
as the query); each of its alternate/reported titles then goes to the one of those the linker
ranks highest for that title. The extended occupations are indexed again and the JobBERT dev
titles scored, overall and on the two halves (by a hash), against the plain linker."""

from __future__ import annotations

import csv
import dataclasses
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from linking_bench import data_arguments
from linking_tune import Memo
from titles_tried import halves, read_esco_occupations
from titles_tune import title_scores

from trellis.embedding.encoder import Encoder
from trellis.skills.evaluation import read_title_gold
from trellis.skills.linker import ConceptLinker
from trellis.skills.titles import TITLE_PARAMS


def read_onet_titles(folder: Path) -> dict[str, tuple[str, list[str]]]:
    """O*NET-SOC code -> (title, alternate and reported titles)."""
    out: dict[str, tuple[str, list[str]]] = {}
    for name, column in (("Alternate Titles.txt", "Alternate Title"), ("Sample of Reported Titles.txt",
                                                                       "Reported Job Title")):
        with (folder / name).open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                _title, alternates = out.setdefault(row["O*NET-SOC Code"], (row["Title"], []))
                if row[column].strip():
                    alternates.append(row[column].strip())
    return out


def main() -> None:
    parser = data_arguments(__doc__)
    parser.add_argument("--onet", type=Path, default=Path("../shared/data/onet-29.3"))
    parser.add_argument("--per-soc", type=int, nargs="+", default=[1, 3])
    args = parser.parse_args()
    concepts = read_esco_occupations(args.esco)
    titles, uris = read_title_gold(args.eval / "title-normalization" / "titles.validation.csv")
    fold = halves(titles)
    encoder = Memo(Encoder(precision="int8"))
    plain = ConceptLinker(encoder, TITLE_PARAMS, cache_dir=args.cache, namespace=("esco", "1.1.1", "titles"))
    plain.fit(concepts)
    print(f"{'ESCO titles only':40} {title_scores(plain, titles, uris, fold)}", flush=True)
    onet = read_onet_titles(args.onet)
    soc_titles = [title for title, _ in onet.values()]
    soc_links = plain.link(soc_titles, max(args.per_soc))
    for per_soc in args.per_soc:
        extra: dict[int, list[str]] = defaultdict(list)
        for (_, alternates), links in zip(onet.values(), soc_links, strict=True):
            allowed = {x.index for x in links[:per_soc]}
            if not alternates or not allowed:
                continue
            for alternate, ranked in zip(alternates, plain.link(alternates, 30), strict=True):
                best = next((x.index for x in ranked if x.index in allowed), min(allowed))
                extra[best].append(alternate)
        extended = [dataclasses.replace(c, alt_labels=(*c.alt_labels, *extra.get(i, ()))) for i, c in
                    enumerate(concepts)]
        added = sum(len(v) for v in extra.values())
        linker = ConceptLinker(encoder, TITLE_PARAMS, cache_dir=args.cache,
                               namespace=("esco+onet", "1.1.1", f"titles-{per_soc}")).fit(extended)
        name = f"+ {added:,} O*NET titles, {per_soc} ESCO per SOC"
        print(f"{name:40} {title_scores(linker, titles, uris, fold)}", flush=True)


if __name__ == "__main__":
    main()
