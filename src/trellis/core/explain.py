"""Component values for chosen pairs, and explanations in words: components, matched, partly
matched (and through what) and missing skills. Values here are computed from the same feature
arrays the ranking uses, so the words and the numbers agree with the ranking."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from trellis.core.features import ASP_INTEREST, OpportunityArrays, PersonParts, Space, person_parts
from trellis.core.rules import rule_hits, say
from trellis.core.scoring import COMPONENT_LABELS, LOCATION_SHARE, NEUTRAL
from trellis.core.types import Component, Match, OpportunityData, Profile, SkillMatch

if TYPE_CHECKING:
    from trellis.core.matching import Matcher

COMPONENTS = tuple(COMPONENT_LABELS)
Labels = Mapping[str, Mapping[int, str]]


def _credit(eff_row: np.ndarray, w: sp.csr_matrix, lv: sp.csr_matrix, j: int) -> float:
    a, b = w.indptr[j], w.indptr[j + 1]
    if a == b:
        return NEUTRAL
    have = eff_row[w.indices[a:b]]
    return float(np.sum(np.minimum(1.0, have / np.maximum(lv.data[a:b], 1e-9)) * w.data[a:b]))


def pair_values(space: Space, parts: PersonParts, pi: int, oa: OpportunityArrays, oj: int,
                eff_row: np.ndarray | None = None, interest_row: np.ndarray | None = None,
                vec: np.ndarray | None = None) -> dict[str, float]:
    """Unweighted component values in [0, 1] for person row ``pi`` and opportunity row ``oj``
    (``eff_row``/``interest_row``: that person's dense rows, when the caller already has them)."""
    if eff_row is None:
        eff_row = np.asarray(parts.eff[pi].toarray()).ravel()
    values: dict[str, float] = {}
    if oa.req_neutral[oj]:
        values["required_skills"] = values["preferred_skills"] = NEUTRAL
    else:
        values["required_skills"] = _credit(eff_row, oa.req, oa.req_lv, oj)
        values["preferred_skills"] = _credit(eff_row, oa.pref, oa.pref_lv, oj)
    if vec is None and parts.has_vec[pi]:
        vec = parts.vec[pi]
    if vec is not None and oa.has_vec[oj]:
        values["semantic"] = float(np.dot(vec, oa.vec[oj]))
    else:
        values["semantic"] = NEUTRAL
    if not np.isnan(parts.asp_const[pi]):
        values["aspiration"] = float(parts.asp_const[pi])
    else:
        if interest_row is None:
            interest_row = np.asarray(parts.interests[pi].toarray()).ravel()
        a, b = oa.interest.indptr[oj], oa.interest.indptr[oj + 1]
        share = float(np.dot(interest_row[oa.interest.indices[a:b]], oa.interest.data[a:b]))
        values["aspiration"] = float(parts.asp_role[pi, oa.role[oj]] + parts.asp_fam[pi, oa.family[oj]]
                                     + ASP_INTEREST * share)
    values["career_move"] = float(parts.move[pi, oa.role[oj]])
    values["level"] = float(parts.lvl[pi, oa.level[oj]])
    values["logistics"] = float(LOCATION_SHARE * parts.loc[pi, oa.loc[oj]]
                                + (1 - LOCATION_SHARE) * parts.hrs[pi, oa.hrs[oj]])
    return values


def pair_values_many(space: Space, parts: PersonParts, pis: np.ndarray, oa: OpportunityArrays, ojs: np.ndarray,
                     eff: np.ndarray, interests: np.ndarray, vec: np.ndarray) -> dict[str, np.ndarray]:
    """Vectorised ``pair_values`` for pairs (pis[n], ojs[n]); ``eff``, ``interests`` and ``vec``
    hold each pair's person rows (so callers can pass modified people)."""
    n = len(pis)
    values: dict[str, np.ndarray] = {}
    rows = np.arange(n)
    for name, w, lv in (("required_skills", oa.req, oa.req_lv), ("preferred_skills", oa.pref, oa.pref_lv)):
        sub_w, sub_lv = w[ojs], lv[ojs]
        owner = np.repeat(rows, np.diff(sub_w.indptr))
        credit = np.minimum(1.0, eff[owner, sub_w.indices] / np.maximum(sub_lv.data, 1e-9)) * sub_w.data
        total = np.bincount(owner, weights=credit, minlength=n)
        values[name] = np.where(np.diff(sub_w.indptr) > 0, total, NEUTRAL)
        values[name] = np.where(oa.req_neutral[ojs], NEUTRAL, values[name])
    has_vec = np.linalg.norm(vec, axis=1) > 0 if vec.size else np.zeros(n, dtype=bool)
    sem = np.einsum("ij,ij->i", vec, oa.vec[ojs]) if vec.size else np.zeros(n)
    values["semantic"] = np.where(has_vec & oa.has_vec[ojs], sem, NEUTRAL)
    sub_i = oa.interest[ojs]
    owner = np.repeat(rows, np.diff(sub_i.indptr))
    share = np.bincount(owner, weights=interests[owner, sub_i.indices] * sub_i.data, minlength=n)
    stated = parts.asp_role[pis, oa.role[ojs]] + parts.asp_fam[pis, oa.family[ojs]] + ASP_INTEREST * share
    values["aspiration"] = np.where(np.isnan(parts.asp_const[pis]), stated, parts.asp_const[pis])
    values["career_move"] = parts.move[pis, oa.role[ojs]].astype(np.float64)
    values["level"] = parts.lvl[pis, oa.level[ojs]].astype(np.float64)
    values["logistics"] = (LOCATION_SHARE * parts.loc[pis, oa.loc[ojs]]
                           + (1 - LOCATION_SHARE) * parts.hrs[pis, oa.hrs[ojs]]).astype(np.float64)
    return values


def score_of(values: Mapping[str, float], weights: Mapping[str, float]) -> float:
    return float(sum(100.0 * weights[c] * values[c] for c in COMPONENTS))


def label(labels: Labels, kind: str, key: int | None) -> str:
    if key is None:
        return "unknown"
    return labels.get(kind, {}).get(key, f"{kind} {key}")


def skill_matches(space: Space, skill_ids: list[int], direct_row: np.ndarray, eff_row: np.ndarray,
                  oa: OpportunityArrays, oj: int) -> list[SkillMatch]:
    """How each of the posting's skills is met (required first, then preferred)."""
    out: list[SkillMatch] = []
    rel = space.related  # symmetric: row c holds the skills related to c
    for required, w, lv in ((True, oa.req, oa.req_lv), (False, oa.pref, oa.pref_lv)):
        if oa.req_neutral[oj] or (not required and _same_row(oa.req, oa.pref, oj)):
            continue
        a, b = w.indptr[oj], w.indptr[oj + 1]
        for col, need in zip(w.indices[a:b].tolist(), lv.data[a:b].tolist(), strict=True):
            have = float(eff_row[col])
            credit = min(1.0, have / need)
            via = None
            if direct_row[col] < have - 1e-6:  # the credit came through a related skill
                ra, rb = rel.indptr[col], rel.indptr[col + 1]
                through = rel.data[ra:rb] * direct_row[rel.indices[ra:rb]]
                via = skill_ids[int(rel.indices[ra + int(np.argmax(through))])]
            status = "matched" if credit >= 0.999 else ("partial" if credit > 0 else "missing")
            out.append(SkillMatch(skill=skill_ids[col], required_level=int(need), required=required,
                                  have_level=round(have, 2), credit=round(credit, 3), status=status, via=via))
    return out


def _same_row(a: sp.csr_matrix, b: sp.csr_matrix, j: int) -> bool:
    sa, sb = slice(a.indptr[j], a.indptr[j + 1]), slice(b.indptr[j], b.indptr[j + 1])
    return bool(np.array_equal(a.indices[sa], b.indices[sb]))


def _level(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def skill_text(m: SkillMatch, labels: Labels, you: bool = True) -> str:
    """How one of the posting's skills is met, in a sentence (what adding it would do is told
    once, in the "what would raise this match" list, not here)."""
    name = label(labels, "skill", m.skill)
    asked = f"asked for at level {m.required_level}" + ("" if m.required else ", nice to have")
    have = say(you, "you have", "they have")
    if m.status == "matched":
        return f"{name}: {have} it at level {_level(m.have_level)} ({asked})"
    if m.status == "partial" and m.via is not None:
        via = label(labels, "skill", m.via)
        return (f"{name}: partly covered by {say(you, 'your', 'their')} {via}, which counts as level "
                f"{_level(m.have_level)} ({asked})")
    if m.status == "partial":
        return (f"{name}: {say(you, 'your', 'their')} level counts as {_level(m.have_level)} of the "
                f"{m.required_level} asked for" + ("" if m.required else " (nice to have)"))
    return f"{name}: not on {say(you, 'your', 'their')} profile yet ({asked})"


def level_text(person_level: int | None, opportunity_level: int | None, you: bool = True) -> str:
    if person_level is None or opportunity_level is None:
        return "the opening has no level to compare with (counts as neutral)"
    gap = opportunity_level - person_level
    yours = say(you, "your", "their")
    if gap == 0:
        return f"the same level as {yours} current role ({person_level}): a sideways move"
    steps = f"{abs(gap)} level{'s' if abs(gap) != 1 else ''}"
    return f"{steps} {'above' if gap > 0 else 'below'} {yours} current level ({person_level} → {opportunity_level})"


def component_texts(values: Mapping[str, float], weights: Mapping[str, float], skills: list[SkillMatch],
                    context: Mapping[str, object], you: bool = True) -> tuple[Component, ...]:
    """The named components with their points and one sentence each, written to the person
    (``you``) or about them (for a hiring manager)."""
    req = [m for m in skills if m.required]
    pref = [m for m in skills if not m.required]
    subject = say(you, "you", "they")

    def count(ms: list[SkillMatch], what: str) -> str:
        if not ms:
            return ("the opening lists no required skills (counts as neutral)" if what == "required"
                    else "the opening lists no nice-to-have skills, so the required ones count here too")
        full = sum(m.status == "matched" for m in ms)
        part = sum(m.status == "partial" for m in ms)
        if full == len(ms):
            return f"{subject} meet all {len(ms)} {what} skills" if full > 1 else f"{subject} meet the {what} skill"
        if len(ms) == 1:
            return f"{subject} partly meet the {what} skill" if part else f"{subject} do not meet the {what} skill yet"
        return (f"{subject} fully meet {full or 'none'} of the {len(ms)} {what} skills"
                + (f", and {part} partly" if part else ""))

    sem = values["semantic"]
    how = "closely" if sem >= 0.6 else "somewhat" if sem >= 0.35 else "only loosely"
    texts = {
        "required_skills": count(req, "required"),
        "preferred_skills": count(pref, "nice-to-have"),
        "semantic": "there is no profile or posting text to compare (counts as neutral)"
        if context.get("semantic_neutral")
        else f"what {say(you, 'your', 'their')} profile and past roles describe is {how} related to the posting",
        "aspiration": str(context.get("aspiration", "")),
        "career_move": str(context.get("career_move", "")),
        "level": level_text(context.get("person_level"), context.get("opportunity_level"), you),  # type: ignore[arg-type]
        "logistics": str(context.get("logistics", "")),
    }
    return tuple(Component(name=c, label=COMPONENT_LABELS[c], value=round(values[c], 4), weight=round(weights[c], 4),
                           points=round(100.0 * weights[c] * values[c], 2), text=texts[c]) for c in COMPONENTS)


def aspiration_text(value: float, stated: bool, role_hit: bool, family_hit: bool, you: bool = True) -> str:
    yours = say(you, "your", "their")
    if not stated:
        return f"{say(you, 'you have', 'they have')} not said what {say(you, 'you', 'they')} would like next " \
               "(counts as neutral)"
    if role_hit:
        return f"it is one of {yours} target roles"
    if family_hit:
        return f"it is in a job family {say(you, 'you', 'they')} would like to move into"
    return f"it touches {yours} stated interests" if value > 0 else f"it is not among {yours} stated aspirations"


def move_text(value: float, from_role: str, to_role: str) -> str:
    if abs(value - NEUTRAL) < 1e-6:
        return "there are no past moves to compare with (counts as neutral)"
    if value >= 0.7:
        return f"a common step: people often move from {from_role} to {to_role}"
    if value > 0.2 + 1e-6:
        return f"people sometimes move from {from_role} to {to_role}"
    return f"an unusual step: few people have moved from {from_role} to {to_role}"


def logistics_text(remote: str, same_place: bool | None, relocation: bool, hours: int | None, available: int,
                   you: bool = True) -> str:
    """Where and how much: ``same_place`` None when the opening names no location."""
    subject = say(you, "you", "they")
    if remote == "remote":
        where = "it can be done remotely"
    elif same_place is None:
        where = "it names no location"
    elif same_place:
        where = f"it is in a location {subject} work in or said {subject} would accept"
    else:
        where = f"it would mean relocating, which {subject} said {subject} are open to" if relocation else \
            f"it is in a location {subject} did not choose"
    parts = [where]
    if hours:
        offer = f"{subject} said {subject} can give {available}" if available else \
            f"{subject} have not said how many hours {subject} can give"
        parts.append(f"it needs {hours} hours a week and {offer}")
    return "; ".join(parts)


def explain_pairs(matcher: Matcher, profiles: list[Profile], pis: list[int], oa: OpportunityArrays,
                  ojs: list[int], opps: list[OpportunityData], *, what_if: int | None,
                  people_side: bool, you: bool = True) -> list[Match]:
    """Matches with components, skills (re-scored what-ifs) and rule hits for pairs (pis[i], ojs[i]),
    in words written to the person (``you``) or about them (for a hiring manager)."""
    space, w, labels = matcher.space_, matcher.weights_, matcher.labels_
    if not pis:
        return []
    skill_ids = matcher.skill_ids_
    parts = person_parts(space, profiles)
    eff_d, direct_d, int_d = parts.eff.toarray(), parts.direct.toarray(), parts.interests.toarray()
    pis_a, ojs_a = np.asarray(pis), np.asarray(ojs)
    base = pair_values_many(space, parts, pis_a, oa, ojs_a, eff_d[pis_a], int_d[pis_a],
                            parts.vec[pis_a] * parts.has_vec[pis_a, None])
    results = []
    wishes: list[tuple[int, SkillMatch]] = []
    for n, (pi, oj) in enumerate(zip(pis, ojs, strict=True)):
        values = {c: float(base[c][n]) for c in COMPONENTS}
        skills = skill_matches(space, skill_ids, direct_d[pi], eff_d[pi], oa, oj)
        gaps = sorted((m for m in skills if m.status != "matched"), key=lambda m: (not m.required, m.credit))
        wishes += [(n, m) for m in gaps[: what_if if what_if is not None else len(gaps)]]
        results.append((pi, oj, values, skills))
    gains: dict[tuple[int, int, bool], float] = {}
    if wishes:
        raw = None if space.skill_vectors is None or not space.dim else direct_d @ space.skill_vectors
        w_pis = np.array([results[n][0] for n, _m in wishes])
        w_ojs = np.array([results[n][1] for n, _m in wishes])
        w_eff = eff_d[w_pis].copy()
        w_vec = parts.vec[w_pis] * parts.has_vec[w_pis, None]
        for row, (n, m) in enumerate(wishes):
            pi = results[n][0]
            w_eff[row], vec = with_skill(space, eff_d[pi], direct_d[pi], None if raw is None else raw[pi],
                                          parts.text[pi], space.skills[m.skill], float(m.required_level))
            if vec is not None:
                w_vec[row] = vec
        changed = pair_values_many(space, parts, w_pis, oa, w_ojs, w_eff, int_d[w_pis], w_vec)
        totals = np.zeros(len(wishes))
        for c in COMPONENTS:
            totals += 100.0 * w[c] * changed[c]
        for row, (n, m) in enumerate(wishes):
            gains[(n, m.skill, m.required)] = float(totals[row])
    out = []
    for n, (pi, oj, values, skills) in enumerate(results):
        score = score_of(values, w)
        final = []
        for m in skills:
            after = gains.get((n, m.skill, m.required))
            m2 = SkillMatch(skill=m.skill, required_level=m.required_level, required=m.required,
                            have_level=m.have_level, credit=m.credit, status=m.status, via=m.via,
                            score_if_added=None if after is None else round(after, 1))
            final.append(SkillMatch(m2.skill, m2.required_level, m2.required, m2.have_level, m2.credit, m2.status,
                                    m2.via, m2.score_if_added, skill_text(m2, labels, you)))
        final.sort(key=lambda m: ({"matched": 0, "partial": 1, "missing": 2}[m.status],
                                  -((m.score_if_added or score) - score), not m.required))
        profile, opp = profiles[pi], opps[n]
        place = None if opp.location is None else opp.location in {profile.location, *profile.accepted_locations}
        context = {
            "semantic_neutral": not (parts.has_vec[pi] and oa.has_vec[oj]),
            "aspiration": aspiration_text(values["aspiration"], bool(np.isnan(parts.asp_const[pi])),
                                          bool(parts.asp_role[pi, oa.role[oj]] > 0),
                                          bool(parts.asp_fam[pi, oa.family[oj]] > 0), you),
            "career_move": move_text(values["career_move"], label(labels, "role", profile.role),
                                     label(labels, "role", opp.role)),
            "person_level": profile.level, "opportunity_level": opp.level,
            "logistics": logistics_text(opp.remote, place, profile.relocation,
                                        opp.hours_per_week if opp.type in ("gig", "project") else None,
                                        profile.gig_hours, you),
        }
        components = component_texts(values, w, final, context, you)
        hits = rule_hits(profile, opp, space.rules, you=you)
        out.append(Match(id=profile.id if people_side else opp.id, score=round(score, 2), components=components,
                         reasons=_reasons(components, final, labels, you), skills=tuple(final),
                         excluded_by=hits))
    return out


def with_skill(space: Space, eff_row: np.ndarray, direct_row: np.ndarray, raw_skill_vec: np.ndarray | None,
               text_vec: np.ndarray, col: int, level: float) -> tuple[np.ndarray, np.ndarray | None]:
    """(effective levels, semantic vector) after the person adds skill ``col`` at ``level``,
    verified: the same result as rebuilding the person, at a fraction of the cost."""
    have = level * space.trust.verified
    eff = eff_row.copy()
    eff[col] = max(eff[col], have)
    rel = space.related
    a, b = rel.indptr[col], rel.indptr[col + 1]
    idx = rel.indices[a:b]
    eff[idx] = np.maximum(eff[idx], have * rel.data[a:b])
    if raw_skill_vec is None or space.skill_vectors is None:
        return eff, None
    raw = raw_skill_vec + (have - direct_row[col]) * space.skill_vectors[col]
    skill_n = raw / max(float(np.linalg.norm(raw)), 1e-12)
    has_text = bool(np.any(text_vec))
    mix = space.semantic_mix if has_text else 0.0
    vec = mix * text_vec + (1 - mix) * skill_n
    return eff, (vec / max(float(np.linalg.norm(vec)), 1e-12)).astype(np.float32)


def _reasons(components: tuple[Component, ...], skills: list[SkillMatch], labels: Labels,
             you: bool) -> tuple[str, ...]:
    """The few sentences shown first: what counts most, the skills met, the partial credit. The
    rules that keep a pair out of suggestions and the skills that would raise the score are
    shown on their own (``excluded_by`` and each skill's ``score_if_added``), never repeated here."""
    # the two parts that count most, leaving out those that only stand in for missing data
    top = [c for c in sorted(components, key=lambda c: -c.points) if c.points > 0 and "neutral" not in c.text][:2]
    lines = [c.text[0].upper() + c.text[1:] for c in top]
    matched = [label(labels, "skill", m.skill) for m in skills if m.status == "matched"]
    if matched:
        lines.append(say(you, "You have ", "They have ") + ", ".join(matched[:5])
                     + (" and more of the skills asked for" if len(matched) > 5 else ""))
    lines += [m.text for m in skills if m.status == "partial" and m.via is not None][:2]
    return tuple(dict.fromkeys(lines))
