"""Reading import files keeps the line each record starts on, whatever the layout."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from trellis.errors import Invalid
from trellis.imports.context import find_cycles
from trellis.imports.reader import read_records

MB = 1024 * 1024


def test_csv_records_carry_the_line_they_start_on_across_quoted_newlines_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text('id,description\nA,"two\nlines"\n\nB,plain\n', encoding="utf-8")
    source = read_records(path, max_bytes=MB)
    assert [(line, rec["id"]) for line, rec in source.rows] == [(2, "A"), (5, "B")]
    assert source.rows[0][1]["description"] == "two\nlines"


def test_a_byte_order_mark_is_accepted_and_empty_cells_become_none(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes("\ufeffid,name\nA,  \n".encode())
    source = read_records(path, max_bytes=MB)
    assert source.columns == ["id", "name"] and source.rows == [(2, {"id": "A", "name": None})]


def test_json_records_carry_the_line_their_object_starts_on(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('[\n  {"id": "A",\n   "n": 1},\n\n  {"id": "B"}, {"id": "C", "x": [1,\n2]}\n]\n')
    source = read_records(path, max_bytes=MB)
    assert [(line, rec["id"]) for line, rec in source.rows] == [(2, "A"), (5, "B"), (5, "C")]
    assert source.columns == ["id", "n", "x"]


@pytest.mark.parametrize(("content", "message"), [
    ('[{"id": "A"}] trailing', "x.json:1: not valid JSON (extra data after the array)"),
    ('[{"id": "A"} {"id": "B"}]', "expected , or ] after an element"),
    ("[]", "x.json: the file has no records"),
    ("  \n ", "x.json: the file is empty"),
])
def test_malformed_json_is_refused_with_the_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(content)
    with pytest.raises(Invalid, match=re.escape(message)):
        read_records(path, max_bytes=MB)


def test_a_header_naming_a_column_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("id,name,id\nA,B,C\n")
    with pytest.raises(Invalid, match=re.escape('x.csv:1: column "id" appears twice')):
        read_records(path, max_bytes=MB)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(Invalid, match="no such file"):
        read_records(tmp_path / "nope.csv", max_bytes=MB)


def test_cycles_are_found_through_any_number_of_links_and_only_where_they_are() -> None:
    graph = {"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"], "e": []}
    cycles = find_cycles(graph, ["d", "e"])
    assert cycles == {"a": ["a", "b", "c", "a"], "b": ["b", "c", "a", "b"], "c": ["c", "a", "b", "c"]}
    assert find_cycles({"x": ["y", "z"], "y": ["z"], "z": []}, ["x"]) == {}
