"""The dbt project this package sits in (``python/customer_segments/..``): where it is and what its
``dbt_project.yml`` declares, read from the files so that nothing here repeats them.

The package is installed in development mode from its checkout (``make install``), so the project
is found by the package's own location, whatever the current directory.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]


@cache
def dbt_vars(project_dir: Path = PROJECT_DIR) -> dict[str, Any]:
    """The vars of ``dbt_project.yml`` with their defaults (what a build uses without ``--vars``)."""
    project = yaml.safe_load((project_dir / "dbt_project.yml").read_text())
    return dict(project.get("vars") or {})
