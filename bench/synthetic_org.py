"""A bench-only organisation for the analytics benchmark when no demo database is at hand:
N employees in ~N/10 teams under 12 departments, 12 job families × 5 levels, 400 skills in 20
groups, ~12 skills per person, job histories from 2012 with promotions, lateral moves (half of
them across departments), demotions and exits, ~N/10 opportunities over two years with skills,
applications, and self-reported demographics drawn independently of everything else.
Deterministic (seeded). Written with bulk inserts; not the product's demo generator."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Connection, insert

from trellis.analytics.schemas import Period
from trellis.db import make_engine
from trellis.migrations import upgrade
from trellis.models import (
    Application,
    Employee,
    EmployeeSkill,
    JobFamily,
    JobHistory,
    Opportunity,
    OpportunitySkill,
    OrgUnit,
    ProtectedAttributes,
    Role,
    RoleSkill,
    Skill,
    Taxonomy,
)

SEXES = ("Female", "Male", None)
SEX_P = (0.47, 0.49, 0.04)
RACES = ("White", "Asian", "Hispanic or Latino", "Black or African American", "Two or More Races",
         "Native Hawaiian or Pacific Islander", "Native American or Alaska Native", None)
RACE_P = (0.52, 0.16, 0.12, 0.1, 0.03, 0.01, 0.01, 0.05)


def _bulk(conn: Connection, table: Any, rows: list[dict[str, Any]], chunk: int = 50_000) -> None:
    for start in range(0, len(rows), chunk):
        conn.execute(insert(table), rows[start:start + chunk])


def build(n: int, path: Path, *, period: Period, seed: int = 7) -> str:
    if path.exists():
        path.unlink()
    url = f"sqlite:///{path}"
    upgrade(url)
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    now = datetime(2026, 1, 1, tzinfo=UTC)
    stamp = {"created_at": now, "updated_at": now}
    engine = make_engine(url)
    with engine.begin() as conn:
        _bulk(conn, Taxonomy, [{"id": 1, "source": "trellis", "version": "bench", "name": "Bench library"}])
        _bulk(conn, Skill, [{"id": s + 1, "taxonomy_id": 1, "external_id": f"S{s}", "preferred_label": f"skill {s}",
                             "alt_labels": [], "group": f"group {s % 20}", "skill_type": "skill", **stamp}
                            for s in range(400)])
        n_teams = max(12, n // 10)
        units = [{"id": 1, "external_id": "OU0", "name": "Company", "parent_id": None, **stamp}]
        units += [{"id": 2 + d, "external_id": f"D{d}", "name": f"Department {d}", "parent_id": 1, **stamp}
                  for d in range(12)]
        team_dept = rng.integers(0, 12, n_teams)
        units += [{"id": 14 + t, "external_id": f"T{t}", "name": f"Team {t}", "parent_id": 2 + int(team_dept[t]),
                   **stamp} for t in range(n_teams)]
        _bulk(conn, OrgUnit, units)
        _bulk(conn, JobFamily, [{"id": f + 1, "external_id": f"F{f}", "name": f"Family {f}", **stamp}
                                for f in range(12)])
        _bulk(conn, Role, [{"id": r + 1, "external_id": f"R{r}", "title": f"Role {r // 5} L{r % 5 + 1}",
                            "family_id": r // 5 + 1, "level": r % 5 + 1, "is_critical": False, **stamp}
                           for r in range(60)])
        role_skills = {r: rng.choice(np.arange(30 * (r // 5), 30 * (r // 5) + 60) % 400, 8, replace=False) + 1
                       for r in range(60)}
        _bulk(conn, RoleSkill, [{"role_id": r + 1, "skill_id": int(s), "required": True, "weight": 1.0,
                                 "min_proficiency": min(5, 2 + r % 5 // 2 + k % 2)}
                                for r, ss in role_skills.items() for k, s in enumerate(ss)])
        team_of = rng.integers(0, n_teams, n)
        heads = {}
        for i in range(n):
            heads.setdefault(int(team_of[i]), i)
        employees, spells, skills, demo = [], [], [], []
        end_day = period.end
        for i in range(n):
            team, is_head = int(team_of[i]), heads[int(team_of[i])] == i
            family = int(rng.integers(0, 12))
            level = int(rng.integers(0, 3))
            day = date(2012, 1, 1) + timedelta(days=int(rng.integers(0, 365 * 13)))
            hire = day
            kind = "hire"
            status = "active"
            while True:
                nxt = day + timedelta(days=int(rng.integers(300, 1400)))
                spell = {"employee_id": i + 1, "role_id": family * 5 + level + 1, "org_unit_id": 14 + team,
                         "start_date": day, "end_date": nxt, "move_type": kind}
                spells.append(spell)
                if is_head or nxt > end_day:
                    spell["end_date"] = None
                    break
                if rng.random() < 0.18:
                    spells.append({"employee_id": i + 1, "role_id": None, "org_unit_id": 14 + team, "start_date": nxt,
                                   "end_date": None, "move_type": "exit"})
                    status = "terminated"
                    break
                u = rng.random()
                if u < 0.55 and level < 4:
                    kind, level = "promotion", level + 1
                elif u < 0.95:
                    kind = "lateral"
                    if rng.random() < 0.5:
                        team = int(rng.integers(0, n_teams))
                    if rng.random() < 0.3:
                        family = int(rng.integers(0, 12))
                else:
                    kind, level = "demotion", max(0, level - 1)
                day = nxt
            role = family * 5 + level
            employees.append({"id": i + 1, "external_id": f"E{i}", "name": f"Person {i}",
                              "work_email": f"p{i}@bench.example", "role_id": role + 1, "level": level + 1,
                              "org_unit_id": 14 + team, "manager_id": None if is_head else heads[team] + 1,
                              "hire_date": hire, "employment_type": "full_time", "status": status, "languages": [],
                              **stamp})
            own = set(role_skills[role][: int(rng.integers(4, 9))].tolist()) | set(
                (rng.integers(0, 400, 6) + 1).tolist())
            skills.extend({"employee_id": i + 1, "skill_id": int(s), "proficiency": int(rng.integers(1, 6)),
                           "source": "self", "status": "accepted", **stamp} for s in own)
            demo.append({"employee_id": i + 1, "sex": SEXES[rng.choice(3, p=SEX_P)],
                         "race_ethnicity": RACES[rng.choice(8, p=RACE_P)], "birth_year": int(rng.integers(1960, 2004))})
        _bulk(conn, Employee, [{**e, "manager_id": None} for e in employees])
        for e in employees:  # managers after everyone exists
            e.pop("created_at"), e.pop("updated_at")
        conn.exec_driver_sql("UPDATE employees SET manager_id = ? WHERE id = ?",
                             [(e["manager_id"], e["id"]) for e in employees if e["manager_id"]])
        _bulk(conn, JobHistory, spells)
        _bulk(conn, EmployeeSkill, skills)
        _bulk(conn, ProtectedAttributes, demo)
        n_opps = max(20, n // 10)
        opps, opp_skills, apps = [], [], []
        start = period.start - timedelta(days=365)
        for o in range(n_opps):
            role = int(rng.integers(0, 60))
            posted = start + timedelta(days=int(rng.integers(0, 730)))
            u = rng.random()
            filled = posted + timedelta(days=int(rng.integers(15, 120)))
            status = "open" if filled > period.end or u < 0.15 else "filled" if u < 0.85 else "closed"
            typ = "job" if rng.random() < 0.75 else "gig" if rng.random() < 0.8 else "project"
            opps.append({"id": o + 1, "external_id": f"O{o}", "type": typ, "title": f"Opening {o}", "role_id": role + 1,
                         "org_unit_id": 14 + int(rng.integers(0, n_teams)), "remote": "hybrid", "status": status,
                         "posted_on": posted, "filled_on": filled if status == "filled" else None,
                         "filled_internally": bool(rng.random() < 0.45) if status == "filled" else None, **stamp})
            opp_skills.extend({"opportunity_id": o + 1, "skill_id": int(s), "min_proficiency": 3, "required": True,
                               "weight": 1.0} for s in role_skills[role][:5])
            for _ in range(int(rng.integers(0, 8))):
                e = int(rng.integers(0, n))
                st = str(rng.choice(["submitted", "reviewing", "shortlisted", "offer", "selected", "rejected"],
                                    p=[0.2, 0.15, 0.15, 0.05, 0.1, 0.35]))
                sub = (datetime.combine(posted, datetime.min.time(), tzinfo=UTC)
                       + timedelta(days=int(rng.integers(0, 14))))
                mgr = employees[e]["manager_id"]
                apps.append({"opportunity_id": o + 1, "employee_id": e + 1, "status": st, "confidential": False,
                             "submitted_at": sub, "decided_by_id": mgr if st == "rejected" and rng.random() < 0.2
                             else None, "created_at": sub,
                             "updated_at": sub + timedelta(days=int(rng.integers(1, 40))), "version": 1})
        _bulk(conn, Opportunity, opps)
        _bulk(conn, OpportunitySkill, opp_skills)
        seen: set[tuple[int, int]] = set()
        _bulk(conn, Application, [a for a in apps if (k := (a["opportunity_id"], a["employee_id"])) not in seen
                                  and not seen.add(k)])  # type: ignore[func-returns-value]
    engine.dispose()
    print(f"synthetic organisation of {n:,} employees built in {time.perf_counter() - t0:.1f} s")
    return url
