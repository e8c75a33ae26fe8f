"""Demographics are read in one place only: the fairness audit service. Models define the
table, migrations create it, the import and demo packages write it, and the privacy service
exports and anonymises a person's own row (GDPR access and erasure); nothing else in
src/trellis — matching above all — may import ProtectedAttributes or name its table."""

from __future__ import annotations

import ast
from pathlib import Path

import trellis

ROOT = Path(trellis.__file__).parent
ALLOWED = ("analytics/fairness.py", "models/", "migrations/", "imports/", "importers/", "demo/", "privacy/")


def mentions_demographics(path: Path) -> bool:
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and any(a.name == "ProtectedAttributes" for a in node.names):
            return True
        if isinstance(node, ast.Name | ast.Attribute) and "ProtectedAttributes" in (
            getattr(node, "id", None), getattr(node, "attr", None)):
            return True
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and "protected_attributes" in node.value \
                and "from " in node.value.lower():  # a raw SQL query naming the table
            return True
    return False


def test_only_the_fairness_audit_reads_protected_attributes() -> None:
    offenders = sorted(
        path.relative_to(ROOT).as_posix()
        for path in ROOT.rglob("*.py")
        if not path.relative_to(ROOT).as_posix().startswith(ALLOWED) and mentions_demographics(path)
    )
    assert not offenders, f"modules reading demographics outside the fairness audit: {offenders}"


def test_the_fairness_audit_does_read_them() -> None:
    assert mentions_demographics(ROOT / "analytics" / "fairness.py")
