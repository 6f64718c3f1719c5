"""Shared fixtures and helpers: the 2,000-customer demo (CSV and Parquet) queried with DuckDB, the
whole project built on it, the tiny hand-written raw fixtures, and raw CSV files read as text.
(Rows of a built DuckDB file: ``customer_segments.dbt_runner.rows``.)"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

from customer_segments.cli import main
from customer_segments.generator import CHUNK_CUSTOMERS, GenerationResult, GeneratorConfig, generate
from customer_segments.dbt_runner import sql_path
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


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole dbt project built on the committed demo seeds (every test included); the
    DuckDB file it wrote."""
    from customer_segments.dbt_runner import DbtProject

    project = DbtProject(tmp_path_factory.mktemp("demo_build"))
    project.run("build")
    return project.duckdb_path
