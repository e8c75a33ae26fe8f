"""The matching index of one database: built from it in a few bulk queries, cached per process,
and kept fresh.

Freshness: writers call ``mark_changed`` (one row in ``matching_changes``); every query compares
the highest change id with the one its index has applied and refreshes only the changed rows, so
every web worker converges on the same state. Bulk writes that forget to mark changes are caught
by a cheap fingerprint (row counts and last update times) checked every few seconds, which
triggers a full rebuild. The index is keyed by the database and the effective matching
configuration (Settings overlaid with the company's matching settings). On a large index (one
that took seconds to build) that check and any
rebuild run in a background thread while the current index keeps answering."""

from __future__ import annotations

import gc
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from trellis import memory
from trellis.config import Settings
from trellis.core.matching import Matcher
from trellis.core.rules import Rules
from trellis.core.scoring import Trust, Weights
from trellis.governance import service as governance
from trellis.matching import saved
from trellis.matching.encoders import get_encoder
from trellis.matching.loader import (
    Context,
    Snapshot,
    load_opportunities,
    load_people,
    load_skill_graph,
    load_transitions,
)
from trellis.models import (
    Employee,
    EmployeeSkill,
    JobHistory,
    Location,
    MatchingChange,
    Opportunity,
    OpportunitySkill,
    OpportunityVisibility,
    PerformancePlan,
    Preferences,
    Role,
    RoleSkill,
    SkillRelation,
    TargetRole,
)

log = logging.getLogger(__name__)
ENGINE_VERSION = "trellis-match/1"
FINGERPRINT_EVERY = 5.0  # seconds between fingerprint checks


_NOT_WHAT = {"match_warm_on_start", "match_save_index"}  # when and where to build, not what


def model_version(settings: Settings) -> str:
    """Engine version, encoder and a hash of every matching setting (weights, rules...) of
    ``settings``; pass the effective settings (``effective_settings``)."""
    knobs = {k: v for k, v in settings.model_dump().items()
             if k.startswith("match_") and k not in _NOT_WHAT}
    digest = hashlib.sha1(repr(sorted(knobs.items())).encode()).hexdigest()[:10]
    return f"{ENGINE_VERSION} {settings.match_text_encoder} {digest}"


def effective_settings(session: Session, *, settings: Settings) -> Settings:
    """The settings matching runs with: ``settings`` overlaid with the company's matching values."""
    return governance.matching_settings(session, settings=settings)


def make_matcher(settings: Settings) -> Matcher:
    weights = Weights(required_skills=settings.match_weight_required_skills,
                      preferred_skills=settings.match_weight_preferred_skills,
                      semantic=settings.match_weight_semantic, aspiration=settings.match_weight_aspiration,
                      career_move=settings.match_weight_career_move, level=settings.match_weight_level,
                      logistics=settings.match_weight_logistics)
    rules = Rules(min_months_in_role=settings.match_min_months_in_role, max_levels_up=settings.match_max_levels_up,
                  max_levels_down=settings.match_max_levels_down, exclude_own_team=settings.match_exclude_own_team,
                  exclude_open_performance_plan=settings.match_exclude_performance_plan,
                  enforce_visibility=settings.match_enforce_visibility)
    trust = Trust(self_declared=settings.match_trust_self_declared, inferred=settings.match_trust_inferred)
    return Matcher(weights, rules, trust, related_credit=settings.match_related_credit,
                   similarity_threshold=settings.match_similarity_threshold)


@dataclass
class MatchIndex:
    matcher: Matcher
    snapshot: Snapshot
    version: int
    fingerprint: tuple[Any, ...] | None  # None: to be taken afresh at the next check
    checked_at: float
    model_version: str
    employee_ids: dict[str, int]
    opportunity_ids: dict[str, int]
    build_seconds: float = 0.0
    from_disk: bool = False  # loaded from the file an earlier worker saved (`saved`)


_CACHE: OrderedDict[tuple[str, str], MatchIndex] = OrderedDict()
KEEP_PER_DATABASE = 2  # indexes kept per database: the configuration in effect and the one before
_LOCK = threading.Lock()
_REBUILDING: set[tuple[str, str]] = set()  # keys whose replacement is being built in the background
_CHECKING: set[tuple[str, str]] = set()  # keys whose fingerprint is being checked in the background
INLINE_REBUILD_SECONDS = 2.0  # an index that took longer to build is rebuilt in the background
SAVE_AFTER_SECONDS = 2.0  # an index that took longer to build is saved for the next worker (`saved`)


def reset_cache() -> None:
    """Forget every cached index (tests; after restoring a backup)."""
    with _LOCK:
        _CACHE.clear()


