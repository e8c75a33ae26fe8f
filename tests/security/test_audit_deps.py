"""scripts/audit-deps says what it checked (#15): pip-audit's "No known vulnerabilities found"
also counts the packages it skipped, so a run that audited nothing used to read as a pass. The
script now ends with one plain verdict, stays report-only (exit 0) unless TRELLIS_AUDIT_STRICT=1."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _verdict() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_verdict", ROOT / "scripts" / "audit_verdict.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fake_venv(tmp: Path, report: dict[str, object]) -> Path:
    """A venv whose pip-audit prints its usual all-clear and writes ``report`` as its JSON."""
    bin_dir = tmp / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    fake = bin_dir / "pip-audit"
    fake.write_text("#!/usr/bin/env bash\n"
                    'while [ $# -gt 0 ]; do if [ "$1" = "-o" ]; then out=$2; fi; shift; done\n'
                    f"cat > \"$out\" <<'JSON'\n{json.dumps(report)}\nJSON\n"
                    'echo "No known vulnerabilities found, 3 dependencies could not be audited"\n')
    fake.chmod(0o755)
    return tmp


def _run(venv: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(ROOT / "scripts" / "audit-deps")], capture_output=True, text=True,
                          env={**os.environ, "VENV": str(venv), **env}, check=False, timeout=60)


SKIPPED = {"dependencies": [{"name": n, "version": "1.0", "skip_reason": "Dependency not found on PyPI"}
                            for n in ("a", "b", "c")], "fixes": []}


def test_a_run_that_audited_nothing_says_not_audited_and_stays_report_only(tmp_path: Path) -> None:
    result = _run(_fake_venv(tmp_path, SKIPPED))
    assert result.returncode == 0
    assert "dependencies audited: 0 of 3; skipped: 3" in result.stdout
    assert "NOT AUDITED" in result.stdout and "not a pass" in result.stderr
    assert "No known vulnerabilities found" not in result.stdout  # pip-audit's own all-clear is left out
    strict = _run(tmp_path, TRELLIS_AUDIT_STRICT="1")
    assert strict.returncode == 1


def test_the_verdict_is_clean_only_when_every_dependency_was_checked() -> None:
    verdict = _verdict().verdict
    clean = {"dependencies": [{"name": "a", "version": "1", "vulns": []}]}
    found = {"dependencies": [{"name": "a", "version": "1", "vulns": [{"id": "PYSEC-1"}]}]}
    partly = {"dependencies": [*clean["dependencies"], {"name": "b", "version": "1", "skip_reason": "x"}]}
    assert verdict(clean)[0] == 0 and verdict(clean)[1][-1].startswith("CLEAN")
    code, lines = verdict(found)
    assert code == 1 and "PYSEC-1" in "\n".join(lines)
    assert verdict(partly)[0] == 2 and verdict(partly)[1][-1].startswith("INCOMPLETE")
    assert verdict({"dependencies": []})[1][-1].startswith("NOT AUDITED")
