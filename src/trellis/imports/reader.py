"""Reading and writing import files (CSV and JSON) while keeping the line each record starts on.

Checks that cost nothing come first: the extension, then the size (from ``stat``, before a single
byte is read), then the encoding (strict UTF-8, a byte-order mark is allowed), then the shape
(a CSV header row; a JSON array of objects). Values are handed on as read: CSV cells are strings
(empty cells become ``None``), JSON values keep their JSON types.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from trellis.errors import Invalid

FORMATS = ("csv", "json")
_WS = " \t\r\n"


@dataclass
class SourceFile:
    """The records of one file: ``rows`` holds ``(line, record)`` pairs in file order."""

    name: str
    format: str
    columns: list[str]
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, reason) of malformed rows


def file_format(path: Path) -> str:
    """``csv`` or ``json`` from the file's extension; anything else is refused."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise Invalid(
            f'{path.name}: extension ".{suffix}" is not supported; use a .csv or .json file'
            if suffix
            else f"{path.name}: the file has no extension; use a .csv or .json file"
        )
    return suffix


def read_records(path: Path, *, max_bytes: int) -> SourceFile:
    """Read ``path`` into records with their line numbers, refusing it early when it is too big,
    not UTF-8, empty, or not shaped as CSV with a header / a JSON array of objects."""
    fmt = file_format(path)
    if not path.is_file():
        raise Invalid(f"{path}: no such file")
    size = path.stat().st_size
    if size > max_bytes:
        raise Invalid(
            f"{path.name}: the file is {size / 1_048_576:.1f} MB, over the limit of "
            f"{max_bytes / 1_048_576:.0f} MB (TRELLIS_MAX_UPLOAD_MB); split it or raise the limit"
        )
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        bad = data[err.start : err.start + 1].hex()
        raise Invalid(
            f"{path.name}:{line}: the file is not UTF-8 (byte 0x{bad} at column {column}); "
            "save or export it as UTF-8"
        ) from None
    if not text.strip(_WS):
        raise Invalid(f"{path.name}: the file is empty")
    source = _read_csv(path.name, text) if fmt == "csv" else _read_json(path.name, text)
    if not source.rows and not source.problems:
        raise Invalid(f"{path.name}: the file has no records (only a header?)")
    return source


def _read_csv(name: str, text: str) -> SourceFile:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except csv.Error as err:
        raise Invalid(f"{name}:1: the header row is not valid CSV ({err})") from None
    columns = [h.strip() for h in header]
    seen: set[str] = set()
    for col in columns:
        if not col:
            raise Invalid(f"{name}:1: the header row has an empty column name")
        if col in seen:
            raise Invalid(f'{name}:1: column "{col}" appears twice in the header row')
        seen.add(col)
    source = SourceFile(name=name, format="csv", columns=columns)
    start = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            raise Invalid(f"{name}:{start}: not valid CSV ({err})") from None
        if cells and any(c.strip() for c in cells):
            if len(cells) != len(columns):
                source.problems.append((start, f"has {len(cells)} fields, the header has {len(columns)}"))
            else:
                source.rows.append((start, {c: (v.strip() or None) for c, v in zip(columns, cells, strict=True)}))
        start = reader.line_num + 1
    return source


def _read_json(name: str, text: str) -> SourceFile:
    """Walk the top-level array element by element with ``raw_decode`` so that each object's
    starting line is known (``json.loads`` would lose it)."""
    decoder = json.JSONDecoder()
    pos, line = 0, 1

    def skip_ws(at: int) -> int:
        nonlocal line
        end = at
        while end < len(text) and text[end] in _WS:
            end += 1
        line += text.count("\n", at, end)
        return end

    def fail(at: int, reason: str) -> Invalid:
        return Invalid(f"{name}:{text.count(chr(10), 0, at) + 1}: {reason}")

    pos = skip_ws(pos)
    if text[pos] != "[":
        raise fail(pos, "a JSON import file must be an array of objects: [{...}, {...}]")
    pos = skip_ws(pos + 1)
    source = SourceFile(name=name, format="json", columns=[])
    columns: dict[str, None] = {}
    if pos < len(text) and text[pos] == "]":
        pos += 1
    else:
        while True:
            start_line = line
            try:
                value, end = decoder.raw_decode(text, pos)
            except json.JSONDecodeError as err:
                raise fail(err.pos, f"not valid JSON ({err.msg})") from None
            if not isinstance(value, dict):
                raise fail(pos, f"element {len(source.rows) + 1} is {type(value).__name__}, expected an object")
            line += text.count("\n", pos, end)
            source.rows.append((start_line, value))
            columns.update(dict.fromkeys(value))
            pos = skip_ws(end)
            if pos < len(text) and text[pos] == ",":
                pos = skip_ws(pos + 1)
                continue
            if pos < len(text) and text[pos] == "]":
                pos += 1
                break
            raise fail(pos, "not valid JSON (expected , or ] after an element)")
    if skip_ws(pos) != len(text):
        raise fail(pos, "not valid JSON (extra data after the array)")
    source.columns = list(columns)
    return source


def write_records(path: Path, columns: list[str], records: list[dict[str, Any]], *, fmt: str) -> None:
    """Write ``records`` as CSV (lists joined with ``|``) or as a JSON array of objects."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "json":
        with path.open("w", encoding="utf-8") as fh:
            fh.write("[\n")
            for i, rec in enumerate(records):
                fh.write("  " + json.dumps(rec, ensure_ascii=False, default=_json_default))
                fh.write(",\n" if i < len(records) - 1 else "\n")
            fh.write("]\n")
        return
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        for rec in records:
            writer.writerow([_cell(rec.get(c)) for c in columns])


def _json_default(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def _cell(value: Any) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "|".join(_list_item(v) for v in value)
    return str(value)


def _list_item(value: Any) -> str:
    if isinstance(value, dict):  # a skill with a level
        return f"{value['skill']}:{value['level']}"
    return str(value)
