"""Generate the demo organisation as batches of table rows, without touching a database.

Everything is a function of the seed (numpy ``SeedSequence`` split into independent streams:
job architecture, org shape, people, marketplace, learning, protected attributes, mentoring), the size and
the as-of date. Ids are assigned here from the offsets the caller passes, so rows can point at
each other before they are written; `trellis.demo.service` writes the batches."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

import numpy as np

from trellis.demo.architecture import Architecture, build_architecture
from trellis.demo.library import LibrarySkill
from trellis.demo.market import Market, learning_catalogue
from trellis.demo.mentoring import TABLES as MENTORING_TABLES
from trellis.demo.mentoring import Mentoring, MentoringOffsets
from trellis.demo.org import Org, build_org
from trellis.demo.people import People
from trellis.demo.picks import Picks

CHUNK_PEOPLE = 2_000
PEOPLE_TABLES = ("employees", "employee_skills", "job_history", "preferences", "target_roles",
                 "protected_attributes")


@dataclass
class Offsets:
    """The first free id of each table the generator assigns ids in."""

    job_families: int = 1
    roles: int = 1
    locations: int = 1
    org_units: int = 1
    employees: int = 1
    opportunities: int = 1
    learning_resources: int = 1
    mentor_profiles: int = 1
    mentee_requests: int = 1
    development_plans: int = 1


def streams(seed: int) -> dict[str, np.random.Generator]:
    # Appending a name keeps every earlier stream as it was (SeedSequence children are keyed by index).
    names = ("architecture", "org", "people", "market", "learning", "protected", "mentoring")
    return {n: np.random.default_rng(s) for n, s in zip(names, np.random.SeedSequence(seed).spawn(len(names)),
                                                       strict=True)}


@lru_cache(maxsize=4)
def architecture(seed: int, skill_ids: frozenset[str]) -> Architecture:
    """The job architecture for a seed (read-only once built, so it is cached)."""
    return build_architecture(streams(seed)["architecture"], set(skill_ids))


def generate(*, employees: int, seed: int, library: list[LibrarySkill], skill_ids: dict[str, int],
             offsets: Offsets | None = None, as_of: date | None = None,
             now: datetime | None = None) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Yield ``(table name, rows)`` batches in an order that respects every foreign key.

    ``as_of`` is the demo's "today" (default: the real today). Every date is placed relative to
    it and nothing else depends on it, so another as-of date shifts the dates and changes nothing
    else."""
    as_of = as_of or date.today()
    offsets = offsets or Offsets()
    now = now or datetime.now(UTC)
    rng = streams(seed)
    arch = architecture(seed, frozenset(skill_ids))
    org = build_org(arch, employees, rng["org"], offsets.org_units)
    yield from _structure(arch, org, offsets, skill_ids, now)
    role_ids = [offsets.roles + i for i in range(len(arch.roles))]
    office_ids = [offsets.locations + i for i in range(len(arch.offices))]
    labels = {s.id: s.label for s in library}
    people = People(arch, org, rng=rng["people"], protected_rng=rng["protected"], as_of=as_of,
                    first_id=offsets.employees, skill_ids=skill_ids, skill_labels=labels, role_ids=role_ids,
                    office_ids=office_ids)
    people.now = now
    people.picks = Picks(rng["mentoring"], {s for o in arch.offices for s in o.languages.values()} | {"english"})
    for start in range(0, org.size, CHUNK_PEOPLE):
        batch = people.rows(start, min(start + CHUNK_PEOPLE, org.size))
        for table in PEOPLE_TABLES:
            yield table, batch[table]
    market = Market(arch, org, people, rng=rng["market"], first_id=offsets.opportunities,
                    first_resource_id=offsets.learning_resources)
    rows = market.build()
    for table in ("opportunities", "opportunity_skills", "applications"):
        yield table, rows[table]
    related = {s.id: list(s.related) for s in library}
    for s in library:
        for r in s.related:
            related.setdefault(r, []).append(s.id)
    resources, links = learning_catalogue(rng["learning"], skill_ids=skill_ids, labels=labels, related=related,
                                          first_id=offsets.learning_resources, now=now)
    yield "learning_resources", resources
    yield "learning_skills", links
    mentoring = Mentoring(arch, org, people, people.picks, now=now, offsets=MentoringOffsets(
        offsets.mentor_profiles, offsets.mentee_requests, offsets.development_plans))
    rows = mentoring.build(resources, links)
    for table in MENTORING_TABLES:
        yield table, rows[table]


def _structure(arch: Architecture, org: Org, offsets: Offsets, skill_ids: dict[str, int],
               now: datetime) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    stamp = {"created_at": now, "updated_at": now}
    family_ids = {f: offsets.job_families + i for i, f in enumerate(arch.families)}
    yield "job_families", [{"id": fid, "external_id": f"FAM-{f}", "name": arch.families[f],
                            "description": f"The {arch.families[f]} job family.", **stamp}
                           for f, fid in family_ids.items()]
    roles: list[dict[str, Any]] = []
    reqs: list[dict[str, Any]] = []
    for i, role in enumerate(arch.roles):
        rid = offsets.roles + i
        core = ", ".join(q.skill for q in role.requirements if q.required)
        roles.append({"id": rid, "external_id": f"ROLE-{role.key}", "title": role.title,
                      "family_id": family_ids[role.family], "level": role.level,
                      "description": f"{role.title} ({arch.families[role.family]}, level {role.level}). "
                                     f"Requires: {core}.",
                      "occupation_id": None, "is_critical": role.is_critical, **stamp})
        reqs.extend({"role_id": rid, "skill_id": skill_ids[q.skill], "min_proficiency": q.min_level,
                     "required": q.required, "weight": q.weight} for q in role.requirements)
    yield "roles", roles
    yield "role_skills", reqs
    yield "locations", [{"id": offsets.locations + i, "external_id": f"LOC-{o.id}", "name": o.name,
                         "country": o.country, "timezone": o.timezone, **stamp} for i, o in enumerate(arch.offices)]
    yield "org_units", [{**u, **stamp} for u in org.units]
