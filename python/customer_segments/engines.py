"""Build the demo on other engines and prove every mart is identical to DuckDB's.

``python -m customer_segments.engines`` builds and tests the project on a fresh embedded DuckDB,
then on a throw-away PostgreSQL server (initdb in a temporary directory, a free local port,
stopped and deleted afterwards) and on local Spark (dbt-spark's ``session`` method, warehouse and
Derby metastore in the same temporary directory), and compares every mart row for row: the same
rows, amounts equal to the cent, other numbers to 1e-9. Each other engine then runs its
incremental models once more before the comparison, so their incremental SQL is proven there too.
``--engines spark`` runs only some.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from .dbt_runner import DbtProject, nodes_from_run_results
from .review.compare import Relation, mart_relations

Row = tuple[Any, ...]


def normalise_value(value: Any) -> Any:
    """One comparable form per value across engines: decimals to the cent, floats to 1e-9,
    dates and timestamps as ISO text."""
    if isinstance(value, Decimal):
        return value.quantize(Decimal("0.01"))
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return round(value, 9)
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    return value


def normalise_rows(rows: Sequence[Row]) -> list[Row]:
    """Rows normalised and sorted, so the comparison ignores row order."""
    normalised = [tuple(normalise_value(v) for v in row) for row in rows]
    return sorted(normalised, key=lambda row: tuple((v is None, str(v)) for v in row))


def table_differences(name: str, left: Sequence[Row], right: Sequence[Row], limit: int = 3,
                      other: str = "other") -> list[str]:
    """Human-readable differences between two row sets (empty when equal)."""
    a, b = normalise_rows(left), normalise_rows(right)
    if a == b:
        return []
    only_left = [row for row in a if row not in set(b)][:limit]
    only_right = [row for row in b if row not in set(a)][:limit]
    return [f"{name}: {len(a)} vs {len(b)} rows; only in duckdb {only_left}; only in {other} {only_right}"]


def mart_tables(manifest_path: Path) -> dict[str, Relation]:
    """Every mart of the build, by name, with the schema it was built in."""
    return mart_relations(manifest_path)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _postgres_bin() -> Path:
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise RuntimeError("PostgreSQL server binaries not found: install Debian's postgresql package")


@dataclass
class PostgresServer:
    port: int
    data_dir: Path

    @property
    def env(self) -> dict[str, str]:
        return {"PGHOST": "127.0.0.1", "PGPORT": str(self.port), "PGUSER": "postgres",
                "PGPASSWORD": "", "PGDATABASE": "customer_segments"}


@contextlib.contextmanager
def postgres_server(workdir: Path) -> Iterator[PostgresServer]:
    """A throw-away PostgreSQL cluster on a free port; initdb refuses root, so as root it runs
    as the postgres system user."""
    binaries = _postgres_bin()
    workdir.mkdir(parents=True, exist_ok=True)
    data_dir = workdir / "pgdata"
    socket_dir = workdir / "pgsocket"
    data_dir.mkdir()
    socket_dir.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres")
        shutil.chown(data_dir, "postgres")
        shutil.chown(socket_dir, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    subprocess.run([*as_user, str(binaries / "initdb"), "-D", str(data_dir), "-A", "trust", "-U", "postgres"],
                   check=True, capture_output=True)
    options = f"-p {port} -k {socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run([*as_user, str(binaries / "pg_ctl"), "-D", str(data_dir), "-o", options,
                    "-l", str(data_dir / "server.log"), "-w", "start"], check=True, capture_output=True)
    server = PostgresServer(port, data_dir)
    try:
        import psycopg2

        deadline = time.time() + 30
        while True:
            try:
                con = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres")
                break
            except psycopg2.OperationalError:
                if time.time() > deadline:
                    raise
                time.sleep(0.5)
        con.autocommit = True
        con.cursor().execute("create database customer_segments")
        con.close()
        yield server
    finally:
        subprocess.run([*as_user, str(binaries / "pg_ctl"), "-D", str(data_dir), "-m", "fast", "stop"],
                       check=False, capture_output=True)


def fetch_postgres(server: PostgresServer, table: Relation) -> list[Row]:
    import psycopg2

    con = psycopg2.connect(host="127.0.0.1", port=server.port, user="postgres", dbname="customer_segments")
    try:
        cur = con.cursor()
        cur.execute(f'select * from "{table.schema}"."{table.name}"')
        return list(cur.fetchall())
    finally:
        con.close()


def fetch_duckdb(path: Path, table: Relation) -> list[Row]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(f'select * from "{table.schema}"."{table.name}"').fetchall()
    finally:
        con.close()


def duckdb_columns(path: Path, table: Relation) -> list[str]:
    """The mart's columns in DuckDB's order (Spark moves partition columns to the end)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        cursor = con.execute(f'select * from "{table.schema}"."{table.name}" limit 0')
        return [column[0] for column in cursor.description]
    finally:
        con.close()


