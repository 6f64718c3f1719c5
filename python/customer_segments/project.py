"""The dbt project this package sits in (``python/customer_segments/..``): where it is and what its
``dbt_project.yml`` declares, read from the files so that nothing here repeats them.

The package is installed in development mode from its checkout (``make install``), so the project
is found by the package's own location, whatever the current directory.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]
#: one sources YAML per source system, beside its staging models
SOURCES_YAML = "models/staging/*/_*__sources.yml"


def git(*args: str, cwd: Path = PROJECT_DIR) -> str:
    """``git <args>`` in ``cwd`` (the project's checkout unless told another): its output, stripped.
    Raises CalledProcessError when git fails, OSError when there is no git."""
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


@cache
def dbt_vars(project_dir: Path = PROJECT_DIR) -> dict[str, Any]:
    """The vars of ``dbt_project.yml`` with their defaults (what a build uses without ``--vars``)."""
    project = yaml.safe_load((project_dir / "dbt_project.yml").read_text())
    return dict(project.get("vars") or {})


@dataclass(frozen=True)
class RawColumn:
    name: str
    #: as the sources YAML declares it: varchar, timestamp, date, decimal(18,2), integer or boolean
    data_type: str


@dataclass(frozen=True)
class RawTable:
    """A raw table of the project's raw-data contract: its source system and its columns in order."""

    source: str
    name: str
    columns: tuple[RawColumn, ...]


@cache
def raw_tables(project_dir: Path = PROJECT_DIR) -> tuple[RawTable, ...]:
    """Every raw table the sources YAML declares, with its columns in order and their data types:
    the raw-data contract, stated once, in dbt's own files. Files in path order, tables and columns
    in the order each file lists them; a column without a ``data_type`` is an error."""
    tables = []
    for path in sorted(project_dir.glob(SOURCES_YAML)):
        for source in yaml.safe_load(path.read_text()).get("sources") or []:
            for table in source.get("tables") or []:
                columns = []
                for column in table.get("columns") or []:
                    if not column.get("data_type"):
                        raise ValueError(f"{path.relative_to(project_dir)}: column {table['name']}.{column['name']} "
                                         "has no data_type")
                    columns.append(RawColumn(column["name"], str(column["data_type"])))
                tables.append(RawTable(source["name"], table["name"], tuple(columns)))
    if not tables:
        raise ValueError(f"no raw tables declared in {project_dir / SOURCES_YAML}")
    return tuple(tables)
