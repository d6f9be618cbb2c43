"""Compare two builds' outputs through their manifests: every output file's SHA-256 must match.

usage: python tools/same_outputs.py OLD_BUILD_ROOT NEW_BUILD_ROOT

Each root holds ``<slug>/<period>/draft-<n>/manifest.json``; drafts are paired by their path
below the root. Only the recorded software versions, git commit and the keys that hash the
code (``build_key``, ``outputs_key``) may differ. Exits 1 (and
lists the differences) when any output differs, so it proves a refactoring changed nothing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

# The software versions and commit, and the two keys that hash the code itself (a refactoring
# changes them by definition: they decide whether a build is "unchanged" or may reuse outputs).
IGNORED = {"software", "git_commit", "build_key", "outputs_key"}


def manifests(root: Path) -> dict[str, dict]:
    return {
        p.parent.relative_to(root).as_posix(): json.loads(p.read_text(encoding="utf-8"))
        for p in sorted(root.glob("*/*/draft-*/manifest.json"))
    }


def main(old_root: Path, new_root: Path) -> int:
    old, new = manifests(old_root), manifests(new_root)
    problems = [f"{k}: only in {old_root}" for k in old.keys() - new.keys()]
    problems += [f"{k}: only in {new_root}" for k in new.keys() - old.keys()]
    files = 0
    for key in sorted(old.keys() & new.keys()):
        a, b = old[key], new[key]
        for field in sorted((a.keys() | b.keys()) - IGNORED):
            if field == "files":
                continue
            if a.get(field) != b.get(field):
                problems.append(f"{key}: manifest field {field!r} differs")
        fa = {f["path"]: f["sha256"] for f in a.get("files", [])}
        fb = {f["path"]: f["sha256"] for f in b.get("files", [])}
        for name in sorted(fa.keys() | fb.keys()):
            files += 1
            if fa.get(name) != fb.get(name):
                problems.append(f"{key}/{name}: {fa.get(name)} != {fb.get(name)}")
    for line in problems:
        print(line)
    print(f"{len(old)} builds, {files} files compared: {len(problems)} differences")
    return 1 if problems or not old else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
