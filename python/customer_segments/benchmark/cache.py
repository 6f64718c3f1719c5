"""Raw data for the benchmark, generated once per (scale, seed) and reused afterwards: a folder of
``<table>.parquet`` files (:func:`raw_file`, read in SQL with :func:`read_raw`)."""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

from ..dbt_runner import sql_path
from ..generator import GeneratorConfig, generate
from ..generator.config import DEFAULT_END, DEFAULT_START
from ..generator.contract import TABLE_NAMES

#: The volume the issue asks for: roughly 10 orders and 50 events per customer, over the
#: generator's default period of two years (2024-07-01 to 2026-06-30).
BENCH_ORDERS_PER_CUSTOMER = 10.0
BENCH_EVENTS_PER_CUSTOMER = 50.0
BENCH_YEARS = 2
MARKER = "generated.json"


@dataclass(frozen=True)
class RawData:
    """A folder of ``<table>.parquet`` files and how it was made."""

    path: Path
    config: GeneratorConfig
    rows: dict[str, int]
    bytes: int
    generate_seconds: float | None  # None: taken from the cache


def raw_file(folder: Path, table: str) -> Path:
    """Raw table ``table`` in a folder of raw data (the layout var ``raw_path`` reads)."""
    return folder / f"{table}.parquet"


def read_raw(folder: Path, table: str) -> str:
    """A DuckDB table expression reading raw table ``table`` of ``folder``."""
    return f"read_parquet({sql_path(raw_file(folder, table))})"


def history_start(years: int) -> date:
    """The first day of a history of ``years`` years that ends on the generator's last day."""
    end = DEFAULT_END
    return end.replace(year=end.year - years) + timedelta(days=1)


def bench_config(customers: int, seed: int, years: int = BENCH_YEARS) -> GeneratorConfig:
    """The benchmark's raw data: ``customers`` over a history of ``years`` years ending on the
    generator's last day (2026-06-30), so that every history has the same as-of date.

    The generator's per-customer counts are totals over its whole period, not rates: the same
    counts over a longer period would make every day quieter (half the orders and events a day over
    four years) and leave the raw row count unchanged. So the counts grow with the period, and a
    day of 4 years of history is as busy as a day of 2 years: 10 orders and 50 events per customer
    per two years (the other scales' data), 20 and 100 over four years.
    """
    if years < 1:
        raise ValueError(f"a history of at least one year, not {years}")
    per_period = years / BENCH_YEARS
    config = GeneratorConfig(
        customers=customers,
        seed=seed,
        orders_per_customer=BENCH_ORDERS_PER_CUSTOMER * per_period,
        events_per_customer=BENCH_EVENTS_PER_CUSTOMER * per_period,
        start=history_start(years),
        end=DEFAULT_END,
    )
    assert years != BENCH_YEARS or config.start == DEFAULT_START, "two years: the generator's default period"
    return config


def cache_folder(cache_dir: Path, customers: int, seed: int, years: int = BENCH_YEARS) -> Path:
    """``<customers>-<seed>`` for the scales' two years of history; ``<customers>-<seed>-<years>y``
    for another length (the history-length row's four years)."""
    return cache_dir / (f"{customers}-{seed}" + ("" if years == BENCH_YEARS else f"-{years}y"))


def _fingerprint(config: GeneratorConfig) -> dict[str, object]:
    return {key: str(value) for key, value in asdict(config).items()}


def cached_raw_data(cache_dir: Path, customers: int, seed: int, progress: bool = False,
                    years: int = BENCH_YEARS) -> RawData:
    """``<cache_dir>/<customers>-<seed>/`` (:func:`cache_folder`): generated unless a complete copy
    of the same configuration is already there.

    The marker file is written last, so an interrupted generation is regenerated."""
    import time

    config = bench_config(customers, seed, years)
    folder = cache_folder(cache_dir, customers, seed, years)
    marker = folder / MARKER
    files_present = all(raw_file(folder, name).exists() for name in TABLE_NAMES)
    if marker.exists() and files_present:
        recorded = json.loads(marker.read_text())
        if recorded.get("config") == _fingerprint(config):
            return RawData(folder, config, recorded["rows"], _folder_bytes(folder), None)
    if folder.exists():
        shutil.rmtree(folder)
    started = time.perf_counter()
    result = generate(config, folder, fmt="parquet", progress=progress)
    seconds = time.perf_counter() - started
    marker.write_text(json.dumps({"config": _fingerprint(config), "rows": result.rows,
                                  "generate_seconds": seconds}, indent=2))
    return RawData(folder, config, dict(result.rows), _folder_bytes(folder), seconds)


def _folder_bytes(folder: Path) -> int:
    return sum(raw_file(folder, name).stat().st_size for name in TABLE_NAMES)
