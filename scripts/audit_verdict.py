"""Read pip-audit's JSON report and say plainly what was checked: how many dependencies were
audited, how many were skipped (and why), and the known vulnerabilities found. A report in which
nothing could be audited is NOT a pass, whatever pip-audit's own summary line says.

    python3 scripts/audit_verdict.py REPORT.json   prints the verdict; exit 0 clean, 1 findings,
                                                   2 nothing (or not everything) audited
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from typing import Any

CLEAN, FINDINGS, INCOMPLETE = 0, 1, 2


def verdict(report: dict[str, Any]) -> tuple[int, list[str]]:
    deps = report.get("dependencies", [])
    skipped = [d for d in deps if d.get("skip_reason")]
    audited = [d for d in deps if not d.get("skip_reason")]
    vulnerable = [d for d in audited if d.get("vulns")]
    lines = [f"dependencies audited: {len(audited)} of {len(deps)}; skipped: {len(skipped)}"]
    for reason, n in Counter(str(d["skip_reason"]).split(":")[0] for d in skipped).most_common(3):
        lines.append(f"  skipped {n}: {reason}")
    for d in vulnerable:
        ids = ", ".join(v.get("id", "?") for v in d["vulns"])
        lines.append(f"  {d['name']} {d.get('version', '')}: {ids}")
    if not deps or not audited:
        lines.append("NOT AUDITED: no dependency could be checked against an advisory database; "
                     "this run says nothing about known vulnerabilities.")
        return INCOMPLETE, lines
    if vulnerable:
        lines.append(f"FINDINGS: {len(vulnerable)} of {len(audited)} audited dependencies have known vulnerabilities.")
        return FINDINGS, lines
    if skipped:
        lines.append(f"INCOMPLETE: no known vulnerabilities in the {len(audited)} audited dependencies; "
                     f"{len(skipped)} were not checked.")
        return INCOMPLETE, lines
    lines.append(f"CLEAN: no known vulnerabilities in all {len(audited)} dependencies.")
    return CLEAN, lines


def main(path: str) -> int:
    try:
        with open(path, encoding="utf-8") as f:
            report = json.load(f)
    except (OSError, ValueError) as err:
        print(f"NOT AUDITED: pip-audit wrote no readable report ({err})")
        return INCOMPLETE
    code, lines = verdict(report if isinstance(report, dict) else {})
    print("\n".join(lines))
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
