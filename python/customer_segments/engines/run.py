"""The engine check end to end: build on DuckDB, on PostgreSQL and on Spark, rerun the incremental
models on each other engine, compare every mart with DuckDB's (see :mod:`customer_segments.engines`)."""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..dbt_runner import DbtProject, column_names, nodes_from_run_results, rows
from ..review.compare import Relation, mart_relations
from . import __doc__ as PACKAGE_DOC
from .compare import table_differences
from .postgres import PostgresServer, execute, fetch_postgres, postgres_server, selectable
from .spark import fetch_spark, require_java, spark_session


#: the salt of the hashed emails and phones on every engine: not the demo's, with a quote, a
#: space and a backslash, so the marts compare equal only if each engine reads the same salt from
#: its session (profiles.yml; docs/privacy.md) and none lets the characters break its SQL
ENGINES_SALT = "engines' salt \\ check"
#: PostgreSQL builds with these roles (docs/privacy.md): the restricted layers granted to one, the
#: marts to the other, and the check proves each role may select exactly its layers
GRANT_VARS = {"pii_restricted_roles": ["pii_steward"], "mart_reader_roles": ["bi_reader"]}
GRANTED_SCHEMAS = {"pii_steward": ("main_staging", "main_intermediate"), "bi_reader": ("main_marts",)}


def slowest_nodes(results: dict[str, Any], count: int = 3) -> str:
    """The ``count`` slowest nodes of a run_results.json, e.g. ``slowest: a 12 s, b 3 s``."""
    ranked = sorted(nodes_from_run_results(results), key=lambda node: -node["execution_time"])[:count]
    return "slowest: " + ", ".join(f"{node['name']} {node['execution_time']:.0f} s" for node in ranked)


def timed_dbt(project: DbtProject, *args: str) -> str:
    """Run ``dbt <args>`` and describe it: the command, its wall time, the nodes it ran and the
    slowest of them."""
    project.workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    project.run(*args)
    seconds = time.perf_counter() - started
    results = project.run_results()
    return f"dbt {args[0]} {seconds:.0f} s, {len(results['results'])} nodes ({slowest_nodes(results)})"


def build_and_rerun(project: DbtProject, target: str) -> str:
    """Build the project on ``target``, then run every incremental model once more (no new data:
    the lookback rows are reprocessed), so the incremental SQL runs on this engine too; the marts
    compared afterwards must still equal DuckDB's full build."""
    built = timed_dbt(project, "build", "--target", target)
    rerun = timed_dbt(project, "run", "--select", "config.materialized:incremental", "--target", target)
    return f"{built}; incremental {rerun}"


def compare_postgres(workdir: Path, reference: Path, tables: dict[str, Relation]) -> list[str]:
    differences: list[str] = []
    with postgres_server(workdir / "postgres-server") as server:
        os.environ.update(server.env)
        for role in GRANTED_SCHEMAS:
            execute(server, f"create role {role} nologin")
        built = build_and_rerun(DbtProject(workdir / "postgres", vars=GRANT_VARS, pii_hash_salt=ENGINES_SALT),
                                "postgres")
        differences += grant_differences(server)
        for name, table in tables.items():
            differences += table_differences(name, rows(reference, f"select * from {table.sql()}"),
                                             fetch_postgres(server, table), other="postgres")
        print(f"postgres: {built}; compared {len(tables)} marts: {', '.join(tables)}", flush=True)
    return differences


def grant_differences(server: PostgresServer) -> list[str]:
    """Each role of GRANTED_SCHEMAS may select every relation of its schemas and none of the others."""
    schemas = ("main_staging", "main_intermediate", "main_marts")
    problems = []
    for role, granted in GRANTED_SCHEMAS.items():
        for schema, (selectable_count, total) in selectable(server, role, schemas).items():
            expected = total if schema in granted else 0
            if selectable_count != expected or total == 0:
                problems.append(f"postgres grants: {role} may select {selectable_count} of {total} "
                                f"relations of {schema}, expected {expected}")
    return problems


def compare_spark(workdir: Path, reference: Path, tables: dict[str, Relation]) -> list[str]:
    require_java()
    spark_dir = workdir / "spark"
    spark_dir.mkdir()
    os.environ["CUSTOMER_SEGMENTS_SPARK_DIR"] = str(spark_dir)
    built = build_and_rerun(DbtProject(workdir / "spark-dbt", pii_hash_salt=ENGINES_SALT), "spark")
    differences: list[str] = []
    with spark_session(spark_dir) as session:
        for name, table in tables.items():
            # the mart's columns in DuckDB's order (Spark moves partition columns to the end)
            columns = column_names(reference, f"select * from {table.sql()}")
            differences += table_differences(name, rows(reference, f"select * from {table.sql()}"),
                                             fetch_spark(session, table, columns), other="spark")
    print(f"spark: {built}; compared {len(tables)} marts: {', '.join(tables)}", flush=True)
    return differences


ENGINES = {"postgres": compare_postgres, "spark": compare_spark}


def run(workdir: Path, engines: Sequence[str] = tuple(ENGINES)) -> list[str]:
    """Build on DuckDB and each engine, compare every mart; the list of differences."""
    reference = DbtProject(workdir / "duckdb", pii_hash_salt=ENGINES_SALT)
    print(f"duckdb: {timed_dbt(reference, 'build')}", flush=True)
    tables = mart_relations(reference.workdir / "target" / "manifest.json")
    differences: list[str] = []
    for engine in engines:
        differences += ENGINES[engine](workdir, reference.duckdb_path, tables)
    return differences


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m customer_segments.engines", description=PACKAGE_DOC)
    parser.add_argument("--engines", nargs="+", choices=sorted(ENGINES), default=list(ENGINES),
                        help="engines to compare with DuckDB (default: all)")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="customer_segments_engines_"))
    workdir.chmod(0o755)  # the postgres system user must reach its data directory inside
    started = time.perf_counter()
    try:
        differences = run(workdir, args.engines)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"total {time.perf_counter() - started:.0f} s")
    if differences:
        print("marts differ between engines:\n" + "\n".join(differences))
        return 1
    print(f"every mart is identical on duckdb and {' and '.join(args.engines)}")
    return 0
