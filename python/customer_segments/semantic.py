"""Run MetricFlow (``mf``, dbt-metricflow) on a build of the project, apart from the checkout.

``mf`` reads ``<dbt project root>/target/semantic_manifest.json`` and writes its log to
``<root>/logs`` - it does not follow dbt's ``--target-path``. So :meth:`MetricFlowProject.over`
makes a folder of its own that is a project root for mf: the project's files linked in, a copy of
the build's DuckDB file (mf writes nothing to it, but the build stays untouched whatever happens),
and a ``target/`` its own ``dbt parse`` fills. Tests run ``mf validate-configs`` and ``mf query``
there (python/tests/test_semantic_layer.py); docs/semantic-layer.md shows the same by hand.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .dbt_runner import DbtProject
from .project import PROJECT_DIR

#: what dbt and mf read from the project root
PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests", "analyses")


def mf_executable() -> str:
    """The mf next to the running interpreter (the project's virtualenv)."""
    candidate = Path(sys.executable).with_name("mf")
    return str(candidate) if candidate.exists() else "mf"


@dataclass
class MetricFlowProject:
    """A project root for mf over a copy of one build's DuckDB file."""

    dbt: DbtProject

    @property
    def root(self) -> Path:
        return self.dbt.workdir

    @classmethod
    def over(cls, database: Path, root: Path, project_dir: Path = PROJECT_DIR) -> MetricFlowProject:
        """Link ``project_dir``'s files into ``root``, copy ``database`` there and parse."""
        root.mkdir(parents=True, exist_ok=True)
        for name in PROJECT_FILES:
            if (project_dir / name).exists() and not (root / name).exists():
                (root / name).symlink_to(project_dir / name)
        dbt = DbtProject(root, project_dir=root)
        shutil.copy(database, dbt.duckdb_path)
        dbt.run("parse")
        assert (root / "target" / "semantic_manifest.json").is_file(), "dbt parse wrote no semantic manifest"
        return cls(dbt)

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """``mf <args>`` in the root; raise with mf's output when it fails."""
        result = subprocess.run([mf_executable(), *args], cwd=self.root, env=self.dbt.env(),
                                capture_output=True, text=True, check=False)
        # mf may exit 0 after printing an error (a query it could not plan): an "ERROR:" line
        if result.returncode != 0 or re.search(r"^ERROR", result.stdout, re.MULTILINE):
            raise RuntimeError(f"mf {' '.join(args)} failed ({result.returncode}):\n"
                               f"{result.stdout[-4000:]}\n{result.stderr[-2000:]}")
        return result

    def query(self, metrics: list[str], group_by: list[str], where: str | None = None) -> list[dict[str, str]]:
        """The rows of ``mf query`` as dicts of column name to text (mf's CSV output)."""
        output = self.root / "target" / "mf_query.csv"
        output.unlink(missing_ok=True)
        args = ["query", "--metrics", ",".join(metrics), "--group-by", ",".join(group_by), "--csv", str(output)]
        if where:
            args += ["--where", where]
        self.run(*args)
        with output.open(newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))
