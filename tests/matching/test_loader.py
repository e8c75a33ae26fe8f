"""Loading people for the matching index: equal held skills are one shared (frozen) object and
equal profile texts one shared read-only vector, so a large company's index is not held twice."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session

from builders import make_employee, make_marketplace
from trellis.config import Settings
from trellis.embedding.cache import VectorStore
from trellis.matching.encoders import CachedEncoder
from trellis.matching.loader import Context, load_people


class TitleEncoder:
    name = "titles"
    dim = 2

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        return np.array([[len(t), 1.0] for t in texts], dtype=np.float32)


def test_equal_held_skills_and_equal_profile_texts_are_shared_not_copied(
        session: Session, match_settings: Settings, tmp_path: Path) -> None:
    org = make_marketplace(session)
    python, postgres = org["skills"]["Python"], org["skills"]["PostgreSQL"]
    twin = make_employee(session, name="Carol", job_title="Data engineer", skills={python: 4, postgres: 2})
    other = make_employee(session, name="Dan", job_title="Data engineer", skills={python: 4})
    encoder = CachedEncoder(TitleEncoder(), VectorStore(tmp_path))
    people, _, _ = load_people(session, Context(session), settings=match_settings, encoder=encoder)
    by_id = {p.id: p for p in people}
    carol, dan, alice = by_id[twin.id], by_id[other.id], by_id[org["alice"].id]
    held = {s.skill: s for s in carol.skills}
    assert held[python.id] is dan.skills[0] and held[python.id] is {s.skill: s for s in alice.skills}[python.id]
    assert held[postgres.id].level == 2.0 and held[postgres.id] != {s.skill: s for s in alice.skills}[postgres.id]
    assert carol.text_vector is dan.text_vector and not carol.text_vector.flags.writeable
    assert np.array_equal(carol.text_vector, TitleEncoder().encode(["Data engineer"])[0])
