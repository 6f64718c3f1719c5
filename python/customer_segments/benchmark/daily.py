"""One more day of raw data, for the daily (incremental) run.

The new day replays the last day of the data one day later: its orders (with their items),
events and signups, under new ids, every timestamp and ``_loaded_at`` shifted by a day, so the
day has the volume of a real day at every scale. A replayed row arrives in the new day's batch, so
its ``_loaded_at`` is never earlier than that batch's (the last day's newest load plus a day): the
generator makes some "future timestamp" rows by giving them a ``_loaded_at`` a year before their
event, and a copy of such a row in today's delivery cannot have been loaded a year ago (the
incremental build selects new rows by ``_loaded_at``; raw_row_reconciliation fails the build for a
row delivered with a stale one). On top: a late full refund of an order
completed 90 days earlier (a new version of it, as a shop export delivers it). Tables the day
does not touch are symlinked; the four it touches are rewritten as old rows + new rows.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import duckdb

from ..dbt_runner import sql_path
from ..generator.contract import TABLE_NAMES
from .cache import raw_file, read_raw

SUFFIX = "-d1"  # new ids: the old id plus this suffix, never a collision
REFUND_AGE_DAYS = 90


@dataclass(frozen=True)
class NewDay:
    path: Path
    day: str
    new_rows: dict[str, int]
    refunded_order_id: str | None


def append_day(source: Path, target: Path) -> NewDay:
    """``target``: ``source``'s tables plus one more day (see the module docstring)."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    con = duckdb.connect()

    def src(table: str) -> str:
        return read_raw(source, table)

    # the last real day: rows "from the future" (timestamps after their own _loaded_at) do not count
    last_day = con.execute(
        f"select max(cast(ordered_at as date)) from {src('orders')} where ordered_at <= _loaded_at").fetchone()
    assert last_day is not None and last_day[0] is not None, "no orders to replay"
    day = last_day[0]
    shift = "interval 1 day"
    newest = con.execute(f"select max(_loaded_at) from {src('orders')}").fetchone()
    assert newest is not None and newest[0] is not None, "no load time on the last day"
    batch = f"timestamp '{newest[0]}' + {shift}"

    def loaded(column: str = "_loaded_at") -> str:
        """The replayed row's load time: a day later, and not before the new day's batch."""
        return f"case when {column} is not null then greatest({column} + {shift}, {batch}) end"

    new_rows = {
        "orders": f"""
            select * replace (order_id || '{SUFFIX}' as order_id, ordered_at + {shift} as ordered_at,
                              updated_at + {shift} as updated_at, {loaded()} as _loaded_at)
            from {src('orders')} where cast(ordered_at as date) = date '{day}'""",
        "order_items": f"""
            select items.* replace (items.order_item_id || '{SUFFIX}' as order_item_id,
                                    items.order_id || '{SUFFIX}' as order_id,
                                    {loaded('items._loaded_at')} as _loaded_at)
            from {src('order_items')} as items
            semi join (select order_id from {src('orders')} where cast(ordered_at as date) = date '{day}') as o
                on items.order_id = o.order_id""",
        "events": f"""
            select * replace (event_id || '{SUFFIX}' as event_id, session_id || '{SUFFIX}' as session_id,
                              occurred_at + {shift} as occurred_at, {loaded()} as _loaded_at)
            from {src('events')} where cast(occurred_at as date) = date '{day}'""",
        "customers": f"""
            select * replace (customer_id || '{SUFFIX}' as customer_id, 'd1.' || email as email,
                              null::varchar as phone, signup_at + {shift} as signup_at,
                              updated_at + {shift} as updated_at, {loaded()} as _loaded_at)
            from {src('customers')} where cast(signup_at as date) = date '{day}'""",
    }
    # the late refund: an order completed REFUND_AGE_DAYS before the last day, in one version only
    refund = con.execute(f"""
        select order_id from {src('orders')}
        where cast(ordered_at as date) = date '{day}' - {REFUND_AGE_DAYS} and status = 'completed'
          and order_id is not null
        qualify count(*) over (partition by order_id) = 1
        order by order_id limit 1""").fetchone()
    refunded = None if refund is None else str(refund[0])
    if refunded is not None:
        new_rows["orders"] += f"""
            union all
            select * replace ('refunded' as status,
                              cast(gross_amount - coalesce(discount_amount, 0) as decimal(18, 2)) as refunded_amount,
                              timestamp '{day}' + interval 34 hour as updated_at,
                              timestamp '{day}' + interval 50 hour as _loaded_at)
            from {src('orders')} where order_id = '{refunded}'"""

    counts: dict[str, int] = {}
    for table in TABLE_NAMES:
        if table not in new_rows:
            raw_file(target, table).symlink_to(raw_file(source, table).resolve())
            continue
        con.execute(f"""
            copy (select * from {src(table)} union all by name {new_rows[table]})
            to {sql_path(raw_file(target, table))} (format parquet)""")
        result = con.execute(f"select count(*) from ({new_rows[table]})").fetchone()
        counts[table] = int(result[0]) if result else 0
    return NewDay(target, (day + timedelta(days=1)).isoformat(), counts, refunded)
