"""One scale of the benchmark, end to end: raw data, full build, lower bound, peer, daily run."""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

import duckdb
import psutil

from ..dbt_runner import SKIP_DEMO_SEEDS, DbtProject, duckdb_settings, nodes_from_run_results, raw_vars, sql_path
from ..project import PROJECT_DIR, git
from . import DEFAULT_DAILY_RUNS
from .cache import RawData, cached_raw_data
from .daily import append_day
from .measure import ChildRun, Measurement, measured, run_python
from .report import STEP_LABELS, is_history

DBT_ARGS = ("build", *SKIP_DEMO_SEEDS)
# unit tests and the self-checks (singular tests on inline fixtures, tag self_check) check the SQL,
# not the data: CI and `make test` run them, the production builds leave them out (issue 37)
PRODUCTION_EXCLUDES = ("--exclude-resource-type", "unit_test", "--exclude", "tag:self_check")
# the full build as `make build` runs it: every model and seed, every data test
FULL_BUILD_ARGS = PRODUCTION_EXCLUDES
# the daily job (make daily) builds and data-tests the new day, leaving out the same
DAILY_ARGS = PRODUCTION_EXCLUDES
# ... and data-tests the fact-sized models on their newest day of loads (macros/utils/data_tests.sql)
DAILY_VARS = {"data_test_recent_days": 1}
LABELS = ("rfm_segment", "lifecycle_stage", "value_tier")
# the peer computes three marts; the main table compares it with the full build (every mart and data
# test), and issue 37's target with the like-for-like build: those three marts and everything
# upstream of them, with the data tests of those nodes only, as the full build leaves out unit tests
# and self-checks (cautious: a test that also reads a node outside the selection, such as a
# relationship to another mart, is left out, as it could not run)
PEER_SCOPE_MARTS = ("customer_rfm", "customer_lifecycle", "customer_value_tiers")
PEER_SCOPE_ARGS = ("--select", *(f"+{mart}" for mart in PEER_SCOPE_MARTS), "--indirect-selection", "cautious",
                   *PRODUCTION_EXCLUDES)
#: the history-length row: customers fixed, the raw history this many years long (issue 37: the
#: daily run on 4 years at most 1.2x the daily run on 2 years)
HISTORY_YEARS = (2, 4)


@dataclass(frozen=True)
class BenchOptions:
    cache: Path
    out: Path
    work: Path  # throw-away DuckDB files and target folders (deleted after each scale)
    seed: int = 42
    keep_work: bool = False
    progress: bool = False
    daily_runs: int = DEFAULT_DAILY_RUNS  # the daily build's repeats (repeated_daily_builds)


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or cpu
    return {
        "cpu_model": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "dbt_core": _installed_version("dbt-core"),
        "dbt_duckdb": _installed_version("dbt-duckdb"),
        "duckdb_threads": duckdb_settings()["threads"],
        "duckdb_memory_limit": duckdb_settings()["memory_limit"],
        # other work on the machine slows every step alike; the load tells how quiet it was
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
    }


def _installed_version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def code_version(directory: Path = PROJECT_DIR, results: Path | None = None) -> dict[str, Any] | None:
    """The commit the measured project was checked out at, and whether its files differed from it
    (a tracked file changed, or a file git does not ignore added), so that figures quoted in README
    can be traced to one version of the models. The results folder does not count: the run writes
    there itself. None outside a git checkout (an unpacked archive) or where git is missing."""
    pathspec = [str(directory)]
    if results is not None and results.resolve().is_relative_to(directory.resolve()):
        pathspec.append(f":(exclude){results.resolve()}")
    try:
        return {"commit": git("rev-parse", "HEAD", cwd=directory),
                "uncommitted_changes": bool(git("status", "--porcelain", "--", *pathspec, cwd=directory))}
    except (OSError, subprocess.CalledProcessError):
        return None


def _measurement(m: Measurement) -> dict[str, Any]:
    return {"wall_seconds": round(m.wall_seconds, 3), "peak_rss_mib": round(m.peak_rss_mib, 1),
            "rss_samples": m.samples, "cpu_seconds": round(m.cpu_seconds, 2),
            "other_cpu_seconds": round(m.other_cpu_seconds, 2)}


def _helper(child: ChildRun) -> dict[str, Any]:
    """A helper's record: its peak is the higher of the sampled tree RSS and its own getrusage peak."""
    record = {**_measurement(child.measurement), "returncode": child.returncode, **child.output}
    record["peak_rss_mib"] = max(record["peak_rss_mib"], float(child.output.get("self_maxrss_mib") or 0.0))
    if not child.ok:
        record["stderr_tail"] = child.stderr_tail
    return record


