"""``bench-generate``: time the generator and report memory, rows and bytes (printed only)."""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from ..generator import GenerationResult, GeneratorConfig, generate
from .measure import self_maxrss_mib


@dataclass(frozen=True)
class BenchReport:
    config: GeneratorConfig
    fmt: str
    out_dir: Path
    wall_seconds: float
    peak_rss_mib: float
    result: GenerationResult
    bytes_by_table: dict[str, int]


def run_benchmark(config: GeneratorConfig, fmt: str, out_dir: Path | None = None, progress: bool = True) -> BenchReport:
    """Generate into ``out_dir`` (default: a temporary directory, deleted afterwards)."""
    with tempfile.TemporaryDirectory(prefix="customer-segments-bench-") as tmp:
        target = out_dir if out_dir is not None else Path(tmp)
        started = time.perf_counter()
        result = generate(config, target, fmt=fmt, progress=progress)
        wall = time.perf_counter() - started
        sizes = {name: path.stat().st_size for name, path in result.files.items()}
        return BenchReport(config, fmt, target, wall, self_maxrss_mib(), result, sizes)


def format_report(report: BenchReport) -> str:
    cfg = report.config
    total_rows = sum(report.result.rows.values())
    total_bytes = sum(report.bytes_by_table.values())
    lines = [
        f"customers:          {cfg.customers:,} (seed {cfg.seed}, {cfg.orders_per_customer:g} orders and "
        f"{cfg.events_per_customer:g} events per customer, {cfg.start}..{cfg.end})",
        f"format:             {report.fmt} -> {report.out_dir}",
        f"wall time:          {report.wall_seconds:,.1f} s",
        f"peak RSS:           {report.peak_rss_mib:,.0f} MiB",
        f"rows/s:             {total_rows / max(report.wall_seconds, 1e-9):,.0f}",
        f"{'table':<22}{'rows':>14}{'bytes':>16}",
    ]
    for name, rows in report.result.rows.items():
        lines.append(f"{name:<22}{rows:>14,}{report.bytes_by_table[name]:>16,}")
    lines.append(f"{'total':<22}{total_rows:>14,}{total_bytes:>16,}")
    return "\n".join(lines)