def current_version(session: Session) -> int:
    return int(session.scalar(select(func.max(MatchingChange.id))) or 0)


def fingerprint(session: Session) -> tuple[Any, ...]:
    row = []
    for model in (Employee, EmployeeSkill, Opportunity, Preferences):
        row += list(session.execute(select(func.count(), func.max(model.updated_at))).one())
    row.append(session.scalar(select(func.count()).select_from(OpportunitySkill)))
    return tuple(str(x) for x in row)


def saved_fingerprint(session: Session) -> tuple[str, ...]:
    """`fingerprint` and the other tables the index reads (history, plans, visibility, skill
    relations, targets, role skills by count and last id; roles and locations by count and last
    update): taken once when a saved index is written or considered, so a restart still picks up
    an import that touched only those (they are not in the check every few seconds)."""
    row: list[Any] = list(fingerprint(session))
    for model in (JobHistory, PerformancePlan, OpportunityVisibility, SkillRelation, TargetRole, RoleSkill):
        row += list(session.execute(select(func.count(), func.max(model.id))).one())
    for stamped in (Role, Location):
        row += list(session.execute(select(func.count(), func.max(stamped.updated_at))).one())
    return tuple(str(x) for x in row)


def mark_changed(session: Session, *, employee_ids: list[int] = (), opportunity_ids: list[int] = (),  # type: ignore[assignment]
                 everything: bool = False) -> int:
    """Tell every matching index that these rows changed; returns the new version."""
    rows = [MatchingChange(entity="employee", entity_id=i) for i in employee_ids]
    rows += [MatchingChange(entity="opportunity", entity_id=i) for i in opportunity_ids]
    if everything or not rows:
        rows.append(MatchingChange(entity="all", entity_id=None))
    session.add_all(rows)
    session.flush()
    return current_version(session)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Hold off the cyclic garbage collector while a build creates millions of objects that all
    stay alive (~2 million at 100,000 people): each of its full collections walked every one of
    them again, half of the build's time. Reference counting frees as usual meanwhile; the
    collector runs again (if it was on) when the last build running in the process is done."""
    global _PAUSED, _WAS_ENABLED
    with _PAUSE_LOCK:
        if _PAUSED == 0:
            _WAS_ENABLED = gc.isenabled()
            gc.disable()
        _PAUSED += 1
    try:
        yield
    finally:
        with _PAUSE_LOCK:
            _PAUSED -= 1
            if _PAUSED == 0 and _WAS_ENABLED:
                gc.enable()


_PAUSE_LOCK = threading.Lock()
_PAUSED = 0  # builds running now with the collector held off
_WAS_ENABLED = True


def build_index(session: Session, *, settings: Settings) -> MatchIndex:
    """Read everything matching needs in a few bulk queries and fit the matcher."""
    with collector_paused():
        return _build_index(session, settings=settings)


def _build_index(session: Session, *, settings: Settings) -> MatchIndex:
    started = time.perf_counter()
    version, fp = current_version(session), fingerprint(session)
    encoder = get_encoder(settings.match_text_encoder, data_dir=settings.data_dir)
    ctx = Context(session)
    people, emp_ext, names = load_people(session, ctx, settings=settings, encoder=encoder)
    opps, opp_ext, titles = load_opportunities(session, ctx, encoder=encoder)
    skill_ids = sorted({s.skill for p in people for s in p.skills} | {r.skill for o in opps for r in o.requirements}
                       | {i for p in people for i in p.interests})
    links, vectors, skill_labels = load_skill_graph(session, skill_ids, encoder)
    transitions = load_transitions(session) if settings.match_use_history_transitions else None
    labels = {"skill": skill_labels, "role": ctx.role_title, "family": ctx.family_names,
              "location": ctx.location_names}
    snap = Snapshot(people=people, opportunities=opps, skills=skill_ids, skill_vectors=vectors, links=links,
                    transitions=transitions, labels=labels, employee_ext=emp_ext, employee_names=names,
                    opportunity_ext=opp_ext, opportunity_titles=titles)
    matcher = make_matcher(settings).fit(opps, people, skills=skill_ids, skill_links=links, skill_vectors=vectors,
                                         transitions=transitions, labels=labels)
    seconds = time.perf_counter() - started
    log.info("matching index built in %.1f s: %d people, %d open opportunities, %s encoder",
             seconds, len(people), len(opps), encoder.name)
    return MatchIndex(matcher=matcher, snapshot=snap, version=version, fingerprint=fp, checked_at=time.monotonic(),
                      model_version=model_version(settings), employee_ids={v: k for k, v in emp_ext.items()},
                      opportunity_ids={v: k for k, v in opp_ext.items()}, build_seconds=seconds)


def load_or_build(session: Session, *, settings: Settings) -> MatchIndex:
    """The index saved by an earlier worker when it was built from exactly what the database
    holds now (`trellis.matching.saved`), else a fresh build, saved in the background when it
    was slow to build. ``settings`` are the effective ones."""
    before = _state_before_build(session, settings)
    if before is not None:  # any process may load (no file: None at once); only servers save
        started = time.perf_counter()
        with collector_paused():
            index = saved.load(settings=settings, stamp=saved.Stamp.of(
                model_version=model_version(settings), version=current_version(session), fingerprint=before[1],
                day=before[0]))
        if index is not None:
            index.checked_at, index.from_disk = time.monotonic(), True
            log.info("matching index loaded in %.1f s (saved by an earlier worker; built in %.1f s): %d people",
                     time.perf_counter() - started, index.build_seconds, len(index.snapshot.people))
            return index
    index = build_index(session, settings=settings)
    _save_if_slow(index, settings, before)
    return index


_SAVE_HERE = threading.Event()  # set by `warm`: a long-lived server saves; a CLI run may exit mid-save


def _state_before_build(session: Session, settings: Settings) -> tuple[date, tuple[str, ...]] | None:
    """The day and `saved_fingerprint` a saved index is stamped with, read before building (so a
    write during the build makes the file stale, never wrong); None where nothing is saved or
    loaded (turned off, the default key, or a process that does not save and finds no file)."""
    if not saved.usable(settings) or not (_SAVE_HERE.is_set() or saved.file_for(settings).exists()):
        return None
    return date.today(), saved_fingerprint(session)


def _save_if_slow(index: MatchIndex, settings: Settings, before: tuple[date, tuple[str, ...]] | None) -> None:
    """Save a slow build for the next worker, stamped with the state read before it was built."""
    if before is not None and _SAVE_HERE.is_set() and index.build_seconds >= SAVE_AFTER_SECONDS:
        saved.save_in_background(index, settings=settings, stamp=saved.Stamp.of(
            model_version=index.model_version, version=index.version, fingerprint=before[1], day=before[0]))


def _remember(key: tuple[str, str], index: MatchIndex) -> MatchIndex:
    """Cache ``index`` (the caller holds the lock); older configurations of the same database
    beyond the last few are dropped."""
    _CACHE[key] = index
    _CACHE.move_to_end(key)
    for old in [k for k in _CACHE if k[0] == key[0]][:-KEEP_PER_DATABASE]:
        del _CACHE[old]
    return index


def get_index(session: Session, *, settings: Settings) -> MatchIndex:
    """The cached index for this database and these settings, refreshed to the latest version.

    Marked changes are applied on the request that first sees them. The fingerprint check (a few
    hundred ms on a large database) and any full rebuild of a large index run in a background
    thread while the current index keeps answering; a small index (tests, small companies) or a
    session bound to one connection does both at once, on the request.

    ``settings`` are the deployment's; the company's matching values are applied here."""
    settings = effective_settings(session, settings=settings)
    key = (settings.database_url, model_version(settings))
    with _LOCK:
        index = _CACHE.get(key)
        if index is None:
            return _remember(key, load_or_build(session, settings=settings))
        _CACHE.move_to_end(key)
        if key in _REBUILDING:
            return index
        due = time.monotonic() - index.checked_at > FINGERPRINT_EVERY
        if due:
            index.checked_at = time.monotonic()
    version = current_version(session)
    if version > index.version:
        with _LOCK:
            index = _CACHE.get(key, index)
            if key in _REBUILDING or version <= index.version:
                return index
            if not _apply_changes(session, index, settings, version):
                return _rebuild(session, key, settings)
            index.fingerprint = None  # it now includes these writes: take it afresh
            due = True
    if due:
        engine = _background(session, index)
        if engine is None:
            _check(session, key, index, settings)
        else:
            with _LOCK:
                start = key not in _CHECKING
                _CHECKING.add(key)
            if start:
                threading.Thread(target=_check_in_background, args=(engine, key, index, settings),
                                 name="check-matching-index", daemon=True).start()
    return _CACHE.get(key, index)


def _background(session: Session, index: MatchIndex) -> Engine | None:
    """The engine to do slow upkeep with in another thread, or None to do it now."""
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) and index.build_seconds >= INLINE_REBUILD_SECONDS else None


def _check(session: Session, key: tuple[str, str], index: MatchIndex, settings: Settings) -> None:
    """Compare the fingerprint: a change that no marked change explains means rows were written
    without ``mark_changed`` (a bulk load), and only a rebuild will do."""
    version, fp = current_version(session), fingerprint(session)
    with _LOCK:
        if _CACHE.get(key) is not index or version != index.version or key in _REBUILDING:
            return  # replaced, or further changes came in: the next query takes it from there
        if index.fingerprint is None:
            index.fingerprint = fp
        elif fp != index.fingerprint:
            _rebuild(session, key, settings)


def _check_in_background(engine: Engine, key: tuple[str, str], index: MatchIndex, settings: Settings) -> None:
    try:
        with Session(engine) as session:
            _check(session, key, index, settings)
    except Exception:  # the next due check tries again
        log.exception("checking the matching index failed")
    finally:
        with _LOCK:
            _CHECKING.discard(key)


def _rebuild(session: Session, key: tuple[str, str], settings: Settings) -> MatchIndex:
    """Replace the index (the caller holds the lock): at once if it builds quickly, else in the
    background while the current one keeps answering (rebuilding 100,000 people takes a minute)."""
    index = _CACHE[key]
    engine = _background(session, index)
    if engine is None:
        return _remember(key, build_index(session, settings=settings))
    _REBUILDING.add(key)
    threading.Thread(target=_rebuild_in_background, args=(engine, key, settings), name="rebuild-matching-index",
                     daemon=True).start()
    return index


def _rebuild_in_background(engine: Engine, key: tuple[str, str], settings: Settings) -> None:
    try:
        with Session(engine) as session:
            before = _state_before_build(session, settings)
            fresh = build_index(session, settings=settings)
        _save_if_slow(fresh, settings, before)
        with _LOCK:
            if key in _CACHE:  # not dropped for a newer configuration meanwhile
                _CACHE[key] = fresh
        _exempt_from_gc()
    except Exception:  # the next query that finds the index stale tries again
        log.exception("rebuilding the matching index failed")
    finally:
        with _LOCK:
            _REBUILDING.discard(key)


def warm(session: Session, *, settings: Settings) -> MatchIndex:
    """Build (or load) the index now and, when it was built, load the text model, so that neither
    the first query nor the first edited profile (a text never seen) waits for them. A saved
    index has every current text's vector: the model (0.2 s to map) loads on the first new text."""
    _SAVE_HERE.set()
    index = get_index(session, settings=settings)
    if not index.from_disk:  # a saved index holds every text's vector: the model may never be needed
        get_encoder(settings.match_text_encoder, data_dir=settings.data_dir).load()
    _exempt_from_gc()
    return index


