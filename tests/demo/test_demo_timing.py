"""The demo's dates behave like a live organisation's (#15): applications are decided days after
they are sent, not on the day the demo was built; moves keep coming up to the as-of date; and the
posting texts do not all read from one template."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from demo_builds import AS_OF, Tables


def test_decided_applications_changed_days_after_they_were_sent_never_after_today(org: Tables) -> None:
    apps = org["applications"]
    decided = [a for a in apps if a["decided_by_id"] is not None]
    delays = [(a["updated_at"] - a["submitted_at"]) / timedelta(days=1) for a in decided]
    assert decided and max(delays) <= 41 and sorted(delays)[len(delays) // 2] < 10
    assert all(a["updated_at"].date() <= AS_OF for a in apps)
    assert all(a["updated_at"] == a["submitted_at"] for a in apps if a["status"] == "submitted")


def test_internal_moves_reach_the_last_months_before_the_as_of_date(org: Tables) -> None:
    moves = [h["start_date"] for h in org["job_history"] if h["move_type"] in ("promotion", "lateral", "demotion")]
    per_month = Counter(d.strftime("%Y-%m") for d in moves)
    last_three = [(AS_OF.replace(day=1) - timedelta(days=31 * k)).strftime("%Y-%m") for k in (1, 2, 3)]
    year = [(AS_OF.replace(day=1) - timedelta(days=31 * k)).strftime("%Y-%m") for k in range(4, 13)]
    typical = sorted(per_month[m] for m in year)[len(year) // 2]
    assert all(per_month[m] >= typical / 4 for m in last_three), (per_month, last_three)


def test_job_postings_are_written_in_several_voices(org: Tables) -> None:
    jobs = [o["description"] for o in org["opportunities"] if o["type"] == "job"]
    openings = Counter(" ".join(text.split()[:2]) for text in jobs)
    assert sum("is looking for" in t for t in jobs) < len(jobs) / 3
    assert len({t.split(". ")[0].split(" as ")[0][:12] for t in jobs}) > 10 and len(openings) > 10
