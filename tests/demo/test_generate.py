"""The demo generator: deterministic, structurally sound, informative, and with protected
attributes that nothing else depends on."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from datetime import date

import numpy as np
import pytest
from demo_builds import Tables, build, digest
from scipy.stats import chi2_contingency

from trellis.demo import people as people_module
from trellis.demo.architecture import build_architecture
from trellis.demo.generate import streams
from trellis.demo.library import LibrarySkill

PEOPLE = ["employees", "employee_skills", "job_history", "preferences", "target_roles"]


def test_the_same_seed_gives_the_same_organisation_and_another_seed_a_different_one(small: Tables) -> None:
    again, other = build(300, seed=5), build(300, seed=6)
    assert digest(small) == digest(again)
    assert digest(small, PEOPLE) != digest(other, PEOPLE)


def test_protected_attributes_feed_nothing_else(monkeypatch: pytest.MonkeyPatch, small: Tables) -> None:
    baseline = small
    monkeypatch.setattr(people_module, "SEX", (("female", 0.1), ("male", 0.9)))
    monkeypatch.setattr(people_module, "DISABILITY", (("yes", 0.5), ("no", 0.5)))
    changed = build(300, seed=5)
    others = [t for t in baseline if t != "protected_attributes"]
    assert digest(changed, others) == digest(baseline, others)
    assert digest(changed, ["protected_attributes"]) != digest(baseline, ["protected_attributes"])


def test_protected_attributes_are_independent_of_level_family_and_status(org: Tables) -> None:
    protected = {r["employee_id"]: r for r in org["protected_attributes"]}
    roles = {r["id"]: r for r in org["roles"]}
    rows = [(protected[e["id"]], roles[e["role_id"]], e) for e in org["employees"]]
    for attribute, of in (("sex", lambda r, e: r["level"]), ("race_ethnicity", lambda r, e: r["family_id"]),
                          ("disability", lambda r, e: e["status"] == "terminated")):
        counts: dict[tuple[object, object], int] = Counter(
            (str(p[attribute]), of(r, e)) for p, r, e in rows)
        xs, ys = sorted({k[0] for k in counts}), sorted({k[1] for k in counts})
        table = np.array([[counts.get((x, y), 0) for y in ys] for x in xs]) + 1
        assert chi2_contingency(table).pvalue > 0.001, attribute
    values = Counter(p["sex"] for p in protected.values())
    assert values[None] > 0 and values["declined"] > 0


def test_the_manager_tree_has_one_root_and_no_cycles(org: Tables) -> None:
    manager = {e["id"]: e["manager_id"] for e in org["employees"]}
    roots = [e for e, m in manager.items() if m is None]
    assert len(roots) == 1
    for start in manager:
        seen, node = set(), start
        while node is not None:
            assert node not in seen
            seen.add(node)
            node = manager[node]
        assert roots[0] in seen
    assert all(m is None or m < e for e, m in manager.items())  # managers are written first
    terminated = {e["id"] for e in org["employees"] if e["status"] == "terminated"}
    assert not terminated & {m for m in manager.values() if m}


def test_org_units_form_a_tree_under_the_company(org: Tables) -> None:
    parent = {u["id"]: u["parent_id"] for u in org["org_units"]}
    assert sum(p is None for p in parent.values()) == 1
    assert all(p is None or p in parent for p in parent.values())
    assert all(e["org_unit_id"] in parent for e in org["employees"])


def test_emails_and_external_ids_are_unique(org: Tables) -> None:
    for field in ("work_email", "external_id"):
        values = [e[field] for e in org["employees"]]
        assert len(set(values)) == len(values)


def test_every_history_starts_with_the_hire_and_ends_in_the_current_role(org: Tables) -> None:
    history: dict[int, list[dict]] = defaultdict(list)
    for h in org["job_history"]:
        history[h["employee_id"]].append(h)
    moves = Counter(h["move_type"] for h in org["job_history"])
    assert moves["promotion"] > moves["lateral"] > moves["demotion"] > 0 and moves["exit"] > 0
    for e in org["employees"]:
        entries = history[e["id"]]
        assert entries[0]["move_type"] == "hire" and entries[0]["start_date"] == e["hire_date"]
        jobs = [h for h in entries if h["move_type"] != "exit"]
        assert jobs[-1]["role_id"] == e["role_id"]
        assert (jobs[-1]["end_date"] is None) == (e["status"] != "terminated")
        assert (entries[-1]["move_type"] == "exit") == (e["status"] == "terminated")
        for before, after in itertools.pairwise(jobs):
            assert before["end_date"] == after["start_date"] > before["start_date"]


def test_every_role_has_required_skills_and_a_few_are_critical(org: Tables) -> None:
    required = Counter(r["role_id"] for r in org["role_skills"] if r["required"])
    assert all(required[role["id"]] >= 3 for role in org["roles"])
    critical = sum(r["is_critical"] for r in org["roles"])
    assert 5 <= critical <= len(org["roles"]) // 5


def test_people_hold_most_of_their_roles_required_skills(org: Tables) -> None:
    held: dict[int, set[int]] = defaultdict(set)
    for s in org["employee_skills"]:
        held[s["employee_id"]].add(s["skill_id"])
    needs: dict[int, set[int]] = defaultdict(set)
    for r in org["role_skills"]:
        if r["required"]:
            needs[r["role_id"]].add(r["skill_id"])
    cover = [len(needs[e["role_id"]] & held[e["id"]]) / len(needs[e["role_id"]]) for e in org["employees"]]
    assert 0.7 < float(np.mean(cover)) < 0.95


def test_moves_go_mostly_to_roles_with_similar_skills(library: list[LibrarySkill], org: Tables) -> None:
    arch = build_architecture(streams(11)["architecture"], {s.id for s in library})
    index = {f"ROLE-{r.key}": i for i, r in enumerate(arch.roles)}
    by_id = {r["id"]: index[r["external_id"]] for r in org["roles"]}
    history: dict[int, list[dict]] = defaultdict(list)
    for h in org["job_history"]:
        if h["move_type"] != "exit":
            history[h["employee_id"]].append(h)
    laterals = [arch.similarity[by_id[a["role_id"]], by_id[b["role_id"]]]
                for hs in history.values() for a, b in itertools.pairwise(hs) if b["move_type"] == "lateral"]
    assert len(laterals) > 50
    assert np.median(laterals) > 3 * arch.similarity.mean()


def test_the_marketplace_has_every_kind_and_status_of_opening(org: Tables) -> None:
    opps = org["opportunities"]
    assert {o["type"] for o in opps} == {"job", "gig", "project", "mentorship"}
    assert {o["status"] for o in opps} == {"open", "filled", "closed", "draft", "pending_approval"}
    filled = [o for o in opps if o["status"] == "filled"]
    assert all(o["filled_by_id"] and o["filled_on"] for o in filled)
    assert {True, False} <= {o["filled_internally"] for o in filled}
    starts = {(h["employee_id"], h["role_id"], h["start_date"]) for h in org["job_history"]}
    internal = [o for o in filled if o["type"] == "job" and o["filled_internally"]]
    assert all((o["filled_by_id"], o["role_id"], o["filled_on"]) in starts for o in internal)
    apps = org["applications"]
    assert {"submitted", "shortlisted", "selected", "rejected", "withdrawn"} <= {a["status"] for a in apps}
    assert 0 < sum(a["confidential"] for a in apps) < len(apps) / 3
    assert len({(a["opportunity_id"], a["employee_id"]) for a in apps}) == len(apps)


def test_open_jobs_ask_for_their_roles_skills(org: Tables) -> None:
    role_skills: dict[int, set[int]] = defaultdict(set)
    for r in org["role_skills"]:
        role_skills[r["role_id"]].add(r["skill_id"])
    asks: dict[int, set[int]] = defaultdict(set)
    for s in org["opportunity_skills"]:
        asks[s["opportunity_id"]].add(s["skill_id"])
    jobs = [o for o in org["opportunities"] if o["type"] == "job"]
    assert all(asks[o["id"]] and asks[o["id"]] <= role_skills[o["role_id"]] for o in jobs)


def test_dates_stay_on_or_before_the_as_of_date(org: Tables) -> None:
    as_of = date(2026, 11, 1)
    assert max(e["hire_date"] for e in org["employees"]) <= as_of
    assert max(h["start_date"] for h in org["job_history"]) <= as_of
    assert max(s["last_used"] for s in org["employee_skills"]) <= as_of
    assert all(r["hours"] > 0 for r in org["learning_resources"])


def test_another_as_of_date_shifts_the_dates_and_changes_nothing_else(small: Tables) -> None:
    from demo_builds import FIXED_NOW, read_library

    from trellis.demo.generate import generate

    library = read_library()
    ids = {s.id: i + 1 for i, s in enumerate(library)}
    later = {t: rows for t, rows in generate(employees=300, seed=5, library=library, skill_ids=ids, now=FIXED_NOW,
                                             as_of=date(2027, 11, 1)) if t in ("employees", "job_history")}
    before = small["employees"][7]
    after = later["employees"][7]
    assert (after["hire_date"] - before["hire_date"]).days == 365
    assert {k: v for k, v in after.items() if k != "hire_date"} == {k: v for k, v in before.items() if k != "hire_date"}
