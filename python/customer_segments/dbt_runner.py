"""Run the project's dbt commands against a DuckDB file of the caller's choice, and read it back.

Tests and benchmarks build the real project on their own data (var ``raw_path``: :func:`raw_vars`)
into a throw-away DuckDB file, with their own target and log folders so they never clobber the
developer's ``customer_segments.duckdb`` or ``target/``; :func:`rows` queries the file afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from .project import PROJECT_DIR  # the project a DbtProject builds unless told another


#: dbt arguments that leave out the raw demo seeds: not needed when the raw data comes from files
SKIP_DEMO_SEEDS = ("--exclude", "path:seeds/raw")

#: the env var profiles.yml reads the salt of the hashed emails and phones from (docs/privacy.md);
#: dbt scrubs the values of DBT_ENV_SECRET_* variables from its logs
PII_SALT_ENV = "DBT_ENV_SECRET_PII_HASH_SALT"
#: the salt of builds on generated data (tests, benchmark): the project refuses the demo salt on
#: raw data other than the demo seeds, and generated data holds no real person
GENERATED_DATA_SALT = "customer_segments_generated_data_salt"
#: the vars that make a build read raw data other than the demo seeds
OWN_RAW_DATA_VARS = ("raw_path", "raw_database", "raw_schema", "raw_schemas")


def pii_salt_env(salt: str) -> dict[str, str]:
    """The environment that hands ``salt`` to every engine of profiles.yml: DuckDB and Spark read
    :data:`PII_SALT_ENV`; PostgreSQL a custom setting through libpq's PGOPTIONS (spaces and
    backslashes escaped, as libpq splits the options on spaces)."""
    escaped = salt.replace("\\", "\\\\").replace(" ", "\\ ")
    return {PII_SALT_ENV: salt, "PGOPTIONS": f"-c customer_segments.pii_hash_salt={escaped}"}


def raw_vars(raw_path: Path | None, raw_format: str = "parquet") -> dict[str, Any]:
    """The vars that make the project read ``<raw_path>/<table>.<raw_format>`` instead of the demo
    seeds (none for None: the seeds)."""
    return {} if raw_path is None else {"raw_path": str(raw_path), "raw_format": raw_format}


def duckdb_settings() -> dict[str, str]:
    """The threads and memory_limit the profile gives DuckDB: env DUCKDB_THREADS and
    DUCKDB_MEMORY_LIMIT, else profiles.yml's defaults (keep the two in step)."""
    return {
        "threads": os.environ.get("DUCKDB_THREADS", "2"),
        "memory_limit": os.environ.get("DUCKDB_MEMORY_LIMIT", "7GB"),
    }


def dbt_executable() -> str:
    """The dbt next to the running interpreter (the project's virtualenv)."""
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


@dataclass
class DbtProject:
    """One isolated build of the project: its DuckDB file, target and log folders."""

    workdir: Path
    vars: dict[str, Any] = field(default_factory=dict)
    threads: int = 2
    #: the dbt project to run: this checkout, or another one (a git worktree of another commit)
    project_dir: Path = PROJECT_DIR
    #: the salt of the hashed emails and phones; None: the caller's env PII_SALT_ENV, else
    #: GENERATED_DATA_SALT for a build on other raw data than the demo seeds, else the demo salt
    pii_hash_salt: str | None = None

    @property
    def duckdb_path(self) -> Path:
        return self.workdir / "customer_segments.duckdb"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DBT_PROJECT_DIR=str(self.project_dir),
            DBT_PROFILES_DIR=str(self.project_dir),
            CUSTOMER_SEGMENTS_DUCKDB=str(self.duckdb_path),
            DBT_THREADS=str(self.threads),
            DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        )
        salt = self.pii_hash_salt or os.environ.get(PII_SALT_ENV) or (
            GENERATED_DATA_SALT if any(self.vars.get(name) for name in OWN_RAW_DATA_VARS) else None)
        if salt:
            env.update(pii_salt_env(salt))
        return env

    def run(self, *args: str, extra_vars: dict[str, Any] | None = None,
            check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run ``dbt <args>``; raise with dbt's own output when it fails and check is set."""
        all_vars = {**self.vars, **(extra_vars or {})}
        command = [
            dbt_executable(), *args,
            "--project-dir", str(self.project_dir),
            "--profiles-dir", str(self.project_dir),
            "--target-path", str(self.workdir / "target"),
            "--log-path", str(self.workdir / "logs"),
        ]
        if all_vars:
            command += ["--vars", json.dumps(all_vars)]
        result = subprocess.run(command, cwd=self.workdir, env=self.env(),
                                capture_output=True, text=True, check=False)
        if check and result.returncode != 0:
            raise RuntimeError(
                f"dbt {' '.join(args)} failed ({result.returncode}):\n{result.stdout[-6000:]}"
                f"\n{result.stderr[-2000:]}"
            )
        return result

    @property
    def run_results_path(self) -> Path:
        return self.workdir / "target" / "run_results.json"

    def run_results(self) -> dict[str, Any]:
        """The run_results.json of the last command."""
        return json.loads(self.run_results_path.read_text())


def nodes_from_run_results(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Every model, test, seed ... of a run_results.json with its status and execution time; a
    node's name is the third part of its unique id, a unit test's ``<model>.<test>``.

    ``started_seconds`` and ``ended_seconds`` place the node in the run: from the start of its
    compile step to the end of its execute step, in seconds after the first node started (none
    for a node dbt did not run), so a reader can see which nodes waited and for what.
    """
    spans = {result["unique_id"]: _span(result.get("timing") or []) for result in results.get("results", [])}
    starts = [span[0] for span in spans.values() if span]
    origin = min(starts) if starts else None
    nodes = []
    for result in results.get("results", []):
        unique_id: str = result["unique_id"]
        parts = unique_id.split(".")
        span = spans[unique_id]
        nodes.append({
            "unique_id": unique_id,
            "resource_type": parts[0],
            "name": ".".join(parts[2:]) if parts[0] == "unit_test" else parts[2],
            "status": result["status"],
            "execution_time": round(float(result.get("execution_time") or 0.0), 3),
            "started_seconds": None if not span or origin is None else round(span[0] - origin, 2),
            "ended_seconds": None if not span or origin is None else round(span[1] - origin, 2),
        })
    return nodes


def _span(timing: list[dict[str, Any]]) -> tuple[float, float] | None:
    """The first start and the last end among a node's timing steps (epoch seconds)."""
    starts = [_epoch(step["started_at"]) for step in timing if step.get("started_at")]
    ends = [_epoch(step["completed_at"]) for step in timing if step.get("completed_at")]
    return (min(starts), max(ends)) if starts and ends else None


def _epoch(timestamp: str) -> float:
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp()


@contextmanager
def _read_only(database: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        yield con
    finally:
        con.close()


def rows(database: Path, sql: str) -> list[tuple[Any, ...]]:
    """The rows of ``sql`` on a DuckDB file a build wrote (opened read-only, closed again)."""
    with _read_only(database) as con:
        return con.execute(sql).fetchall()


def column_names(database: Path, sql: str) -> list[str]:
    """The names of the columns ``sql`` returns on a DuckDB file a build wrote, in order."""
    with _read_only(database) as con:
        return [column[0] for column in con.execute(f"select * from ({sql}) as query limit 0").description]


def sql_path(path: Path) -> str:
    """A file path as a SQL string literal (single quotes doubled)."""
    return "'" + str(path).replace("'", "''") + "'"
