"""Reader for the ESCO CSV release (``classification_<lang>.zip`` + ``relations.zip``, or the same
files unpacked in a folder).

What is read (see docs/taxonomy.md):
- ``skills_<lang>.csv``: every skill/knowledge concept, with altLabels (one per line), description
  and skill type; ``skillGroups_<lang>.csv``: the skill groups, stored as skills of type ``group``;
- ``broaderRelationsSkillPillar.csv``: the skill hierarchy (``broader`` links, narrower → broader),
  and each skill's ``group`` is the label of its first broader group;
- ``occupations_<lang>.csv`` with ``ISCOGroups_<lang>.csv``: occupations with their ESCO code
  (which starts with the 4-digit ISCO unit group) and ISCO group in ``extra``;
  ``broaderRelationsOccPillar.csv`` adds the broader occupation or ISCO group to ``extra``;
- ``occupationSkillRelations.csv``: essential / optional occupation–skill links;
- ``skillSkillRelations.csv``: essential / optional skill–skill links.
"""

from __future__ import annotations

from pathlib import Path

from trellis.errors import Invalid
from trellis.taxonomy.release import ParsedRelease, Release, split_lines

_LANG = r"(_[a-z]{2,3})?\.csv"
_SKILL_TYPES = {"skill/competence": "skill", "knowledge": "knowledge", "": "skill"}
MAX_ERRORS = 50


