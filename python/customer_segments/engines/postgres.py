"""A throw-away PostgreSQL server for the engine check: initdb in a temporary directory, a free
local port, stopped (and deleted with the directory) afterwards."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..review.compare import Relation
from .compare import Row


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
        cur.execute(f"select * from {table.sql()}")
        return list(cur.fetchall())
    finally:
        con.close()


def execute(server: PostgresServer, sql: str) -> list[Row]:
    """Run one statement as the superuser (autocommit); its rows, if it returns any."""
    import psycopg2

    con = psycopg2.connect(host="127.0.0.1", port=server.port, user="postgres", dbname="customer_segments")
    con.autocommit = True
    try:
        cur = con.cursor()
        cur.execute(sql)
        return list(cur.fetchall()) if cur.description else []
    finally:
        con.close()


def selectable(server: PostgresServer, role: str, schemas: tuple[str, ...]) -> dict[str, tuple[int, int]]:
    """Per schema: (relations the role may select from, relations in all)."""
    quoted = ", ".join(f"'{schema}'" for schema in schemas)
    found = execute(server, f"""
        select table_schema,
            count(*) filter (where has_table_privilege('{role}',
                quote_ident(table_schema) || '.' || quote_ident(table_name), 'select')),
            count(*)
        from information_schema.tables
        where table_schema in ({quoted})
        group by table_schema
    """)
    return {schema: (int(granted), int(total)) for schema, granted, total in found}
