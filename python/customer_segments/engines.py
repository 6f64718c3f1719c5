"""Build the demo on other engines and prove every mart is identical to DuckDB's.

``python -m customer_segments.engines`` starts a throw-away PostgreSQL server (initdb in a
temporary directory, a free local port, stopped and deleted afterwards), builds and tests the
project on it and on a fresh embedded DuckDB, and compares every mart row for row: the same
rows, amounts equal to the cent, other numbers to 1e-9.
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

from .dbt_runner import DbtProject

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


def table_differences(name: str, left: Sequence[Row], right: Sequence[Row], limit: int = 3) -> list[str]:
    """Human-readable differences between two row sets (empty when equal)."""
    a, b = normalise_rows(left), normalise_rows(right)
    if a == b:
        return []
    only_left = [row for row in a if row not in set(b)][:limit]
    only_right = [row for row in b if row not in set(a)][:limit]
    return [f"{name}: {len(a)} vs {len(b)} rows; only in duckdb {only_left}; only in other {only_right}"]


def mart_tables(manifest_path: Path) -> list[str]:
    manifest = json.loads(manifest_path.read_text())
    return sorted(
        node["alias"] for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["path"].startswith("marts/")
        and node["config"].get("materialized") != "ephemeral"
    )


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


def fetch_postgres(server: PostgresServer, table: str) -> list[Row]:
    import psycopg2

    con = psycopg2.connect(host="127.0.0.1", port=server.port, user="postgres", dbname="customer_segments")
    try:
        cur = con.cursor()
        cur.execute(f'select * from "main"."{table}"')
        return list(cur.fetchall())
    finally:
        con.close()


def fetch_duckdb(path: Path, table: str) -> list[Row]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(f'select * from main."{table}"').fetchall()
    finally:
        con.close()


def run(workdir: Path) -> list[str]:
    """Build on DuckDB and Postgres, compare every mart; the list of differences."""
    reference = DbtProject(workdir / "duckdb")
    reference.workdir.mkdir()
    reference.run("build")
    tables = mart_tables(reference.workdir / "target" / "manifest.json")
    differences: list[str] = []
    with postgres_server(workdir / "postgres-server") as server:
        os.environ.update(server.env)
        other = DbtProject(workdir / "postgres")
        other.workdir.mkdir()
        other.run("build", "--target", "postgres")
        for table in tables:
            differences += table_differences(table, fetch_duckdb(reference.duckdb_path, table),
                                             fetch_postgres(server, table))
        print(f"postgres: compared {len(tables)} marts: {', '.join(tables)}")
    return differences


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m customer_segments.engines", description=__doc__)
    parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="customer_segments_engines_"))
    workdir.chmod(0o755)  # the postgres system user must reach its data directory inside
    try:
        differences = run(workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if differences:
        print("marts differ between engines:\n" + "\n".join(differences))
        return 1
    print("every mart is identical on duckdb and postgres")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