def spark_conf(spark_dir: Path, cores: int = 2) -> dict[str, str]:
    """Settings of a Spark session that sees the tables the profile's spark target wrote:
    the same warehouse folder, Derby metastore and UTC clock (profiles.yml, target spark)."""
    return {
        "spark.master": f"local[{cores}]",
        "spark.sql.warehouse.dir": str(spark_dir / "warehouse"),
        "spark.hadoop.javax.jdo.option.ConnectionURL":
            f"jdbc:derby:;databaseName={spark_dir / 'metastore_db'};create=true",
        "spark.driver.extraJavaOptions": f"-Duser.timezone=UTC -Dderby.system.home={spark_dir}",
        "spark.sql.session.timeZone": "UTC",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
    }


def spark_select_sql(table: Relation, columns: Sequence[str]) -> str:
    """A select of the mart's columns in the given order, backquoted for Spark."""
    return f"select {', '.join(f'`{column}`' for column in columns)} from `{table.schema}`.`{table.name}`"


@contextlib.contextmanager
def spark_session(spark_dir: Path) -> Iterator[Any]:
    """A local Spark session on the build's metastore. Derby admits one JVM at a time, so
    this opens only after dbt (whose session method runs Spark in its own process) exited.
    Python reads Spark timestamps in the process's local zone: UTC here, as in the build."""
    os.environ["TZ"] = "UTC"
    time.tzset()
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.enableHiveSupport()
    for key, value in spark_conf(spark_dir).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    try:
        yield session
    finally:
        session.stop()


def fetch_spark(session: Any, table: Relation, columns: Sequence[str]) -> list[Row]:
    return [tuple(row) for row in session.sql(spark_select_sql(table, columns)).collect()]


def require_java() -> None:
    if shutil.which("java") is None:
        raise RuntimeError("Spark needs Java 17 (`java` not found on PATH): install openjdk-17-jre-headless")


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
        built = build_and_rerun(DbtProject(workdir / "postgres"), "postgres")
        for name, table in tables.items():
            differences += table_differences(name, fetch_duckdb(reference, table),
                                             fetch_postgres(server, table), other="postgres")
        print(f"postgres: {built}; compared {len(tables)} marts: {', '.join(tables)}", flush=True)
    return differences


def compare_spark(workdir: Path, reference: Path, tables: dict[str, Relation]) -> list[str]:
    require_java()
    spark_dir = workdir / "spark"
    spark_dir.mkdir()
    os.environ["CUSTOMER_SEGMENTS_SPARK_DIR"] = str(spark_dir)
    built = build_and_rerun(DbtProject(workdir / "spark-dbt"), "spark")
    differences: list[str] = []
    with spark_session(spark_dir) as session:
        for name, table in tables.items():
            columns = duckdb_columns(reference, table)
            differences += table_differences(name, fetch_duckdb(reference, table),
                                             fetch_spark(session, table, columns), other="spark")
    print(f"spark: {built}; compared {len(tables)} marts: {', '.join(tables)}", flush=True)
    return differences


ENGINES = {"postgres": compare_postgres, "spark": compare_spark}


def run(workdir: Path, engines: Sequence[str] = tuple(ENGINES)) -> list[str]:
    """Build on DuckDB and each engine, compare every mart; the list of differences."""
    reference = DbtProject(workdir / "duckdb")
    print(f"duckdb: {timed_dbt(reference, 'build')}", flush=True)
    tables = mart_tables(reference.workdir / "target" / "manifest.json")
    differences: list[str] = []
    for engine in engines:
        differences += ENGINES[engine](workdir, reference.duckdb_path, tables)
    return differences


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m customer_segments.engines", description=__doc__)
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


if __name__ == "__main__":
    raise SystemExit(main())
