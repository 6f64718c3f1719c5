"""Build two versions of the project (a git ref and the working tree, or two refs) on the same
raw data, each into a DuckDB file of its own, and compare every mart.

``python -m customer_segments compare-builds --base REF`` checks REF out as a detached git
worktree beside the build folders, builds it and the working tree with the same vars (the demo
seeds, or ``--raw-path`` files), and prints one line per mart. It exits 1 when any mart differs
in its rows or exists in one build only; columns added, removed or retyped are listed but do not
fail it (a redesign may move a column on purpose: the rows are compared on the shared columns).
Data and unit tests are left out of these builds: they guard the project, not the comparison.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..dbt_runner import SKIP_DEMO_SEEDS, DbtProject, raw_vars
from ..project import PROJECT_DIR, git
from .compare import MartComparison, compare_marts

#: dbt build without data or unit tests: the rows of the models are what is compared
BUILD_ARGS = ("build", "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test")


@dataclass
class BuiltVersion:
    label: str
    project: DbtProject
    seconds: float

    @property
    def manifest(self) -> Path:
        return self.project.workdir / "target" / "manifest.json"


def add_worktree(ref: str, path: Path) -> Path:
    """A detached checkout of ``ref`` at ``path`` (replaced when it exists)."""
    remove_worktree(path)
    git("worktree", "add", "--detach", "--force", str(path), git("rev-parse", "--verify", f"{ref}^{{commit}}"))
    return path


def remove_worktree(path: Path) -> None:
    """The checkout at ``path`` gone, and git's record of it: best effort, as in a cleanup."""
    with contextlib.suppress(subprocess.CalledProcessError):
        if path.exists():
            git("worktree", "remove", "--force", str(path))
    shutil.rmtree(path, ignore_errors=True)
    with contextlib.suppress(subprocess.CalledProcessError):
        git("worktree", "prune")


def build_version(label: str, project_dir: Path, workdir: Path, dbt_vars: dict[str, Any]) -> BuiltVersion:
    """``dbt build`` (without tests) of the project at ``project_dir`` into ``workdir``."""
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    project = DbtProject(workdir, vars=dict(dbt_vars), project_dir=project_dir)
    started = time.perf_counter()
    extra = SKIP_DEMO_SEEDS if "raw_path" in dbt_vars else ()
    project.run(*BUILD_ARGS, *extra)
    return BuiltVersion(label, project, time.perf_counter() - started)


def compare_builds(base_ref: str, workdir: Path, head_ref: str | None = None, raw_path: Path | None = None,
                   raw_format: str = "parquet", dbt_vars: dict[str, Any] | None = None
                   ) -> tuple[list[BuiltVersion], list[MartComparison]]:
    """Build ``base_ref`` and ``head_ref`` (None: the working tree as it is) on the same raw data
    and compare their marts."""
    all_vars = {**raw_vars(raw_path, raw_format), **(dbt_vars or {})}
    base_dir = add_worktree(base_ref, workdir / "base-checkout")
    head_dir = PROJECT_DIR if head_ref is None else add_worktree(head_ref, workdir / "head-checkout")
    try:
        base = build_version(f"base {base_ref}", base_dir, workdir / "base", all_vars)
        head = build_version(f"head {head_ref or 'working tree'}", head_dir, workdir / "head", all_vars)
    finally:
        remove_worktree(base_dir)
        if head_ref is not None:
            remove_worktree(head_dir)
    comparisons = compare_marts(base.project.duckdb_path, base.manifest, head.project.duckdb_path, head.manifest)
    return [base, head], comparisons


def report(versions: list[BuiltVersion], comparisons: list[MartComparison]) -> str:
    lines = [f"{version.label}: built in {version.seconds:.0f} s" for version in versions]
    lines += [comparison.summary() for comparison in comparisons]
    equal = sum(comparison.rows_equal for comparison in comparisons)
    lines.append(f"{equal} of {len(comparisons)} marts have identical rows")
    return "\n".join(lines)


def to_json(comparisons: list[MartComparison]) -> str:
    return json.dumps([
        {**vars(comparison), "rows_equal": comparison.rows_equal} for comparison in comparisons
    ], indent=2, default=str)
