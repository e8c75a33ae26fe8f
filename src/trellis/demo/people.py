"""Employees of the demo company, generated one after another in manager-first order: identity,
job history (walked backwards from the current role with the career-move kernel, so its last
entry is the current role), skills that follow the roles held (with noise), aspirations and
preferences. Protected attributes come from a separate random stream and read nothing else."""

from __future__ import annotations

import bisect
import math
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib import resources
from typing import Any

import numpy as np

from trellis.demo.architecture import Architecture, draw
from trellis.demo.org import Org
from trellis.demo.picks import Picks

EMPLOYMENT = (("full_time", 0.86), ("part_time", 0.05), ("contractor", 0.06), ("intern", 0.02), ("temporary", 0.01))
SOURCES = (("self", 0.55), ("manager", 0.2), ("inferred", 0.15), ("assessed", 0.1))
REMOTE = (("onsite", 0.2), ("hybrid", 0.45), ("remote", 0.15), ("any", 0.2))
VISIBILITY = (("company", 0.85), ("managers", 0.1), ("private", 0.05))
# Protected attributes: None is "unknown" (never recorded), "declined" is a stated refusal.
SEX = (("female", 0.47), ("male", 0.475), ("non-binary", 0.01), ("declined", 0.03), (None, 0.015))
RACE = (("White", 0.42), ("Asian", 0.22), ("Hispanic or Latino", 0.12), ("Black or African American", 0.1),
        ("Two or more races", 0.04), ("Native Hawaiian or Other Pacific Islander", 0.005),
        ("American Indian or Alaska Native", 0.005), ("declined", 0.05), (None, 0.04))
DISABILITY = (("no", 0.82), ("yes", 0.07), ("declined", 0.06), (None, 0.05))
MAX_MOVES = {1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 5}
FOUNDED_YEARS_AGO = 22
CURRENT_SPELL_SKEW = 1.2  # >1 shortens the current spell of people who have moved, so recent months see moves
DOMAIN = "example.com"


def _choice(rng: np.random.Generator, table: tuple[tuple[Any, float], ...], size: int) -> list[Any]:
    return Sampler(table).many(rng, size)


class Sampler:
    """Draws from a small discrete distribution; cheap enough to call once per row."""

    def __init__(self, table: tuple[tuple[Any, float], ...]) -> None:
        self.values = [v for v, _ in table]
        weights = np.array([w for _, w in table], dtype=float)
        self.cum = np.cumsum(weights) / weights.sum()
        self.cum_list = [float(c) for c in self.cum]

    def one(self, u: float) -> Any:
        """The value for one uniform draw ``u`` in [0, 1)."""
        return self.values[min(bisect.bisect_right(self.cum_list, u), len(self.values) - 1)]

    def many(self, rng: np.random.Generator, size: int) -> list[Any]:
        idx = np.minimum(np.searchsorted(self.cum, rng.random(size), side="right"), len(self.values) - 1)
        return [self.values[i] for i in idx]


def _level(x: float) -> int:
    """Round to the nearest proficiency level, 1 to 5."""
    return min(5, max(1, math.floor(x + 0.5)))


