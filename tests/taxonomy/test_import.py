from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from taxonomy.releases import FIXTURES, zip_files
from trellis.errors import Conflict, Invalid, NotFound
from trellis.models import Occupation, OccupationSkill, Role, RoleSkill, Skill, SkillRelation, Taxonomy
from trellis.taxonomy import service


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def skill(session: Session, external_id: str) -> Skill:
    return session.scalars(select(Skill).where(Skill.external_id == external_id)).one()


def test_an_esco_folder_imports_skills_groups_occupations_and_links(session: Session, esco_dir: Path) -> None:
    result = service.import_esco(session, paths=[esco_dir])
    assert (result.source, result.version) == ("esco", "1.1.1")
    assert (result.skills, result.occupations, result.occupation_skills) == (6, 3, 7)
    python = skill(session, "http://data.europa.eu/esco/skill/s-python")
    assert python.preferred_label == "Python (computer programming)"
    assert python.alt_labels == ["Python", "python programming"]
    assert python.skill_type == "knowledge"
    assert python.group == "software and applications development and analysis"
    assert skill(session, "http://data.europa.eu/esco/skill/s-analyse").skill_type == "skill"
    assert skill(session, "http://data.europa.eu/esco/isced-f/06").skill_type == "group"
    scientist = session.scalars(select(Occupation).where(Occupation.title == "data scientist")).one()
    assert scientist.code == "2511.4"
    assert scientist.alt_titles == ["data science specialist"]
    assert scientist.extra["isco_group"] == "2511" and scientist.extra["isco_label"] == "Systems analysts"
    kinds = sorted(
        session.scalars(select(OccupationSkill.relation).where(OccupationSkill.occupation_id == scientist.id))
    )
    assert kinds == ["essential", "essential", "optional"]
    relations = sorted(session.scalars(select(SkillRelation.relation)))
    assert relations == ["broader", "broader", "broader", "optional"]
    assert result.skipped == {"broader links to concepts not in the release": 1}


def test_the_esco_zip_pair_imports_the_same_as_the_folder(session: Session, esco_zips: list[Path]) -> None:
    result = service.import_esco(session, paths=esco_zips, version="1.1.1")
    assert (result.skills, result.occupations, result.occupation_skills, result.skill_relations) == (6, 3, 7, 4)


def test_a_zip_without_a_version_in_its_path_asks_for_one(session: Session, esco_zips: list[Path]) -> None:
    with pytest.raises(Invalid, match="--version"):
        service.import_esco(session, paths=esco_zips)


def test_reimporting_the_same_version_replaces_it_and_keeps_ids(session: Session, esco_dir: Path) -> None:
    service.import_esco(session, paths=[esco_dir])
    before = skill(session, "http://data.europa.eu/esco/skill/s-sql").id
    (esco_dir / "skills_en.csv").write_text(
        (esco_dir / "skills_en.csv").read_text().replace(",SQL,", ",SQL (language),")
    )
    result = service.import_esco(session, paths=[esco_dir])
    assert result.replaced
    session.expire_all()
    again = skill(session, "http://data.europa.eu/esco/skill/s-sql")
    assert again.id == before and again.preferred_label == "SQL (language)"
    assert count(session, Taxonomy) == 1 and count(session, Skill) == 6
    assert count(session, OccupationSkill) == 7 and count(session, SkillRelation) == 4


def test_a_removed_skill_still_required_by_a_role_blocks_the_replacement(session: Session, esco_dir: Path) -> None:
    service.import_esco(session, paths=[esco_dir])
    role = Role(external_id="R1", title="Analyst")
    role.requirements.append(RoleSkill(skill_id=skill(session, "http://data.europa.eu/esco/skill/s-stakeholders").id))
    session.add(role)
    session.flush()
    lines = (esco_dir / "skills_en.csv").read_text().splitlines(keepends=True)
    (esco_dir / "skills_en.csv").write_text("".join(line for line in lines if "s-stakeholders" not in line))
    with pytest.raises(Conflict, match="still in use"):
        service.import_esco(session, paths=[esco_dir])


def test_the_newest_import_of_a_source_is_the_active_one(session: Session, tmp_path: Path) -> None:
    older = tmp_path / "esco-1.1.0"
    newer = tmp_path / "esco-1.1.1"
    for target in (older, newer):
        target.mkdir()
        for f in (FIXTURES / "esco").iterdir():
            (target / f.name).write_bytes(f.read_bytes())
    service.import_esco(session, paths=[older])
    service.import_esco(session, paths=[newer])
    listed = {t.version: t for t in service.list_taxonomies(session)}
    assert listed["1.1.1"].active and not listed["1.1.0"].active
    assert listed["1.1.1"].skills == 6 and listed["1.1.1"].occupation_skills == 7
    assert service.get_active_taxonomy(session, source="esco").version == "1.1.1"
    assert service.get_active_taxonomy(session).version == "1.1.1"


def test_without_a_taxonomy_there_is_no_active_one(session: Session) -> None:
    with pytest.raises(NotFound, match="no active onet taxonomy"):
        service.get_active_taxonomy(session, source="onet")


