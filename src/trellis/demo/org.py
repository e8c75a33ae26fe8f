"""The demo company's shape: the org unit tree (company → divisions → departments → areas →
teams) and one position per employee (role, org unit, manager, office), ordered so that every
manager comes before their reports."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from trellis.demo.architecture import Architecture, Department, read_spec
from trellis.errors import Invalid

COMPANY = "Larkspur Systems"
SPAN = 8  # most teams or areas one manager leads
MEMBER_LEVELS = np.array([1, 2, 3, 4, 5])
LEVEL_SHARES = np.array([0.14, 0.32, 0.30, 0.16, 0.08])
TEAM_WORDS = (
    "Aurora", "Beacon", "Cedar", "Delta", "Ember", "Falcon", "Granite", "Harbor", "Indigo", "Juniper", "Kestrel",
    "Lumen", "Meridian", "Nimbus", "Onyx", "Pioneer", "Quartz", "Redwood", "Summit", "Tidal", "Umbra", "Vertex",
    "Willow", "Xenon", "Yarrow", "Zephyr", "Atlas", "Bramble", "Comet", "Drift", "Echo", "Fjord", "Glacier",
    "Horizon", "Iris", "Jade", "Keystone", "Lagoon", "Maple", "Nova", "Orbit", "Prism", "Quill", "Ridge",
    "Sierra", "Tundra", "Unity", "Vista", "Wren", "Yukon",
)


@dataclass
class Org:
    units: list[dict[str, Any]] = field(default_factory=list)
    role: list[int] = field(default_factory=list)
    unit: list[int] = field(default_factory=list)
    manager: list[int] = field(default_factory=list)  # position index of the manager, -1 for the root
    office: list[int] = field(default_factory=list)
    depth: list[int] = field(default_factory=list)
    title: list[str] = field(default_factory=list)
    is_member: list[bool] = field(default_factory=list)  # in a team, managing nobody
    track_teams: dict[str, list[int]] = field(default_factory=dict)  # track -> team unit ids
    family_teams: dict[str, list[int]] = field(default_factory=dict)
    family_heads: dict[str, list[int]] = field(default_factory=dict)  # department and area unit ids
    division_units: list[int] = field(default_factory=list)
    team_manager: dict[int, int] = field(default_factory=dict)  # team unit id -> position index

    @property
    def size(self) -> int:
        return len(self.role)


def minimum_size(arch: Architecture) -> int:
    departments = sum(len(d.departments) for d in arch.divisions)
    return 1 + len(arch.divisions) + departments * 4


def minimum_employees() -> int:
    """The smallest demo organisation: every department with a head and a team of three."""
    divisions = read_spec()["divisions"]
    return 1 + len(divisions) + sum(len(d["departments"]) for d in divisions) * 4


class _Builder:
    def __init__(self, arch: Architecture, rng: np.random.Generator, first_unit_id: int) -> None:
        self.arch, self.rng, self.org = arch, rng, Org()
        self.next_unit = first_unit_id
        weights = np.array([o.weight for o in arch.offices])
        self.office_p = weights / weights.sum()

    def unit(self, ext: str, name: str, parent: int | None, cost_center: str | None = None) -> int:
        uid = self.next_unit
        self.next_unit += 1
        self.org.units.append({"id": uid, "external_id": ext, "name": name, "parent_id": parent,
                               "cost_center": cost_center})
        return uid

    def position(self, role: int, unit: int, manager: int, office: int, depth: int, title: str,
                 member: bool = False) -> int:
        org = self.org
        org.role.append(role)
        org.unit.append(unit)
        org.manager.append(manager)
        org.office.append(office)
        org.depth.append(depth)
        org.title.append(title)
        org.is_member.append(member)
        return len(org.role) - 1

    def any_office(self) -> int:
        return int(self.rng.choice(len(self.office_p), p=self.office_p))


def build_org(arch: Architecture, n: int, rng: np.random.Generator, first_unit_id: int) -> Org:
    if n < minimum_size(arch):
        raise Invalid(f"the demo organisation needs at least {minimum_size(arch)} employees, not {n}")
    b = _Builder(arch, rng, first_unit_id)
    departments = [d for div in arch.divisions for d in div.departments]
    fixed = 1 + len(arch.divisions) + len(departments)
    shares = np.array([d.share for d in departments])
    headcount = _allocate(n - fixed, shares / shares.sum())
    company = b.unit("OU-COMPANY", COMPANY, None)
    ceo = b.position(arch.role_index["ceo"], company, -1, 0, 0, "Chief Executive Officer")
    k = 0
    for div in arch.divisions:
        div_unit = b.unit(f"OU-{div.id.upper()}", div.name, company)
        b.org.division_units.append(div_unit)
        vp = b.position(arch.role_index["vp"], div_unit, ceo, b.any_office(), 1, f"Vice President, {div.name}")
        for dept in div.departments:
            _department(b, dept, div_unit, vp, int(headcount[k]), k)
            k += 1
    return _ordered(b.org)


def _allocate(total: int, shares: np.ndarray) -> np.ndarray:
    """Split ``total`` by ``shares`` (largest remainder), each part at least 3."""
    raw = shares * total
    parts: np.ndarray = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - parts))[: total - parts.sum()]:
        parts[i] += 1
    while (parts < 3).any():
        parts[np.argmin(parts)] += 1
        parts[np.argmax(parts)] -= 1
    return parts


def _areas(teams: int) -> int:
    if teams <= SPAN:
        return 0
    k = math.ceil(teams / SPAN)
    return k + sum(_areas(len(part)) for part in np.array_split(np.arange(teams), k))


def _department(b: _Builder, dept: Department, parent: int, vp: int, heads: int, k: int) -> None:
    arch, org = b.arch, b.org
    unit = b.unit(f"OU-{dept.id.upper()}", dept.name, parent, cost_center=f"CC-{100 + k}")
    director = arch.director_role(dept.family)
    head = b.position(director, unit, vp, b.any_office(), 2, arch.roles[director].title)
    org.family_heads.setdefault(dept.family, []).append(unit)
    teams = max(1, round(heads / 8.5))
    while teams > 1 and heads - teams - _areas(teams) < 2 * teams:
        teams -= 1
    members = heads - teams - _areas(teams)
    sizes = 1 + b.rng.multinomial(members - teams, np.full(teams, 1 / teams))
    tracks = list(dept.tracks)
    track_p = np.array(list(dept.tracks.values()))
    track_p /= track_p.sum()
    counter = iter(range(10**9))
    areas = iter(range(1, 10**9))
    team_units: list[tuple[int, int, int]] = []

    def build(parent_unit: int, parent_pos: int, count: int, depth: int) -> None:
        if count <= SPAN:
            for _ in range(count):
                j = next(counter)
                word = TEAM_WORDS[j % len(TEAM_WORDS)]
                word += f" {j // len(TEAM_WORDS) + 1}" if j >= len(TEAM_WORDS) else ""
                team = b.unit(f"OU-{dept.id.upper()}-T{j + 1:04d}", f"{dept.name}: {word}", parent_unit)
                office = b.any_office()
                manager_role = arch.manager_role(dept.family)
                lead = b.position(manager_role, team, parent_pos, office, depth, arch.roles[manager_role].title)
                org.team_manager[team] = lead
                team_units.append((team, lead, office))
            return
        for part in np.array_split(np.arange(count), math.ceil(count / SPAN)):
            n = next(areas)
            area = b.unit(f"OU-{dept.id.upper()}-A{n:03d}", f"{dept.name}: area {n}", parent_unit)
            org.family_heads[dept.family].append(area)
            area_head = b.position(director, area, parent_pos, b.any_office(), depth, arch.roles[director].title)
            build(area, area_head, len(part), depth + 1)

    build(unit, head, teams, 3)
    for (team, lead, office), size in zip(team_units, sizes, strict=True):
        org.family_teams.setdefault(dept.family, []).append(team)
        picks = b.rng.choice(len(tracks), size=int(size), p=track_p)
        levels = b.rng.choice(MEMBER_LEVELS, size=int(size), p=LEVEL_SHARES)
        away = b.rng.random(int(size)) < 0.15
        for t, level, moved in zip(picks, levels, away, strict=True):
            role = arch.ic_role(tracks[t], int(level))
            place = b.any_office() if moved else office
            b.position(role, team, lead, place, org.depth[lead] + 1, arch.roles[role].title, member=True)
            teams_of_track = org.track_teams.setdefault(tracks[t], [])
            if not teams_of_track or teams_of_track[-1] != team:
                teams_of_track.append(team)


def _ordered(org: Org) -> Org:
    """Re-order positions by depth (stable) so that managers precede their reports."""
    order = sorted(range(org.size), key=lambda i: org.depth[i])
    new_index = {old: new for new, old in enumerate(order)}
    out = Org(units=org.units, track_teams=org.track_teams, family_teams=org.family_teams,
              family_heads=org.family_heads, division_units=org.division_units)
    for old in order:
        out.role.append(org.role[old])
        out.unit.append(org.unit[old])
        out.manager.append(new_index[org.manager[old]] if org.manager[old] >= 0 else -1)
        out.office.append(org.office[old])
        out.depth.append(org.depth[old])
        out.title.append(org.title[old])
        out.is_member.append(org.is_member[old])
    out.team_manager = {team: new_index[pos] for team, pos in org.team_manager.items()}
    return out