def read_esco(paths: list[Path], *, version: str) -> ParsedRelease:
    """Read an ESCO CSV release from folders and/or zip files into plain rows."""
    errors: list[str] = []
    skipped: dict[str, int] = {}

    def error(msg: str) -> None:
        errors.append(msg)
        if len(errors) >= MAX_ERRORS:
            raise Invalid("the ESCO release has errors", details=errors)

    def skip(reason: str) -> None:
        skipped[reason] = skipped.get(reason, 0) + 1

    with Release(paths) as rel:
        skills_file = rel.require(r"skills" + _LANG, "skills_en.csv")
        occupations_file = rel.require(r"occupations" + _LANG, "occupations_en.csv")
        links_file = rel.require(r"occupationSkillRelations" + _LANG, "occupationSkillRelations.csv")

        skills: dict[str, dict[str, object]] = {}
        for line, row in rel.rows(skills_file, required=("conceptUri", "preferredLabel", "altLabels", "skillType")):
            uri, label = row["conceptUri"].strip(), row["preferredLabel"].strip()
            if not uri or not label:
                error(f"{skills_file.where}:{line}: conceptUri and preferredLabel are required")
                continue
            kind = row["skillType"].strip()
            skills[uri] = {
                "external_id": uri,
                "preferred_label": label[:400],
                "alt_labels": [a for a in split_lines(row["altLabels"]) if a != label],
                "description": row.get("description", "").strip() or row.get("definition", "").strip() or None,
                "skill_type": _SKILL_TYPES.get(kind, kind[:32]),
                "group": None,
            }

        groups_file = rel.find(r"skillGroups" + _LANG)
        if groups_file is not None:
            for line, row in rel.rows(groups_file, required=("conceptUri", "preferredLabel")):
                uri, label = row["conceptUri"].strip(), row["preferredLabel"].strip()
                if not uri or not label:
                    error(f"{groups_file.where}:{line}: conceptUri and preferredLabel are required")
                    continue
                skills[uri] = {
                    "external_id": uri,
                    "preferred_label": label[:400],
                    "alt_labels": [a for a in split_lines(row.get("altLabels", "")) if a != label],
                    "description": row.get("description", "").strip() or None,
                    "skill_type": "group",
                    "group": row.get("code", "").strip() or None,
                }

        relations: list[tuple[str, str, str]] = []
        broader_file = rel.find(r"broaderRelationsSkillPillar" + _LANG)
        if broader_file is not None:
            for _line, row in rel.rows(broader_file, required=("conceptUri", "broaderUri")):
                narrow, broad = row["conceptUri"].strip(), row["broaderUri"].strip()
                if narrow not in skills or broad not in skills:
                    skip("broader links to concepts not in the release")
                    continue
                relations.append((narrow, broad, "broader"))
                target = skills[broad]
                narrower = skills[narrow]
                if narrower["skill_type"] != "group" and narrower["group"] is None and target["skill_type"] == "group":
                    narrower["group"] = str(target["preferred_label"])[:200]

        related_file = rel.find(r"skillSkillRelations" + _LANG)
        if related_file is not None:
            cols = ("originalSkillUri", "relationType", "relatedSkillUri")
            for _line, row in rel.rows(related_file, required=cols):
                a, kind, b = (
                    row["originalSkillUri"].strip(),
                    row["relationType"].strip(),
                    row["relatedSkillUri"].strip(),
                )
                if a not in skills or b not in skills:
                    skip("skill–skill links to skills not in the release")
                    continue
                relations.append((a, b, kind or "related"))

        isco: dict[str, str] = {}
        isco_file = rel.find(r"ISCOGroups" + _LANG)
        if isco_file is not None:
            for _line, row in rel.rows(isco_file, required=("code", "preferredLabel")):
                isco[row["code"].strip()] = row["preferredLabel"].strip()

        occupations: dict[str, dict[str, object]] = {}
        occ_cols = ("conceptUri", "iscoGroup", "preferredLabel", "altLabels")
        for line, row in rel.rows(occupations_file, required=occ_cols):
            uri, title = row["conceptUri"].strip(), row["preferredLabel"].strip()
            if not uri or not title:
                error(f"{occupations_file.where}:{line}: conceptUri and preferredLabel are required")
                continue
            group = row["iscoGroup"].strip()
            extra: dict[str, object] = {"isco_group": group}
            if group in isco:
                extra["isco_label"] = isco[group]
            occupations[uri] = {
                "external_id": uri,
                "code": (row.get("code", "").strip() or group)[:32] or None,
                "title": title[:400],
                "alt_titles": [a for a in split_lines(row["altLabels"]) if a != title],
                "description": row.get("description", "").strip() or row.get("definition", "").strip() or None,
                "job_zone": None,
                "extra": extra,
            }

        occ_broader = rel.find(r"broaderRelationsOccPillar" + _LANG)
        if occ_broader is not None:
            for _line, row in rel.rows(occ_broader, required=("conceptUri", "broaderUri")):
                occ = occupations.get(row["conceptUri"].strip())
                if occ is not None:
                    occ_extra = occ["extra"]
                    assert isinstance(occ_extra, dict)
                    occ_extra.setdefault("broader", []).append(row["broaderUri"].strip())

        links: list[tuple[str, str, str, float | None, float | None]] = []
        seen: set[tuple[str, str]] = set()
        for line, row in rel.rows(links_file, required=("occupationUri", "relationType", "skillUri")):
            occ_uri, kind, skill_uri = (
                row["occupationUri"].strip(),
                row["relationType"].strip(),
                row["skillUri"].strip(),
            )
            if occ_uri not in occupations or skill_uri not in skills:
                # ESCO 1.1.1 itself links 67 rows to an occupation missing from occupations_en.csv
                skip("occupation–skill links to concepts not in the release")
                continue
            if kind not in ("essential", "optional"):
                error(f"{links_file.where}:{line}: relationType must be essential or optional, not {kind!r}")
                continue
            if (occ_uri, skill_uri) in seen:
                continue
            seen.add((occ_uri, skill_uri))
            links.append((occ_uri, skill_uri, kind, None, None))

    if errors:
        raise Invalid("the ESCO release has errors", details=errors)
    if not skills:
        raise Invalid(f"{skills_file.where}: no skills")
    return ParsedRelease(
        source="esco",
        version=version,
        name=f"ESCO {version}",
        skills=skills,
        occupations=occupations,
        skill_relations=relations,
        occupation_skills=links,
        skipped=skipped,
    )
