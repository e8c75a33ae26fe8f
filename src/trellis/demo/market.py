"""The demo marketplace: open jobs (linked to roles, asking for the role's skills), gigs,
projects and mentorship offers; past openings filled by the internal moves and hires in the job
histories (so internal-fill analytics agree with the histories); applications in every status;
and a learning catalogue that teaches the library's skills."""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime, time, timedelta
from importlib import resources
from typing import Any

import numpy as np

from trellis.demo.architecture import Architecture
from trellis.demo.org import Org
from trellis.demo.people import People

OPEN_APP_STATUSES = (("submitted", 0.35), ("reviewing", 0.2), ("shortlisted", 0.15), ("interview", 0.12),
                     ("offer", 0.05), ("rejected", 0.1), ("withdrawn", 0.03))
DECIDED = {"interview", "offer", "selected", "rejected"}
REASONS = {
    "selected": ("Strongest match on the required skills", "Ready now; team agreed after interviews"),
    "rejected": ("Another candidate was further along on the core skills", "Timing: the team needs someone now",
                 "Encouraged to reapply after the recommended course"),
}
POSTING_TEXTS = (
    "{team} is looking for {article} {title}. You will work with {must}.",
    "Join {team} as {article} {title}: most days you will use {must}, and you will help shape how the team works.",
    "We need {article} {title} in {team}. The work leans on {must}; you will pair with people who know the codebase "
    "and the customers.",
    "{team} has room for {article} {title}. If you do your best work with {must}, talk to us.",
    "As {article} {title} you will own work end to end in {team}, day to day with {must}.",
    "{title} wanted in {team}. What matters most: {must}. We care more about how you learn than about years "
    "in a role.",
)
EXTRAS = ("Also useful: {rest}.", "Nice to have: {rest}.", "You may also grow into {rest}.",
          "Some {rest} helps, and you can learn it here.")
SLOW_DECIDERS = 11  # one hiring manager in this many takes weeks, not days, to answer applicants
PROVIDERS = ("Trellis Academy", "Internal L&D", "Open Courseware", "Vendor certification", "Peer-led workshop")
FORMATS = (("course", 0.6), ("video", 0.2), ("workshop", 0.1), ("book", 0.1))