def _names(kind: str) -> list[str]:
    text = (resources.files("trellis.demo") / "data" / f"{kind}_names.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


@dataclass
class Move:
    """An internal move or a hire, kept for the marketplace's filled openings."""

    person: int
    role: int
    unit: int
    day: int  # date ordinal
    kind: str


class People:
    def __init__(self, arch: Architecture, org: Org, *, rng: np.random.Generator,
                 protected_rng: np.random.Generator, as_of: date, first_id: int, skill_ids: dict[str, int],
                 skill_labels: dict[str, str], role_ids: list[int], office_ids: list[int]) -> None:
        self.arch, self.org, self.rng = arch, org, rng
        self.as_of, self.today = as_of, as_of.toordinal()
        self.first_id, self.skill_ids, self.skill_labels = first_id, skill_ids, skill_labels
        self.role_ids, self.office_ids = role_ids, office_ids
        self.now = datetime.now(UTC)
        n = org.size
        first, last = _names("first"), _names("last")
        self.names = [f"{first[a]} {last[b]}" for a, b in zip(rng.integers(0, len(first), n),
                                                              rng.integers(0, len(last), n), strict=True)]
        self.employment = _choice(rng, EMPLOYMENT, n)
        member = np.array(org.is_member)
        draws = rng.random(n)
        self.status = np.where(member & (draws < 0.07), "terminated",
                               np.where(member & (draws > 0.98), "leave", "active"))
        self.noise_skills = [s for s, label in skill_labels.items()
                             if not s.startswith(("grp-", "cat-")) and s not in self._languages()]
        self.open_to_jobs = np.zeros(n, dtype=bool)
        self.open_to_gigs = np.zeros(n, dtype=bool)
        self.open_to_mentoring = np.zeros(n, dtype=bool)
        self.moves: list[Move] = []
        self.strong_skills: dict[int, list[str]] = {}  # position -> skills at 4+, for mentors
        self.picks: Picks | None = None  # set by the generator: who gets mentoring data
        self.emails: dict[str, int] = {}
        self.targets: list[int] = []
        self.sources, self.remote, self.visibility = Sampler(SOURCES), Sampler(REMOTE), Sampler(VISIBILITY)
        self.language_skill = {code: sid for o in arch.offices for code, sid in o.languages.items()}
        self.protected = self._protected(protected_rng, n)

    def _languages(self) -> set[str]:
        return {s for o in self.arch.offices for s in o.languages.values()} | {"english"}

    def employee_id(self, position: int) -> int:
        return self.first_id + position

    @staticmethod
    def _protected(rng: np.random.Generator, n: int) -> list[dict[str, Any]]:
        """Drawn independently of everything else, from their own random stream."""
        sex, race, disability = _choice(rng, SEX, n), _choice(rng, RACE, n), _choice(rng, DISABILITY, n)
        ages = np.clip(np.rint(rng.normal(38, 10, n)), 19, 68).astype(int)
        unknown_age = rng.random(n) < 0.03
        return [{"sex": sex[i], "race_ethnicity": race[i], "disability": disability[i],
                 "age": None if unknown_age[i] else int(ages[i])} for i in range(n)]

    # ---- one chunk of people -------------------------------------------------------------

    def rows(self, start: int, stop: int) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {k: [] for k in (
            "employees", "employee_skills", "job_history", "preferences", "target_roles", "protected_attributes")}
        for p in range(start, stop):
            self._person(p, out)
        return out

    def _person(self, p: int, out: dict[str, list[dict[str, Any]]]) -> None:
        arch, org, rng = self.arch, self.org, self.rng
        role = arch.roles[org.role[p]]
        emp_id = self.employee_id(p)
        manager = org.manager[p]
        manager_id = self.employee_id(manager) if manager >= 0 else None
        status = str(self.status[p])
        end = self.today - 14 - int(rng.random() * 706) if status == "terminated" else self.today
        years = rng.gamma(2.0, 0.6 + 0.7 * (role.level - 1)) + 0.1
        hire = max(self.today - int(FOUNDED_YEARS_AGO * 365.25), end - int(years * 365.25))
        history = self._history(org.role[p], org.unit[p], hire, end, status == "terminated")
        office = arch.offices[org.office[p]]
        langs = list(office.languages)
        if "en" not in langs and rng.random() < 0.85:
            langs.append("en")
        out["employees"].append({
            "id": emp_id, "external_id": f"E{p + 1:06d}", "name": self.names[p],
            "work_email": self._email(self.names[p]), "job_title": org.title[p],
            "role_id": self.role_ids[org.role[p]], "level": role.level, "org_unit_id": org.unit[p],
            "manager_id": manager_id, "location_id": self.office_ids[org.office[p]],
            "hire_date": date.fromordinal(hire),
            "employment_type": self._employment(p, role.level),
            "status": status, "languages": langs, "created_at": self.now, "updated_at": self.now,
        })
        for i, (r, unit, s, e, kind) in enumerate(history):
            out["job_history"].append({
                "external_id": f"H{p + 1:06d}-{i + 1}", "employee_id": emp_id, "role_id": self.role_ids[r],
                "title": arch.roles[r].title, "org_unit_id": unit, "start_date": date.fromordinal(s),
                "end_date": date.fromordinal(e) if e is not None else None, "move_type": kind})
            if kind != "exit" and s > self.today - 3 * 365:
                self.moves.append(Move(p, r, unit, s, kind))
        skills = self._skills(history, langs, p)
        out["employee_skills"].extend(self._skill_rows(emp_id, manager_id, skills))
        prot = self.protected[p]
        out["protected_attributes"].append({
            "employee_id": emp_id, "sex": prot["sex"], "race_ethnicity": prot["race_ethnicity"],
            "disability": prot["disability"], "birth_year": self.as_of.year - prot["age"] if prot["age"] else None})
        if status != "terminated":
            self._preferences(p, emp_id, history[-1][2], skills, out)
            self._remember(p, skills, langs)

    def _employment(self, p: int, level: int) -> str:
        kind = str(self.employment[p]) if self.org.is_member[p] else "full_time"
        return "full_time" if kind == "intern" and level > 1 else kind

    def _email(self, name: str) -> str:
        first, _, last = name.partition(" ")
        base = f"{_ascii(first)}.{_ascii(last)}"
        count = self.emails.get(base, 0) + 1
        self.emails[base] = count
        return f"{base}{count if count > 1 else ''}@{DOMAIN}"

    def _history(self, role: int, unit: int, hire: int, end: int,
                 exits: bool) -> list[tuple[int, int, int, int | None, str]]:
        arch, rng = self.arch, self.rng
        span = end - hire
        k = min(int(rng.poisson(span / 365.25 / 3.5)), MAX_MOVES[arch.roles[role].level], span // 240)
        chain, units = [role], [unit]
        for _ in range(k):
            prev = draw(rng, arch.backward[chain[-1]], exclude=chain[-1])
            if prev < 0:
                break
            chain.append(prev)
            units.append(self._unit_for(prev, chain[-2], units[-1]))
        chain.reverse()
        units.reverse()
        # each earlier spell lasts at least 90 days, the current one at least a day (so that the
        # latest months have moves too); the rest of the tenure is split at random
        floors = np.full(len(chain), 90.0)
        floors[-1] = 1.0
        share = rng.dirichlet(np.full(len(chain), 2.0))
        if len(chain) > 1:  # a current spell is more often short (reshaped, not redrawn: the stream stays)
            last = share[-1] ** CURRENT_SPELL_SKEW
            share = np.append(share[:-1] * (1 - last) / share[:-1].sum(), last)
        spells = share * max(span - floors.sum(), 0) + floors
        starts = [hire + int(x) for x in np.concatenate([[0.0], np.cumsum(spells)[:-1]])]
        entries: list[tuple[int, int, int, int | None, str]] = []
        for i, r in enumerate(chain):
            stop = starts[i + 1] if i + 1 < len(chain) else (end if exits else None)
            entries.append((r, units[i], starts[i], stop, "hire" if i == 0 else self._move_type(chain[i - 1], r)))
        if exits:
            entries.append((chain[-1], units[-1], end, end, "exit"))
        return entries

    def _move_type(self, before: int, after: int) -> str:
        a, b = self.arch.roles[before].level, self.arch.roles[after].level
        return "promotion" if b > a else "demotion" if b < a else "lateral"

    def _unit_for(self, role: int, later_role: int, later_unit: int) -> int:
        arch, org, rng = self.arch, self.org, self.rng
        spec = arch.roles[role]
        if spec.family == arch.roles[later_role].family and spec.kind == "ic" and rng.random() < 0.6 \
                and later_unit in org.team_manager:
            return later_unit
        if spec.kind == "ic":
            pool = org.track_teams.get(spec.track) or org.family_teams[spec.family]
        elif spec.kind == "manager":
            pool = org.family_teams[spec.family] if spec.level == 4 else org.family_heads[spec.family]
        else:
            pool = org.division_units
        return int(pool[int(rng.random() * len(pool))])

    def _skills(self, history: list[tuple[int, int, int, int | None, str]], langs: list[str],
                p: int) -> dict[str, tuple[int, int, str | None]]:
        """skill id -> (proficiency, last used as a date ordinal, the role that taught it)."""
        arch, rng = self.arch, self.rng
        sparse = rng.random() < 0.1  # a profile its owner rarely updates
        held: dict[str, tuple[int, int, str | None]] = {}
        jobs = [h for h in history if h[4] != "exit"]
        for i, (r, _unit, start, stop, _kind) in enumerate(jobs):
            current = i == len(jobs) - 1
            role = arch.roles[r]
            years = ((stop or self.today) - start) / 365.25
            last_used = (self.today - int(rng.random() * 60)) if current and stop is None else (stop or self.today)
            n = len(role.requirements)
            keeps, noise, drifts = rng.random(n), rng.standard_normal(n), rng.standard_normal(n)
            growth = 0.1 + min(0.15 * years, 0.6)
            for q, u, z, d in zip(role.requirements, keeps.tolist(), noise.tolist(), drifts.tolist(), strict=True):
                keep = (0.9 if q.required else 0.5) if current else (0.65 if q.required else 0.3)
                if u > keep * (0.5 if sparse else 1.0):
                    continue
                level = _level(q.min_level + (growth if current else 0.3 * d) + 0.75 * z)
                old = held.get(q.skill)
                if old is None or level >= old[0]:
                    held[q.skill] = (level, max(last_used, old[1]) if old else last_used, role.title)
        extra = int(rng.poisson(0.7 if sparse else 1.6))
        for u, v, w in rng.random((extra, 3)).tolist():
            skill = self.noise_skills[int(u * len(self.noise_skills))]
            held.setdefault(skill, ((1, 2, 2, 3)[int(v * 4)], self.today - int(w * 1500), None))
        for j, (code, u) in enumerate(zip(langs, rng.random(len(langs)).tolist(), strict=True)):
            level = 5 if j == 0 else (3, 4, 4, 5)[int(u * 4)]
            held[self.language_skill.get(code, "english")] = (level, self.today, None)
        if not self.org.is_member[p] or arch.roles[self.org.role[p]].level >= 4:
            self.strong_skills[p] = [s for s, (lvl, _, _) in held.items() if lvl >= 4]
        return held

    def _skill_rows(self, emp_id: int, manager_id: int | None,
                    skills: dict[str, tuple[int, int, str | None]]) -> list[dict[str, Any]]:
        draws = self.rng.random((len(skills), 5)).tolist()
        rows = []
        for (skill, (level, used, taught_by)), (a, b, c, d, e) in zip(skills.items(), draws, strict=True):
            source = self.sources.one(a)
            verified = manager_id is not None and (source == "manager" or (source == "self" and b < 0.25))
            evidence = None
            if source == "inferred" and taught_by:
                evidence = f"Inferred from the role {taught_by}"
            elif source == "assessed":
                evidence = f"Assessment score {55 + int(c * 45)}/100"
            rows.append({
                "employee_id": emp_id, "skill_id": self.skill_ids[skill], "proficiency": level, "source": source,
                "status": "pending" if source == "inferred" and d < 0.4 else "accepted",
                "suggested_level": level if source == "inferred" and d < 0.4 else None,
                "verified_by_id": manager_id if verified else None,
                "verified_at": datetime.combine(date.fromordinal(self.today - int(e * 540)), datetime.min.time(),
                                                UTC) if verified else None,
                "last_used": date.fromordinal(min(used, self.today)), "evidence": evidence,
                "created_at": self.now, "updated_at": self.now})
        return rows

    def _preferences(self, p: int, emp_id: int, since: int, skills: dict[str, tuple[int, int, str | None]],
                     out: dict[str, list[dict[str, Any]]]) -> None:
        arch, org, rng = self.arch, self.org, self.rng
        role = arch.roles[org.role[p]]
        years_in_role = (self.today - since) / 365.25
        u = rng.random(13).tolist()
        jobs = u[0] < 0.3 + 0.1 * min(years_in_role, 3)
        gigs = u[1] < 0.45
        mentoring = u[2] < (0.15 + 0.2 * (role.level >= 4))
        self.open_to_jobs[p], self.open_to_gigs[p], self.open_to_mentoring[p] = jobs, gigs, mentoring
        targets: list[int] = []
        if u[3] < 0.55 + 0.2 * jobs:
            for _ in range(1 + int(u[4] * 3)):
                t = draw(rng, arch.forward[org.role[p]], exclude=org.role[p])
                if t >= 0 and t not in targets:
                    targets.append(t)
        interests = [q.skill for t in targets for q in arch.roles[t].requirements if q.skill not in skills]
        interests = [self.skill_labels[s] for s in dict.fromkeys(interests)][: 1 + int(u[5] * 3)]
        places = [self.office_ids[org.office[p]]]
        if u[6] < 0.25:
            other = self.office_ids[int(u[7] * len(self.office_ids))]
            places += [other] if other not in places else []
        out["preferences"].append({
            "employee_id": emp_id, "interests": interests, "open_to_jobs": jobs, "open_to_gigs": gigs,
            "open_to_mentoring": mentoring, "location_ids": places, "remote": self.remote.one(u[8]),
            "relocation": u[9] < 0.12, "gig_hours_per_week": (2, 4, 4, 6, 8)[int(u[10] * 5)] if gigs else 0,
            "visibility": self.visibility.one(u[11]), "ai_opt_out": u[12] < 0.03,
            "created_at": self.now, "updated_at": self.now})
        out["target_roles"].extend({"employee_id": emp_id, "role_id": self.role_ids[t], "priority": i + 1}
                                   for i, t in enumerate(targets))
        self.targets = targets

    def _remember(self, p: int, skills: dict[str, tuple[int, int, str | None]], langs: list[str]) -> None:
        """Let the mentoring data pick this person (it draws from its own stream only)."""
        if self.picks is not None:
            t = self.targets[0] if self.targets else None
            self.picks.consider(p, level=self.arch.roles[self.org.role[p]].level,
                                open_to_mentoring=bool(self.open_to_mentoring[p]), strong=self.strong_skills.get(p),
                                skills=skills, langs=langs, target=t,
                                requirements=self.arch.roles[t].requirements if t is not None else ())
