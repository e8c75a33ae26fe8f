"""A tiny deterministic encoder (hashed character trigrams) and a small hand-made taxonomy, so
the linker's plumbing is tested in milliseconds without the real model."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import pytest

from trellis.core.linking import Concept

DIM = 64


class TrigramEncoder:
    name = "trigram-test"

    def __init__(self) -> None:
        self.calls = 0
        self.texts_encoded = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        self.texts_encoded += len(texts)
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for row, text in enumerate(texts):
            padded = f"  {text.lower()}  "
            for i in range(len(padded) - 2):
                digest = hashlib.blake2b(padded[i : i + 3].encode(), digest_size=2).digest()
                out[row, int.from_bytes(digest, "little") % DIM] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return out / norms


SKILLS = [
    Concept("esco:python", "Python (computer programming)", ("Python", "python programming")),
    Concept("esco:postgres", "PostgreSQL", ("Postgres", "PostgreSQL database administration")),
    Concept("esco:stakeholders", "manage stakeholder relationships", ("stakeholder management",)),
    Concept("esco:budgets", "manage budgets", ("budget management", "budgeting"), broader=("esco:finance",)),
    Concept("esco:finance", "financial management", ("finance management",)),
    Concept("esco:java", "Java (computer programming)", ("Java",)),
    Concept("esco:javascript", "JavaScript", ("JS", "ECMAScript")),
]


@pytest.fixture
def encoder() -> TrigramEncoder:
    return TrigramEncoder()


@pytest.fixture
def concepts() -> list[Concept]:
    return list(SKILLS)