def summarise_nodes(nodes: list[dict[str, Any]]) -> dict[str, Any]:
    failed = [n for n in nodes if n["status"] in ("error", "fail", "runtime error")]
    skipped = sum(1 for n in nodes if n["status"] == "skipped")
    by_type: dict[str, dict[str, float]] = {}
    for node in nodes:
        entry = by_type.setdefault(node["resource_type"], {"count": 0, "seconds": 0.0})
        entry["count"] += 1
        entry["seconds"] = round(entry["seconds"] + node["execution_time"], 3)
    models = sorted((n for n in nodes if n["resource_type"] == "model"), key=lambda n: -n["execution_time"])
    return {
        "by_resource_type": by_type,
        "slowest_models": [{"name": n["name"], "seconds": n["execution_time"]} for n in models[:10]],
        "failed": [{"unique_id": n["unique_id"], "status": n["status"]} for n in failed],
        "skipped": skipped,
    }


def dbt_build(project: DbtProject, *extra: str) -> dict[str, Any]:
    """``dbt build`` measured (wall time, peak RSS of the dbt process tree) with its node times."""
    # a dbt that stops before running anything (a parse error) writes no run_results.json: never
    # report the previous command's nodes as this one's
    project.run_results_path.unlink(missing_ok=True)
    with measured() as measurement:
        completed = project.run(*DBT_ARGS, *extra, check=False)
    nodes = nodes_from_run_results(project.run_results()) if project.run_results_path.exists() else []
    result: dict[str, Any] = {**_measurement(measurement), "returncode": completed.returncode,
                              "nodes": nodes, **summarise_nodes(nodes)}
    if completed.returncode != 0:
        result["output_tail"] = completed.stdout[-3000:]
    return result


