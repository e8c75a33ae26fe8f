"""A synthetic organisation made directly of matching inputs (no database), for benchmarks and
tests at sizes the database demo takes long to build. Deterministic for a seed."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from trellis.core.types import OPPORTUNITY_TYPES, OpportunityData, Profile, Requirement, SkillLevel


@dataclass
class SyntheticOrg:
    people: list[Profile]
    opportunities: list[OpportunityData]
    skills: list[int]
    skill_vectors: npt.NDArray[np.float32]
    links: list[tuple[int, int, float]]
    transitions: dict[tuple[int, int], float]
    people_text: list[str]
    opportunity_text: list[str]


def synthetic_org(n_people: int, n_opportunities: int, *, seed: int = 7, n_skills: int = 400, dim: int = 384,
                  n_families: int = 12, roles_per_family: int = 10, n_units: int = 400,
                  n_locations: int = 20) -> SyntheticOrg:
    rng = np.random.default_rng(seed)
    skills = list(range(1, n_skills + 1))
    family_of_skill = rng.integers(0, n_families, n_skills)
    centres = rng.standard_normal((n_families, dim)).astype(np.float32)
    skill_vectors = centres[family_of_skill] + 0.9 * rng.standard_normal((n_skills, dim)).astype(np.float32)
    skill_vectors /= np.linalg.norm(skill_vectors, axis=1, keepdims=True)
    links = [(int(a), int(b), 0.8) for a, b in rng.integers(1, n_skills + 1, (n_skills // 2, 2)) if a != b]
    by_family = [np.flatnonzero(family_of_skill == f) + 1 for f in range(n_families)]
    roles = []
    for f in range(n_families):
        for r in range(roles_per_family):
            pool = by_family[f]
            picked = rng.choice(pool, size=min(8, len(pool)), replace=False)
            roles.append((100 + f * roles_per_family + r, f + 1, 1 + r % 5, [int(s) for s in picked]))
    transitions: dict[tuple[int, int], float] = {}
    for _ in range(len(roles) * 6):
        a = roles[rng.integers(len(roles))]
        b = roles[rng.integers(len(roles))] if rng.random() < 0.3 else \
            [x for x in roles if x[1] == a[1]][rng.integers(roles_per_family)]
        transitions[(a[0], b[0])] = transitions.get((a[0], b[0]), 0) + 1

    def role_text(role: tuple[int, int, int, list[int]]) -> str:
        return f"role {role[0]} family {role[1]} level {role[2]} " + " ".join(f"skill{s}" for s in role[3][:5])

    people, people_text = [], []
    role_idx = rng.integers(0, len(roles), n_people)
    for i in range(n_people):
        role_id, fam, level, req = roles[role_idx[i]]
        own = rng.choice(req, size=rng.integers(min(3, len(req)), len(req) + 1), replace=False)
        extra = rng.integers(1, n_skills + 1, rng.integers(2, 8))
        held = {int(s): float(rng.integers(1, 6)) for s in (*own, *extra)}
        sources = rng.choice(["self", "manager", "assessed", "inferred"], size=len(held), p=[0.6, 0.2, 0.1, 0.1])
        unit = int(rng.integers(n_units))
        targets = (roles[rng.integers(len(roles))][0],) if rng.random() < 0.4 else ()
        text = role_text(roles[role_idx[i]])
        vec = (centres[fam - 1] + rng.standard_normal(dim).astype(np.float32)).astype(np.float32)
        people.append(Profile(
            id=i + 1, skills=tuple(SkillLevel(s, lv, str(src)) for (s, lv), src in zip(held.items(), sources,
                                                                                           strict=True)),
            role=role_id, family=fam, level=level, org_unit=unit, org_path=(unit, n_units + unit % 20),
            manager=int(rng.integers(1, max(2, n_people // 8))), location=int(rng.integers(n_locations)),
            remote=str(rng.choice(["any", "onsite", "hybrid", "remote"])), relocation=bool(rng.random() < 0.2),
            gig_hours=int(rng.choice([0, 4, 8])), target_roles=targets,
            months_in_role=float(rng.integers(1, 60)), open_performance_plan=bool(rng.random() < 0.02),
            text_vector=vec / np.linalg.norm(vec)))
        people_text.append(text + " " + " ".join(f"skill{s}" for s in held))
    opps, opp_text = [], []
    for j in range(n_opportunities):
        role_id, fam, level, req = roles[rng.integers(len(roles))]
        kind = str(rng.choice(OPPORTUNITY_TYPES, p=[0.6, 0.25, 0.1, 0.05]))
        reqs = [Requirement(int(s), int(rng.integers(2, 5)), True, float(rng.choice([1.0, 2.0]))) for s in req[:6]]
        reqs += [Requirement(int(s), int(rng.integers(1, 4)), False) for s in
                 rng.choice(by_family[fam - 1], size=min(2, len(by_family[fam - 1])), replace=False)
                 if int(s) not in req[:6]]
        vec = (centres[fam - 1] + rng.standard_normal(dim).astype(np.float32)).astype(np.float32)
        restricted = rng.random() < 0.05
        opps.append(OpportunityData(
            id=j + 1, type=kind, role=role_id if kind == "job" else None, family=fam,
            level=level if kind == "job" else None, org_unit=int(rng.integers(n_units)),
            hiring_manager=int(rng.integers(1, max(2, n_people // 8))), location=int(rng.integers(n_locations)),
            remote=str(rng.choice(["onsite", "hybrid", "remote"])),
            hours_per_week=int(rng.choice([4, 8, 16])) if kind in ("gig", "project") else None,
            requirements=tuple(reqs), visible_org_units=(n_units + int(rng.integers(20)),) if restricted else (),
            text_vector=vec / np.linalg.norm(vec)))
        opp_text.append(role_text((role_id, fam, level, req)) + f" {kind}")
    return SyntheticOrg(people=people, opportunities=opps, skills=skills, skill_vectors=skill_vectors,
                        links=links, transitions=transitions, people_text=people_text, opportunity_text=opp_text)
