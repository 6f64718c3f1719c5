"""Raw data for the benchmark, generated once per (scale, seed) and reused afterwards: a folder of
``<table>.parquet`` files (:func:`raw_file`, read in SQL with :func:`read_raw`)."""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from ..dbt_runner import sql_path
from ..generator import GeneratorConfig, generate
from ..generator.contract import TABLE_NAMES

#: The volume the issue asks for: roughly 10 orders and 50 events per customer.
BENCH_ORDERS_PER_CUSTOMER = 10.0
BENCH_EVENTS_PER_CUSTOMER = 50.0
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


def bench_config(customers: int, seed: int) -> GeneratorConfig:
    return GeneratorConfig(
        customers=customers,
        seed=seed,
        orders_per_customer=BENCH_ORDERS_PER_CUSTOMER,
        events_per_customer=BENCH_EVENTS_PER_CUSTOMER,
    )


def _fingerprint(config: GeneratorConfig) -> dict[str, object]:
    return {key: str(value) for key, value in asdict(config).items()}


def cached_raw_data(cache_dir: Path, customers: int, seed: int, progress: bool = False) -> RawData:
    """``<cache_dir>/<customers>-<seed>/``: generated unless a complete copy is already there.

    The marker file is written last, so an interrupted generation is regenerated."""
    import time

    config = bench_config(customers, seed)
    folder = cache_dir / f"{customers}-{seed}"
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
