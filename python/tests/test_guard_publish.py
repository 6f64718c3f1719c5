"""Readers never block a build (issue 38, Guardrails): the marts are published to a read-only DuckDB
file of their own by writing a new file and renaming it into place (customer_segments.publish).

One real `make daily` on a copy of the demo build runs while a reader in another process holds the
published file open in a transaction, while a second process opens and reads it over and over, and
while a second `make daily` tries to build the same database. The published file starts as an older
publication (ten customers fewer), so what each reader saw tells the old marts from the new."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import psutil
import pytest

from customer_segments.cli import main
from customer_segments.dbt_runner import rows
from customer_segments.publish import (
    BUILD_DUCKDB_ENV,
    EXIT_BUSY,
    MARTS_SCHEMA,
    PUBLISHED_DUCKDB_ENV,
    PublishError,
    lock_path,
    publish,
    published_database,
)
from customer_segments.project import PROJECT_DIR

#: customers left out of the older publication the daily run replaces
OLDER_FEWER = 10

#: a reader as BI would be: the published file open read-only, one transaction across the build
HOLDING_READER = f"""
import duckdb, json, sys
con = duckdb.connect(sys.argv[1], read_only=True)
con.execute("begin transaction")
def counts():
    names = [r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_schema = '{MARTS_SCHEMA}' order by 1").fetchall()]
    return {{name: con.execute(f'select count(*) from {MARTS_SCHEMA}."{{name}}"').fetchall()[0][0] for name in names}}
print(json.dumps(counts()), flush=True)
sys.stdin.readline()  # held open until the test says the build has ended
print(json.dumps(counts()), flush=True)
con.execute("commit")
con.close()
"""

#: a reader that opens the published file, reads every mart and closes it, again and again
POLLING_READER = f"""
import duckdb, json, os, sys, time
path, out, stop = sys.argv[1:]
with open(out, "w") as log:
    while not os.path.exists(stop):
        try:
            con = duckdb.connect(path, read_only=True)
            names = [r[0] for r in con.execute(
                "select table_name from information_schema.tables where table_schema = '{MARTS_SCHEMA}' order by 1"
            ).fetchall()]
            seen = {{name: con.execute(f'select count(*) from {MARTS_SCHEMA}."{{name}}"').fetchall()[0][0]
                    for name in names}}
            con.close()
            log.write(json.dumps({{"counts": seen}}) + "\\n")
        except Exception as exc:
            log.write(json.dumps({{"error": str(exc)}}) + "\\n")
        log.flush()
        time.sleep(0.05)
"""


def mart_counts(database: Path) -> dict[str, int]:
    names = [name for (name,) in rows(database, f"""
        select table_name from information_schema.tables where table_schema = '{MARTS_SCHEMA}' order by 1""")]
    return {name: rows(database, f'select count(*) from {MARTS_SCHEMA}."{name}"')[0][0] for name in names}


def copy_build(demo_build: Path, folder: Path) -> Path:
    """A copy of the demo build (and its write-ahead log, if any) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for suffix in ("", ".wal"):
        source = demo_build.with_name(demo_build.name + suffix)
        if source.exists():
            shutil.copy(source, folder / source.name)
    return folder / demo_build.name


def make_env(database: Path, **extra: str) -> dict[str, str]:
    """`make` building ``database`` (its dbt target and logs beside it), publishing beside it."""
    # a make of its own, as a user runs it, also when pytest runs under make test (MAKELEVEL ...)
    env = {key: value for key, value in os.environ.items()
           if key not in (PUBLISHED_DUCKDB_ENV, "MAKELEVEL", "MAKEFLAGS", "MFLAGS", "MAKEOVERRIDES")}
    env.update({BUILD_DUCKDB_ENV: str(database), "DBT_TARGET_PATH": str(database.parent / "target"),
                "DBT_LOG_PATH": str(database.parent / "logs"), **extra})
    return env


def make(target: str, env: dict[str, str], **kwargs: object) -> subprocess.Popen[str]:
    return subprocess.Popen(["make", "--no-print-directory", "-s", target], cwd=PROJECT_DIR, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)  # type: ignore[call-overload]


def own_lines(stderr: str) -> list[str]:
    """stderr without make's own closing line (``make: *** [Makefile:N: daily] Error 75``)."""
    return [line for line in stderr.splitlines() if line.strip() and not re.match(r"make(\[\d+\])?: \*\*\*", line)]


def wait_for(condition: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@dataclass
class DailyRun:
    build_db: Path
    published: Path
    older_counts: dict[str, int]
    older_inode: int
    returncode: int
    stdout: str
    stderr: str
    held_before: dict[str, int]
    held_after: dict[str, int]
    holder_returncode: int
    polled: list[dict[str, object]]
    poller_returncode: int
    first_writer_pid: int
    second_returncode: int
    second_stdout: str
    second_stderr: str
    second_seconds: float


@pytest.fixture(scope="module")
def daily_run(demo_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DailyRun]:
    folder = tmp_path_factory.mktemp("publish_daily")
    build_db = copy_build(demo_build, folder / "build")
    published = published_database(build_db)
    # yesterday's publication: the same build with ten customers fewer
    older = copy_build(demo_build, folder / "older")
    with duckdb.connect(str(older)) as con:
        con.execute(f"""delete from {MARTS_SCHEMA}.customers where customer_key in (
            select customer_key from {MARTS_SCHEMA}.customers order by customer_key limit {OLDER_FEWER})""")
    publish(older, published)
    older_counts, older_inode = mart_counts(published), published.stat().st_ino

    env = make_env(build_db)
    holder = subprocess.Popen([sys.executable, "-c", HOLDING_READER, str(published)], text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert holder.stdout is not None and holder.stdin is not None
    held_before = json.loads(holder.stdout.readline())
    polled_log, stop = folder / "polled.jsonl", folder / "stop-polling"
    poller = subprocess.Popen([sys.executable, "-c", POLLING_READER, str(published), str(polled_log), str(stop)])
    try:
        daily = make("daily", env)
        # the first writer holds the build lock: the publish wrapper make daily started
        first_writer: list[int] = []

        def locked_by_daily() -> bool:
            wrappers = [child.pid for child in psutil.Process(daily.pid).children(recursive=True)
                        if "--after" in child.cmdline()]
            if wrappers and lock_path(build_db).exists() and lock_path(build_db).read_text().strip():
                holder_pid = json.loads(lock_path(build_db).read_text())["pid"]
                first_writer[:] = [holder_pid] if holder_pid in wrappers else []
            assert daily.poll() is None, "make daily ended before a second writer could try"
            return bool(first_writer)

        wait_for(locked_by_daily, 120, "make daily to take the build lock")
        started = time.monotonic()
        second = make("daily", env)
        second_stdout, second_stderr = second.communicate(timeout=120)
        second_seconds = time.monotonic() - started
        stdout, stderr = daily.communicate(timeout=900)

        # the poller has read the new publication at least once
        new_counts = mart_counts(published)

        def polled_new() -> bool:
            return any(json.loads(line).get("counts") == new_counts for line in polled_log.read_text().splitlines())

        if daily.returncode == 0:
            wait_for(polled_new, 60, "the polling reader to see the new publication")
        holder.stdin.write("go\n")
        holder.stdin.flush()
        held_after = json.loads(holder.stdout.readline())
        holder.wait(timeout=60)
    finally:
        stop.touch()
        poller.wait(timeout=60)
        holder.kill()
    yield DailyRun(build_db, published, older_counts, older_inode, daily.returncode, stdout, stderr, held_before,
                   held_after, holder.returncode, [json.loads(line) for line in polled_log.read_text().splitlines()],
                   poller.returncode, first_writer[0], second.returncode, second_stdout, second_stderr, second_seconds)


def test_make_daily_succeeds_while_a_reader_holds_the_published_file_open(daily_run: DailyRun) -> None:
    assert daily_run.returncode == 0, daily_run.stdout[-3000:] + daily_run.stderr[-3000:]
    assert daily_run.holder_returncode == 0
    # the reader saw the older marts whole, before and after the build replaced the file under it
    assert daily_run.held_before == daily_run.older_counts == daily_run.held_after
    # the new publication: a new file holding the marts of the build, every one of them
    build_counts = mart_counts(daily_run.build_db)
    assert mart_counts(daily_run.published) == build_counts
    assert build_counts["customers"] == daily_run.older_counts["customers"] + OLDER_FEWER
    assert daily_run.published.stat().st_ino != daily_run.older_inode
    assert f"published {len(build_counts)} marts" in daily_run.stdout


def test_a_reader_opening_the_published_file_during_make_daily_sees_old_or_new_marts_whole(
        daily_run: DailyRun) -> None:
    new_counts = mart_counts(daily_run.build_db)
    assert daily_run.poller_returncode == 0
    errors = [entry["error"] for entry in daily_run.polled if "error" in entry]
    assert errors == []
    seen = [entry["counts"] for entry in daily_run.polled]
    assert len(seen) >= 20  # it read all through the build, about 20 times a second
    assert all(counts in (daily_run.older_counts, new_counts) for counts in seen)
    assert daily_run.older_counts in seen and new_counts in seen


def test_a_second_build_on_the_same_database_stops_with_one_line_naming_the_first(daily_run: DailyRun) -> None:
    assert daily_run.second_returncode != 0
    assert f"Error {EXIT_BUSY}" in daily_run.second_stderr  # make's line: the wrapper's exit code
    [line] = own_lines(daily_run.second_stderr)
    assert re.fullmatch(re.escape(
        f"customer-segments: {daily_run.build_db} is being built by PID {daily_run.first_writer_pid} "
        "(.venv/bin/dbt build --exclude-resource-type unit_test --exclude tag:self_check --vars "
        "'{data_test_recent_days: 1}'), since ") + r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC"
        + re.escape("; try again when it has finished"), line), line
    assert daily_run.second_stdout == "" and "Traceback" not in daily_run.second_stderr
    assert daily_run.second_seconds < 30  # it did not wait for the first, nor run dbt


def test_a_build_while_another_program_has_the_build_database_open_names_it(demo_build: Path,
                                                                              tmp_path: Path) -> None:
    """A DuckDB client (here read-only, as BI used to be) on the build database: DuckDB's lock
    error names it, and the build stops before dbt with that one line."""
    build_db = copy_build(demo_build, tmp_path / "build")
    client = subprocess.Popen([sys.executable, "-c", "import duckdb, sys; con = duckdb.connect(sys.argv[1], "
                               "read_only=True); print('open', flush=True); sys.stdin.readline()", str(build_db)],
                              text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert client.stdout is not None and client.stdout.readline() == "open\n"
        daily = make("daily", make_env(build_db))
        stdout, stderr = daily.communicate(timeout=120)
    finally:
        client.kill()
    assert daily.returncode != 0 and f"Error {EXIT_BUSY}" in stderr
    [line] = own_lines(stderr)
    assert line.startswith(f"customer-segments: {build_db} is open in PID {client.pid} ({sys.executable} -c ")
    assert line.endswith("; a build needs it to itself: close it (readers open customer_segments_marts.duckdb) "
                         "and try again")
    assert stdout == "" and "Traceback" not in stderr
    assert not (tmp_path / "build" / "target" / "run_results.json").exists()  # dbt never ran
    assert not published_database(build_db).exists()


def test_a_failed_build_publishes_nothing(demo_build: Path, tmp_path: Path) -> None:
    """make daily fails (DuckDB out of memory: in the first models, or already when dbt lists the
    schemas, depending on the load): the published file stays the previous one, byte for byte, and
    no temporary file is left beside it."""
    build_db = copy_build(demo_build, tmp_path / "build")
    published = published_database(build_db)
    publish(build_db, published)
    before = (published.stat().st_ino, published.read_bytes())
    daily = make("daily", make_env(build_db, DUCKDB_MEMORY_LIMIT="1MB"))
    stdout, stderr = daily.communicate(timeout=600)
    assert daily.returncode != 0
    assert "Out of Memory Error" in (tmp_path / "build" / "logs" / "dbt.log").read_text()
    # dbt exits 1 when a node fails and 2 when the out-of-memory error strikes in the on-run-start
    # hooks (the var validation queries the engine's time zones) or while it lists the schemas
    assert re.fullmatch(
        re.escape("customer-segments: `.venv/bin/dbt build --exclude-resource-type unit_test --exclude "
                  "tag:self_check --vars '{data_test_recent_days: 1}'` failed (exit ")
        + "[12]"
        + re.escape(f"): nothing published; {published} holds the marts of the last successful build"),
        own_lines(stderr)[-1])
    assert (published.stat().st_ino, published.read_bytes()) == before
    assert sorted(path.name for path in published.parent.iterdir() if path.name.startswith(".")) == []


def test_publish_materialises_views_as_tables_in_a_read_only_file(tmp_path: Path) -> None:
    build_db = tmp_path / "build.duckdb"
    with duckdb.connect(str(build_db)) as con:
        con.execute(f"""
            create schema {MARTS_SCHEMA};
            create table {MARTS_SCHEMA}.orders as select range as order_id, range * 1.5 as amount from range(5);
            create table big_orders_threshold as select 3.0 as amount;
            -- a view reading an unqualified table of another schema, as a view mart could
            create view {MARTS_SCHEMA}.big_orders as
                select orders.* from {MARTS_SCHEMA}.orders as orders, big_orders_threshold as threshold
                where orders.amount > threshold.amount;
            create table main.not_a_mart as select 1 as x""")
    publication = publish(build_db, published_database(build_db))
    published = tmp_path / "build_marts.duckdb"
    assert publication.path == published
    assert publication.rows == {"big_orders": 2, "orders": 5} and publication.views == ("big_orders",)
    assert rows(published, "select table_schema, table_name, table_type from information_schema.tables "
                           "order by 2") == [(MARTS_SCHEMA, "big_orders", "BASE TABLE"),
                                             (MARTS_SCHEMA, "orders", "BASE TABLE")]
    assert rows(published, f"select order_id from {MARTS_SCHEMA}.big_orders order by 1") == [(3,), (4,)]
    assert published.stat().st_mode & 0o777 == 0o444
    assert sorted(path.name for path in tmp_path.iterdir()) == ["build.duckdb", "build_marts.duckdb"]


def test_publishing_that_fails_leaves_the_published_file_as_it_was(tmp_path: Path) -> None:
    good = tmp_path / "good.duckdb"
    with duckdb.connect(str(good)) as con:
        con.execute(f"create schema {MARTS_SCHEMA}; create table {MARTS_SCHEMA}.customers as select 1 as id")
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    published = tmp_path / "marts.duckdb"
    publish(good, published)
    before = published.read_bytes()
    with pytest.raises(PublishError, match=f"schema {MARTS_SCHEMA} of {empty} holds no relation: nothing published"):
        publish(empty, published)
    assert published.read_bytes() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["empty.duckdb", "good.duckdb", "marts.duckdb"]


def test_the_published_file_is_beside_the_build_database_unless_the_env_var_says(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(PUBLISHED_DUCKDB_ENV, raising=False)
    assert published_database(tmp_path / "cs.duckdb") == tmp_path / "cs_marts.duckdb"
    monkeypatch.setenv(PUBLISHED_DUCKDB_ENV, str(tmp_path / "bi" / "marts.duckdb"))
    assert published_database(tmp_path / "cs.duckdb") == tmp_path / "bi" / "marts.duckdb"


def test_publish_command_says_in_one_line_what_it_published_or_why_not(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build_db, published = tmp_path / "build.duckdb", tmp_path / "out" / "marts.duckdb"
    duckdb.connect(str(build_db)).close()
    assert main(["publish", "--database", str(build_db), "--to", str(published)]) == 1
    assert capsys.readouterr().err == (f"customer-segments: publishing failed, {published} unchanged: schema "
                                       f"{MARTS_SCHEMA} of {build_db} holds no relation: nothing published\n")
    assert not published.exists()
    with duckdb.connect(str(build_db)) as con:
        con.execute(f"create schema {MARTS_SCHEMA}; create table {MARTS_SCHEMA}.customers as select 1 as id")
    assert main(["publish", "--database", str(build_db), "--to", str(published)]) == 0
    assert capsys.readouterr().out.startswith(f"customer-segments: published 1 marts (1 rows) to {published} in ")
    assert rows(published, f"select id from {MARTS_SCHEMA}.customers") == [(1,)]
