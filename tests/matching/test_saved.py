"""A worker that starts on unchanged data loads the matching index an earlier worker saved, and
never one built from anything else: other data, other matching code, another secret key, a
damaged file."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from builders import make_marketplace
from trellis.config import DEFAULT_SECRET_KEY, Settings
from trellis.matching import index, saved, service
from trellis.models import EmployeeSkill, JobHistory


@pytest.fixture(autouse=True)
def _unfreeze() -> Iterator[None]:
    yield
    gc.unfreeze()  # warming freezes the heap for the garbage collector


@pytest.fixture
def org(session: Session) -> dict[str, Any]:
    return make_marketplace(session)


@pytest.fixture
def settings(match_settings: Settings, tmp_path: Path) -> Settings:
    return match_settings.model_copy(update={"data_dir": tmp_path, "secret_key": "first key"})


def _save(session: Session, settings: Settings) -> index.MatchIndex:
    built = index.build_index(session, settings=settings)
    assert built.fingerprint is not None
    saved.save(built, settings=settings, stamp=saved.Stamp.of(
        model_version=built.model_version, version=built.version, fingerprint=index.saved_fingerprint(session)))
    return built


def _no_build(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    built: list[bool] = []
    original = index.build_index
    monkeypatch.setattr(index, "build_index", lambda session, *, settings: (built.append(True),
                                                                          original(session, settings=settings))[1])
    return built


def test_a_worker_starting_on_unchanged_data_loads_the_saved_index_and_ranks_as_the_built_one(
        session: Session, settings: Settings, org: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    job = org["job"].external_id
    before = service.candidates(session, settings=settings, opportunity=job, k=5).results
    _save(session, settings)
    service.reset_cache()
    built = _no_build(monkeypatch)
    after = service.candidates(session, settings=settings, opportunity=job, k=5).results
    assert built == []
    assert [(r.employee, r.score) for r in after] == [(r.employee, r.score) for r in before]


def test_a_saved_index_is_not_used_once_a_profile_changed(
        session: Session, settings: Settings, org: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    _save(session, settings)
    session.add(EmployeeSkill(employee_id=org["bob"].id, skill_id=org["skills"]["Kubernetes"].id, proficiency=3))
    session.flush()
    built = _no_build(monkeypatch)
    fresh = index.load_or_build(session, settings=settings)
    assert built == [True]
    bob = next(p for p in fresh.snapshot.people if p.id == org["bob"].id)
    assert org["skills"]["Kubernetes"].id in {s.skill for s in bob.skills}


@pytest.mark.parametrize("change", ["another secret key", "other matching code", "a cut-off file", "another day"])
def test_a_saved_index_is_not_loaded_from(change: str, session: Session, settings: Settings, org: dict[str, Any],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    built = _save(session, settings)
    stamp = saved.Stamp.of(model_version=built.model_version, version=built.version,
                           fingerprint=index.saved_fingerprint(session))
    assert saved.load(settings=settings, stamp=stamp) is not None
    if change == "another secret key":
        settings = settings.model_copy(update={"secret_key": "second key"})
    elif change == "other matching code":
        monkeypatch.setattr(saved, "_code", "0123456789abcdef")
        stamp = saved.Stamp.of(model_version=built.model_version, version=built.version,
                               fingerprint=index.saved_fingerprint(session))
    elif change == "a cut-off file":
        path = saved.file_for(settings)
        path.write_bytes(path.read_bytes()[:-100])
    else:
        stamp = saved.Stamp.of(model_version=built.model_version, version=built.version,
                               fingerprint=index.saved_fingerprint(session), day=saved.date(2001, 1, 1))
    assert saved.load(settings=settings, stamp=stamp) is None


def test_saving_leaves_one_whole_file_and_no_scratch_files(session: Session, settings: Settings,
                                                            org: dict[str, Any]) -> None:
    _save(session, settings)
    _save(session, settings)
    files = list((settings.data_dir / "matching").iterdir())
    assert files == [saved.file_for(settings)]
    assert files[0].read_bytes()[saved.HEADER_BYTES - 1:saved.HEADER_BYTES] == b"\n"


@pytest.fixture
def saving(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every build counts as slow; the save threads started, to wait for."""
    monkeypatch.setattr(index, "SAVE_AFTER_SECONDS", 0.0)
    index._SAVE_HERE.clear()  # as in a process no server has warmed (earlier tests may have)
    threads: list[Any] = []
    original = saved.save_in_background
    monkeypatch.setattr(saved, "save_in_background", lambda *a, **kw: threads.append(original(*a, **kw)))
    yield threads
    index._SAVE_HERE.clear()


def test_a_slow_build_is_saved_by_a_warming_server_unless_turned_off_or_under_the_default_key(
        session: Session, settings: Settings, org: dict[str, Any], saving: list[Any]) -> None:
    index.load_or_build(session, settings=settings)  # a CLI command: it may exit mid-save, so it never saves
    index.warm(session, settings=settings.model_copy(update={"match_save_index": False}))
    service.reset_cache()
    index.warm(session, settings=settings.model_copy(update={"secret_key": DEFAULT_SECRET_KEY}))
    assert saving == [] and not list(settings.data_dir.glob("matching/*"))
    service.reset_cache()
    index.warm(session, settings=settings)
    for thread in saving:
        thread.join(timeout=30)
    assert saved.file_for(settings).exists()


def test_a_saved_index_is_not_used_once_an_import_touched_only_job_history(
        session: Session, settings: Settings, org: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    _save(session, settings)
    session.add(JobHistory(employee_id=org["alice"].id, role_id=org["job"].role_id, start_date=date(2024, 1, 1),
                           move_type="lateral"))
    session.flush()
    built = _no_build(monkeypatch)
    index.load_or_build(session, settings=settings)
    assert built == [True]


def test_a_saved_file_that_cannot_be_unpickled_makes_the_worker_build_instead(
        session: Session, settings: Settings, org: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    _save(session, settings)
    monkeypatch.setattr(saved.pickle, "load", lambda source: (_ for _ in ()).throw(TypeError("a changed class")))
    built = _no_build(monkeypatch)
    assert index.load_or_build(session, settings=settings).from_disk is False
    assert built == [True]


def test_a_worker_that_loaded_the_saved_index_leaves_the_text_model_unloaded_until_a_new_text(
        session: Session, settings: Settings, org: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from trellis.matching.encoders import CachedEncoder

    loads: list[bool] = []
    monkeypatch.setattr(CachedEncoder, "load", lambda self: loads.append(True))
    index.warm(session, settings=settings)
    assert loads == [True]  # built here: the model is loaded for the first edited profile
    _save(session, settings)
    service.reset_cache()
    assert index.warm(session, settings=settings).from_disk
    assert loads == [True]


def test_saving_keeps_the_two_newest_configurations_of_a_database_and_leaves_other_databases_alone(
        session: Session, settings: Settings, org: dict[str, Any]) -> None:
    other_database = settings.model_copy(update={"database_url": "sqlite:///another-company"})
    _save(session, other_database)
    for weight in (0.1, 0.2, 0.3):
        _save(session, settings.model_copy(update={"match_weight_level": weight}))
    folder = settings.data_dir / "matching"
    kept = {p.name for p in folder.iterdir()}
    assert saved.file_for(other_database).name in kept
    assert {saved.file_for(settings.model_copy(update={"match_weight_level": w})).name for w in (0.2, 0.3)} < kept
    assert len(kept) == 3
