"""Reader for the O*NET database text release (tab-separated ``*.txt`` files, in a folder or in
the ``db_XX_X_text.zip``).

What is read (see docs/taxonomy.md):
- ``Occupation Data.txt``: occupations (O*NET-SOC code as external id and code, title, description);
- ``Skills.txt``, ``Knowledge.txt``: each element (``2.A.1.a`` ...) becomes a skill of type ``skill``
  or ``knowledge``; each rated occupation gets a link with importance (IM, 1–5) and level (LV,
  0–7); links with importance ≥ 3 are ``essential``, the others ``optional``;
- ``Technology Skills.txt``: each commodity (UNSPSC code) and each example (``T:<example>``)
  becomes a ``technology`` skill, the example ``broader`` than its commodity; occupations link
  to their examples (``essential`` when flagged In Demand), and keep the list in ``extra``;
- ``Alternate Titles.txt`` → ``alt_titles``; ``Sample of Reported Titles.txt``, ``Task Statements.txt``
  → ``extra["reported_titles"]``, ``extra["tasks"]``; ``Job Zones.txt`` → ``job_zone``;
- ``Content Model Reference.txt`` (optional): element descriptions and their parent as ``group``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from trellis.errors import Invalid
from trellis.taxonomy.release import ParsedRelease, Release

CODE = "O*NET-SOC Code"
MAX_ERRORS = 50
ESSENTIAL_IMPORTANCE = 3.0


def read_onet(paths: list[Path], *, version: str) -> ParsedRelease:
    """Read the O*NET text files into plain rows."""
    errors: list[str] = []

    def error(msg: str) -> None:
        errors.append(msg)
        if len(errors) >= MAX_ERRORS:
            raise Invalid("the O*NET release has errors", details=errors)

    def number(value: str, where: str) -> float | None:
        if not value.strip():
            return None
        try:
            return float(value)
        except ValueError:
            error(f"{where}: not a number: {value!r}")
            return None

    with Release(paths) as rel:
        occ_file = rel.require(r"Occupation Data\.txt", "Occupation Data.txt")
        occupations: dict[str, dict[str, Any]] = {}
        for line, row in rel.rows(occ_file, required=(CODE, "Title", "Description"), delimiter="\t"):
            code, title = row[CODE].strip(), row["Title"].strip()
            if not code or not title:
                error(f"{occ_file.where}:{line}: {CODE} and Title are required")
                continue
            occupations[code] = {
                "external_id": code,
                "code": code,
                "title": title[:400],
                "alt_titles": [],
                "description": row["Description"].strip() or None,
                "job_zone": None,
                "extra": {"tasks": [], "reported_titles": [], "technology": []},
            }

        def occupation(code: str, where: str) -> dict[str, Any] | None:
            found = occupations.get(code.strip())
            if found is None:
                error(f"{where}: unknown {CODE} {code!r}")
            return found

        elements: dict[str, tuple[str, str]] = {}
        ref = rel.find(r"Content Model Reference\.txt")
        if ref is not None:
            for _line, row in rel.rows(ref, required=("Element ID", "Element Name", "Description"), delimiter="\t"):
                elements[row["Element ID"].strip()] = (row["Element Name"].strip(), row["Description"].strip())

        skills: dict[str, dict[str, Any]] = {}
        ratings: dict[tuple[str, str], dict[str, float | None]] = {}
        for name, kind in (("Skills", "skill"), ("Knowledge", "knowledge")):
            member = rel.require(rf"{name}\.txt", f"{name}.txt")
            cols = (CODE, "Element ID", "Element Name", "Scale ID", "Data Value")
            for line, row in rel.rows(member, required=cols, delimiter="\t"):
                where = f"{member.where}:{line}"
                if occupation(row[CODE], where) is None:
                    continue
                element = row["Element ID"].strip()
                if element not in skills:
                    parent = elements.get(element.rsplit(".", 1)[0])
                    skills[element] = {
                        "external_id": element,
                        "preferred_label": row["Element Name"].strip()[:400],
                        "alt_labels": [],
                        "description": elements.get(element, ("", ""))[1] or None,
                        "skill_type": kind,
                        "group": parent[0][:200] if parent else None,
                    }
                scale = row["Scale ID"].strip()
                if scale not in ("IM", "LV"):
                    continue
                value = number(row["Data Value"], where)
                ratings.setdefault((row[CODE].strip(), element), {})[scale] = value

        links: list[tuple[str, str, str, float | None, float | None]] = []
        for (code, element), values in ratings.items():
            im, lv = values.get("IM"), values.get("LV")
            kind = "essential" if im is not None and im >= ESSENTIAL_IMPORTANCE else "optional"
            links.append((code, element, kind, im, lv))

        relations: list[tuple[str, str, str]] = []
        tech = rel.find(r"Technology Skills\.txt")
        if tech is not None:
            tech_cols = (CODE, "Example", "Commodity Code", "Commodity Title")
            linked: set[tuple[str, str]] = set()
            for line, row in rel.rows(tech, required=tech_cols, delimiter="\t"):
                where = f"{tech.where}:{line}"
                occ = occupation(row[CODE], where)
                example, commodity, ctitle = (
                    row["Example"].strip(),
                    row["Commodity Code"].strip(),
                    row["Commodity Title"].strip(),
                )
                if occ is None or not example or not commodity:
                    if occ is not None:
                        error(f"{where}: Example and Commodity Code are required")
                    continue
                hot, demand = row.get("Hot Technology", "") == "Y", row.get("In Demand", "") == "Y"
                skills.setdefault(
                    commodity,
                    {
                        "external_id": commodity,
                        "preferred_label": (ctitle or commodity)[:400],
                        "alt_labels": [],
                        "description": None,
                        "skill_type": "technology",
                        "group": None,
                    },
                )
                ext = "T:" + example[:250]
                if ext not in skills:
                    skills[ext] = {
                        "external_id": ext,
                        "preferred_label": example[:400],
                        "alt_labels": [],
                        "description": None,
                        "skill_type": "technology",
                        "group": (ctitle or None) and ctitle[:200],
                    }
                relations.append((ext, commodity, "broader"))
                occ["extra"]["technology"].append(
                    {
                        "example": example,
                        "commodity": commodity,
                        "commodity_title": ctitle,
                        "hot": hot,
                        "in_demand": demand,
                    }
                )
                if (occ["code"], ext) not in linked:
                    linked.add((occ["code"], ext))
                    links.append((occ["code"], ext, "essential" if demand else "optional", None, None))

        alt = rel.find(r"Alternate Titles\.txt")
        if alt is not None:
            for line, row in rel.rows(alt, required=(CODE, "Alternate Title"), delimiter="\t"):
                occ = occupation(row[CODE], f"{alt.where}:{line}")
                if occ is None:
                    continue
                for title in (row["Alternate Title"].strip(), row.get("Short Title", "").strip()):
                    if title and title != occ["title"] and title not in occ["alt_titles"]:
                        occ["alt_titles"].append(title)

        reported = rel.find(r"Sample of Reported Titles\.txt")
        if reported is not None:
            for line, row in rel.rows(reported, required=(CODE, "Reported Job Title"), delimiter="\t"):
                occ = occupation(row[CODE], f"{reported.where}:{line}")
                if occ is not None and row["Reported Job Title"].strip():
                    occ["extra"]["reported_titles"].append(row["Reported Job Title"].strip())

        tasks = rel.find(r"Task Statements\.txt")
        if tasks is not None:
            for line, row in rel.rows(tasks, required=(CODE, "Task"), delimiter="\t"):
                occ = occupation(row[CODE], f"{tasks.where}:{line}")
                if occ is not None and row["Task"].strip():
                    occ["extra"]["tasks"].append(
                        {"task": row["Task"].strip(), "type": row.get("Task Type", "").strip()}
                    )

        zones = rel.find(r"Job Zones\.txt")
        if zones is not None:
            for line, row in rel.rows(zones, required=(CODE, "Job Zone"), delimiter="\t"):
                where = f"{zones.where}:{line}"
                occ = occupation(row[CODE], where)
                zone = row["Job Zone"].strip()
                if occ is None:
                    continue
                if zone not in {"1", "2", "3", "4", "5"}:
                    error(f"{where}: Job Zone must be 1 to 5, not {zone!r}")
                    continue
                occ["job_zone"] = int(zone)

    if errors:
        raise Invalid("the O*NET release has errors", details=errors)
    if not occupations:
        raise Invalid(f"{occ_file.where}: no occupations")
    return ParsedRelease(
        source="onet",
        version=version,
        name=f"O*NET {version}",
        skills=skills,
        occupations=occupations,
        skill_relations=relations,
        occupation_skills=links,
        skipped={},
    )
