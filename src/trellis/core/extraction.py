"""Finding skill mentions in free text: longest non-overlapping matches of a taxonomy's labels
(preferred and alternative), with their character spans, and a proficiency suggestion where the
text around a mention supports one ("5 years of Python", "expert in SQL"). Pure: no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass

TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9+#./-]*[A-Za-z0-9+#]|[A-Za-z0-9]")
MAX_NGRAM = 6
SHORT_LABEL = 2  # labels this short must match the text's case exactly ("R", "Go", "C")

WORD_LEVELS = {
    "expert": 5, "mastery": 5, "guru": 5, "authority": 5, "native": 5, "bilingual": 5, "fluent": 4,
    "advanced": 4, "extensive": 4, "deep": 4, "strong": 4, "senior": 4, "lead": 4,
    "proficient": 3, "solid": 3, "experienced": 3, "good": 3, "hands-on": 3, "working": 3,
    "intermediate": 2, "some": 2, "familiar": 2, "familiarity": 2,
    "basic": 1, "beginner": 1, "exposure": 1, "learning": 1, "introductory": 1,
}
YEARS = re.compile(r"(\d{1,2})\s*\+?\s*(?:years?|yrs?)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Label:
    skill_id: int
    text: str
    preferred: bool


@dataclass(frozen=True)
class Mention:
    skill_id: int
    start: int
    end: int
    surface: str
    label: str
    confidence: float
    suggested_level: int | None


def normalise(text: str) -> str:
    return " ".join(t.lower() for t in TOKEN.findall(text))


class LabelIndex:
    """Normalised label → candidate skills. Built once per taxonomy; lookups are dict hits."""

    def __init__(self, labels: list[Label]) -> None:
        self.labels = labels

    def fit(self) -> LabelIndex:
        index: dict[str, list[Label]] = {}
        for label in self.labels:
            key = normalise(label.text)
            if key:
                index.setdefault(key, []).append(label)
        self.index_ = index
        self.max_tokens_ = min(MAX_NGRAM, max((k.count(" ") + 1 for k in index), default=1))
        return self

    def lookup(self, key: str) -> list[Label]:
        return self.index_.get(key, [])


def years_to_level(years: int) -> int:
    if years < 1:
        return 1
    if years < 3:
        return 2
    if years < 5:
        return 3
    if years < 8:
        return 4
    return 5


def suggest_level(text: str, start: int, end: int, window: int = 60) -> int | None:
    """A proficiency 1–5 when the words near a mention say how well the person knows it."""
    before = text[max(0, start - window) : start]
    after = text[end : end + window]
    near = re.split(r"[.;\n•]", before)[-1] + " " + re.split(r"[.;\n•]", after)[0]
    years = [int(m.group(1)) for m in YEARS.finditer(near)]
    if years:
        return years_to_level(max(years))
    words = [w.lower() for w in re.findall(r"[A-Za-z-]+", near)]
    levels = [WORD_LEVELS[w] for w in words if w in WORD_LEVELS]
    return max(levels) if levels else None


def find_mentions(text: str, index: LabelIndex, *, with_levels: bool = False) -> list[Mention]:
    """Longest-first, non-overlapping label matches in reading order."""
    tokens = [(m.group(0), m.start(), m.end()) for m in TOKEN.finditer(text)]
    mentions: list[Mention] = []
    i = 0
    while i < len(tokens):
        found = None
        for n in range(min(index.max_tokens_, len(tokens) - i), 0, -1):
            window = tokens[i : i + n]
            start, end = window[0][1], window[-1][2]
            surface = text[start:end]
            candidates = index.lookup(" ".join(t[0].lower() for t in window))
            candidates = [c for c in candidates if len(c.text) > SHORT_LABEL or c.text == surface]
            if candidates:
                found = (n, start, end, surface, candidates)
                break
        if found is None:
            i += 1
            continue
        n, start, end, surface, candidates = found
        skills = {c.skill_id for c in candidates}
        best = sorted(candidates, key=lambda c: (not c.preferred, c.skill_id))[0]
        confidence = (1.0 if best.preferred else 0.9) / len(skills)
        level = suggest_level(text, start, end) if with_levels else None
        for skill_id in sorted(skills):
            label = next(c for c in candidates if c.skill_id == skill_id)
            mentions.append(Mention(skill_id, start, end, surface, label.text, round(confidence, 3), level))
        i += n
    return mentions


SENTENCE_BREAK = re.compile(r"(?<=[.!?;])\s+|\n+|\s*[•·▪]\s*")
MAX_SENTENCE = 400  # characters: longer runs (tables, run-on lists) are cut into pieces


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of each sentence or bullet (at most `MAX_SENTENCE` characters), in order."""
    out: list[tuple[int, int]] = []
    start = 0
    for cut in [*(m.start() for m in SENTENCE_BREAK.finditer(text)), len(text)]:
        piece = text[start:cut]
        lead = len(piece) - len(piece.lstrip())
        first, last = start + lead, start + len(piece.rstrip())
        while last - first > MAX_SENTENCE:  # cut at the last space before the limit
            space = text.rfind(" ", first, first + MAX_SENTENCE)
            stop = space if space > first else first + MAX_SENTENCE
            out.append((first, stop))
            first = stop + 1
        if last - first >= 2:
            out.append((first, last))
        match = SENTENCE_BREAK.match(text, cut)
        start = match.end() if match else cut
    return out


def pick_semantic(scores: list[tuple[str, float, int, int]], *, threshold: float, per_sentence: int
                  ) -> list[tuple[str, float, int, int]]:
    """From one sentence's ``(concept, score, start, end)`` candidates, best first: those at or
    above ``threshold``, at most ``per_sentence``, one concept per evidence span."""
    kept: list[tuple[str, float, int, int]] = []
    spans: set[tuple[int, int]] = set()
    for item in sorted(scores, key=lambda s: -s[1]):
        if item[1] < threshold or len(kept) >= per_sentence:
            break
        if (item[2], item[3]) in spans:
            continue
        spans.add((item[2], item[3]))
        kept.append(item)
    return kept
