"""Eligibility rules a company configures. A rule never changes a score: it excludes a pair,
and `rule_hits` says, in words, which rules excluded it. The matcher applies the same rules in
vectorised form (type and level penalties, own-team and visibility masks)."""

from __future__ import annotations

from dataclasses import dataclass

from trellis.core.types import OPPORTUNITY_TYPES, OpportunityData, Profile, RuleHit


@dataclass(frozen=True)
class Rules:
    """``min_months_in_role`` and ``exclude_open_performance_plan`` apply to jobs only (gigs,
    projects and mentoring stay open). The level band applies to openings that have a level."""

    min_months_in_role: float = 12.0
    max_levels_up: int = 2
    max_levels_down: int = 1
    exclude_own_team: bool = True
    exclude_open_performance_plan: bool = True
    enforce_visibility: bool = True
    respect_preferences: bool = True


def say(you: bool, second: str, third: str) -> str:
    """The sentence for the person themselves ("you") or for someone reading about them."""
    return second if you else third


def type_exclusions(profile: Profile, rules: Rules) -> dict[str, RuleHit]:
    """Rules that depend on the person only: which opportunity types they are excluded from."""
    out: dict[str, RuleHit] = {}
    for kind in OPPORTUNITY_TYPES:
        hit = type_hit(profile, kind, rules)
        if hit is not None:
            out[kind] = hit
    return out


def type_hit(profile: Profile, kind: str, rules: Rules, you: bool = False) -> RuleHit | None:
    if profile.opted_out:
        return RuleHit("opted_out", say(you, "you switched off automated recommendations",
                                         "they switched off automated recommendations"))
    if rules.respect_preferences and kind not in profile.open_to:
        return RuleHit("preferences", say(you, f"your preferences say you are not open to {kind}s",
                                           f"their preferences say they are not open to {kind}s"))
    if kind != "job":
        return None
    if rules.exclude_open_performance_plan and profile.open_performance_plan:
        return RuleHit("performance_plan", say(
            you, "jobs are not suggested while your performance plan is open",
            "jobs are not suggested while their performance plan is open"))
    months = profile.months_in_role
    if rules.min_months_in_role > 0 and months is not None and months < rules.min_months_in_role:
        need = f"{rules.min_months_in_role:.0f}"
        return RuleHit("min_months_in_role", say(
            you, f"jobs are suggested after {need} months in a role, and you have been in yours for {months:.0f}",
            f"jobs are suggested after {need} months in a role, and they have been in theirs for {months:.0f}"))
    return None


def level_band_ok(person_level: int | None, opportunity_level: int | None, rules: Rules) -> bool:
    if person_level is None or opportunity_level is None:
        return True
    gap = opportunity_level - person_level
    return -rules.max_levels_down <= gap <= rules.max_levels_up


def team_keys(profile: Profile) -> set[str]:
    """Keys that identify the person's own team: their manager's team, the team they lead, their unit."""
    keys = {f"m{profile.id}"}
    if profile.manager is not None:
        keys.add(f"m{profile.manager}")
    if profile.org_unit is not None:
        keys.add(f"u{profile.org_unit}")
    return keys


def opportunity_team_key(opportunity: OpportunityData) -> str | None:
    """An opening belongs to its hiring manager's team, else to its org unit."""
    if opportunity.hiring_manager is not None:
        return f"m{opportunity.hiring_manager}"
    if opportunity.org_unit is not None:
        return f"u{opportunity.org_unit}"
    return None


def visibility_keys(profile: Profile) -> set[str]:
    keys = {f"u{u}" for u in profile.org_path}
    if profile.org_unit is not None:
        keys.add(f"u{profile.org_unit}")
    if profile.location is not None:
        keys.add(f"l{profile.location}")
    return keys


def opportunity_visibility_keys(opportunity: OpportunityData) -> set[str]:
    return {f"u{u}" for u in opportunity.visible_org_units} | {f"l{loc}" for loc in opportunity.visible_locations}


def rule_hits(profile: Profile, opportunity: OpportunityData, rules: Rules, *,
              you: bool = False) -> tuple[RuleHit, ...]:
    """Every rule that excludes this pair (empty: eligible), in words for the person themselves
    (``you``) or for someone reading about them."""
    hits: list[RuleHit] = []
    kind_hit = type_hit(profile, opportunity.type, rules, you)
    if kind_hit is not None:
        hits.append(kind_hit)
    if not level_band_ok(profile.level, opportunity.level, rules):
        gap = (opportunity.level or 0) - (profile.level or 0)
        far = f"{abs(gap)} level{'s' if abs(gap) != 1 else ''} {'above' if gap > 0 else 'below'}"
        band = f"up to {rules.max_levels_up} up or {rules.max_levels_down} down"
        hits.append(RuleHit("level_band", say(
            you, f"it is {far} your level ({profile.level} → {opportunity.level}); suggestions stay within {band}",
            f"it is {far} their level ({profile.level} → {opportunity.level}); suggestions stay within {band}")))
    key = opportunity_team_key(opportunity)
    if rules.exclude_own_team and key is not None and key in team_keys(profile):
        hits.append(RuleHit("own_team", say(you, "it is in your own team", "it is in their own team")))
    vis = opportunity_visibility_keys(opportunity)
    if rules.enforce_visibility and vis and not (vis & visibility_keys(profile)):
        hits.append(RuleHit("visibility", "it is offered only to other parts of the company or other locations"))
    return tuple(hits)
