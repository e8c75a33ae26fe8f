"""Who in the demo organisation gets mentoring data, decided while `People` generates each person
(so only the chosen few are kept in memory) with draws from the mentoring stream alone: every
person still employed takes exactly three draws, whatever is decided, so the choice is a function
of the seed and no other table's stream is touched."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from trellis.demo.architecture import Requirement

# Chances within each pool, giving about 1.2 % mentors, 2.5 % mentees and 2 % plans of headcount.
MENTOR_CHANCE = 0.1  # of the level 4+ people open to mentoring with a strong non-language skill
MENTEE_CHANCE = 0.06  # of the level ≤ 3 people with a gap to their first target role
PLAN_CHANCE = 0.033  # of anyone with a gap to their first target role
MAX_GAP = 8

# (skill, required level, current level, required, weight), most important first
Gap = list[tuple[str, int, int, bool, float]]


class Picks:
    def __init__(self, rng: np.random.Generator, languages: set[str]) -> None:
        self.rng, self.languages = rng, languages
        self.mentors: dict[int, tuple[dict[str, int], list[str]]] = {}  # p -> (skills at 4+, languages)
        self.mentees: dict[int, tuple[int, Gap, list[str]]] = {}  # p -> (target role, gap, languages)
        self.plans: dict[int, tuple[int, Gap]] = {}  # p -> (target role, gap)

    def consider(self, p: int, *, level: int, open_to_mentoring: bool, strong: list[str] | None,
                 skills: dict[str, tuple[int, int, str | None]], langs: list[str], target: int | None,
                 requirements: Sequence[Requirement]) -> None:
        u_mentor, u_mentee, u_plan = self.rng.random(3).tolist()
        if open_to_mentoring and strong and u_mentor < MENTOR_CHANCE \
                and any(s not in self.languages for s in strong):
            self.mentors[p] = ({s: skills[s][0] for s in strong}, langs)
            return
        wants_mentor = level <= 3 and u_mentee < MENTEE_CHANCE
        if target is None or not (wants_mentor or u_plan < PLAN_CHANCE):
            return
        gap = sorted(((q.skill, q.min_level, skills[q.skill][0] if q.skill in skills else 0, q.required, q.weight)
                      for q in requirements if q.skill not in self.languages
                      and (q.skill not in skills or skills[q.skill][0] < q.min_level)),
                     key=lambda g: (not g[3], -g[4]))[:MAX_GAP]
        if not gap:
            return
        if wants_mentor:
            self.mentees[p] = (target, gap, langs)
        if u_plan < PLAN_CHANCE:
            self.plans[p] = (target, gap)
