"""Shared fixtures and helpers: the 2,000-customer demo (CSV and Parquet) queried with DuckDB, the
whole project built on it, the tiny hand-written raw fixtures and the project built on them, the
project parsed once, and raw CSV files read as text. (Rows of a built DuckDB file:
``customer_segments.dbt_runner.rows``.)

Each scenario is built once per run and shared by the tests that read it (session fixtures, one
database each); a test that runs dbt on a scenario with other vars works on a copy of its database.
Under pytest-xdist (make pytest: two workers) the tests of one scenario share a worker."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from customer_segments.cli import main
from customer_segments.generator import CHUNK_CUSTOMERS, GenerationResult, GeneratorConfig, generate
from customer_segments.dbt_runner import SKIP_DEMO_SEEDS, DbtProject, raw_vars, sql_path
from customer_segments.project import PROJECT_DIR, raw_tables

SEEDS_RAW = PROJECT_DIR / "seeds" / "raw"
#: hand-written raw tables (CSV), one row per dirty case: build on them with raw_vars(RAW_TINY, "csv")
RAW_TINY = Path(__file__).parent / "fixtures" / "raw_tiny"
DEMO_CUSTOMERS = 2000
#: exactly the Makefile's demo-data command (plus --out and --no-progress)
DEMO_COMMAND = ["generate", "--customers", str(DEMO_CUSTOMERS), "--format", "csv", "--file-prefix", "raw_"]


def raw_csv_text(path: Path) -> str:
    """A DuckDB table expression reading a raw CSV file as text, as it was delivered."""
    return f"read_csv({sql_path(path)}, header = true, all_varchar = true)"


def connect_csv(directory: Path, prefix: str = "raw_") -> duckdb.DuckDBPyConnection:
    """Views named after the tables over ``<directory>/<prefix><table>.csv``, typed as the sources
    YAML declares each column."""
    con = duckdb.connect()
    for table in raw_tables():
        path = directory / f"{prefix}{table.name}.csv"
        columns = "{" + ", ".join(f"'{column.name}': '{column.data_type}'" for column in table.columns) + "}"
        con.execute(
            f"create view {table.name} as select * from read_csv('{path}', header = true, auto_detect = false, "
            f"delim = ',', quote = '\"', escape = '\"', columns = {columns})"
        )
    return con


def connect_parquet(result: GenerationResult) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for name, path in result.files.items():
        con.execute(f"create view {name} as select * from read_parquet('{path}')")
    return con


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo regenerated with the committed command into a temporary directory."""
    out = tmp_path_factory.mktemp("demo")
    assert main([*DEMO_COMMAND, "--out", str(out), "--no-progress"]) == 0
    return out


@pytest.fixture(scope="session")
def demo(demo_dir: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect_csv(demo_dir)
    yield con
    con.close()


@pytest.fixture(scope="session")
def demo_parquet(tmp_path_factory: pytest.TempPathFactory) -> GenerationResult:
    return generate(GeneratorConfig(customers=DEMO_CUSTOMERS), tmp_path_factory.mktemp("demo_parquet"), fmt="parquet")


@pytest.fixture(scope="session")
def three_chunks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[GenerationResult, duckdb.DuckDBPyConnection]]:
    """Three real chunks (2 full + 1 customer), few browsing events to stay fast."""
    config = GeneratorConfig(customers=2 * CHUNK_CUSTOMERS + 1, events_per_customer=2.0)
    result = generate(config, tmp_path_factory.mktemp("three_chunks"), fmt="parquet")
    con = connect_parquet(result)
    yield result, con
    con.close()


@pytest.fixture(scope="session")
def open_parquet() -> Callable[[GenerationResult], duckdb.DuckDBPyConnection]:
    """Open a generator run's Parquet files as DuckDB views."""
    return connect_parquet


#: env var naming a finished `dbt build` of the demo to reuse (make test sets it to the build of its
#: dbt-build step): a folder holding customer_segments.duckdb and target/run_results.json
DEMO_BUILD_ENV = "CUSTOMER_SEGMENTS_DEMO_BUILD"
#: what the project's builds read: a build older than any of these files is not this tree's
PROJECT_INPUTS = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests", "analyses")