class Market:
    def __init__(self, arch: Architecture, org: Org, people: People, *, rng: np.random.Generator,
                 first_id: int, first_resource_id: int) -> None:
        self.arch, self.org, self.people, self.rng = arch, org, people, rng
        self.today = people.today
        self.next_id, self.next_resource = first_id, first_resource_id
        self.unit_names = {u["id"]: u["name"] for u in org.units}
        self.labels = people.skill_labels
        self.rows: dict[str, list[dict[str, Any]]] = {
            k: [] for k in ("opportunities", "opportunity_skills", "applications")}
        self.applied: set[tuple[int, int]] = set()
        active = people.status != "terminated"
        self.active = np.flatnonzero(active)
        self.members = np.flatnonzero(active & np.array(org.is_member))
        self.gig_takers = np.flatnonzero(people.open_to_gigs & active)
        mentors = [p for p, skills in people.strong_skills.items() if skills and active[p]]
        self.mentors = [p for p in mentors if people.open_to_mentoring[p]] or mentors
        self.by_role: dict[int, list[int]] = {}
        for p in self.active:
            self.by_role.setdefault(org.role[p], []).append(int(p))

    # ---- opportunities -------------------------------------------------------------------

    def build(self) -> dict[str, list[dict[str, Any]]]:
        n = self.org.size
        for i in range(max(5, round(n * 0.025))):
            self._open_job(draft=i % 12 == 0, pending=i % 12 == 1)
        for _ in range(max(2, round(n * 0.004))):  # closed in the past without a hire
            self._open_job(draft=False, pending=False, closed=True)
        for move in self.people.moves:  # the last two years' moves and hires, half of them posted
            if move.day < self.today - 730:
                continue
            if move.kind in ("promotion", "lateral") and self.rng.random() < 0.5:
                self._filled_job(move.person, move.role, move.unit, move.day, internal=True)
            elif move.kind == "hire" and self.rng.random() < 0.4:
                self._filled_job(move.person, move.role, move.unit, move.day, internal=False)
        templates = tomllib.loads((resources.files("trellis.demo") / "data" / "gigs.toml").read_text("utf-8"))
        for i in range(max(3, round(n * 0.012))):
            self._gig(templates["gigs"], kind="gig", filled=i % 5 == 0)
        for i in range(max(2, round(n * 0.006))):
            self._gig(templates["projects"], kind="project", filled=i % 6 == 0)
        for _ in range(max(3, round(n * 0.008))):
            self._mentorship()
        return self.rows

    def _pick(self, pool: np.ndarray | list[int]) -> int:
        return int(pool[int(self.rng.integers(0, len(pool)))])

    def _opportunity(self, **fields: Any) -> int:
        oid = self.next_id
        self.next_id += 1
        row = {"id": oid, "external_id": f"OPP-{oid:06d}", "description": None, "role_id": None,
               "location_id": None, "remote": "onsite", "hours_per_week": None, "duration_weeks": None,
               "hiring_manager_id": None, "closes_on": None, "filled_on": None, "filled_by_id": None,
               "filled_internally": None, "created_at": self.people.now, "updated_at": self.people.now, **fields}
        self.rows["opportunities"].append(row)
        return oid

    def _skills(self, oid: int, skills: list[tuple[str, int, bool, float]]) -> list[str]:
        self.rows["opportunity_skills"].extend(
            {"opportunity_id": oid, "skill_id": self.people.skill_ids[s], "min_proficiency": lvl, "required": req,
             "weight": w} for s, lvl, req, w in skills)
        return [s for s, *_ in skills]

    def _role_skills(self, role: int) -> list[tuple[str, int, bool, float]]:
        reqs = self.arch.roles[role].requirements
        return [(q.skill, q.min_level, q.required, q.weight) for q in reqs if q.required or self.rng.random() < 0.7]

    def _describe(self, title: str, unit: int, skills: list[str], oid: int) -> str:
        """A posting text in one of several voices, picked by the opening's id (no draw from the
        stream, so nothing else in the demo changes with the wording)."""
        names = [self.labels[s] for s in skills]
        team = self.unit_names.get(unit, "our team")
        must, rest = _join(names[:4]), _join(names[4:8])
        k = oid % len(POSTING_TEXTS)
        text = POSTING_TEXTS[k].format(title=title, article=_article(title), team=team, must=must or "the team")
        return text + (" " + EXTRAS[k % len(EXTRAS)].format(rest=rest) if rest else "")

    def _open_job(self, *, draft: bool, pending: bool, closed: bool = False) -> None:
        rng, org, arch = self.rng, self.org, self.arch
        p = self._pick(self.members)
        role = org.role[p]
        spec = arch.roles[role]
        shift = int(rng.choice([-1, 0, 0, 0, 1]))
        if spec.kind == "ic" and 1 <= spec.level + shift <= 5:
            role = arch.ic_role(spec.track, spec.level + shift)
        posted = self.today - int(rng.integers(90, 400) if closed else rng.integers(0, 45))
        status = "closed" if closed else "draft" if draft else "pending_approval" if pending else "open"
        title = arch.roles[role].title
        oid = self._opportunity(
            type="job", title=title, role_id=self.people.role_ids[role], org_unit_id=org.unit[p],
            location_id=self.people.office_ids[org.office[p]], hours_per_week=40,
            remote=str(rng.choice(["onsite", "hybrid", "hybrid", "remote"])),
            hiring_manager_id=self.people.employee_id(org.manager[p]), status=status,
            posted_on=date.fromordinal(posted) if status in ("open", "closed") else None,
            closes_on=date.fromordinal(posted + int(rng.integers(21, 60)) if closed
                                       else max(posted + int(rng.integers(21, 60)), self.today + 7)))
        skills = self._skills(oid, self._role_skills(role))
        self.rows["opportunities"][-1]["description"] = self._describe(title, org.unit[p], skills, oid)
        if status == "open":
            self._applicants(oid, role, org.manager[p], posted, int(rng.poisson(2.5)), OPEN_APP_STATUSES)
        elif closed:
            self._applicants(oid, role, org.manager[p], posted, int(rng.poisson(1.5)),
                             (("rejected", 0.7), ("withdrawn", 0.3)))

    def _filled_job(self, person: int, role: int, unit: int, day: int, *, internal: bool) -> None:
        rng, people = self.rng, self.people
        lead = self.org.team_manager.get(unit, self.org.manager[person])
        lead = lead if lead >= 0 and lead != person else -1
        posted = day - int(rng.integers(20, 90))
        title = self.arch.roles[role].title
        oid = self._opportunity(
            type="job", title=title, role_id=people.role_ids[role], org_unit_id=unit, hours_per_week=40,
            location_id=people.office_ids[self.org.office[person]],
            hiring_manager_id=people.employee_id(lead) if lead >= 0 else None, status="filled",
            posted_on=date.fromordinal(posted), closes_on=date.fromordinal(posted + 45),
            filled_on=date.fromordinal(day), filled_by_id=people.employee_id(person), filled_internally=internal)
        skills = self._skills(oid, self._role_skills(role))
        self.rows["opportunities"][-1]["description"] = self._describe(title, unit, skills, oid)
        if internal:
            self._apply(oid, person, "selected", lead, posted)
        others = (("rejected", 0.8), ("withdrawn", 0.2))
        self._applicants(oid, role, lead, posted, int(rng.poisson(1.2)), others)

    def _gig(self, templates: list[dict[str, Any]], *, kind: str, filled: bool) -> None:
        rng, org, people = self.rng, self.org, self.people
        spec = templates[int(rng.integers(0, len(templates)))]
        team = self._pick(org.family_teams[spec["family"]])
        lead = org.team_manager[team]
        posted = self.today - int(rng.integers(0, 120 if filled else 40))
        hours = int(rng.integers(2, 9)) if kind == "gig" else int(rng.integers(4, 17))
        weeks = int(rng.integers(2, 13)) if kind == "gig" else int(rng.integers(8, 27))
        filler = self._pick(self.gig_takers) if filled and self.gig_takers.size else -1
        oid = self._opportunity(
            type=kind, title=spec["title"], org_unit_id=team, location_id=people.office_ids[org.office[lead]],
            remote=str(rng.choice(["remote", "hybrid", "onsite"], p=[0.5, 0.35, 0.15])), hours_per_week=hours,
            duration_weeks=weeks, hiring_manager_id=people.employee_id(lead),
            status="filled" if filler >= 0 else "open", posted_on=date.fromordinal(posted),
            closes_on=date.fromordinal(max(posted + 30, self.today + 5)),
            filled_on=date.fromordinal(min(posted + 21, self.today)) if filler >= 0 else None,
            filled_by_id=people.employee_id(filler) if filler >= 0 else None,
            filled_internally=True if filler >= 0 else None)
        levels = [int(rng.integers(2, 4)) for _ in spec["skills"]]
        skills = self._skills(oid, [(s, lvl, i < 2, 1.0 if i < 2 else 0.5)
                                    for i, (s, lvl) in enumerate(zip(spec["skills"], levels, strict=True))])
        self.rows["opportunities"][-1]["description"] = (
            f"A {hours} h/week {kind} for {weeks} weeks with {self.unit_names[team]}. "
            f"Skills: {', '.join(self.labels[s] for s in skills)}.")
        if filler >= 0:
            self._apply(oid, filler, "selected", lead, posted)
        pool = self.gig_takers
        for _ in range(int(rng.poisson(1.5))):
            if pool.size:
                status = str(rng.choice(["submitted", "reviewing", "shortlisted"]) if filler < 0 else "rejected")
                self._apply(oid, self._pick(pool), status, lead, posted)

    def _mentorship(self) -> None:
        rng, people, org = self.rng, self.people, self.org
        mentors = self.mentors
        if not mentors:
            return
        mentor = mentors[int(rng.integers(0, len(mentors)))]
        languages = {s for o in self.arch.offices for s in o.languages.values()} | {"english"}
        strong = [s for s in people.strong_skills[mentor] if s not in languages] or people.strong_skills[mentor]
        picks = [strong[i] for i in rng.permutation(len(strong))[: int(rng.integers(1, 4))]]
        oid = self._opportunity(
            type="mentorship", title=f"Mentoring in {self.labels[picks[0]]}", org_unit_id=org.unit[mentor],
            location_id=people.office_ids[org.office[mentor]], remote="remote", hours_per_week=1,
            duration_weeks=int(rng.integers(12, 27)), hiring_manager_id=people.employee_id(mentor), status="open",
            posted_on=date.fromordinal(self.today - int(rng.integers(0, 60))))
        self._skills(oid, [(s, 3, i == 0, 1.0) for i, s in enumerate(picks)])
        self.rows["opportunities"][-1]["description"] = (
            f"{org.title[mentor]} offers an hour a week of mentoring in "
            f"{', '.join(self.labels[s] for s in picks)}.")

    # ---- applications --------------------------------------------------------------------

    def _applicants(self, oid: int, role: int, lead: int, posted: int, count: int,
                    statuses: tuple[tuple[str, float], ...]) -> None:
        """Up to ``count`` applications from people whose roles lead to ``role`` (or who hold it)."""
        rng = self.rng
        sources = [r for r in [*self.arch.backward[role][0], role] if r in self.by_role]
        if not sources or not count:
            return
        sizes = np.cumsum([len(self.by_role[r]) for r in sources])
        names = [s for s, _ in statuses]
        p = np.array([w for _, w in statuses])
        for _ in range(count):
            k = int(rng.integers(0, sizes[-1]))
            r = sources[int(np.searchsorted(sizes, k, side="right"))]
            person = self.by_role[r][int(rng.integers(0, len(self.by_role[r])))]
            if not self.people.open_to_jobs[person] and rng.random() < 0.7:
                continue
            self._apply(oid, person, names[int(rng.choice(len(names), p=p / p.sum()))], lead, posted)

    def _apply(self, oid: int, person: int, status: str, lead: int, posted: int) -> None:
        emp = self.people.employee_id(person)
        if (oid, emp) in self.applied or person == lead:
            return
        self.applied.add((oid, emp))
        rng = self.rng
        day = min(posted + int(rng.integers(1, 21)), self.today)
        decided = status in DECIDED and lead >= 0
        reasons = REASONS.get(status)
        submitted = datetime.combine(date.fromordinal(day), time(9 + int(rng.integers(0, 9))), UTC)
        self.rows["applications"].append({
            "opportunity_id": oid, "employee_id": emp, "status": status, "confidential": bool(rng.random() < 0.15),
            "note": "I would love to grow into this role." if rng.random() < 0.3 else None,
            "decided_by_id": self.people.employee_id(lead) if decided else None,
            "decision_reason": reasons[int(rng.integers(0, len(reasons)))] if reasons and decided else None,
            "submitted_at": submitted, "version": 1, "created_at": submitted,
            "updated_at": self._last_change(submitted, lead, oid, emp) if status != "submitted" else submitted})

    def _last_change(self, submitted: datetime, lead: int, oid: int, emp: int) -> datetime:
        """When the application last moved: a few days after it was sent (a few weeks for the one
        manager in SLOW_DECIDERS who is slow), never after the demo's today. Derived from the ids,
        not drawn, so the stream (and everything else in the demo) stays as it was."""
        mix = (oid * 2654435761 + emp * 40503) % 1000
        days = 18 + mix % 23 if lead >= 0 and lead % SLOW_DECIDERS == 0 else 1 + mix % 9
        latest = datetime.combine(date.fromordinal(self.today), time(18), UTC)
        return min(submitted + timedelta(days=days, hours=mix % 7), latest)


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1] if names else ""


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def learning_catalogue(rng: np.random.Generator, *, skill_ids: dict[str, int], labels: dict[str, str],
                       related: dict[str, list[str]], first_id: int,
                       now: datetime) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One or two resources for most skills of the library, each teaching it (and perhaps a
    related skill) up to a level, with the hours it takes."""
    resources_rows: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    kinds = [f for f, _ in FORMATS]
    p = np.array([w for _, w in FORMATS])
    rid = first_id
    for skill in sorted(s for s in skill_ids if not s.startswith(("grp-", "cat-"))):
        if rng.random() > 0.8:
            continue
        for level in sorted({int(x) for x in rng.choice([2, 3, 4], size=int(rng.integers(1, 3)))}):
            label = labels[skill]
            title = {2: f"{label}: the fundamentals", 3: f"Applied {label}", 4: f"Advanced {label}"}[level]
            hours = float(round(rng.uniform(2, 10) * (level - 1), 1))
            fmt = kinds[int(rng.choice(len(kinds), p=p))]
            resources_rows.append({
                "id": rid, "external_id": f"LRN-{rid:05d}", "title": title,
                "provider": PROVIDERS[int(rng.integers(0, len(PROVIDERS)))],
                "url": f"https://learning.example.com/{skill}/{level}", "format": fmt, "hours": hours,
                "description": f"A {fmt} that takes a learner to level {level} in {label}.",
                "created_at": now, "updated_at": now})
            links.append({"resource_id": rid, "skill_id": skill_ids[skill], "level": level})
            near = related.get(skill, [])
            if near and rng.random() < 0.4:
                links.append({"resource_id": rid, "skill_id": skill_ids[near[int(rng.integers(0, len(near)))]],
                              "level": max(1, level - 1)})
            rid += 1
    return resources_rows, links
