"""Opening a taxonomy release as the publisher ships it: a folder of CSV/TSV files, zip archives
(read in place, never unpacked), or a mix of both. Files are found by name, so a release's
language suffix (``skills_en.csv``) or an extra top folder inside the zip does not matter.

Every failure is an :class:`~trellis.errors.Invalid` that names the file and the reason."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

from trellis.errors import Invalid

csv.field_size_limit(16 * 1024 * 1024)

Opener = Callable[[], IO[bytes]]


@dataclass(frozen=True)
class _Member:
    name: str  # base name, e.g. "skills_en.csv"
    where: str  # shown in messages, e.g. "classification_en.zip:skills_en.csv"
    open: Opener


class Release:
    """The files of one release, gathered from folders and zip archives."""

    def __init__(self, paths: list[Path]) -> None:
        self.paths = paths
        self._members: list[_Member] = []
        self._zips: list[zipfile.ZipFile] = []
        for path in paths:
            if not path.exists():
                raise Invalid(f"{path}: no such file or folder")
            if path.is_dir():
                for child in sorted(path.rglob("*")):
                    if child.is_file():
                        self._add_file(child)
            else:
                self._add_file(path)

    def _add_file(self, path: Path) -> None:
        if path.suffix.lower() == ".zip":
            try:
                archive = zipfile.ZipFile(path)
            except (zipfile.BadZipFile, OSError) as err:
                raise Invalid(f"{path.name}: not a readable zip archive ({err})") from err
            self._zips.append(archive)
            for info in archive.infolist():
                if info.is_dir():
                    continue
                base = info.filename.rsplit("/", 1)[-1]
                self._members.append(
                    _Member(base, f"{path.name}:{base}", lambda a=archive, i=info: a.open(i))  # type: ignore[misc]
                )
        else:
            self._members.append(_Member(path.name, path.name, lambda p=path: p.open("rb")))  # type: ignore[misc]

    def close(self) -> None:
        for archive in self._zips:
            archive.close()

    def __enter__(self) -> Release:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def find(self, pattern: str) -> _Member | None:
        """The first file whose base name matches ``pattern`` (a regex, matched whole, any case)."""
        rx = re.compile(pattern, re.IGNORECASE)
        for member in self._members:
            if rx.fullmatch(member.name):
                return member
        return None

    def require(self, pattern: str, shown: str) -> _Member:
        member = self.find(pattern)
        if member is None:
            where = ", ".join(str(p) for p in self.paths)
            raise Invalid(f"{shown}: file not found in {where}")
        return member

    def rows(
        self, member: _Member, *, required: tuple[str, ...], delimiter: str = ","
    ) -> Iterator[tuple[int, dict[str, str]]]:
        """Yield ``(line, row)`` for each data row; checks the header and the text encoding."""
        try:
            with member.open() as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
                reader = csv.DictReader(text, delimiter=delimiter, quoting=_quoting(delimiter))
                header = reader.fieldnames or []
                missing = [c for c in required if c not in header]
                if missing:
                    raise Invalid(f"{member.where}: missing column(s) {', '.join(missing)}")
                for row in reader:
                    yield reader.line_num, {k: (v or "") for k, v in row.items() if k is not None}
        except UnicodeDecodeError as err:
            raise Invalid(f"{member.where}: not UTF-8 text ({err.reason} at byte {err.start})") from err
        except csv.Error as err:
            raise Invalid(f"{member.where}: malformed {_kind(delimiter)} ({err})") from err
        except (zipfile.BadZipFile, OSError, EOFError) as err:
            raise Invalid(f"{member.where}: cannot be read ({err})") from err


def _quoting(delimiter: str) -> Literal[0, 3]:
    # O*NET's tab-separated text files do not quote fields; a stray '"' is part of the text.
    return csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL


def _kind(delimiter: str) -> str:
    return "tab-separated text" if delimiter == "\t" else "CSV"


def split_lines(value: str) -> list[str]:
    """ESCO's multi-valued cells (altLabels): one value per line, blanks and repeats dropped."""
    seen: dict[str, None] = {}
    for part in value.splitlines():
        part = part.strip()
        if part:
            seen.setdefault(part, None)
    return list(seen)


def version_from_paths(paths: list[Path]) -> str | None:
    """Read a release version from a path such as ``esco-1.1.1``, ``ESCO dataset - v1.2.0`` or
    ``db_29_3_text``; ``None`` when no path says it."""
    for path in paths:
        for part in (path.name, path.parent.name):
            found = re.search(r"(\d+(?:\.\d+)+)", part)
            if found:
                return found.group(1)
            found = re.search(r"db_(\d+)_(\d+)", part)
            if found:
                return f"{found.group(1)}.{found.group(2)}"
    return None


@dataclass
class ParsedRelease:
    """A release read into plain rows, ready for bulk insertion. Skills and occupations are
    dicts of column values keyed by external id; links refer to external ids."""

    source: str
    version: str
    name: str
    skills: dict[str, dict[str, object]]
    occupations: dict[str, dict[str, object]]
    # (narrower or origin external id, broader or target external id, relation)
    skill_relations: list[tuple[str, str, str]]
    # (occupation external id, skill external id, relation, importance, level)
    occupation_skills: list[tuple[str, str, str, float | None, float | None]]
    skipped: dict[str, int]
