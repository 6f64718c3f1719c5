"""Streams the demo data chunk by chunk into one file per raw table.

Customers are generated in chunks of :data:`CHUNK_CUSTOMERS` base customers; each chunk
produces all of its customers' rows (orders, events, ...) and is written immediately,
so memory stays bounded whatever ``--customers`` is. Randomness comes from generators
seeded with ``[seed, chunk_no, step]``; IDs from running counters (see
:mod:`customer_segments.generator.ids`). Same arguments, same bytes.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
from tqdm import tqdm

from . import contract
from .campaigns import assign, assignments_table, campaigns_table
from .catalog import build_catalog
from .config import GeneratorConfig
from .context import ChunkContext, RunContext
from .customers import customers_table
from .dirty import dirty_assignments, dirty_events, dirty_nps, dirty_order_items, dirty_orders
from .events import events_table
from .ids import IdCounters
from .nps import nps_table
from .orders import Purchases, build_orders, items_table, orders_table, organic_purchases
from .population import sample_population
from .timeutil import ShoppingClock
from .writers import WRITERS, TableWriter

#: Base customers per chunk (fixed: output must not depend on anything but the arguments).
CHUNK_CUSTOMERS = 20_000


@dataclass(frozen=True)
class GenerationResult:
    files: dict[str, Path]
    rows: dict[str, int]

    @property
    def bytes_written(self) -> int:
        return sum(path.stat().st_size for path in self.files.values())


def output_paths(out_dir: Path, fmt: str, file_prefix: str = "") -> dict[str, Path]:
    extension = WRITERS[fmt][0]
    return {name: out_dir / f"{file_prefix}{name}.{extension}" for name in contract.TABLE_NAMES}


def generate_chunk(ctx: ChunkContext) -> dict[str, pa.Table]:
    """All customer-dependent tables of one chunk, dirt included."""

    pop = sample_population(ctx)
    organic = organic_purchases(ctx, pop)
    assignments, driven = assign(ctx, pop, organic)
    orders, items = build_orders(ctx, pop, Purchases.concat(organic, driven))
    return {
        "customers": customers_table(ctx, pop),
        "nps_responses": dirty_nps(nps_table(ctx, pop), ctx.dirt_rng("nps_responses")),
        "orders": dirty_orders(orders_table(ctx, orders), ctx.dirt_rng("orders")),
        "order_items": dirty_order_items(items_table(orders, items), ctx.dirt_rng("order_items"), ctx.counters),
        "events": dirty_events(events_table(ctx, pop, orders, items), ctx.dirt_rng("events")),
        "campaign_assignments": dirty_assignments(assignments_table(pop, assignments), ctx.dirt_rng("campaign_assignments")),
    }


def generate(
    config: GeneratorConfig,
    out_dir: Path,
    fmt: str = "parquet",
    file_prefix: str = "",
    progress: bool = False,
    chunk_customers: int = CHUNK_CUSTOMERS,
) -> GenerationResult:
    """Write the 8 raw tables for ``config`` into ``out_dir``."""
    if fmt not in WRITERS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {sorted(WRITERS)}")
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = output_paths(out_dir, fmt, file_prefix)
    catalog = build_catalog(config)
    run = RunContext(
        config=config,
        clock=ShoppingClock(config.start, config.days, config.start_s, config.end_s),
        catalog=catalog,
        counters=IdCounters(config.customers),
    )
    rows = dict.fromkeys(contract.TABLE_NAMES, 0)
    with ExitStack() as stack:
        writers: dict[str, TableWriter] = {}
        for name, path in paths.items():
            writer = WRITERS[fmt][1](path, contract.TABLES[name])
            stack.callback(writer.close)
            writers[name] = writer

        def write(name: str, table: pa.Table) -> None:
            writers[name].write(table)
            rows[name] += table.num_rows

        write("products", catalog.table)
        write("campaigns", campaigns_table(config))
        bar = stack.enter_context(
            tqdm(total=config.customers, unit="customer", unit_scale=True, disable=None if progress else True)
        )
        for chunk_no, first in enumerate(range(0, config.customers, chunk_customers)):
            size = min(chunk_customers, config.customers - first)
            for name, table in generate_chunk(ChunkContext(run, chunk_no, first, size)).items():
                write(name, table)
            bar.update(size)
    return GenerationResult(files=paths, rows=rows)
