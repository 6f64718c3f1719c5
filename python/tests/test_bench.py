"""Smoke test of ``bench``: the whole benchmark at a tiny scale, so it cannot rot.

Timings are not asserted (the issue's targets are reported by the benchmark, not tested); the
outputs must exist and the pandas peer must produce the marts' labels for every customer.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from customer_segments.benchmark import measure
from customer_segments.benchmark.lower_bound import lower_bound_sql
from customer_segments.benchmark.run import BenchOptions, problems, run_bench
from customer_segments.cli import main
from customer_segments.schema import TABLES

SCALE = 300


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> tuple[BenchOptions, list[dict]]:
    root = tmp_path_factory.mktemp("bench")
    options = BenchOptions(cache=root / "cache", out=root / "results", work=root / "work", seed=7)
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
    assert f"everything else on the machine while each step ran (other processes, and the kernel threads " \
        f"that write the steps' files to disk): {SCALE}: full build " in table
    assert (options.out / "latest.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (options.cache / f"{SCALE}-7" / "generated.json").exists()
    assert not (options.work / f"{SCALE}-7").exists(), "the throw-away databases are deleted"


def test_every_step_was_measured(bench: tuple[BenchOptions, list[dict]]) -> None:
    (record,) = bench[1]
    for step in ("project", "lower_bound", "peer", "daily"):
        assert record[step]["returncode"] == 0, step
        assert record[step]["wall_seconds"] > 0 and record[step]["peak_rss_mib"] > 0, step
        assert record[step]["cpu_seconds"] > 0 and record[step]["other_cpu_seconds"] >= 0, step
    assert len(record["project"]["slowest_models"]) == 10
    assert {"model", "test", "unit_test"} <= set(record["project"]["by_resource_type"])
    assert record["lower_bound"]["rows"] == record["raw"]["rows"], "the lower bound reads every raw row"
    assert record["daily"]["new_rows"]["orders"] > 0 and record["daily"]["refunded_order_id"]


def test_peer_agrees_with_the_marts(bench: tuple[BenchOptions, list[dict]]) -> None:
    (record,) = bench[1]
    comparison = record["peer"]["comparison"]
    assert comparison["customers"] > 0
    assert comparison["agreement"] == 1.0, comparison["first_differences"]
    assert comparison["in_marts"] == comparison["in_peer"] == comparison["customers"]


def test_problems_are_reported_loudly() -> None:
    record = {"scale": 1, "project": {"returncode": 0, "failed": []}, "lower_bound": {}, "daily": {},
              "peer": {"returncode": 0, "comparison": {"agreement": 0.99, "first_differences": [{"k": "C1"}]}}}
    (problem,) = problems(record)
    assert "99.0000 %" in problem


def test_a_cut_short_run_names_the_steps_it_did_not_measure() -> None:
    (problem,) = problems({"scale": 1, "project": {"returncode": 0, "failed": []}, "peer": {"returncode": 0}})
    assert problem == "1: not measured (run cut short?): lower_bound, daily"


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
