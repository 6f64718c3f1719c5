"""Publish the marts to a read-only DuckDB file of their own, so readers never block a build.

DuckDB lets one process write a database file, and a writer cannot open it while any other process
has it open, even read-only. So BI and the project's tools do not read the build database: after a
successful build, :func:`publish` copies every relation of schema ``main_marts`` (views
materialised as tables) into a NEW file beside the published one (a temporary name in the same
directory), checkpoints and closes it, makes it read-only, and renames it over the published file
(``os.replace``: atomic on one file system). A reader that has the old file open keeps reading it
whole (on Linux it keeps the old inode); the next one opens the new file whole; none blocks the
build, and none ever sees half a publication. A failed build, or a failed copy, publishes nothing:
the published file stays as it was, and the temporary file is removed.

:func:`run_and_publish` is what ``make build`` and ``make daily`` run (``python -m
customer_segments publish --after dbt build ...``): it takes the build lock (a file beside the build
database, holding the PID of its owner), runs the command, and publishes when it succeeds. A second
build on the same database stops at once with one line naming the first (:class:`BuildBusy`), as
does a build while another program (a DuckDB client, a plain ``dbt build``) has the build database
open: DuckDB's lock error names that process, and the message repeats it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

import duckdb

from .dbt_runner import duckdb_settings, sql_path
from .project import PROJECT_DIR

#: the schema published (the marts), under the same name in the published file, so that a query
#: such as ``select * from main_marts.customers`` reads the same in either file
MARTS_SCHEMA = "main_marts"
#: env var: the build database (profiles.yml's dev target reads the same one)
BUILD_DUCKDB_ENV = "CUSTOMER_SEGMENTS_DUCKDB"
#: env var: the published file (default: ``<build database stem>_marts.duckdb`` beside it)
PUBLISHED_DUCKDB_ENV = "CUSTOMER_SEGMENTS_MARTS_DUCKDB"
#: exit code of a build that did not start because another process has the build database
#: (sysexits' EX_TEMPFAIL: try again later)
EXIT_BUSY = 75

_DUCKDB_LOCK = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)(?: by user (?P<user>\S+))?")


class BuildBusy(Exception):
    """Another process writes (or has open) the build database: one line that names it."""


class PublishError(Exception):
    """The marts could not be published; the published file is as it was."""


@dataclass(frozen=True)
class Publication:
    path: Path
    #: rows of each published relation, by name
    rows: dict[str, int]
    #: which of them were views in the build database (tables in the published file)
    views: tuple[str, ...]
    seconds: float

    def summary(self) -> str:
        views = f", views materialised: {', '.join(self.views)}" if self.views else ""
        return (f"published {len(self.rows)} marts ({sum(self.rows.values()):,} rows) to {self.path} "
                f"in {self.seconds:.1f} s{views}")


def build_database() -> Path:
    """The build database of the dev target, as profiles.yml places it: env CUSTOMER_SEGMENTS_DUCKDB,
    else ``customer_segments.duckdb`` in DBT_PROJECT_DIR (the Makefile's) or this checkout."""
    if os.environ.get(BUILD_DUCKDB_ENV):
        return Path(os.environ[BUILD_DUCKDB_ENV]).resolve()
    return (Path(os.environ.get("DBT_PROJECT_DIR") or PROJECT_DIR) / "customer_segments.duckdb").resolve()


def published_database(build_db: Path | None = None) -> Path:
    """Where the marts of ``build_db`` are published: env CUSTOMER_SEGMENTS_MARTS_DUCKDB, else
    ``<stem>_marts.duckdb`` beside the build database (``customer_segments_marts.duckdb``)."""
    if os.environ.get(PUBLISHED_DUCKDB_ENV):
        return Path(os.environ[PUBLISHED_DUCKDB_ENV]).resolve()
    build_db = build_database() if build_db is None else build_db
    return build_db.with_name(f"{build_db.stem}_marts.duckdb")


def lock_path(build_db: Path) -> Path:
    """The build lock of a database: a file beside it, ``<name>.lock``."""
    return build_db.with_name(build_db.name + ".lock")


def _process(pid: int, fallback: str) -> str:
    """A process's command line (Linux /proc), shortened; ``fallback`` where it cannot be read."""
    try:
        arguments = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        text = " ".join(part.decode(errors="replace") for part in arguments if part)
    except OSError:
        text = ""
    text = " ".join((text or fallback).split())  # one line, whatever the command line holds
    return text if len(text) <= 160 else text[:157] + "..."


@contextlib.contextmanager
def build_lock(build_db: Path, command: Sequence[str] = ()) -> Iterator[None]:
    """Hold the build lock of ``build_db`` (an exclusive ``flock`` on its lock file, released by
    the kernel when this process ends, however it ends); raise :class:`BuildBusy`, naming the
    holder, when another process holds it."""
    path = lock_path(build_db)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - closed below, after the lock
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            raise BuildBusy(_busy_message(build_db, handle.read())) from None
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
                                 "command": shlex.join(command) or _process(os.getpid(), "python")}) + "\n")
        handle.flush()
        yield
    finally:
        handle.close()


def _busy_message(build_db: Path, lock_text: str) -> str:
    try:
        holder = json.loads(lock_text)
        pid = int(holder["pid"])
    except (ValueError, KeyError, TypeError):  # the holder has not written its line yet
        return f"{build_db} is being built by another process (see {lock_path(build_db)}); try again when it has finished"
    return (f"{build_db} is being built by PID {pid} ({holder.get('command', '?')}), since "
            f"{holder.get('started', '?')}; try again when it has finished")


