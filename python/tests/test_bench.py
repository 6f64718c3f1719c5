"""Smoke test of ``bench``: the whole benchmark at a tiny scale, so it cannot rot.

Timings are not asserted (the issue's targets are reported by the benchmark, not tested); the
outputs must exist and the pandas peer must produce the marts' labels for every customer.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import psutil
import pytest

from customer_segments.benchmark import measure, run
from customer_segments.benchmark.cache import bench_config, cache_folder, cached_raw_data, read_raw
from customer_segments.benchmark.lower_bound import lower_bound_sql
from customer_segments.benchmark.report import (
    PLOT_SERIES,
    concurrency,
    daily_timeline,
    markdown,
    plot_points,
    targets,
)
from customer_segments.benchmark.run import (
    BenchOptions,
    code_version,
    newest_records,
    problems,
    repeated_daily_builds,
    run_bench,
)
from customer_segments.cli import main
from customer_segments.dbt_runner import PROJECT_DIR, DbtProject, nodes_from_run_results
from customer_segments.generator.config import GeneratorConfig
from customer_segments.generator.contract import TABLES

SCALE = 300


def bench_record(scale: int, machine: dict[str, str] | None = None, **steps: Any) -> dict[str, Any]:
    """A record as run_scale writes it (scale, seed, raw data, machine) with the given steps, for
    the tests of the report."""
    return {"scale": scale, "started_at": "2026-12-04T12:00:00", "seed": 42,
            "raw": {"rows": {"orders": scale * 10}, "orders_per_customer": 10, "events_per_customer": 50},
            "machine": {"cpu_model": "x", "cores": 2, "memory_gib": 24, "duckdb": "2", "duckdb_threads": "2",
                        "duckdb_memory_limit": "7GB", **(machine or {})},
            **steps}


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> tuple[BenchOptions, list[dict]]:
    root = tmp_path_factory.mktemp("bench")
    options = BenchOptions(cache=root / "cache", out=root / "results", work=root / "work", seed=7, daily_runs=2)
    records, found = run_bench([SCALE], options)
    assert not found, "\n".join(found)
    return options, records


def test_outputs_exist(bench: tuple[BenchOptions, list[dict]]) -> None:
    options, records = bench
    (record,) = records
    saved = json.loads((options.out / f"{record['started_at'][:10]}-{SCALE}.json").read_text())
    assert saved["scale"] == SCALE
    table = (options.out / "latest.md").read_text()
    assert f"| {SCALE} |" in table and "Ten slowest models" in table
    assert f"The daily run at {SCALE} customers (the median of 2 runs): its nodes ran for " in table
    assert f"everything else on the machine while each step ran (other processes, and the kernel threads " \
        f"that write the steps' files to disk): {SCALE}: full build " in table
    assert (options.out / "latest.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (options.cache / f"{SCALE}-7" / "generated.json").exists()
    assert not (options.work / f"{SCALE}-7").exists(), "the throw-away databases are deleted"
    # the record names the code it measured (None only outside a git checkout, as from an archive)
    head = subprocess.run(["git", "-C", str(PROJECT_DIR), "rev-parse", "HEAD"], capture_output=True, text=True)
    if head.returncode == 0:
        assert record["code"]["commit"] == head.stdout.strip()
    else:
        assert record["code"] is None
    assert record["machine"]["dbt_core"].startswith("1.11.")


def test_every_step_was_measured(bench: tuple[BenchOptions, list[dict]]) -> None:
    (record,) = bench[1]
    for step in ("project", "lower_bound", "peer", "peer_scope", "daily"):
        assert record[step]["returncode"] == 0, step
        assert record[step]["wall_seconds"] > 0 and record[step]["peak_rss_mib"] > 0, step
        assert record[step]["cpu_seconds"] > 0 and record[step]["other_cpu_seconds"] >= 0, step
    assert len(record["project"]["slowest_models"]) == 10
    # the full build as make build runs it: data tests, no unit tests, no self-checks
    assert record["project"]["dbt_args"] == [*run.DBT_ARGS, *run.FULL_BUILD_ARGS]
    assert {"--exclude-resource-type unit_test", "--exclude tag:self_check"} <= {
        " ".join(pair) for pair in zip(record["project"]["dbt_args"], record["project"]["dbt_args"][1:])}
    assert {"model", "test"} <= set(record["project"]["by_resource_type"])
    assert "unit_test" not in record["project"]["by_resource_type"]
    assert record["lower_bound"]["rows"] == record["raw"]["rows"], "the lower bound reads every raw row"
    # the like-for-like build: the peer's three marts, everything upstream of them, and their tests
    scope = {n["name"] for n in record["peer_scope"]["nodes"] if n["resource_type"] == "model"}
    full = {n["name"] for n in record["project"]["nodes"] if n["resource_type"] == "model"}
    assert set(run.PEER_SCOPE_MARTS) | {"stg_shop__orders", "int_as_of_date_resolved"} <= scope < full
    assert not scope & {"customer_tags", "customer_segment_history", "rejected_rows"}
    assert {"model", "test"} <= set(record["peer_scope"]["by_resource_type"])
    assert "unit_test" not in record["peer_scope"]["by_resource_type"], "like for like: the data tests only"
    assert not record["peer_scope"]["failed"] and not record["peer_scope"]["skipped"]
    assert record["daily"]["new_rows"]["orders"] > 0 and record["daily"]["refunded_order_id"]
    runs = record["daily"]["runs"]
    assert len(runs) == 2 and all(run["returncode"] == 0 and not run["failed"] for run in runs)
    assert record["daily"]["wall_seconds"] == min(run["wall_seconds"] for run in runs), "median of two: the lower"
    counts = [{kind: entry["count"] for kind, entry in run["by_resource_type"].items()} for run in runs]
    assert counts[0] == counts[1], "both daily runs build and test the same nodes"


def test_each_daily_run_starts_from_the_database_the_full_build_left(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = DbtProject(tmp_path / "dbt")
    (project.workdir / "target").mkdir(parents=True)
    with duckdb.connect(str(project.duckdb_path)) as con:
        con.execute("create table facts as select 1 as day")
    walls = iter([30.0, 10.0, 20.0])
    seen = []

    def fake_build(built: DbtProject, *args: str) -> dict:
        assert built is project and args == run.DAILY_ARGS
        assert not (built.workdir / "target" / "partial_parse.msgpack").exists(), "every run parses cold"
        with duckdb.connect(str(built.duckdb_path)) as con:
            seen.append(con.execute("select list(day order by day) from facts").fetchone()[0])
            con.execute("insert into facts select max(day) + 1 from facts")  # what a daily run adds
        (built.workdir / "target" / "partial_parse.msgpack").write_bytes(b"state")
        return {"wall_seconds": next(walls), "returncode": 0, "failed": [], "nodes": []}

    monkeypatch.setattr(run, "dbt_build", fake_build)
    daily = repeated_daily_builds(project, 3, tmp_path / "snapshot")
    assert seen == [[1], [1], [1]]
    assert daily["wall_seconds"] == 20.0 and daily["median_of_runs"] == {"run": 3, "of": 3}
    assert [r["wall_seconds"] for r in daily["runs"]] == [30.0, 10.0, 20.0]
    with pytest.raises(ValueError):
        repeated_daily_builds(project, 0, tmp_path / "snapshot")


def test_a_failed_repeat_of_the_daily_run_is_a_problem_and_the_table_shows_the_spread() -> None:
    runs = [{"wall_seconds": w, "returncode": rc, "failed": []} for w, rc in ((130.5, 0), (141.9, 1), (135.0, 0))]
    record = {"scale": 1_000_000, "project": {"returncode": 0, "failed": []}, "lower_bound": {}, "peer": {},
              "peer_scope": {}, "daily": {**runs[2], "runs": runs}}
    (problem,) = problems(record)
    assert problem == "1,000,000: daily (run 2 of 3): dbt build did not pass (1)"
    record = {**record, "started_at": "2026-12-04T12:00:00", "raw": {"rows": {"orders": 1}}, "seed": 42,
              "project": {"returncode": 0, "failed": [], "wall_seconds": 335.0},
              "machine": {"cpu_model": "x", "cores": 2, "memory_gib": 24, "duckdb": "2", "duckdb_threads": "2",
                          "duckdb_memory_limit": "7GB"}}
    record["raw"].update(orders_per_customer=10, events_per_customer=50)
    table = markdown([record])
    assert "| 2.2 min (median of 3: 130.5–141.9 s) |" in table
    assert "| daily incremental run ≤ 45 s (1,000,000 customers) | 2.2 min (median of 3: 130.5–141.9 s) " \
        "| **no** |" in table


def test_peer_agrees_with_the_marts(bench: tuple[BenchOptions, list[dict]]) -> None:
    (record,) = bench[1]
    comparison = record["peer"]["comparison"]
    assert comparison["customers"] > 0
    assert comparison["agreement"] == 1.0, comparison["first_differences"]
    assert comparison["in_marts"] == comparison["in_peer"] == comparison["customers"]
    assert record["peer_scope"]["comparison"] == comparison, "the marts built alone give the same labels"


def test_problems_are_reported_loudly() -> None:
    record = {"scale": 1, "project": {"returncode": 0, "failed": []}, "lower_bound": {}, "daily": {},
              "peer": {"returncode": 0, "comparison": {"agreement": 0.99, "first_differences": [{"k": "C1"}]}},
              "peer_scope": {"returncode": 0, "failed": []}}
    (problem,) = problems(record)
    assert "agree with the marts of the full build for only 99.0000 %" in problem
    record["peer"]["comparison"]["agreement"] = 1.0
    record["peer_scope"] = {"returncode": 1, "failed": [{"unique_id": "model.p.customer_rfm", "status": "error"}],
                            "comparison": {"agreement": 0.5, "first_differences": []}}
    assert problems(record) == [
        "1: build of the peer's marts only: dbt build did not pass (model.p.customer_rfm)",
        "1: the peer's labels agree with the marts of the build of the peer's marts only for only 50.0000 % of "
        "customers; first differences: []"]


def test_a_failed_full_build_is_named_as_the_report_names_the_step() -> None:
    record = {"scale": 1, "project": {"returncode": 2, "failed": []}, "lower_bound": {}, "daily": {},
              "peer": {"returncode": 0}, "peer_scope": {"returncode": 0, "failed": []}}
    assert problems(record) == ["1: full build: dbt build did not pass (2)"]


def test_the_plot_draws_each_step_where_it_was_measured_and_the_peer_where_it_completed() -> None:
    def record(scale: int, peer: dict[str, Any]) -> dict[str, Any]:
        return {"scale": scale, "project": {"wall_seconds": scale / 10}, "lower_bound": {"wall_seconds": 0.5},
                "peer": peer, "daily": {"wall_seconds": scale / 100}}

    lines = plot_points([record(1000, {"returncode": -9, "out_of_memory": True, "wall_seconds": 60.0}),
                         record(10, {"returncode": 0, "wall_seconds": 2.0}),
                         record(100, {"returncode": 1, "wall_seconds": 3.0})])
    assert list(lines) == [label for label, _, _ in PLOT_SERIES]
    assert lines["project: full dbt build"] == [(10, 1.0), (100, 10.0), (1000, 100.0)]
    assert lines["pandas peer"] == [(10, 2.0)]  # failed at 100, killed at 1000: no point
    assert lines["project: only the peer's three marts"] == []  # older records have no such step
    assert lines["lower bound (one DuckDB scan)"] == [(10, 0.5), (100, 0.5), (1000, 0.5)]


def test_a_cut_short_run_names_the_steps_it_did_not_measure() -> None:
    (problem,) = problems({"scale": 1, "project": {"returncode": 0, "failed": []}, "peer": {"returncode": 0}})
    assert problem == "1: not measured (run cut short?): lower_bound, peer_scope, daily"


def test_lower_bound_touches_every_raw_column(tmp_path: Path) -> None:
    sql = lower_bound_sql(tmp_path)
    for table, schema in TABLES.items():
        assert f"{table}.parquet" in sql
        for field in schema:
            assert f'"{field.name}"' in sql or field.name == "customer_id", (table, field.name)


def test_cli_registers_bench() -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["bench", "--help"])
    assert exit_info.value.code == 0


def test_measurement_starts_after_pending_writes_are_flushed(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    clock = measure.time.perf_counter
    monkeypatch.setattr(measure.os, "sync", lambda: calls.append("sync"))
    monkeypatch.setattr(measure.time, "perf_counter", lambda: calls.append("clock") or clock())
    with measure.measured():
        calls.append("block")
    assert calls == ["sync", "clock", "block", "clock"]


_BURN = "import time\nend = time.process_time() + 0.6\nwhile time.process_time() < end:\n    pass\n"


def test_measurement_tells_its_own_cpu_time_from_other_work() -> None:
    """A child the block waits for is the measured work; a process the block does not wait for
    (here a child reaped only after the block, as any other process on the machine) is not."""
    burn = [sys.executable, "-c", _BURN]
    with measure.measured() as measurement:
        other = subprocess.Popen(burn)  # started inside the block, so all its work falls in it
        subprocess.run(burn, check=True)
        # let the other process finish inside the block, without reaping it
        while psutil.Process(other.pid).status() != psutil.STATUS_ZOMBIE:
            time.sleep(0.01)
    other.wait()
    # each burns 0.6 s of CPU after Python's start-up (a few hundredths of a second)
    assert 0.6 <= measurement.cpu_seconds < 1.0
    assert measurement.other_cpu_seconds >= 0.5


def test_nodes_say_when_they_ran_and_the_report_lists_the_daily_runs_slowest_in_that_order() -> None:
    def result(uid: str, seconds: float, *timing: tuple[str, str, str]) -> dict:
        return {"unique_id": uid, "status": "success", "execution_time": seconds,
                "timing": [{"name": n, "started_at": f"2026-12-04T10:00:{a}Z", "completed_at": f"2026-12-04T10:00:{b}Z"}
                           for n, a, b in timing]}
    nodes = nodes_from_run_results({"results": [
        result("model.p.history", 20.0, ("compile", "05.000", "05.500"), ("execute", "05.500", "25.000")),
        result("model.p.base", 4.0, ("compile", "01.250", "01.300"), ("execute", "01.300", "05.250")),
        {"unique_id": "test.p.not_null_x", "status": "skipped", "execution_time": 0, "timing": []},
    ]})
    assert [(n["name"], n["started_seconds"], n["ended_seconds"]) for n in nodes] == [
        ("history", 3.75, 23.75), ("base", 0.0, 4.0), ("not_null_x", None, None)]
    record = {"scale": 1_000_000, "daily": {"wall_seconds": 40.0, "nodes": nodes, "runs": [{"wall_seconds": 40.0}] * 3}}
    assert daily_timeline(record) == [
        "", "The daily run at 1,000,000 customers (the median of 3 runs): its nodes ran for 23.8 s of its 40.0 s "
        "(the rest is dbt's start-up and parse); its 2 slowest models in the order they started (seconds from "
        "the first node's start):", "", "| model | started | ended | seconds |", "|---|---:|---:|---:|",
        "| base | 0.0 | 4.0 | 4.0 |", "| history | 3.8 | 23.8 | 20.0 |", "",
        "2 nodes ran at once for 0.2 s (1 %) of those 23.8 s, and the nodes' own times add up to 24.0 s: on 2 "
        "threads they cannot run in less than 12.0 s, whatever their order (11.8 s less than here)."]
    # one thread: no bound to state
    one_thread = {**record, "daily": {**record["daily"], "nodes": nodes[1:]}}
    assert daily_timeline(one_thread)[-1] == "| base | 0.0 | 4.0 | 4.0 |"
    assert daily_timeline({"scale": 1, "daily": {"nodes": [{**nodes[0], "started_seconds": None,
                                                            "ended_seconds": None}]}}) == []


def test_concurrency_counts_the_time_the_most_nodes_ran_at_once() -> None:
    def node(start: float, end: float) -> dict[str, Any]:
        return {"started_seconds": start, "ended_seconds": end, "execution_time": end - start}
    # a and b overlap from 1 to 3; c starts as a ends (no overlap); the skipped node has no span
    nodes = [node(0, 4), node(1, 3), node(4, 6), {"started_seconds": None, "ended_seconds": None, "execution_time": 0}]
    assert concurrency(nodes) == (2, 2.0, 8)
    # three at once for 0.5 s: the count and its time follow the new most
    assert concurrency([*nodes, node(2.0, 2.5)]) == (3, 0.5, 8.5)
    assert concurrency([]) == (0, 0.0, 0)


def test_the_floor_puts_the_smallest_scales_build_and_daily_run_against_the_largest_scales_steps() -> None:
    def record(scale: int, full: float, scope: float, peer: float, daily: float, status: int = 0) -> dict:
        return bench_record(scale, project={"returncode": status, "failed": [], "wall_seconds": full},
                            peer_scope={"returncode": 0, "failed": [], "wall_seconds": scope,
                                        "dbt_args": ["build", "--select", "+customer_rfm"]},
                            lower_bound={"wall_seconds": 0.5}, peer={"returncode": 0, "wall_seconds": peer},
                            daily={"returncode": 0, "failed": [], "wall_seconds": daily})
    def floors(records: list[dict]) -> list[str]:
        return [target.floor for target in targets(records)]
    small, top = record(10_000, 46.5, 21.3, 1.4, 25.6), record(1_000_000, 345.5, 196.0, 91.5, 131.4)
    # peer 91.5 / like for like 21.3 = 4.3x (at least 1x); 46.5 s (at most 180 s); 25.6 s (at most 45 s)
    assert floors([top, small]) == ["4.3× (within reach)", "46.5 s (within reach)", "–", "25.6 s (within reach)",
                                    "–", "–"]
    table = markdown([top, small])
    assert "| met | floor: the project's step as fast as at 10,000 customers |" in table
    assert "| like-for-like build at least as fast as the pandas peer: peer ÷ build ≥ 1.0 (1,000,000 customers) " \
        "| 0.47× | **no** | 4.3× (within reach) |" in table
    assert "| full build ≤ 180 s (1,000,000 customers) | 5.8 min | **no** | 46.5 s (within reach) |" in table
    assert "| daily incremental run ≤ 45 s (1,000,000 customers) | 2.2 min | **no** | 25.6 s (within reach) |" \
        in table
    assert "| full build ≤ 25 s (10,000 customers) | 46.5 s | **no** | – |" in table
    assert "The floor puts the project's step (the like-for-like build, the full build, the daily run) at 10,000 " \
        "customers (100,000 raw rows)" in table
    # steps slower at the smallest scale than the target allows at the largest: out of reach
    assert floors([record(10_000, 181.0, 95.0, 1.4, 45.1), top])[:4] == [
        "0.96× (out of reach)", "3.0 min (out of reach)", "–", "45.1 s (out of reach)"]
    # a smallest build that failed is no floor; one scale has none (and no floor column)
    assert floors([record(10_000, 20.0, 10.0, 1.4, 25.6, status=1), top])[1] == "–"
    assert floors([top]) == ["–"] * 6
    assert "The floor puts" not in markdown([top]) and "| target | measured | met |\n" in markdown([top])
    # targets met: yes
    fast = record(1_000_000, 170.0, 80.0, 91.5, 40.0)
    assert [t.met for t in targets([fast, record(10_000, 24.0, 10.0, 1.4, 20.0)])] == [
        True, True, None, True, None, True]
    # a peer out of memory compares with nothing; a failed build meets no time target
    top["peer"] = {"returncode": 1, "out_of_memory": True}
    top["project"].update(returncode=1, failed=[{"unique_id": "model.p.m", "status": "error"}])
    assert [tuple(t)[1:] for t in targets([top, small])][:2] == [
        ("peer out of memory", None, "–"), ("5.8 min (incomplete: 1 failed)", False, "46.5 s (within reach)")]


def test_code_version_names_the_commit_and_whether_the_project_differed_from_it(tmp_path: Path) -> None:
    assert code_version(tmp_path) is None, "not a git checkout"
    repo = tmp_path / "repo"
    (repo / "models").mkdir(parents=True)
    (repo / "models" / "m.sql").write_text("select 1\n")

    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", *args],
                              capture_output=True, text=True, check=True).stdout.strip()
    git("init", "-q")
    git("add", ".")
    git("commit", "-q", "-m", "first")
    head = git("rev-parse", "HEAD")
    assert code_version(repo, repo / "bench" / "results") == {"commit": head, "uncommitted_changes": False}
    (repo / "bench" / "results").mkdir(parents=True)
    (repo / "bench" / "results" / "latest.md").write_text("written by the run itself\n")
    assert code_version(repo, repo / "bench" / "results")["uncommitted_changes"] is False
    assert code_version(repo)["uncommitted_changes"] is True, "without the results folder it counts"
    (repo / "bench" / "results" / "latest.md").unlink()
    (repo / "models" / "m.sql").write_text("select 2\n")
    assert code_version(repo, repo / "bench" / "results") == {"commit": head, "uncommitted_changes": True}


def test_the_table_names_the_dbt_versions_and_the_commit_it_measured() -> None:
    def record(scale: int, commit: str | None, dirty: bool = False) -> dict:
        return bench_record(scale, machine={"duckdb": "2.0.0", "dbt_core": "1.11.16", "dbt_duckdb": "1.11.1"},
                            code={"commit": commit, "uncommitted_changes": dirty} if commit else None,
                            project={"returncode": 0, "failed": [], "wall_seconds": 10.0})
    a, b = "89b6cc5" + "0" * 33, "e930b4f" + "1" * 33
    first_line = markdown([record(10, a), record(100, a)]).splitlines()[0]
    assert first_line.endswith("seed 42; dbt-core 1.11.16 with dbt-duckdb 1.11.1; "
                               "project at commit `89b6cc500000`.")
    first_line = markdown([record(10, a), record(1_000, b, dirty=True)]).splitlines()[0]
    assert first_line.endswith("project at commit `89b6cc500000` (10 customers), "
                               "`e930b4f11111` with uncommitted changes (1,000 customers).")
    # a record from before the fields were kept (the older JSON in bench/results) says nothing
    old = record(10, None)
    del old["code"], old["machine"]["dbt_core"], old["machine"]["dbt_duckdb"]
    assert markdown([old]).splitlines()[0].endswith("events per customer, seed 42.")


def test_the_like_for_like_table_sets_the_peer_against_a_build_of_its_three_marts() -> None:
    def record(scale: int, peer: float, scope: float | None) -> dict:
        counts = {"model": {"count": 19}, "seed": {"count": 7}, "test": {"count": 148}, "unit_test": {"count": 14}}
        return bench_record(scale, project={"returncode": 0, "failed": [], "wall_seconds": 400.0},
                            peer={"returncode": 0, "wall_seconds": peer},
                            peer_scope=None if scope is None else {
                                "returncode": 0, "failed": [], "wall_seconds": scope, "peak_rss_mib": 2048.0,
                                "by_resource_type": counts, "comparison": {"agreement": 1.0, "customers": scale},
                                "dbt_args": ["build", "--select", "+customer_rfm", "+customer_lifecycle"]})
    small, top = record(10_000, 1.6, 24.0), record(1_000_000, 114.0, 228.0)
    table = markdown([top, small])
    assert "in a database of its own (`dbt build --select +customer_rfm +customer_lifecycle`):" in table
    assert "| 1,000,000 | 19 models, 7 seeds, 148 data tests, 14 unit tests | 3.8 min | 2.00 GiB | 0.50× " \
        "| 100.00 % of 1,000,000 |" in table
    # its target and floor: 114 / 228 = 0.50x, short of 1x; were the build as fast at 1 M as at 10 k
    # (24 s), the peer would take 4.8x its time
    like_for_like = ("| like-for-like build at least as fast as the pandas peer: peer ÷ build ≥ 1.0 "
                     "(1,000,000 customers) ")
    assert like_for_like + "| 0.50× | **no** | 4.8× (within reach) |" in table
    assert like_for_like + "| 0.50× | **no** | 0.95× (out of reach) |" in markdown(
        [record(1_000_000, 114.0, 228.0), record(10_000, 1.6, 120.0)])
    assert like_for_like + "| 1.00× | yes |" in markdown([record(1_000_000, 114.0, 114.0)])
    # a failed build gives no ratio and meets no target; one scale gives no floor; records from before
    # the step say nothing
    top["peer_scope"].update(returncode=1, failed=[{"unique_id": "model.p.m", "status": "error"}])
    assert "| 3.8 min (1 failed) | 2.00 GiB | – |" in markdown([top])
    assert like_for_like + "| 0.50× (incomplete: 1 failed) | **no** |" in markdown([top])
    assert "Like for like" not in markdown([record(10_000, 1.6, None), record(100_000, 9.0, None)])


def history_length(years: int, full: float, daily: float, *, status: int = 0,
                   nodes: dict[str, float] | None = None) -> dict[str, Any]:
    """One length of the history-length row, as run_history writes it."""
    start = {2: "2024-07-01", 4: "2022-07-01"}[years]
    return {"years": years,
            "raw": {"rows": {"orders": 500_000 * years, "events": 2_500_000 * years}, "start": start,
                    "end": "2026-06-30", "orders_per_customer": 5.0 * years, "events_per_customer": 25.0 * years},
            "project": {"returncode": 0, "failed": [], "wall_seconds": full, "peak_rss_mib": 1600.0 * years / 2,
                        "other_cpu_seconds": 1.5},
            "daily": {"returncode": status, "failed": [], "wall_seconds": daily, "other_cpu_seconds": 0.5,
                      "new_rows": {"orders": 3101, "order_items": 4700, "events": 14_900, "customers": 137 // years},
                      "runs": [{"wall_seconds": daily - 1, "returncode": 0, "failed": []},
                               {"wall_seconds": daily, "returncode": status, "failed": []},
                               {"wall_seconds": daily + 2, "returncode": 0, "failed": []}],
                      "nodes": [{"name": name, "resource_type": "model", "execution_time": seconds}
                                for name, seconds in (nodes or {}).items()]}}


def history_fixture(daily_2y: float = 46.0, daily_4y: float = 50.6, **length: Any) -> dict[str, Any]:
    """A history-length record as run_history writes it (JSON-able), 100 k customers."""
    return {"kind": "history", "customers": 100_000, "seed": 42, "started_at": "2026-12-05T01:00:00",
            "machine": {"cpu_model": "x", "cores": 2, "memory_gib": 24, "duckdb": "2", "duckdb_threads": "2",
                        "duckdb_memory_limit": "7GB", "load_average_1_5_15": [1.5, 1, 1]},
            "load_average_at_end": [2.25, 1, 1],
            "lengths": [history_length(2, 70.0, daily_2y, nodes={"customer_tags": 5.0, "history": 4.0}),
                        history_length(4, 133.0, daily_4y, nodes={"customer_tags": 5.5, "history": 7.5,
                                                                  "cohorts": 1.0}, **length)]}


def test_the_history_row_reports_each_length_and_the_ratio_of_the_daily_runs() -> None:
    history = json.loads(json.dumps(history_fixture()))  # as read back from its JSON file
    table = markdown([history])
    assert table.splitlines()[0] == (
        "Run the history-length row 2026-12-05 01:00 UTC on x, 2 cores, 24 GiB (DuckDB 2, threads 2, "
        "memory_limit 7GB); 10 orders and 50 events per customer over two years, seed 42.")
    assert "History length, at 100,000 customers: the same customers, seed and last day, and as many orders " \
        "and events per customer per day of history; only the first day differs" in table
    assert "| 2 years | 2024-07-01 to 2026-06-30 | 6,000,000 | 10 and 50 | 70.0 s | 1.56 GiB | 3,101 orders, " \
        "14,900 events, 68 signups | 46.0 s (median of 3: 45.0–48.0 s) | 66 % |" in table
    assert "| 4 years | 2022-07-01 to 2026-06-30 | 12,000,000 | 20 and 100 | 2.2 min | 3.12 GiB | 3,101 orders, " \
        "14,900 events, 34 signups | 50.6 s (median of 3: 49.6–52.6 s) | 38 % |" in table
    # 50.6 / 46.0 = 1.10; 133 / 70 = 1.90
    assert "4 years ÷ 2 years: the daily run 1.10× (target at most 1.2×), the full build 1.90×." in table
    assert "| model | 2 years | 4 years |\n|---|---:|---:|\n| history | 4.0 | 7.5 |\n| customer_tags | 5.0 | 5.5 |\n" \
        "| cohorts | – | 1.0 |" in table
    target = "| daily run with 4 years of history ≤ 1.2× with 2 years (100,000 customers) "
    assert target + "| 1.10× (50.6 s ÷ 46.0 s) | yes |" in table
    # the row alone: the targets of the scales are not measured
    assert "\nTargets (issue 37):\n" in table
    assert "| full build ≤ 25 s (10,000 customers) | not measured | – |" in table
    assert "the history-length row: 1.5 at the start, 2.25 at the end" in table
    assert "history 2 years: full build 1.5 s, daily 0.5 s; history 4 years: full build 1.5 s, daily 0.5 s" in table
    # 55.3 / 46.0 = 1.202: over 1.2x
    assert target + "| 1.20× (55.3 s ÷ 46.0 s) | **no** |" in markdown([history_fixture(daily_4y=55.3)])
    assert target + "| 1.20× (55.2 s ÷ 46.0 s) | yes |" in markdown([history_fixture(daily_4y=55.2)])
    # a failed daily run meets no target, however fast, and is a problem
    failed = history_fixture(daily_4y=40.0, status=1)
    assert target + "| 0.87× (40.0 s ÷ 46.0 s) (incomplete: 4 years: exit code 1) | **no** |" in markdown([failed])
    assert problems(failed) == ["history, 100,000 customers, 4 years: daily (run 2 of 3): dbt build did not pass (1)"]
    assert problems(history_fixture()) == []
    # cut short after the first length: no ratio, and the missing steps are a problem
    cut = history_fixture()
    cut["lengths"] = [cut["lengths"][0]]
    assert target + "| – | – |" in markdown([cut])
    assert problems(cut) == ["history, 100,000 customers, 4 years: not measured (run cut short?): project, daily"]


def test_the_history_row_joins_the_scales_in_one_report() -> None:
    scale = bench_record(1_000_000, project={"returncode": 0, "failed": [], "wall_seconds": 170.0},
                         daily={"returncode": 0, "failed": [], "wall_seconds": 40.0},
                         code={"commit": "a" * 40, "uncommitted_changes": False})
    history = {**history_fixture(), "code": {"commit": "b" * 40, "uncommitted_changes": True}}
    table = markdown([history, scale])
    assert table.splitlines()[0].startswith("Run 1,000,000 customers 2026-12-04 12:00, the history-length row "
                                            "2026-12-05 01:00 UTC")
    assert table.splitlines()[0].endswith("project at commit `aaaaaaaaaaaa` (1,000,000 customers), "
                                          "`bbbbbbbbbbbb` with uncommitted changes (the history-length row).")
    assert [t.name for t in targets([history, scale])] == [
        "like-for-like build at least as fast as the pandas peer: peer ÷ build ≥ 1.0 (1,000,000 customers)",
        "full build ≤ 180 s (1,000,000 customers)", "peak memory of the full build < 8 GiB (1,000,000 customers)",
        "daily incremental run ≤ 45 s (1,000,000 customers)",
        "daily run with 4 years of history ≤ 1.2× with 2 years (100,000 customers)",
        "full build ≤ 25 s (10,000 customers)"]
    assert [t.met for t in targets([history, scale])] == [None, True, None, True, True, None]
    assert "| 1,000,000 | 10,000,000 | 2.8 min |" in table, "the scales' table is the scales' only"
    assert "| daily run with 4 years of history ≤ 1.2× with 2 years (100,000 customers) | 1.10× (50.6 s ÷ " \
        "46.0 s) | yes |" in table
    assert targets([scale])[4] == ("daily run with 4 years of history ≤ 1.2× with 2 years (100,000 customers)",
                                   "not measured", None, "–")
    # the plot draws the scales only
    assert plot_points([history, scale])["project: full dbt build"] == [(1_000_000, 170.0)]


def test_the_history_row_differs_only_in_history_length(tmp_path: Path) -> None:
    """Two years: the scales' data (one cache folder). Four years: the same customers, seed and last
    day, the shop opened two years earlier; the generator's per-customer counts are totals over its
    period, so they double, and the last months of four years are as busy as those of two (with the
    counts kept, they were half as busy and the raw rows as many)."""
    two, four = bench_config(3000, 7), bench_config(3000, 7, years=4)
    assert bench_config(3000, 7, years=2) == two == GeneratorConfig(
        customers=3000, seed=7, orders_per_customer=10.0, events_per_customer=50.0)
    assert (four.start, four.end, four.orders_per_customer, four.events_per_customer) == (
        date(2022, 7, 1), two.end, 20.0, 100.0)
    assert (four.customers, four.seed) == (two.customers, two.seed)
    assert cache_folder(tmp_path, 3000, 7) == tmp_path / "3000-7"
    assert cache_folder(tmp_path, 3000, 7, years=4) == tmp_path / "3000-7-4y"
    short, long = (cached_raw_data(tmp_path, 3000, 7, years=years) for years in (2, 4))
    assert short.path == tmp_path / "3000-7" and long.path == tmp_path / "3000-7-4y"
    con = duckdb.connect()

    def count(raw: Path, table: str, column: str, since: str = "1900-01-01") -> int:
        found = con.execute(f"select count(*) from {read_raw(raw, table)} where {column} >= date '{since}'")
        return found.fetchone()[0]
    for table, column in (("orders", "ordered_at"), ("events", "occurred_at")):
        assert count(short.path, table, column, "2024-07-01") == count(short.path, table, column)
        assert count(long.path, table, column, "2022-07-01") == count(long.path, table, column)
        # the last two months: as busy (the daily run replays the last day)
        assert 0.85 < count(long.path, table, column, "2026-05-01") / count(short.path, table, column, "2026-05-01") \
            < 1.15, table
    assert 1.8 < sum(long.rows.values()) / sum(short.rows.values()) < 2.2
    # the same people (second accounts and resent rows drawn at random on top)
    assert 0.98 < count(long.path, "customers", "signup_at") / count(short.path, "customers", "signup_at") < 1.02


def test_the_history_row_runs_each_length_as_a_scales_full_build_and_daily_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """run_history end to end on 300 customers with the dbt builds faked (the real builds and daily
    run are the scales', which the module's benchmark at 300 customers runs)."""
    builds: list[tuple[Path, str | None, tuple[str, ...]]] = []

    def fake_build(project: DbtProject, *args: str) -> dict:
        builds.append((project.workdir, project.vars.get("raw_path"), args))
        wall = 10.0 * len(builds)
        return {"wall_seconds": wall, "peak_rss_mib": 100.0, "returncode": 0, "failed": [], "skipped": 0,
                "nodes": [], "by_resource_type": {}}

    monkeypatch.setattr(run, "dbt_build", fake_build)
    options = BenchOptions(cache=tmp_path / "cache", out=tmp_path / "results", work=tmp_path / "work", seed=7,
                           daily_runs=2)
    records, found = run_bench([], options, history_customers=300)
    assert found == []
    (record,) = records
    assert (record["kind"], record["customers"], [length["years"] for length in record["lengths"]]) == (
        "history", 300, [2, 4])
    two, four = record["lengths"]
    assert two["raw"]["path"] == str(tmp_path / "cache" / "300-7") and two["raw"]["start"] == "2024-07-01"
    assert four["raw"]["path"] == str(tmp_path / "cache" / "300-7-4y") and four["raw"]["start"] == "2022-07-01"
    # per length: the full build as make build runs it, then the daily job twice on a new day
    assert [args for _, _, args in builds] == [run.FULL_BUILD_ARGS, run.DAILY_ARGS, run.DAILY_ARGS] * 2
    for length, (full, *daily) in zip(record["lengths"], (builds[:3], builds[3:])):
        assert full[1] == length["raw"]["path"]
        assert all(d[0] == full[0] and d[1] != full[1] and d[1].endswith("raw_next_day") for d in daily)
        assert length["project"]["dbt_args"] == [*run.DBT_ARGS, *run.FULL_BUILD_ARGS]
        assert length["daily"]["new_rows"]["orders"] > 0 and length["daily"]["dbt_vars"] == run.DAILY_VARS
    assert (two["project"]["wall_seconds"], two["daily"]["wall_seconds"], four["daily"]["wall_seconds"]) == (
        10.0, 20.0, 50.0)
    assert not (options.work / "history-300-7").exists(), "the throw-away databases are deleted"
    # written beside the scales' records, read back by --report-only, reported
    saved = options.out / f"{record['started_at'][:10]}-history-300.json"
    assert json.loads(saved.read_text())["lengths"][1]["daily"]["wall_seconds"] == 50.0
    old = {**record, "started_at": "2020-01-01T00:00:00"}
    (options.out / "2020-01-01-history-300.json").write_text(json.dumps(old))
    assert newest_records(options.out) == [json.loads(saved.read_text())]
    assert "4 years ÷ 2 years: the daily run 2.50× (target at most 1.2×)" in (options.out / "latest.md").read_text()


def test_the_history_row_is_selected_like_the_scales() -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["bench", "--customers", "--no-history"])
    assert exit_info.value.code == 2, "nothing to measure"
    if shutil.which("make") is None:
        pytest.skip("make is not installed")

    def recipe(*variables: str) -> str:
        done = subprocess.run(["make", "-n", "-C", str(PROJECT_DIR), "bench", *variables],
                              capture_output=True, text=True, check=True)
        return " ".join(done.stdout.replace("\\\n", " ").split())
    assert "bench --customers 10000 100000 1000000 --seed 42 --out bench/results" in recipe()
    assert "bench --customers --seed 42 --no-history --out" in recipe("BENCH_HISTORY=0", "BENCH_SCALES=")