def test_an_esco_release_without_relations_names_the_missing_file(session: Session, esco_zips: list[Path]) -> None:
    with pytest.raises(Invalid, match=r"occupationSkillRelations\.csv: file not found"):
        service.import_esco(session, paths=esco_zips[:1], version="1.1.1")
    assert count(session, Taxonomy) == 0


def test_a_missing_column_names_the_file_and_column(session: Session, esco_dir: Path) -> None:
    text = (esco_dir / "occupations_en.csv").read_text().replace("iscoGroup", "isco")
    (esco_dir / "occupations_en.csv").write_text(text)
    with pytest.raises(Invalid, match=r"occupations_en\.csv: missing column\(s\) iscoGroup"):
        service.import_esco(session, paths=[esco_dir])
    assert count(session, Skill) == 0


def test_a_file_that_is_not_utf8_is_rejected_with_its_name(session: Session, esco_dir: Path) -> None:
    (esco_dir / "skills_en.csv").write_bytes((esco_dir / "skills_en.csv").read_bytes() + "caf\u00e9".encode("latin-1"))
    with pytest.raises(Invalid, match=r"skills_en\.csv: not UTF-8"):
        service.import_esco(session, paths=[esco_dir])


def test_a_corrupt_zip_is_rejected_with_its_name(session: Session, tmp_path: Path) -> None:
    bad = tmp_path / "classification_en.zip"
    bad.write_bytes(b"PK\x03\x04 this is not a zip")
    with pytest.raises(Invalid, match=r"classification_en\.zip: not a readable zip"):
        service.import_esco(session, paths=[bad], version="1.1.1")


def test_a_bad_relation_type_is_reported_with_its_line(session: Session, esco_dir: Path) -> None:
    path = esco_dir / "occupationSkillRelations.csv"
    path.write_text(path.read_text().replace("o-developer,essential", "o-developer,mandatory", 1))
    with pytest.raises(Invalid) as err:
        service.import_esco(session, paths=[esco_dir])
    assert "occupationSkillRelations.csv:5: relationType must be essential or optional" in str(err.value)
    assert count(session, Skill) == 0


def test_onet_imports_ratings_technology_tasks_titles_and_zones(session: Session, onet_dir: Path) -> None:
    result = service.import_onet(session, paths=[onet_dir])
    assert (result.source, result.version, result.occupations) == ("onet", "29.3", 4)
    dev = session.scalars(select(Occupation).where(Occupation.external_id == "15-1252.00")).one()
    assert dev.job_zone == 4 and dev.code == "15-1252.00"
    assert dev.alt_titles == ["Application Developer", "Software Engineer"]
    assert dev.extra["reported_titles"] == ["Software Developer"]
    assert dev.extra["tasks"][0]["task"] == "Modify existing software to correct errors."
    assert {t["example"] for t in dev.extra["technology"]} == {"Python", "Git"}
    programming = skill(session, "2.B.3.e")
    assert (programming.skill_type, programming.group) == ("skill", "Technical Skills")
    assert skill(session, "2.C.4.a").skill_type == "knowledge"
    link = session.scalars(
        select(OccupationSkill).where(
            OccupationSkill.occupation_id == dev.id, OccupationSkill.skill_id == programming.id
        )
    ).one()
    assert (link.importance, link.level, link.relation) == (4.5, 5.2, "essential")
    python = skill(session, "T:Python")
    assert (python.skill_type, python.group) == ("technology", "Object or component oriented development software")
    assert skill(session, "43232403").skill_type == "technology"
    tech_links = session.scalars(select(OccupationSkill.relation).where(OccupationSkill.skill_id == python.id)).all()
    assert tech_links == ["essential", "essential"]
    qa = session.scalars(select(Occupation).where(Occupation.external_id == "15-1253.00")).one()
    assert qa.alt_titles == ["Quality Assurance Analyst", "QA Analyst"]


def test_onet_from_its_zip_with_a_top_folder(session: Session, tmp_path: Path) -> None:
    src = FIXTURES / "onet"
    archive = zip_files(tmp_path / "db_29_3_text.zip", src, sorted(p.name for p in src.iterdir()), "db_29_3_text/")
    assert zipfile.is_zipfile(archive)
    result = service.import_onet(session, paths=[archive])
    assert (result.version, result.occupations, result.skills) == ("29.3", 4, 4 + 2 + 3)


def test_onet_rows_for_an_unknown_occupation_are_reported(session: Session, onet_dir: Path) -> None:
    path = onet_dir / "Job Zones.txt"
    path.write_text(path.read_text() + "99-9999.00\tNobody\t3\t08/2023\tAnalyst\n")
    with pytest.raises(Invalid) as err:
        service.import_onet(session, paths=[onet_dir])
    assert "Job Zones.txt:6: unknown O*NET-SOC Code '99-9999.00'" in str(err.value)
    assert count(session, Occupation) == 0


def test_onet_without_knowledge_names_the_missing_file(session: Session, onet_dir: Path) -> None:
    (onet_dir / "Knowledge.txt").unlink()
    with pytest.raises(Invalid, match=r"Knowledge\.txt: file not found"):
        service.import_onet(session, paths=[onet_dir])