def _exempt_from_gc() -> None:
    """Put everything alive now, chiefly the index just built (~2 million objects at 100,000
    people), out of the cyclic garbage collector's reach: each full collection walked them for
    about a second, stalling every request of the worker. Reference counting still frees them
    when the index is replaced. For long-lived servers only (warm-up, background rebuilds).
    Then the C heap hands the pages the build's temporary rows left free back to the system
    (glibc keeps them otherwise: 70-110 MB per worker at 100,000 people)."""
    gc.collect()
    gc.freeze()
    memory.give_back_free_memory()


def _apply_changes(session: Session, index: MatchIndex, settings: Settings, version: int) -> bool:
    """Refresh the changed rows in place; False when only a rebuild will do."""
    changes = session.execute(select(MatchingChange.entity, MatchingChange.entity_id)
                              .where(MatchingChange.id > index.version, MatchingChange.id <= version)).all()
    if len(changes) > 500 or any(entity == "all" for entity, _ in changes):
        return False
    employees = sorted({i for e, i in changes if e == "employee" and i is not None})
    opportunities = sorted({i for e, i in changes if e == "opportunity" and i is not None})
    encoder = get_encoder(settings.match_text_encoder, data_dir=settings.data_dir)
    ctx, m, snap = Context(session), index.matcher, index.snapshot
    if employees:
        people, ext, names = load_people(session, ctx, settings=settings, encoder=encoder, ids=employees)
        for p in people:
            if not m.update_person(p):
                return False
        for i in set(employees) - {p.id for p in people}:
            m.remove_person(i)
        snap.employee_ext.update(ext)
        snap.employee_names.update(names)
        index.employee_ids.update({v: k for k, v in ext.items()})
    if opportunities:
        opps, ext, titles = load_opportunities(session, ctx, encoder=encoder, ids=opportunities)
        for o in opps:
            if not m.update_opportunity(o):
                return False
        for i in set(opportunities) - {o.id for o in opps}:
            m.remove_opportunity(i)
        snap.opportunity_ext.update(ext)
        snap.opportunity_titles.update(titles)
        index.opportunity_ids.update({v: k for k, v in ext.items()})
    index.version = version
    return True