def duckdb_holder(error: Exception, database: Path) -> str | None:
    """The one-line message for DuckDB's lock error on ``database`` (None: not a lock error)."""
    found = _DUCKDB_LOCK.search(str(error))
    if "Could not set lock" not in str(error) or found is None:
        return None
    pid = int(found["pid"])
    return (f"{database} is open in PID {pid} ({_process(pid, found['program'])}); a build needs it to itself: "
            f"close it (readers open {published_database(database).name}) and try again")


def check_not_open(build_db: Path) -> None:
    """Raise :class:`BuildBusy` when another process has the build database open (DuckDB refuses a
    writer then); checked before the build starts, so it stops with one line, not dbt's traceback."""
    try:
        duckdb.connect(str(build_db)).close()
    except duckdb.IOException as exc:
        message = duckdb_holder(exc, build_db)
        if message is None:
            raise
        raise BuildBusy(message) from None


def publish(build_db: Path, published: Path, schema: str = MARTS_SCHEMA) -> Publication:
    """Copy every relation of ``schema`` in ``build_db`` into a new DuckDB file and rename it over
    ``published``; views become tables. Raise :class:`PublishError` (``published`` unchanged) when
    there is nothing to publish or the copy fails."""
    started = time.perf_counter()
    build_db, published = build_db.resolve(), published.resolve()
    if published == build_db:
        raise PublishError(f"the published file would be the build database itself: {build_db}")
    if not build_db.is_file():
        raise PublishError(f"no build database at {build_db}: nothing to publish")
    published.parent.mkdir(parents=True, exist_ok=True)
    temporary = published.with_name(f".{published.name}.{os.getpid()}.tmp")
    _remove(temporary)
    try:
        rows, views = _copy_marts(build_db, temporary, schema)
        with open(temporary, "rb") as written:  # on disk before it takes the published name
            os.fsync(written.fileno())
        temporary.chmod(0o444)
        os.replace(temporary, published)
        directory = os.open(published.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    except BaseException:
        _remove(temporary)
        raise
    return Publication(published, rows, views, time.perf_counter() - started)


def _copy_marts(build_db: Path, target: Path, schema: str) -> tuple[dict[str, int], tuple[str, ...]]:
    # spills (a mart larger than memory_limit) go where the build's do: profiles.yml's temp_directory
    temp_directory = os.environ.get("DUCKDB_TEMP_DIRECTORY") or f"{build_db}.tmp"
    con = duckdb.connect(config={**duckdb_settings(), "temp_directory": temp_directory})
    try:
        try:
            con.execute(f"attach {sql_path(build_db)} as build (read_only)")
        except duckdb.IOException as exc:
            message = duckdb_holder(exc, build_db)
            if message is None:
                raise
            raise BuildBusy(message) from None
        con.execute(f"attach {sql_path(target)} as published")
        relations = con.execute(
            "select table_name, table_type = 'VIEW' from information_schema.tables "
            "where table_catalog = 'build' and table_schema = ? order by table_name", [schema],
        ).fetchall()
        if not relations:
            raise PublishError(f"schema {schema} of {build_db} holds no relation: nothing published")
        # a view's unqualified names resolve in the default catalog: make it the build database
        con.execute("use build")
        con.execute(f'create schema published."{schema}"')
        rows: dict[str, int] = {}
        for name, _ in relations:
            con.execute(f'create table published."{schema}"."{name}" as select * from build."{schema}"."{name}"')
            counted = con.execute(f'select count(*) from published."{schema}"."{name}"').fetchone()
            assert counted is not None
            rows[name] = int(counted[0])
        con.execute("use memory")
        con.execute("detach published")  # checkpoints: the whole file, no write-ahead log beside it
    finally:
        con.close()
    if target.with_name(target.name + ".wal").exists():
        raise PublishError(f"{target}.wal left after closing the published copy")
    return rows, tuple(name for name, is_view in relations if is_view)


def _remove(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + ".wal")):
        with contextlib.suppress(FileNotFoundError):
            if leftover.exists():
                leftover.chmod(0o644)
            leftover.unlink()


def _run(command: Sequence[str]) -> int:
    """Run ``command``; a SIGTERM to this process is passed on to it (so make's kill stops dbt too),
    and Ctrl-C (which the terminal sends to both) waits for it to stop."""
    child = subprocess.Popen(list(command))

    def forward(signum: int, _frame: FrameType | None) -> None:
        child.send_signal(signum)

    previous = signal.signal(signal.SIGTERM, forward)
    try:
        while True:
            try:
                return child.wait()
            except KeyboardInterrupt:
                continue
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_and_publish(command: Sequence[str], build_db: Path, published: Path) -> int:
    """Under the build lock: check that no other process has the build database open, run
    ``command`` (the dbt build), and when it succeeds publish the marts. The command's exit code
    when it fails (nothing published); raises :class:`BuildBusy` or :class:`PublishError`."""
    if os.environ.get("DBT_TARGET", "dev") != "dev":  # another engine: no DuckDB file to guard
        print(f"customer-segments: target {os.environ['DBT_TARGET']}: nothing to publish (the marts stay "
              "in the warehouse)", file=sys.stderr)
        return _run(command)
    with build_lock(build_db, command):
        check_not_open(build_db)
        returncode = _run(command)
        if returncode != 0:
            kept = f"{published} holds the marts of the last successful build" if published.exists() \
                else f"{published} does not exist yet"
            print(f"customer-segments: `{shlex.join(command)}` failed (exit {returncode}): nothing published; {kept}",
                  file=sys.stderr)
            return returncode
        print(f"customer-segments: {publish(build_db, published).summary()}", flush=True)
    return 0


def publish_locked(build_db: Path, published: Path) -> Publication:
    """:func:`publish` under the build lock (``python -m customer_segments publish`` alone)."""
    with build_lock(build_db, ("customer-segments publish",)):
        return publish(build_db, published)
