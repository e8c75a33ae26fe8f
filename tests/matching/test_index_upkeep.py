"""Keeping the matching index fresh without stalling requests: shortlists explain only the people
they show, a due fingerprint check keeps an unchanged index, and a slow-to-build index is
replaced in the background while the old one keeps answering."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from builders import make_marketplace
from trellis import memory
from trellis.config import Settings
from trellis.core.matching import Matcher
from trellis.db import make_engine
from trellis.matching import index, service
from trellis.models import Employee, Preferences


@pytest.fixture(autouse=True)
def _unfreeze() -> Iterator[None]:
    yield
    gc.unfreeze()  # a background rebuild freezes the heap for the garbage collector


@pytest.fixture
def org(session: Session) -> dict[str, Any]:
    return make_marketplace(session)


def test_someone_who_opted_out_since_the_index_was_built_is_left_out_and_few_people_are_explained(
        session: Session, match_settings: Settings, org: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    job = org["job"].external_id
    first = service.candidates(session, settings=match_settings, opportunity=job, k=1).results[0].employee
    asked: list[int] = []
    original = Matcher.candidates
    monkeypatch.setattr(Matcher, "candidates", lambda self, oid, k=50, filters=None: (
        asked.append(k), original(self, oid, k, filters))[1])
    person = org["alice"] if first == org["alice"].external_id else org["bob"]
    session.add(Preferences(employee_id=person.id, ai_opt_out=True))  # not marked: the index still has them
    session.flush()
    again = service.candidates(session, settings=match_settings, opportunity=job, k=1)
    assert [r.employee for r in again.results] != [first] and len(again.results) == 1
    assert asked == [1, 2]  # widened once, instead of asking for k + everyone who ever opted out


def test_a_due_fingerprint_check_on_unchanged_data_keeps_the_index(
        session: Session, match_settings: Settings, org: dict[str, Any]) -> None:
    index = service.get_index(session, settings=match_settings)
    index.checked_at = 0.0
    assert service.get_index(session, settings=match_settings) is index
    assert index.checked_at > 0.0


@pytest.fixture
def committed(fresh_db_url: str) -> Iterator[Engine]:
    engine = make_engine(fresh_db_url)
    with Session(engine) as s:
        make_marketplace(s)
        s.commit()
    yield engine
    engine.dispose()


def test_a_slow_index_is_rebuilt_in_the_background_while_the_old_one_answers(
        committed: Engine, match_settings: Settings) -> None:
    settings = match_settings.model_copy(update={"database_url": str(committed.url)})
    with Session(committed) as s:
        old = service.get_index(s, settings=settings)
        old.build_seconds = index.INLINE_REBUILD_SECONDS + 60  # as if it were a very large company
        service.mark_changed(s, everything=True)  # e.g. a bulk import: only a rebuild will do
        s.commit()
        assert service.get_index(s, settings=settings) is old  # answers at once, one change behind
        _join("rebuild-matching-index")
        fresh = service.get_index(s, settings=settings)
    assert fresh is not old and fresh.version > old.version


def _join(name: str) -> None:
    for thread in threading.enumerate():
        if thread.name == name:
            thread.join()


def test_an_unmarked_write_on_a_large_index_is_found_and_rebuilt_off_the_request(
        committed: Engine, match_settings: Settings) -> None:
    settings = match_settings.model_copy(update={"database_url": str(committed.url)})
    with Session(committed) as s:
        old = service.get_index(s, settings=settings)
        old.build_seconds = index.INLINE_REBUILD_SECONDS + 60
        s.execute(update(Employee).values(job_title="Platform engineer"))  # a bulk write, not marked
        s.commit()
        old.checked_at = 0.0  # the periodic check is due
        assert service.get_index(s, settings=settings) is old
        _join("check-matching-index")
        _join("rebuild-matching-index")
        assert service.get_index(s, settings=settings) is not old


def test_an_index_is_built_with_the_cyclic_collector_held_off_and_switched_back_on_after(
        session: Session, match_settings: Settings, org: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    original = index.load_people
    monkeypatch.setattr(index, "load_people", lambda *a, **kw: (seen.append(gc.isenabled()), original(*a, **kw))[1])
    built = index.build_index(session, settings=match_settings)
    assert seen == [False] and gc.isenabled()
    assert built.matcher.recommend(org["bob"].id, k=5)  # a working index all the same
    gc.disable()
    try:
        index.build_index(session, settings=match_settings)
        assert not gc.isenabled()  # a collector that was off stays off
    finally:
        gc.enable()


def test_warming_freezes_the_heap_and_hands_free_memory_back(
        session: Session, match_settings: Settings, org: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    trimmed: list[int] = []
    original = memory.give_back_free_memory
    monkeypatch.setattr(memory, "give_back_free_memory", lambda: (trimmed.append(gc.get_freeze_count()), original())[1])
    index.warm(session, settings=match_settings)
    assert len(trimmed) == 1 and trimmed[0] > 0  # after the freeze; and malloc_trim (or nothing) did not fail
