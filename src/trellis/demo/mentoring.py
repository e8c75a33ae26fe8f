"""The demo's mentoring and development data: mentor profiles (a share of the experienced people
open to mentoring, teaching their strongest skills), mentee requests (a share of more junior
people, asking for the skills their first target role needs and they lack) and individual
development plans (target role, goals, courses from the catalogue that cover the gap, some done).

Everything comes from its own random stream ("mentoring"): `Picks` chooses the people while
`People` generates them, so adding this data changes no other table and keeps little in memory."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from trellis.core.learning import CatalogueItem, learning_plan
from trellis.core.paths import GapItem
from trellis.demo.architecture import Architecture
from trellis.demo.org import Org
from trellis.demo.people import People
from trellis.demo.picks import Picks

MAX_MENTOR_SKILLS = 6
MAX_GOALS = 4
MAX_COURSES = 3
TABLES = ("mentor_profiles", "mentor_skills", "mentee_requests", "mentee_goals", "development_plans",
          "development_plan_items")


@dataclass
class MentoringOffsets:
    mentor_profiles: int = 1
    mentee_requests: int = 1
    development_plans: int = 1


def _catalogue(resources: list[dict[str, Any]], links: list[dict[str, Any]]) -> list[CatalogueItem]:
    skills: dict[int, dict[int, int]] = {}
    for link in links:
        skills.setdefault(link["resource_id"], {})[link["skill_id"]] = link["level"]
    return [CatalogueItem(r["id"], float(r["hours"]), skills.get(r["id"], {})) for r in resources]


class Mentoring:
    """Rows for the people `Picks` chose while `People` generated them (the same stream goes on
    to draw capacities, dates and statuses here)."""

    def __init__(self, arch: Architecture, org: Org, people: People, picks: Picks, *, offsets: MentoringOffsets,
                 now: datetime) -> None:
        self.arch, self.org, self.people, self.picks, self.rng = arch, org, people, picks, picks.rng
        self.offsets, self.now = offsets, now
        self.languages = picks.languages
        self.rows: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}

    def build(self, resources: list[dict[str, Any]], links: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
        picks = self.picks
        for i, p in enumerate(sorted(picks.mentors)):
            self._mentor(self.offsets.mentor_profiles + i, p)
        for i, p in enumerate(sorted(picks.mentees)):
            self._request(self.offsets.mentee_requests + i, p)
        catalogue = _catalogue(resources, links)
        for i, p in enumerate(sorted(picks.plans)):
            self._plan(self.offsets.development_plans + i, p, catalogue)
        return self.rows

    def _stamp(self) -> dict[str, datetime]:
        return {"created_at": self.now, "updated_at": self.now}

    def _timezone(self, p: int) -> str:
        return self.arch.offices[self.org.office[p]].timezone

    def _mentor(self, pid: int, p: int) -> None:
        people, rng = self.people, self.rng
        strong, langs = self.picks.mentors[p]
        teach = sorted((s for s in strong if s not in self.languages), key=lambda s: -strong[s])[:MAX_MENTOR_SKILLS]
        capacity = (1, 2, 2, 3)[int(rng.random() * 4)]
        labels = [people.skill_labels[s] for s in teach[:3]]
        self.rows["mentor_profiles"].append({
            "id": pid, "employee_id": people.employee_id(p), "capacity": capacity, "languages": list(langs),
            "timezone": self._timezone(p), "active": bool(rng.random() < 0.95),
            "bio": f"{self.org.title[p]}; happy to help with {', '.join(labels)}.", **self._stamp()})
        self.rows["mentor_skills"].extend({"profile_id": pid, "skill_id": people.skill_ids[s], "level": strong[s]}
                                          for s in teach)

    def _request(self, rid: int, p: int) -> None:
        people = self.people
        target, gap, langs = self.picks.mentees[p]
        goals = gap[:MAX_GOALS]
        self.rows["mentee_requests"].append({
            "id": rid, "employee_id": people.employee_id(p),
            "topics": f"Growing toward {self.arch.roles[target].title}: "
                      f"{', '.join(people.skill_labels[g[0]] for g in goals)}.",
            "languages": list(langs), "timezone": self._timezone(p), "status": "open", **self._stamp()})
        self.rows["mentee_goals"].extend({"request_id": rid, "skill_id": people.skill_ids[s],
                                          "weight": round(w * (1.0 if required else 0.5), 3)}
                                         for s, _, _, required, w in goals)

    def _plan(self, plan_id: int, p: int, catalogue: list[CatalogueItem]) -> None:
        people, rng = self.people, self.rng
        target, gap = self.picks.plans[p]
        role = self.arch.roles[target]
        items = [GapItem(people.skill_ids[s], need, have, w, required, w * (2.0 if required else 1.0) * (need - have))
                 for s, need, have, required, w in gap]
        plan = learning_plan(items, catalogue, max_items=MAX_COURSES)
        started = people.today - int(rng.integers(14, 240))
        target_day = started + int(rng.integers(180, 540))
        labels = [people.skill_labels[s] for s, *_ in gap[:MAX_GOALS]]
        self.rows["development_plans"].append({
            "id": plan_id, "employee_id": people.employee_id(p), "title": f"Path to {role.title}",
            "target_role_id": people.role_ids[target], "opportunity_id": None,
            "goals": f"Reach {role.title}: grow {', '.join(labels)}.",
            "target_date": date.fromordinal(target_day), "status": "active", **self._stamp()})
        span = max(target_day - started, 30)
        for pos, item in enumerate(plan.items):
            due = started + span * (pos + 1) // (len(plan.items) + 1)
            u = float(rng.random())
            status = "done" if due < people.today and u < 0.7 else "in_progress" if u < 0.85 else "todo"
            finished = min(due, people.today - 1) - int(rng.integers(0, 20))
            self.rows["development_plan_items"].append({
                "plan_id": plan_id, "position": pos, "kind": "course", "resource_id": item.item_id,
                "mentor_id": None, "description": None, "due_date": date.fromordinal(due), "status": status,
                "completed_at": datetime.combine(date.fromordinal(finished), time(17), UTC)
                if status == "done" else None, **self._stamp()})
        self.rows["development_plan_items"].append({
            "plan_id": plan_id, "position": len(plan.items), "kind": "goal", "resource_id": None,
            "mentor_id": None, "description": f"Take on work that uses {labels[0]} and ask for feedback.",
            "due_date": date.fromordinal(target_day), "status": "todo", "completed_at": None, **self._stamp()})