#: Session fixtures that build a scenario with dbt, and the module-scoped bench run: every test
#: that uses one runs in the same pytest-xdist worker (a group named after the fixture), so each is
#: built once per run.
SHARED_BUILDS = ("demo_build", "bench", "tiny_build")
#: The order the work starts in, longest first (tests marked slow: a scenario of their own), so
#: that the two workers end together; the other tests follow in the order of collection.
START_ORDER = ("demo_build", "slow", "bench", "tiny_build")


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the xdist_group marks
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        group = next((name for name in SHARED_BUILDS if name in item.fixturenames), None)
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))
            return START_ORDER.index(group)
        return START_ORDER.index("slow") if item.get_closest_marker("slow") else len(START_ORDER)

    items.sort(key=rank)  # stable: within a rank, the order of collection


def _reused_demo_build(folder: Path) -> Path:
    """The DuckDB file of a finished build of the demo (make test's dbt-build step), after checking
    that it is a complete, passing `dbt build` without vars or selection, newer than the project."""
    results_path = folder / "target" / "run_results.json"
    database = folder / "customer_segments.duckdb"
    assert results_path.is_file() and database.is_file(), f"{DEMO_BUILD_ENV}={folder}: no dbt build there"
    results = json.loads(results_path.read_text())
    args = results["args"]
    assert args["which"] == "build" and not args.get("vars") and not args.get("select") \
        and not args.get("exclude") and not args.get("resource_types") \
        and not args.get("exclude_resource_types") and not args.get("selector"), \
        f"{DEMO_BUILD_ENV}: not a plain dbt build: {args}"
    # an exposure (models/exposures.yml) has nothing to run: dbt build reports it no-op
    failed = [r["unique_id"] for r in results["results"] if r["status"] not in ("success", "pass")
              and not (r["unique_id"].startswith("exposure.") and r["status"] == "no-op")]
    assert not failed, f"{DEMO_BUILD_ENV}: the build did not pass: {failed[:5]}"
    newest = max(path.stat().st_mtime for name in PROJECT_INPUTS
                 for path in [PROJECT_DIR / name, *(PROJECT_DIR / name).rglob("*")])
    assert results_path.stat().st_mtime >= newest, f"{DEMO_BUILD_ENV}: the build is older than the project"
    return database


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole dbt project built on the committed demo seeds (every test included); the
    DuckDB file it wrote, in a folder of its own (its target/ too). Under make test, a copy of
    the database its dbt-build step just built (env CUSTOMER_SEGMENTS_DEMO_BUILD): the same build."""
    workdir = tmp_path_factory.mktemp("demo_build")
    project = DbtProject(workdir)
    reused = os.environ.get(DEMO_BUILD_ENV)
    if reused:
        database = _reused_demo_build(Path(reused))
        for suffix in ("", ".wal"):  # its write-ahead log too, if dbt left one
            if database.with_name(database.name + suffix).exists():
                shutil.copy(database.with_name(database.name + suffix), workdir / (database.name + suffix))
    else:
        project.run("build")
    return project.duckdb_path


@pytest.fixture
def demo_build_copy(demo_build: Path, tmp_path: Path) -> DbtProject:
    """A project in the test's own folder whose database starts as a copy of the demo build, to run
    dbt on with other vars (dbt writes the database: the shared one stays as it was built)."""
    shutil.copy(demo_build, tmp_path / demo_build.name)
    return DbtProject(tmp_path)


@pytest.fixture(scope="session")
def tiny_build(tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    """The whole project (every model, data and unit test) built on the tiny raw fixtures."""
    project = DbtProject(tmp_path_factory.mktemp("tiny"), vars=raw_vars(RAW_TINY, "csv"))
    project.run("build", *SKIP_DEMO_SEEDS)
    return project


@pytest.fixture(scope="session")
def parsed_project(tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    """The project parsed from scratch (no vars, no database yet): its target/ holds the manifest,
    and dbt commands without vars run in it re-use the parse (partial parsing)."""
    project = DbtProject(tmp_path_factory.mktemp("parsed"))
    project.run("parse", "--no-partial-parse")
    return project


@pytest.fixture(scope="session")
def manifest(parsed_project: DbtProject) -> dict[str, Any]:
    """The manifest of that parse, read once (commands run later in the folder may rewrite it)."""
    return json.loads((parsed_project.workdir / "target" / "manifest.json").read_text())
