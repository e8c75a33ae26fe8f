"""Importing HRIS files: every kind lands whole, re-imports are no-ops, bad files write nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from conftest import EXAMPLES, import_examples, table_counts
from trellis.config import Settings
from trellis.errors import Conflict, Invalid
from trellis.imports import people
from trellis.imports.schemas import KINDS
from trellis.imports.service import import_file
from trellis.models import AuditEvent, Employee, EmployeeSkill, OrgUnit, RoleSkill, Skill, SkillRelation

WriteFile = Callable[[str, str | bytes], Path]


def test_the_example_files_import_in_order_and_a_second_import_changes_nothing(
    session: Session, import_settings: Settings
) -> None:
    import_examples(session, import_settings)
    first = table_counts(session)
    assert first["employees"] == 16 and first["skills"] == 23 and first["role_skills"] == 35
    for kind in KINDS:
        result = import_file(session, kind=kind, path=EXAMPLES / f"{kind}.csv", settings=import_settings)
        assert (result.created, result.updated, result.deleted) == (0, 0, 0), kind
        assert result.unchanged == result.rows
    assert {k: v for k, v in table_counts(session).items() if k != "audit_events"} == {
        k: v for k, v in first.items() if k != "audit_events"}


def test_the_json_employees_example_holds_the_same_people_as_the_csv_one(
    company: Session, import_settings: Settings
) -> None:
    result = import_file(company, kind="employees", path=EXAMPLES / "employees.json", settings=import_settings)
    assert (result.rows, result.unchanged) == (16, 16)


def test_each_import_records_an_audit_event_with_its_counts(company: Session) -> None:
    events = company.scalars(select(AuditEvent).where(AuditEvent.action == "import.employees")).all()
    assert len(events) == 1
    assert events[0].data == {"file": "employees.csv", "format": "csv", "rows": 16, "created": 16, "updated": 0,
                              "unchanged": 0, "deleted": 0}


def test_references_are_resolved_by_external_id_and_skills_by_label_or_alt_label(company: Session) -> None:
    lucas = company.scalars(select(Employee).where(Employee.external_id == "E0004")).one()
    assert lucas.manager is not None and lucas.manager.external_id == "E0002"
    python = company.scalars(select(Skill).where(Skill.external_id == "SK-PY")).one()
    held = company.scalars(select(EmployeeSkill).where(EmployeeSkill.employee_id == lucas.id)).all()
    assert python.id in {s.skill_id for s in held}  # the file says "py", an alternative label
    aws = company.scalars(select(Skill).where(Skill.external_id == "SK-AWS")).one()
    broader = company.scalars(select(SkillRelation).where(SkillRelation.source_id == aws.id)).one()
    assert broader.relation == "broader"


def test_a_dry_run_validates_everything_and_writes_nothing(session: Session, import_settings: Settings) -> None:
    import_examples(session, import_settings, kinds=("locations", "org-units", "skills", "roles"))
    before = table_counts(session)
    result = import_file(session, kind="employees", path=EXAMPLES / "employees.csv", settings=import_settings,
                         dry_run=True)
    assert (result.created, result.dry_run) == (16, True)
    assert table_counts(session) == before


def test_a_changed_row_is_updated_and_the_rest_left_alone(
    company: Session, import_settings: Settings, write_file: WriteFile
) -> None:
    text = (EXAMPLES / "employees.csv").read_text().replace("Software Engineer,R-SWE-2,2,OU-210,E0002",
                                                            "Backend Engineer,R-SWE-2,2,OU-210,E0003")
    result = import_file(company, kind="employees", path=write_file("employees.csv", text), settings=import_settings)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 15)
    lucas = company.scalars(select(Employee).where(Employee.external_id == "E0004")).one()
    company.refresh(lucas)
    assert lucas.job_title == "Backend Engineer" and lucas.manager is not None
    assert lucas.manager.external_id == "E0003"


def test_a_manager_chain_deeper_than_the_insert_levels_is_linked_in_full(
    company: Session, import_settings: Settings, write_file: WriteFile
) -> None:
    # 100 new people, each managed by the one before, the first by Amara (E0001) who is in the
    # database; listed bottom-up so that every manager comes after their report in the file.
    rows = [f"C{i:03d},Person {i},c{i}@northwind.example,{f'C{i - 1:03d}' if i else 'E0001'}\n" for i in range(100)]
    path = write_file("employees.csv", "id,name,work_email,manager_id\n" + "".join(reversed(rows)))
    assert import_file(company, kind="employees", path=path, settings=import_settings).created == 100
    people = {e.external_id: e for e in company.scalars(select(Employee))}
    for i in range(100):
        manager = people[f"C{i:03d}"].manager_id
        assert manager == people[f"C{i - 1:03d}" if i else "E0001"].id


def test_a_requirement_left_out_of_a_roles_list_is_removed(
    company: Session, import_settings: Settings, write_file: WriteFile
) -> None:
    path = write_file("role-skills.csv", "role_id,skill,min_proficiency\nR-SWE-2,Python,4\n")
    result = import_file(company, kind="role-skills", path=path, settings=import_settings)
    assert (result.updated, result.deleted) == (1, 2)
    swe = company.scalars(select(RoleSkill).join(RoleSkill.role).where(RoleSkill.role.has(external_id="R-SWE-2")))
    assert [r.min_proficiency for r in swe] == [4]


def _refused(session: Session, settings: Settings, kind: str, path: Path) -> str:
    before = table_counts(session)
    with pytest.raises(Invalid) as err:
        import_file(session, kind=kind, path=path, settings=settings)
    assert table_counts(session) == before, "a refused import must write nothing"
    return str(err.value)


HEADER = "id,name,work_email,manager_id,org_unit_id,role_id,hire_date,level\n"
BAD_FILES: list[tuple[str, str, str | bytes, list[str]]] = [
    ("employees", "employees.csv", HEADER + "E0100,Ana,ana@northwind.example,E0999,,,,\n",
     ['employees.csv:2: manager_id "E0999" does not exist']),
    ("employees", "employees.csv", HEADER.encode() + b"E0100,Andr\xe9,a@northwind.example,,,,,\n",
     ["employees.csv:2: the file is not UTF-8 (byte 0xe9 at column 11)"]),
    ("employees", "employees.csv", "id,name,manager_id\nE0100,Ana,\n", ["missing required column: work_email"]),
    ("employees", "employees.csv", "id,name,work_email,manger_id\nE0100,Ana,a@northwind.example,\n",
     ['employees.csv:1: column "manger_id" is not a column of employees (did you mean "manager_id"?']),
    ("employees", "employees.csv", HEADER + "E0100,Ana,a@northwind.example,,,,2020-13-01,senior\n",
     ['employees.csv:2: hire_date "2020-13-01" is not a date (use YYYY-MM-DD)',
      'employees.csv:2: level "senior" is not a whole number']),
    ("employees", "employees.csv", HEADER + "E0100,Ana,a@northwind.example,,,,,\nE0100,Bo,b@northwind.example,,,,,\n",
     ['employees.csv:3: id "E0100" appears twice in the file (first on line 2)']),
    ("employees", "employees.csv", HEADER + "E0100,Ana,a@northwind.example,,OU-999,R-NONE,,\n",
     ['employees.csv:2: org_unit_id "OU-999" does not exist', 'employees.csv:2: role_id "R-NONE" does not exist']),
    ("employees", "employees.csv", HEADER + "E0100,Ana,amara.okafor@northwind.example,,,,,\n",
     ['employees.csv:2: work_email "amara.okafor@northwind.example" already belongs to employee E0001']),
    ("employees", "employees.csv", b"", ["employees.csv: the file is empty"]),
    ("employees", "employees.csv", HEADER, ["employees.csv: the file has no records"]),
    ("employees", "employees.csv", HEADER + "E0100,Ana,a@northwind.example,,,\n",
     ["employees.csv:2: has 6 fields, the header has 8"]),
    ("employees", "employees.json", '{"id": "E0100"}', ["employees.json:1: a JSON import file must be an array"]),
    ("employees", "employees.json", '[\n"E0100"\n]', ["employees.json:2: element 1 is str, expected an object"]),
    ("employees", "employees.json", '[\n{"id": "E0100",\n', ["employees.json:3: not valid JSON"]),
    ("employees", "employees.json", '[\n  {"id": "E0100", "name": "Ana",\n   "work_email": "x"}\n]',
     ['employees.json:2: work_email "x" is not a valid email address']),
    ("employees", "employees.xlsx", b"PK\x03\x04", ['employees.xlsx: extension ".xlsx" is not supported']),
    ("employees", "employees.csv", HEADER + "E0100,Ana,a@northwind.example,E0101,,,,\n"
     "E0101,Bo,b@northwind.example,E0100,,,,\n",
     ['employees.csv:2: manager_id "E0101" would make a cycle: E0100 → E0101 → E0100']),
    ("employees", "employees.csv", HEADER + "E0100,Ana,a@northwind.example,E0100,,,,\n",
     ['employees.csv:2: manager_id "E0100" would make a cycle: E0100 → E0100']),
    # Amara (E0001) manages Jonas (E0002) who manages Priya (E0003) in the database already.
    ("employees", "employees.csv", HEADER + "E0001,Amara Okafor,amara.okafor@northwind.example,E0003,,,,\n",
     ['employees.csv:2: manager_id "E0003" would make a cycle: E0001 → E0003 → E0002 → E0001']),
    ("org-units", "org-units.csv", "id,name,parent_id\nOU-100,Northwind Analytics,OU-210\n",
     ['org-units.csv:2: parent_id "OU-210" would make a cycle: OU-100 → OU-210 → OU-200 → OU-100']),
    ("org-units", "org-units.csv", "id,name,parent_id\nOU-900,Lab,OU-999\n",
     ['org-units.csv:2: parent_id "OU-999" does not exist']),
    ("skills", "skills.csv", "id,label,broader\nSK-PROG,Programming,SK-PY\n",
     ['skills.csv:2: broader "SK-PY" would make a cycle: SK-PROG → SK-PY → SK-PROG']),
    ("skills", "skills.csv", "id,label,related\nSK-PY,Python,SK-PY|SK-NOPE\n",
     ['skills.csv:2: related "SK-PY" is the skill itself',
      'skills.csv:2: related "SK-NOPE" is not a skill of the company library']),
    ("role-skills", "role-skills.csv", "role_id,skill,min_proficiency\nR-SWE-2,Pythn,3\nR-SWE-2,SQL,7\n",
     ['role-skills.csv:2: skill "Pythn" is not a skill of the active taxonomy',
      'role-skills.csv:3: min_proficiency "7" should be less than or equal to 5']),
    ("history", "history.csv", "employee_id,role_id,start_date,end_date,move_type\n"
     "E0004,R-SWE-3,2024-01-01,2023-01-01,promotion\nE0004,R-SWE-3,2024-02-01,,sideways\n",
     ["history.csv:2: end_date 2023-01-01 is before start_date 2024-01-01",
      'history.csv:3: move_type "sideways" is not one of hire, promotion, lateral, demotion or exit']),
    ("opportunities", "opportunities.csv", "id,title,required_skills,preferred_skills,hiring_manager_id\n"
     "OPP-100,Gig,Python:4|SQL:9,py:2,E0999\n",
     ['opportunities.csv:2: required_skills "Python:4|SQL:9" should be less than or equal to 5']),
    ("opportunities", "opportunities.csv", "id,title,required_skills,preferred_skills,hiring_manager_id\n"
     "OPP-100,Gig,Python:4,py:2,E0999\n",
     ['opportunities.csv:2: preferred_skills "py" is listed twice (also in required_skills)',
      'opportunities.csv:2: hiring_manager_id "E0999" does not exist']),
    ("locations", "locations.csv", "id,name,country,timezone\nLOC-X,Mars base,MARS,Mars/Olympus\n",
     ['locations.csv:2: country "MARS" is not a two-letter ISO 3166 country code',
      'locations.csv:2: timezone "Mars/Olympus" is not an IANA time zone name']),
    ("learning", "learning.csv", "id,title,hours,skills\nLRN-100,Course,-1,Cobol:3\n",
     ['learning.csv:2: hours "-1" should be greater than 0']),
]


@pytest.mark.parametrize(("kind", "name", "content", "expected"), BAD_FILES,
                         ids=[f"{i:02d}-{case[3][0].split(': ', 1)[-1][:40]}" for i, case in enumerate(BAD_FILES)])
def test_a_bad_file_is_refused_with_file_line_column_and_reason_and_writes_nothing(
    company: Session, import_settings: Settings, write_file: WriteFile,
    kind: str, name: str, content: str | bytes, expected: list[str],
) -> None:
    message = _refused(company, import_settings, kind, write_file(name, content))
    for line in expected:
        assert line in message


def test_an_unknown_kind_is_refused(session: Session, import_settings: Settings) -> None:
    with pytest.raises(Invalid, match='unknown kind "employes"'):
        import_file(session, kind="employes", path=EXAMPLES / "employees.csv", settings=import_settings)


def test_errors_are_listed_up_to_the_cap_then_counted(
    company: Session, write_file: WriteFile, tmp_path: Path
) -> None:
    settings = Settings(database_url="sqlite://", max_import_errors=3)
    rows = "".join(f"E{i:04d}x,Person {i},p{i}@northwind.example,E0999\n" for i in range(10))
    message = _refused(company, settings, "employees", write_file("employees.csv", "id,name,work_email,manager_id\n"
                                                                   + rows))
    assert "employees.csv: 10 errors, nothing was imported" in message
    assert message.count('manager_id "E0999" does not exist') == 3
    assert message.rstrip().endswith("... and 7 more")


def test_a_skill_label_shared_by_two_taxonomies_resolves_to_the_company_library(
    company: Session, import_settings: Settings, write_file: WriteFile
) -> None:
    from builders import make_skill, make_taxonomy

    esco = make_taxonomy(company, source="esco").id  # another active taxonomy
    make_skill(company, "Python", taxonomy_id=esco)
    make_skill(company, "Rust", taxonomy_id=esco)
    make_skill(company, "Rust", taxonomy_id=esco)
    path = write_file("role-skills.csv", "role_id,skill\nR-SWE-2,Python\nR-SWE-2,Rust\n")
    message = _refused(company, import_settings, "role-skills", path)
    assert 'role-skills.csv:3: skill "Rust" is ambiguous' in message
    assert "role-skills.csv:2" not in message


def test_a_file_over_the_configured_size_limit_is_refused_before_it_is_read(
    session: Session, write_file: WriteFile
) -> None:
    settings = Settings(database_url="sqlite://", max_upload_mb=1)
    path = write_file("employees.csv", b"\xff" * (1024 * 1024 + 1))  # not even UTF-8: never decoded
    message = _refused(session, settings, "employees", path)
    assert "employees.csv: the file is 1.0 MB, over the limit of 1 MB (TRELLIS_MAX_UPLOAD_MB)" in message


def test_a_file_over_100_mb_is_refused_before_parsing(
    session: Session, import_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "employees.csv"
    with path.open("wb") as fh:  # a sparse 101 MB file: written in no time, takes no disk space
        fh.write(b"id,name,work_email\n")
        fh.truncate(101 * 1024 * 1024)

    def refuse_to_read(self: Path) -> bytes:
        raise AssertionError("the file was read")

    monkeypatch.setattr(Path, "read_bytes", refuse_to_read)
    message = _refused(session, import_settings, "employees", path)
    assert "over the limit of 100 MB" in message


def test_a_database_error_while_writing_rolls_back_every_row(
    company: Session, import_settings: Settings, write_file: WriteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = people.write

    def write_then_fail(ctx, plan, *, stage):  # type: ignore[no-untyped-def]
        real_write(ctx, plan, stage=stage)  # the new people are in ...
        ctx.session.execute(insert(OrgUnit), [{"external_id": "OU-100", "name": "duplicate"}])  # ... then a clash

    monkeypatch.setattr(people, "write", write_then_fail)
    rows = "".join(f"E{i:04d}x,Person {i},p{i}@northwind.example\n" for i in range(5))
    before = table_counts(company)
    with pytest.raises(Conflict, match="the database refused the import, nothing was written"):
        import_file(company, kind="employees", path=write_file("employees.csv", "id,name,work_email\n" + rows),
                    settings=import_settings)
    assert table_counts(company) == before


def test_the_starter_library_shipped_with_the_demo_imports_as_the_company_skills(
    session: Session, import_settings: Settings
) -> None:
    from trellis.demo.library import library_path

    result = import_file(session, kind="skills", path=library_path(), settings=import_settings)
    assert result.created == result.rows > 300
    relations = {r for (r,) in session.execute(select(SkillRelation.relation).distinct())}
    assert relations == {"broader", "related"}
    again = import_file(session, kind="skills", path=library_path(), settings=import_settings)
    assert again.unchanged == again.rows
