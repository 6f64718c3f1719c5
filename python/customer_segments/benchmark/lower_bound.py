"""The lower bound: one DuckDB query that reads every raw column the project uses exactly once.

The project reads every column of every raw table (the base models type each one and keep the
raw values of rejected rows), so the query touches all of them, each once: orders, events, NPS
answers and campaign assignments are aggregated per customer and full-outer-joined to the
customers (so rows of unknown customers are read too); order items, products and campaigns are
folded into totals. Every column feeds an aggregate (sum, max or total string length), so none
can be skipped. Same DuckDB settings as the project's profile (threads, memory_limit). Run as
``python -m`` so its memory is measured.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import duckdb
import pyarrow as pa

from ..dbt_runner import duckdb_settings
from ..generator.contract import TABLES
from .cache import read_raw
from .measure import self_maxrss_mib

#: The tables aggregated per customer (the rest are folded into totals).
PER_CUSTOMER = ("orders", "events", "nps_responses", "campaign_assignments")


def _touch(column: str, dtype: pa.DataType) -> str:
    """An aggregate that needs every value of the column."""
    quoted = f'"{column}"'
    if pa.types.is_string(dtype):
        return f"sum(length({quoted}))"
    if pa.types.is_boolean(dtype):
        return f"count_if({quoted})"
    if pa.types.is_timestamp(dtype) or pa.types.is_date(dtype):
        return f"max({quoted})"
    return f"sum({quoted})"


def lower_bound_sql(raw: Path) -> str:
    """The single query (a few CTEs, one statement)."""
    ctes = []
    joins = []
    totals = []
    for table, schema in TABLES.items():
        if table == "customers":
            continue
        columns = [f for f in schema if f.name != "customer_id"]
        aggregates = [f"{_touch(f.name, f.type)} as c{i}" for i, f in enumerate(columns)]
        if table in PER_CUSTOMER:
            ctes.append(f"{table}_agg as (select customer_id, count(*) as n, {', '.join(aggregates)} "
                        f"from {read_raw(raw, table)} group by customer_id)")
            joins.append(f"full join {table}_agg on customers_agg.customer_id = {table}_agg.customer_id")
            totals.append(f"sum({table}_agg.n) as {table}_rows")
            totals.extend(f"count({table}_agg.c{i}) as {table}_c{i}" for i in range(len(aggregates)))
        else:
            ctes.append(f"{table}_agg as (select count(*) as n, {', '.join(aggregates)} "
                        f"from {read_raw(raw, table)})")
            joins.append(f"cross join {table}_agg")
            totals.append(f"max({table}_agg.n) as {table}_rows")
    customer_columns = [f for f in TABLES["customers"] if f.name != "customer_id"]
    customer_aggregates = [f"{_touch(f.name, f.type)} as c{i}" for i, f in enumerate(customer_columns)]
    ctes.insert(0, f"customers_agg as (select customer_id, count(*) as n, {', '.join(customer_aggregates)} "
                   f"from {read_raw(raw, 'customers')} group by customer_id)")
    return (
        "with " + ",\n".join(ctes)
        + "\nselect count(*) as customer_ids, sum(customers_agg.n) as customers_rows, "
        + ", ".join(totals)
        + "\nfrom customers_agg\n" + "\n".join(joins)
    )


def run_lower_bound(raw: Path, threads: str, memory_limit: str) -> dict[str, object]:
    con = duckdb.connect(config={"threads": threads, "memory_limit": memory_limit})
    started = time.perf_counter()
    cursor = con.execute(lower_bound_sql(raw))
    names = [d[0] for d in cursor.description]
    row = cursor.fetchone()
    seconds = time.perf_counter() - started
    assert row is not None
    values = dict(zip(names, row))
    return {"query_seconds": seconds,
            "rows": {k.removesuffix("_rows"): int(v or 0) for k, v in values.items() if k.endswith("_rows")}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("raw", type=Path)
    parser.add_argument("--threads", default=duckdb_settings()["threads"])
    parser.add_argument("--memory-limit", default=duckdb_settings()["memory_limit"])
    args = parser.parse_args()
    result = run_lower_bound(args.raw, args.threads, args.memory_limit)
    print(json.dumps({**result, "self_maxrss_mib": self_maxrss_mib()}))


if __name__ == "__main__":
    main()
