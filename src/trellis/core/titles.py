"""Job titles as job ads write them -> the forms worth looking up. Pure: standard library only.

"Senior Accounts Payable - Korean Speaker", "KITCHEN ASSISTANT (Bangi)", "Account cum Admin
Executive", "IT Systems Engineer / Microsoft Systems Engineer": the occupation is in there, but
so are seniority, contract terms, places, languages and alternatives. `title_variants` gives the
cleaned title first, then each alternative it lists; a title normaliser scores every variant and
keeps each occupation's best."""

from __future__ import annotations

import re

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
