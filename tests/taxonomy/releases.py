"""Hand-made releases in the official ESCO / O*NET layouts, and where the real ones live."""

from __future__ import annotations

import zipfile
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[2]
# ../shared/data beside the project root (or beside one of its parents, for a git worktree)
SHARED = next(
    (p / "shared" / "data" for p in ROOT.parents if (p / "shared" / "data").is_dir()), ROOT.parent / "shared" / "data"
)
ESCO_CLASSIFICATION = {
    "skills_en.csv",
    "skillGroups_en.csv",
    "skillsHierarchy_en.csv",
    "occupations_en.csv",
    "ISCOGroups_en.csv",
}


def zip_files(target: Path, folder: Path, names: list[str], prefix: str = "") -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            archive.write(folder / name, prefix + name)
    return target