def repeated_daily_builds(project: DbtProject, runs: int, snapshot: Path) -> dict[str, Any]:
    """The daily ``dbt build`` ``runs`` times, each from the database as the full build left it.

    Before the first run the DuckDB file is copied to ``snapshot``; before each later one it is
    copied back and dbt's partial-parse state is deleted, so that every run, like the first, parses
    the project cold (the daily vars differ from the full build's). The copies are not timed. The
    record is the run of median wall time (the lower middle one for an even count), with every
    run's figures under ``runs``; one run keeps the record it always had.
    """
    if runs < 1:
        raise ValueError(f"daily runs must be at least 1, not {runs}")
    if runs > 1:
        snapshot.mkdir(parents=True, exist_ok=True)
        save_database(project.duckdb_path, snapshot)
    results = []
    for index in range(runs):
        if index:
            _log(f"daily incremental build, run {index + 1} of {runs}: database restored")
            restore_database(snapshot, project.duckdb_path)
            (project.workdir / "target" / "partial_parse.msgpack").unlink(missing_ok=True)
        results.append(dbt_build(project, *DAILY_ARGS))
    if runs == 1:
        return results[0]
    median = sorted(range(runs), key=lambda i: results[i]["wall_seconds"])[(runs - 1) // 2]
    summary = ("wall_seconds", "peak_rss_mib", "cpu_seconds", "other_cpu_seconds", "returncode", "failed",
               "skipped", "by_resource_type")
    return {**results[median], "median_of_runs": {"run": median + 1, "of": runs},
            "runs": [{key: result.get(key) for key in summary} for result in results]}


def _database_files(path: Path) -> list[Path]:
    """A DuckDB database: its file and, if a run left one, its write-ahead log."""
    return [path, path.with_name(path.name + ".wal")]


def save_database(database: Path, snapshot: Path) -> None:
    for source in _database_files(database):
        if source.exists():
            shutil.copy2(source, snapshot / source.name)


def restore_database(snapshot: Path, database: Path) -> None:
    """Put the saved database back; a log written since the save is removed, not replayed."""
    for target in _database_files(database):
        saved = snapshot / target.name
        if saved.exists():
            shutil.copy2(saved, target)
        else:
            target.unlink(missing_ok=True)


def compare_labels(duckdb_file: Path, peer_labels: Path) -> dict[str, Any]:
    """The peer's labels against the marts', customer by customer (full outer join on customer_key)."""
    con = duckdb.connect(str(duckdb_file), read_only=True)
    con.execute(f"""
        create temp table compared as
        with marts as (
            select lifecycle.customer_key, rfm.rfm_segment, lifecycle.lifecycle_stage, tiers.value_tier
            from main_marts.customer_lifecycle as lifecycle
            left join main_marts.customer_rfm as rfm on lifecycle.customer_key = rfm.customer_key
            left join main_marts.customer_value_tiers as tiers on lifecycle.customer_key = tiers.customer_key
        ),
        peer as (select * from read_parquet({sql_path(peer_labels)}))
        select coalesce(marts.customer_key, peer.customer_key) as customer_key,
               marts.customer_key is not null as in_marts, peer.customer_key is not null as in_peer,
               {", ".join(f"marts.{c} as marts_{c}, peer.{c} as peer_{c}" for c in LABELS)},
               {" and ".join(f"marts.{c} is not distinct from peer.{c}" for c in LABELS)}
                   and marts.customer_key is not null and peer.customer_key is not null as agrees
        from marts full join peer on marts.customer_key = peer.customer_key""")
    row = con.execute(f"""
        select count(*), count_if(in_marts), count_if(in_peer), count_if(agrees),
               {", ".join(f"count_if(marts_{c} is not distinct from peer_{c})" for c in LABELS)}
        from compared""").fetchone()
    assert row is not None
    total, in_marts, in_peer, agree, *per_label = row
    differences = con.execute("select * from compared where not agrees order by customer_key limit 20").fetchall()
    columns = [d[0] for d in con.description] if con.description else []
    return {
        "customers": total, "in_marts": in_marts, "in_peer": in_peer, "agreeing": agree,
        "agreement": agree / total if total else 1.0,
        "agreement_by_label": {c: (n / total if total else 1.0) for c, n in zip(LABELS, per_label)},
        "first_differences": [dict(zip(columns, map(str, d))) for d in differences],
    }


def raw_record(raw: RawData) -> dict[str, Any]:
    """What a record says of its raw data: where, how much, how it was made."""
    return {"path": str(raw.path), "rows": raw.rows, "bytes": raw.bytes,
            "generate_seconds": raw.generate_seconds, "from_cache": raw.generate_seconds is None,
            "orders_per_customer": raw.config.orders_per_customer,
            "events_per_customer": raw.config.events_per_customer,
            "start": raw.config.start.isoformat(), "end": raw.config.end.isoformat()}


def full_build(project: DbtProject) -> dict[str, Any]:
    """The project's full build (FULL_BUILD_ARGS), as ``make build`` runs it."""
    return {"dbt_args": [*DBT_ARGS, *FULL_BUILD_ARGS], **dbt_build(project, *FULL_BUILD_ARGS)}


def daily_run(project: DbtProject, raw: Path, work: Path, runs: int) -> dict[str, Any]:
    """One more day appended to ``raw`` (in ``work``), then the daily job ``runs`` times on the
    database the full build of ``project`` left (repeated_daily_builds)."""
    day = append_day(raw, work / "raw_next_day")
    daily = DbtProject(project.workdir, vars={**raw_vars(day.path), **DAILY_VARS})
    return {"day": day.day, "new_rows": day.new_rows, "refunded_order_id": day.refunded_order_id,
            "dbt_args": [*DBT_ARGS, *DAILY_ARGS], "dbt_vars": DAILY_VARS,
            **repeated_daily_builds(daily, runs, work / "before_daily")}


def _fresh(folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return folder


def run_scale(customers: int, options: BenchOptions) -> dict[str, Any]:
    """Measure one scale; returns the JSON-able record (also written by the caller)."""
    started_at = datetime.now(timezone.utc)
    raw = cached_raw_data(options.cache, customers, options.seed, progress=options.progress)
    work = _fresh(options.work / f"{customers}-{options.seed}")
    record: dict[str, Any] = {
        "scale": customers, "seed": options.seed, "started_at": started_at.isoformat(timespec="seconds"),
        "machine": machine(), "code": code_version(results=options.out), "raw": raw_record(raw),
    }
    try:
        # 1. the project: full build (all models and data tests) reading the raw files
        project = DbtProject(work / "dbt", vars=raw_vars(raw.path))
        project.workdir.mkdir()
        _log(f"{customers:,}: full dbt build")
        record["project"] = full_build(project)

        write_record(record, options.out)  # a cut-short run keeps what it measured

        # 2. the lower bound: one scan of every raw column
        _log(f"{customers:,}: lower bound")
        lower = run_python("customer_segments.benchmark.lower_bound", str(raw.path))
        record["lower_bound"] = _helper(lower)

        write_record(record, options.out)  # a cut-short run keeps what it measured

        # 3. the peer: pandas, same definitions, labels checked against the marts
        _log(f"{customers:,}: pandas peer")
        labels = work / "peer_labels.parquet"
        peer = run_python("customer_segments.benchmark.peer", str(raw.path), str(labels))
        record["peer"] = {**_helper(peer), "out_of_memory": peer.returncode == -9}
        if peer.ok:
            record["peer"]["comparison"] = compare_labels(project.duckdb_path, labels)

        write_record(record, options.out)  # a cut-short run keeps what it measured

        # 3b. the like-for-like build: only the peer's three marts, in a database of its own
        _log(f"{customers:,}: build of the peer's marts only")
        scope = DbtProject(work / "peer_scope", vars=project.vars)
        scope.workdir.mkdir()
        record["peer_scope"] = {"dbt_args": [*DBT_ARGS, *PEER_SCOPE_ARGS], **dbt_build(scope, *PEER_SCOPE_ARGS)}
        if peer.ok and record["peer_scope"]["returncode"] == 0:
            record["peer_scope"]["comparison"] = compare_labels(scope.duckdb_path, labels)
        if not options.keep_work:  # not a second 1 M database beside the first (--keep-work keeps both)
            shutil.rmtree(scope.workdir, ignore_errors=True)

        write_record(record, options.out)  # a cut-short run keeps what it measured

        # 4. the daily run: one more day appended, incremental build on the same database
        _log(f"{customers:,}: daily incremental build")
        record["daily"] = daily_run(project, raw.path, work, options.daily_runs)
    finally:
        record["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        record["finished_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        if not options.keep_work:
            shutil.rmtree(work, ignore_errors=True)
    return record


def run_history(customers: int, options: BenchOptions) -> dict[str, Any]:
    """The history-length row: ``customers`` with a raw history of each of HISTORY_YEARS years
    (cache.bench_config: same customers, seed, last day and activity per day), each measured as a
    scale's full build and daily run are, one length after the other. Returns the JSON-able record
    (``kind`` "history"; also written by the caller)."""
    started_at = datetime.now(timezone.utc)
    record: dict[str, Any] = {
        "kind": "history", "customers": customers, "seed": options.seed,
        "started_at": started_at.isoformat(timespec="seconds"), "machine": machine(),
        "code": code_version(results=options.out), "lengths": [],
    }
    root = options.work / f"history-{customers}-{options.seed}"
    try:
        for years in HISTORY_YEARS:
            raw = cached_raw_data(options.cache, customers, options.seed, progress=options.progress, years=years)
            work = _fresh(root / f"{years}y")
            length: dict[str, Any] = {"years": years, "raw": raw_record(raw)}
            record["lengths"].append(length)
            project = DbtProject(work / "dbt", vars=raw_vars(raw.path))
            project.workdir.mkdir()
            _log(f"history, {customers:,} customers, {years} years: full dbt build")
            length["project"] = full_build(project)
            write_record(record, options.out)  # a cut-short run keeps what it measured
            _log(f"history, {customers:,} customers, {years} years: daily incremental build")
            length["daily"] = daily_run(project, raw.path, work, options.daily_runs)
            write_record(record, options.out)
            if not options.keep_work:  # not two databases side by side
                shutil.rmtree(work, ignore_errors=True)
    finally:
        record["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        record["finished_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
        if not options.keep_work:
            shutil.rmtree(root, ignore_errors=True)
    return record


def record_name(record: dict[str, Any]) -> str:
    """'1,000,000' for a scale, 'history, 100,000 customers' for the history-length row."""
    return f"history, {record['customers']:,} customers" if is_history(record) else f"{record['scale']:,}"


def write_record(record: dict[str, Any], out: Path) -> Path:
    """``<date>-<customers>.json`` for a scale, ``<date>-history-<customers>.json`` for the
    history-length row."""
    out.mkdir(parents=True, exist_ok=True)
    name = f"history-{record['customers']}" if is_history(record) else str(record["scale"])
    path = out / f"{record['started_at'][:10]}-{name}.json"
    path.write_text(json.dumps(record, indent=2, default=str) + "\n")
    if "finished_at" not in record:
        _log(f"{record_name(record)}: partial record saved in {path}")
    return path


def _log(message: str) -> None:
    print(f"[bench {datetime.now(timezone.utc):%H:%M:%S}] {message}", flush=True)


def _build_problems(name: str, builds: list[tuple[str, dict[str, Any]]]) -> list[str]:
    found = []
    for step, build in builds:
        if build.get("returncode") not in (0, None) or build.get("failed"):
            names = ", ".join(f["unique_id"] for f in build.get("failed", [])[:5])
            found.append(f"{name}: {step}: dbt build did not pass ({names or build.get('returncode')})")
    return found


def _daily_builds(daily: dict[str, Any], label: str) -> list[tuple[str, dict[str, Any]]]:
    """Each run of a daily record, named as the report names it ('daily (run 2 of 3)')."""
    runs = daily.get("runs") or [daily]
    return [(label if len(runs) == 1 else f"{label} (run {i} of {len(runs)})", run) for i, run in enumerate(runs, 1)]


def history_problems(record: dict[str, Any]) -> list[str]:
    """What makes the history-length row meaningless: a length or step not measured, a failed build."""
    name = record_name(record)
    measured = {length["years"]: length for length in record.get("lengths", [])}
    found = []
    for years in HISTORY_YEARS:
        missing = [step for step in ("project", "daily") if step not in measured.get(years, {})]
        if missing:
            found.append(f"{name}, {years} years: not measured (run cut short?): {', '.join(missing)}")
    for years, length in measured.items():
        found += _build_problems(f"{name}, {years} years", [
            ("full build", length.get("project") or {}), *_daily_builds(length.get("daily") or {}, "daily")])
    return found


def problems(record: dict[str, Any]) -> list[str]:
    """What makes a scale's comparison meaningless: a failed build, or the peer disagreeing (for the
    history-length row: history_problems)."""
    if is_history(record):
        return history_problems(record)
    found = []
    missing = [step for step, _ in STEP_LABELS if step not in record]
    if missing:
        found.append(f"{record['scale']:,}: not measured (run cut short?): {', '.join(missing)}")
    label = dict(STEP_LABELS)
    scope = record.get("peer_scope") or {}
    builds = [(label["project"], record.get("project") or {}), (label["peer_scope"], scope),
              *_daily_builds(record.get("daily") or {}, label["daily"])]
    found += _build_problems(f"{record['scale']:,}", builds)
    peer = record.get("peer") or {}
    if peer.get("returncode") not in (0, None) and not peer.get("out_of_memory"):
        found.append(f"{record['scale']:,}: the pandas peer failed ({peer.get('returncode')}): "
                     f"{peer.get('stderr_tail', '')[-500:]}")
    for build, comparison in ((label["project"], peer.get("comparison")),
                              (label["peer_scope"], scope.get("comparison"))):
        if comparison and comparison["agreement"] < 1.0:
            found.append(f"{record['scale']:,}: the peer's labels agree with the marts of the {build} for only "
                         f"{100 * comparison['agreement']:.4f} % of customers; first differences: "
                         f"{json.dumps(comparison['first_differences'][:5])}")
    return found


def newest_records(out: Path) -> list[dict[str, Any]]:
    """The newest JSON record of every scale in ``out``, then the newest of the history-length row
    if there is one (``bench --report-only``)."""
    newest: dict[int, dict[str, Any]] = {}
    history: dict[str, Any] | None = None
    for path in sorted(out.glob("*-*.json")):
        record = json.loads(path.read_text())
        if is_history(record):
            if history is None or record["started_at"] >= history["started_at"]:
                history = record
        elif "scale" in record and record["started_at"] >= newest.get(record["scale"], {}).get("started_at", ""):
            newest[record["scale"]] = record
    return [newest[scale] for scale in sorted(newest)] + ([history] if history else [])


def write_report(records: list[dict[str, Any]], out: Path) -> None:
    from .report import markdown, plot

    (out / "latest.md").write_text(markdown(records))
    plot(records, out / "latest.png")


def run_bench(scales: list[int], options: BenchOptions,
              history_customers: int | None = None) -> tuple[list[dict[str, Any]], list[str]]:
    """Every scale, then the history-length row at ``history_customers`` (None: not measured), then
    latest.md and latest.png; returns the records (the scales', then the row's) and the problems
    found."""
    records = []
    for customers in scales:  # in the order given: `--customers 1000000 10000` measures 1 M first
        record = run_scale(customers, options)
        path = write_record(record, options.out)
        _log(f"{customers:,}: wrote {path}")
        records.append(record)
    if history_customers is not None:
        record = run_history(history_customers, options)
        path = write_record(record, options.out)
        _log(f"{record_name(record)}: wrote {path}")
        records.append(record)
    write_report(records, options.out)
    return records, [problem for record in records for problem in problems(record)]
