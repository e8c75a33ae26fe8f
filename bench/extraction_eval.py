"""Skill extraction quality: the semantic extractor (sentence spans scored with the skill linker)
against the lexical one (exact labels), in the same run, on public development data.

  PYTHONPATH=src python bench/extraction_eval.py [--esco ../shared/data/esco-1.1.1] [--eval ../shared/data/eval]

1. Skill sets per sentence (the skill-linking TECH / HOUSE validation sentences, built on
   SkillSpan, whose ESCO labels are known): precision = predicted skills that are gold / all
   predicted; recall = gold skills predicted / all gold; micro-averaged over sentences.
2. Spans (SkillSpan tech / house dev, CoNLL, skill and knowledge spans): a predicted mention is
   right when its evidence overlaps a gold span; recall = gold spans that some mention overlaps.
The semantic extractor's threshold is swept; the one picked on one split is scored on the other."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from linking_bench import data_arguments, read_esco_skills

from trellis.core.extraction import Label, LabelIndex, find_mentions
from trellis.embedding.encoder import Encoder
from trellis.extraction.service import SEMANTIC, SemanticParams, semantic_mentions
from trellis.skills.evaluation import read_skill_gold
from trellis.skills.linker import ConceptLinker
from trellis.skills.service import SKILL_PARAMS

THRESHOLDS = (1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9)


def read_conll(path: Path) -> list[tuple[str, list[tuple[int, int]]]]:
    """Sentences of a SkillSpan CoNLL file with their gold spans (skill or knowledge) as offsets."""
    out: list[tuple[str, list[tuple[int, int]]]] = []
    tokens: list[tuple[str, str, str]] = []
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.strip():
            parts = line.split("\t")
            tokens.append((parts[0], parts[1] if len(parts) > 1 else "O", parts[2] if len(parts) > 2 else "O"))
            continue
        if tokens:
            text, spans, offset = "", [], 0
            open_at: dict[int, int | None] = {1: None, 2: None}
            ends: dict[int, int] = {}
            for word, *tags in tokens:
                start = offset
                text += word + " "
                offset = len(text)
                for column, tag in enumerate(tags, start=1):
                    if tag.startswith("B-") or (tag.startswith("I-") and open_at[column] is None):
                        if open_at[column] is not None:
                            spans.append((open_at[column], ends[column]))
                        open_at[column] = start
                    elif tag == "O" and open_at[column] is not None:
                        spans.append((open_at[column], ends[column]))
                        open_at[column] = None
                    if open_at[column] is not None:
                        ends[column] = start + len(word)
            spans.extend((open_at[c], ends[c]) for c in (1, 2) if open_at[c] is not None)
            out.append((text.strip(), sorted(set(spans))))
        tokens = []
    return out


def lexical_index(concepts: list) -> LabelIndex:  # type: ignore[type-arg]
    labels = []
    for i, concept in enumerate(concepts):
        labels.append(Label(i, concept.label, True))
        labels.extend(Label(i, alt, False) for alt in concept.alt_labels)
    return LabelIndex(labels).fit()


def prf(tp: int, predicted: int, relevant_found: int, relevant: int) -> tuple[float, float, float]:
    p = tp / predicted if predicted else 0.0
    r = relevant_found / relevant if relevant else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> None:
    parser = data_arguments(__doc__)
    parser.add_argument("--precision", default="int8")
    args = parser.parse_args()

    concepts = read_esco_skills(args.esco)
    ids = [c.id for c in concepts]
    label_to_id = {c.label.lower(): c.id for c in concepts}
    index = lexical_index(concepts)
    linker = ConceptLinker(Encoder(precision=args.precision), SKILL_PARAMS, cache_dir=args.cache,
                           namespace=("esco", "1.1.1", "skills")).fit(concepts)

    print("1. skill sets per sentence (ESCO labels of the skill-linking validation sentences)")
    best_on: dict[str, float] = {}
    table: dict[tuple[str, str], tuple[float, float, float]] = {}
    for name in ("tech", "house"):
        sentences, gold, _ = read_skill_gold(args.eval / "skill-linking" / f"{name}_validation_annotations.csv",
                                             label_to_id)
        relevant = sum(len(g) for g in gold)
        lexical = [{ids[m.skill_id] for m in find_mentions(s, index)} for s in sentences]
        tp = sum(len(p & g) for p, g in zip(lexical, gold, strict=True))
        table[(name, "lexical")] = prf(tp, sum(len(p) for p in lexical), tp, relevant)
        for threshold in THRESHOLDS:
            chosen = SemanticParams(threshold=threshold, per_sentence=SEMANTIC.per_sentence)
            predicted = [{c for c, _ in semantic_mentions(linker, s, params=chosen)} | lex
                         for s, lex in zip(sentences, lexical, strict=True)]
            tp = sum(len(p & g) for p, g in zip(predicted, gold, strict=True))
            table[(name, f"semantic {threshold}")] = prf(tp, sum(len(p) for p in predicted), tp, relevant)
        best_on[name] = max(THRESHOLDS, key=lambda t, n=name: table[(n, f"semantic {t}")][2])
        for method in ["lexical", *(f"semantic {t}" for t in THRESHOLDS)]:
            p, r, f = table[(name, method)]
            print(f"  {name.upper():5} {method:14} P {p:.3f} R {r:.3f} F1 {f:.3f}")
    for held, other in (("tech", "house"), ("house", "tech")):
        t = best_on[other]
        print(f"  threshold picked on {other.upper()} = {t}: held-out {held.upper()} F1 "
              f"{table[(held, f'semantic {t}')][2]:.3f} (lexical {table[(held, 'lexical')][2]:.3f})")

    print("2. spans (SkillSpan dev: a mention is right when it overlaps a gold skill or knowledge span)")
    for name in ("tech", "house"):
        rows = read_conll(args.eval / "skillspan" / f"skillspan_{name}_dev.conll")
        for method in ("lexical", "semantic"):
            predicted = right = found = relevant = 0
            for text, spans in rows:
                mentions = [(m.start, m.end) for m in find_mentions(text, index)]
                if method == "semantic":
                    mentions += [(m.start, m.end) for _, m in semantic_mentions(linker, text)]
                mentions = sorted(set(mentions))
                predicted += len(mentions)
                right += sum(any(a < e and s < b for s, e in spans) for a, b in mentions)
                found += sum(any(a < e and s < b for a, b in mentions) for s, e in spans)
                relevant += len(spans)
            p, r, f = prf(right, predicted, found, relevant)
            print(f"  {name.upper():5} {method:9} P {p:.3f} R {r:.3f} F1 {f:.3f} "
                  f"({len(rows)} sentences, {relevant} gold spans, {predicted} mentions)")


if __name__ == "__main__":
    main()
