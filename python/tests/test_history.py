"""Segments through time: the history equals the current marts rebuilt at its as-of dates, and an
incremental build after a further day of data (new orders, a late refund on an old order, new
events, a new customer, two persons merged, a test account, a signup moved a year earlier) equals a
full refresh on the same data, mart for mart, row for row."""

from __future__ import annotations

import csv
import json
import re
import shutil
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

import duckdb
import pytest

from conftest import SEEDS_RAW, raw_csv_text
from customer_segments.benchmark.run import DAILY_ARGS, DAILY_VARS
from customer_segments.dbt_runner import SKIP_DEMO_SEEDS, DbtProject, raw_vars, rows
from customer_segments.project import PROJECT_DIR

LABEL_COLUMNS = ("lifecycle_stage, rfm_segment, rfm_group, value_tier, r_score, f_score, m_score, "
                 "fm_score, recency_days, lifetime_purchases, lifetime_revenue")


@pytest.mark.parametrize("as_of", ["2025-03-31", "2025-12-31", "2026-06-30"])
def test_history_equals_the_marts_built_as_of_that_date(
        demo_build: Path, demo_build_copy: DbtProject, as_of: str) -> None:
    history = rows(demo_build, f"""
        select customer_key, {LABEL_COLUMNS} from main_marts.customer_segment_history
        where as_of_date = date '{as_of}' order by customer_key
    """)
    assert len(history) > 100
    # customers and every model between it and the as-of date rebuilt as of that date, on a copy of
    # the demo build: the models upstream of them (seeds, staging, facts) do not read the as-of date
    # (only int_as_of_date_resolved reads var as_of_date), so they are the ones a fresh build makes
    assert _models_reading_var("as_of_date") == ["int_as_of_date_resolved"]
    project = DbtProject(demo_build_copy.workdir, vars={"as_of_date": as_of})
    project.run("run", "--select", "int_as_of_date_resolved+,+customers")
    rebuilt = {result["unique_id"] for result in project.run_results()["results"] if result["status"] == "success"}
    assert {"model.customer_segments.int_as_of_date_resolved", "model.customer_segments.customers"} <= rebuilt
    assert rows(project.duckdb_path, "select as_of_date from main_intermediate.int_as_of_date_resolved") == [
        (date.fromisoformat(as_of),)]
    marts = rows(project.duckdb_path, f"""
        select customer_key, {LABEL_COLUMNS} from main_marts.customers order by customer_key
    """)
    assert history == marts


def _models_reading_var(name: str) -> list[str]:
    """The models whose SQL calls var(name) itself (macros they call aside)."""
    call = re.compile(r"""var\(\s*['"]""" + re.escape(name) + """['"]""")
    return sorted(path.stem for path in (PROJECT_DIR / "models").rglob("*.sql") if call.search(path.read_text()))


def _raw_copy(target: Path) -> Path:
    """The demo raw tables as <table>.csv files, read through var raw_path."""
    target.mkdir()
    for seed in SEEDS_RAW.glob("raw_*.csv"):
        shutil.copy(seed, target / seed.name.removeprefix("raw_"))
    return target


class AppendedDay(NamedTuple):
    """The keys _append_a_day gave a new row that the tests look at."""

    refunded_order: str
    thrice_delivered_event: str
    corrected_order: str


def _append_a_day(raw: Path) -> AppendedDay:
    """Append 2026-07-01: new orders with items and events for existing customers, a new customer
    with an order, a late full refund of an old completed order (a new version of it), and new
    versions of keys already held with more than one row or rejected."""
    con = duckdb.connect()
    old = con.execute(f"""
        select order_id, customer_id, ordered_at, currency, gross_amount, discount_amount, sales_channel
        from {raw_csv_text(raw / 'orders.csv')}
        where status = 'completed' and ordered_at between '2025-03-01' and '2025-03-31'
          and currency = 'CNY' and customer_id like 'C0%'
        order by order_id limit 1
    """).fetchone()
    assert old is not None
    order_id, customer_id, ordered_at, currency, gross, discount, channel = old
    refund = f"{float(gross) - float(discount):.2f}"
    buyers = [r[0] for r in con.execute(f"""
        select distinct customer_id from {raw_csv_text(raw / 'orders.csv')}
        where customer_id like 'C0%' and status = 'completed' order by customer_id limit 5
    """).fetchall()]
    with open(raw / "orders.csv", "a", encoding="utf-8") as f:
        f.write(f"{order_id},{customer_id},{ordered_at},refunded,{currency},{gross},{discount},{refund},"
                f"{channel},2026-07-01 10:00:00,2026-07-02 02:00:00\n")
        for i, buyer in enumerate(buyers + ["C09999901"]):
            f.write(f"O77000000{i:02d},{buyer},2026-07-01 1{i}:00:00,paid,CNY,{100 + 10 * i}.00,0.00,0.00,"
                    f"app,2026-07-01 1{i}:00:00,2026-07-02 02:00:00\n")
    with open(raw / "order_items.csv", "a", encoding="utf-8") as f:
        for i in range(len(buyers) + 1):
            f.write(f"OI7700000000{i:02d},O77000000{i:02d},P00001,1,{100 + 10 * i}.00,2026-07-02 02:00:00\n")
    with open(raw / "customers.csv", "a", encoding="utf-8") as f:
        f.write("C09999901,new.buyer@example.com,13912345678,New Buyer,F,1995-05-05,Shanghai,Shanghai,"
                "CN,2026-07-01 09:00:00,organic,,regular,true,false,2026-07-01 09:00:00,"
                "2026-07-02 02:00:00\n")
    with open(raw / "events.csv", "a", encoding="utf-8") as f:
        for i, buyer in enumerate(buyers):
            f.write(f"E7700000000{i:02d},{buyer},A77{i},login,2026-07-01 0{i}:30:00,S77{i},ios,,,,,"
                    f"2026-07-02 02:00:00\n")
    # rows the staging base models reclassify on an incremental run: a redelivery of an old event
    # (superseded: the first delivery is kept), an event without an id (rejected), one without a
    # load time (reclassified on every run), and a new version of an old order item (it replaces
    # the old one)
    _append_new_version(raw / "events.csv", "event_id", {})
    with open(raw / "events.csv", "a", encoding="utf-8") as f:
        f.write(f",{buyers[0]},A770,login,2026-07-01 08:30:00,S770,ios,,,,,2026-07-02 02:00:00\n")
        f.write(f"E770000000099,{buyers[0]},A770,login,2026-07-01 08:40:00,S770,ios,,,,,\n")
    _append_new_version(raw / "order_items.csv", "order_item_id", {"quantity": "3"})
    # and keys of which the base models hold rows with a fingerprint, ranked with the new row as
    # held (changed_version_ctes): a third delivery of an event, and a corrected version of a 2026
    # order rejected for its negative amount (both among the rows loaded before this day)
    built_events = f"(select * from {raw_csv_text(raw / 'events.csv')} where _loaded_at < '2026-07-02')"
    twice_delivered = con.execute(f"""
        select event_id from {built_events}
        where event_id is not null group by event_id having count(*) = 2 order by event_id limit 1
    """).fetchone()
    built_orders = f"(select * from {raw_csv_text(raw / 'orders.csv')} where _loaded_at < '2026-07-02')"
    negative = con.execute(f"""
        select order_id, gross_amount from {built_orders}
        where try_cast(gross_amount as double) < 0 and ordered_at >= '2026-01-01'
            and order_id in (select order_id from {built_orders} group by order_id having count(*) = 1)
        order by order_id limit 1
    """).fetchone()
    assert twice_delivered is not None and negative is not None
    _append_new_version(raw / "events.csv", "event_id", {}, twice_delivered[0])
    _append_new_version(raw / "orders.csv", "order_id",
                        {"gross_amount": negative[1].lstrip("-"), "updated_at": "2026-07-01 11:30:00"}, negative[0])
    return AppendedDay(str(order_id), twice_delivered[0], negative[0])


def _late_customer(raw: Path) -> tuple[str, str]:
    """Append (loaded 2026-07-02) the customer record of C90000020, whose events and order named an
    unknown customer until now (int_rows_unattributed holds them), and a new event of C90000054, still
    unknown. Returns the customer id and the new event's id."""
    customer_id, event_id = "C90000020", "E770000000098"
    _append_new_version(raw / "customers.csv", "customer_id", {
        "customer_id": customer_id, "email": "late.customer@example.com", "phone": "13987650020",
        "full_name": "Late Customer", "signup_at": "2024-01-01 09:00:00", "referred_by_customer_id": "",
        "is_test_account": "false", "updated_at": "2026-07-01 12:00:00"})
    with open(raw / "events.csv", "a", encoding="utf-8") as f:
        f.write(f"{event_id},C90000054,A779,login,2026-07-01 09:30:00,S779,ios,,,,,2026-07-02 02:00:00\n")
    return customer_id, event_id


def _unattributable_versions(raw: Path) -> dict[str, str]:
    """Append (loaded 2026-07-02) new versions of two old completed orders with lines that can no
    longer be attributed: one in EUR (no rate into the reporting currency), one naming the unknown
    customer C90000054. Their attributed rows, and their lines', must leave the incremental facts and
    enter int_rows_unattributed, as on a full build. Returns the order ids by reason."""
    con = duckdb.connect()
    order_ids = [r[0] for r in con.execute(f"""
        select order_id from {raw_csv_text(raw / 'orders.csv')} as orders
        where status = 'completed' and currency = 'CNY' and customer_id like 'C0%'
          and ordered_at between '2025-04-01' and '2025-04-30'
          and order_id in (select order_id from {raw_csv_text(raw / 'order_items.csv')})
        group by order_id
        having count(*) = 1
        order by order_id
        limit 2
    """).fetchall()]
    con.close()
    assert len(order_ids) == 2, order_ids
    reasons = dict(zip(("missing_exchange_rate", "unknown_customer"), order_ids))
    for reason, change in (("missing_exchange_rate", {"currency": "EUR"}),
                           ("unknown_customer", {"customer_id": "C90000054"})):
        _append_new_version(raw / "orders.csv", "order_id", {**change, "updated_at": "2026-07-01 11:00:00"},
                            reasons[reason])
    return reasons


def _raw_row(path: Path, key: str, value: str | None = None) -> tuple[list[str], dict[str, str]]:
    """The columns of a raw CSV and one row: the first, or the newest version (by _loaded_at) of
    the row whose ``key`` is ``value``."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        fields = list(reader.fieldnames or [])
        if value is None:
            return fields, next(reader)
        versions = [row for row in reader if row[key] == value]
    assert versions, f"{path.name}: no row with {key} {value}"
    return fields, sorted(versions, key=lambda row: row["_loaded_at"])[-1]  # ties: the last one


def _append_new_version(path: Path, key: str, changes: dict[str, str], value: str | None = None) -> None:
    """Append a row of a raw CSV again (see _raw_row), loaded on 2026-07-02, with ``changes``."""
    fields, row = _raw_row(path, key, value)
    assert row[key], f"{path.name}: the row has no {key}"
    with open(path, "a", newline="", encoding="utf-8") as f:
        csv.DictWriter(f, fields, lineterminator="\n").writerow(
            {**row, **changes, "_loaded_at": "2026-07-02 02:00:00"})


def _change_customers(raw: Path, built: Path) -> dict[str, str]:
    """Append new versions (loaded 2026-07-02) of four single-record buyers who bought before 2025:
    ``merged`` takes ``survivor``'s email (the two persons become one, orders move), ``test``
    becomes a test account (it leaves every date), ``earlier`` signed up a year earlier (it starts
    on earlier dates). Returns the customer ids by role."""
    ids = [r[0] for r in rows(built, """
        select id_map.customer_key
        from main_intermediate.int_customer_ids_mapped as id_map
        inner join main_marts.customers on id_map.customer_key = customers.customer_key
        where id_map.customer_key like 'C0%' and customers.first_purchase_date < '2025-01-01'
          and customers.signup_date between '2024-06-01' and '2025-06-30'
        group by id_map.customer_key
        having count(*) = 1
        order by id_map.customer_key desc
        limit 4
    """)]
    assert len(ids) == 4, ids
    roles = dict(zip(("survivor", "merged", "test", "earlier"), ids))
    path = raw / "customers.csv"
    survivor_email = _raw_row(path, "customer_id", roles["survivor"])[1]["email"]
    signup = _raw_row(path, "customer_id", roles["earlier"])[1]["signup_at"]
    for role, change in (("merged", {"email": survivor_email}),
                         ("test", {"is_test_account": "true"}),
                         ("earlier", {"signup_at": str(int(signup[:4]) - 1) + signup[4:]})):
        _append_new_version(path, "customer_id", {**change, "updated_at": "2026-07-01 12:00:00"}, roles[role])
    return roles


def _model_schemas(manifest_path: Path) -> dict[str, str]:
    """The schema of every model of a build, by name."""
    manifest = json.loads(manifest_path.read_text())
    return {node["alias"]: node["schema"] for node in manifest["nodes"].values() if node["resource_type"] == "model"}


def _mart_tables(manifest_path: Path) -> list[str]:
    manifest = json.loads(manifest_path.read_text())
    return sorted(
        node["alias"] for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["path"].startswith("marts/")
        # marts that compare with earlier builds by design (tag_coverage: change since the
        # previous build) cannot equal a full refresh that has no earlier build
        and not node["config"].get("meta", {}).get("build_dependent")
    )


@pytest.mark.slow
def test_incremental_build_equals_full_refresh(tmp_path: Path) -> None:
    raw = _raw_copy(tmp_path / "raw")
    settings = raw_vars(raw, "csv")
    incremental = DbtProject(tmp_path / "incremental", vars=settings)
    (tmp_path / "incremental").mkdir()
    incremental.run("build", *SKIP_DEMO_SEEDS)

    appended = _append_a_day(raw)
    refunded = appended.refunded_order
    changed = _change_customers(raw, incremental.duckdb_path)
    late_customer, unknown_event = _late_customer(raw)
    unattributable = _unattributable_versions(raw)
    changed_keys = ", ".join(f"'{key}'" for key in [*changed.values(), late_customer])
    revenue_by_date = f"""
        select as_of_date::varchar, sum(lifetime_revenue) from main_marts.customer_segment_history
        where customer_key not in ({changed_keys}) group by 1
    """
    first_dates = f"""
        select customer_key, min(as_of_date)::varchar from main_marts.customer_segment_history
        where customer_key in ({changed_keys}) group by 1
    """
    late_customers_rows = f"""
        select count(*) from main_intermediate.int_rows_unattributed as unattributed
        inner join main_staging.base_app__events as events
            on unattributed.record_id = events.event_id and events.row_status = 'clean'
        where unattributed.source_table = 'app.events' and events.customer_id = '{late_customer}'
    """
    assert rows(incremental.duckdb_path, late_customers_rows)[0][0] > 0
    before = dict(rows(incremental.duckdb_path, revenue_by_date))
    first_dates_before = dict(rows(incremental.duckdb_path, first_dates))
    # the daily job (make daily): no unit tests, fact-sized models data-tested on the newest loads
    incremental.run("build", *SKIP_DEMO_SEEDS, *DAILY_ARGS, extra_vars=DAILY_VARS)
    full = DbtProject(tmp_path / "full", vars=settings)
    (tmp_path / "full").mkdir()
    full.run("build", *SKIP_DEMO_SEEDS, "--full-refresh")

    # the day really changed things: the late refund removed a purchase from old periods
    assert rows(incremental.duckdb_path, f"""
        select order_status, net_amount from main_intermediate.int_orders_attributed where order_id = '{refunded}'
    """) == [("refunded", 0)]
    # the refund changed the periods from its order date on, and only those (changed customers aside)
    after = dict(rows(incremental.duckdb_path, revenue_by_date))
    assert after["2025-02-28"] == before["2025-02-28"]
    assert after["2025-03-31"] < before["2025-03-31"]
    # the customer changes reached dates long before the lookback, with none of their orders loaded
    first_dates_after = dict(rows(incremental.duckdb_path, first_dates))
    assert changed["test"] in first_dates_before and changed["test"] not in first_dates_after
    assert len({changed["survivor"], changed["merged"]} & set(first_dates_after)) == 1
    assert first_dates_after[changed["earlier"]] < first_dates_before[changed["earlier"]]
    assert rows(incremental.duckdb_path, "select as_of_date::varchar from main_intermediate.int_as_of_date_resolved") == [
        ("2026-07-01",)]
    # the late customer's events left int_rows_unattributed (withdrawn); the new unknown one entered it
    # with its raw values, read from the raw rows of the new day
    assert rows(incremental.duckdb_path, late_customers_rows)[0][0] == 0
    assert rows(incremental.duckdb_path, f"""
        select reject_reason, raw_values like '%customer_id=C90000054;%' from main_intermediate.int_rows_unattributed
        where source_table = 'app.events' and record_id = '{unknown_event}'
    """) == [("unknown_customer", True)]

    # the orders whose new version cannot be attributed left the facts, lines too, and are listed as
    # unattributed with their new version's raw values (an incremental run only adds and replaces
    # rows: without the withdrawal rows their earlier version stayed)
    order_list = ", ".join(f"'{order_id}'" for order_id in unattributable.values())
    assert rows(incremental.duckdb_path, f"""
        select count(*) from main_intermediate.int_orders_attributed where order_id in ({order_list})
    """) == [(0,)]
    assert rows(incremental.duckdb_path, f"""
        select count(*) from main_intermediate.int_order_items_attributed where order_id in ({order_list})
    """) == [(0,)]
    assert rows(incremental.duckdb_path, f"""
        select record_id, reject_reason, raw_values like '%updated_at=2026-07-01 11:00:00;%'
        from main_intermediate.int_rows_unattributed
        where source_table = 'shop.orders' and record_id in ({order_list})
        order by reject_reason
    """) == [(order_id, reason, True) for reason, order_id in sorted(unattributable.items())]
    assert rows(incremental.duckdb_path, f"""
        select distinct unattributed.reject_reason from main_intermediate.int_rows_unattributed as unattributed
        inner join main_staging.base_shop__order_items as items
            on unattributed.record_id = items.order_item_id and items.row_status = 'clean'
        where unattributed.source_table = 'shop.order_items' and items.order_id in ({order_list})
    """) == [("unknown_order",)]

    # the staging base models ran incrementally: only the keys with a new row were reclassified
    for path in ("app/base/base_app__events.sql", "shop/base/base_shop__orders.sql",
                 "shop/base/base_shop__order_items.sql", "crm/base/base_crm__customers.sql"):
        compiled = (tmp_path / "incremental" / "target" / "compiled" / "customer_segments" / "models" / "staging"
                    / path).read_text()
        assert "held_of_changed_keys as materialized" in compiled, path  # changed_version_ctes
    # the earlier rows held by the model were ranked with the new ones
    assert rows(incremental.duckdb_path, f"""
        select row_status, count(*) from main_staging.base_app__events
        where event_id = '{appended.thrice_delivered_event}' group by 1 order by 1
    """) == [("clean", 1), ("superseded", 2)]
    assert rows(incremental.duckdb_path, f"""
        select row_status, reject_reason from main_staging.base_shop__orders
        where order_id = '{appended.corrected_order}' order by 1
    """) == [("clean", None), ("rejected", "negative_gross_amount")]
    assert rows(incremental.duckdb_path, f"""
        select row_status, count(*) from main_staging.base_app__events
        where event_id = (select event_id from main_staging.base_app__events where loaded_at = '2026-07-02 02:00:00'
                          and row_status = 'superseded' and event_id <> '{appended.thrice_delivered_event}')
        group by 1 order by 1
    """) == [("clean", 1), ("superseded", 1)]
    assert rows(incremental.duckdb_path, """
        select row_status, quantity from main_staging.base_shop__order_items
        where order_item_id = (select min(order_item_id) from main_staging.base_shop__order_items
                               where loaded_at = '2026-07-02 02:00:00' and quantity = 3 and row_status = 'clean'
                                 and order_item_id not like 'OI77%')
        order by loaded_at
    """)[-1] == ("clean", 3)

    # every incremental model, the staging base models included, equals its full refresh
    tables = _mart_tables(tmp_path / "full" / "target" / "manifest.json") + [
        "base_app__events", "base_shop__orders", "base_shop__order_items", "base_crm__customers",
        "int_events_attributed", "int_orders_attributed", "int_order_items_attributed", "int_rows_unattributed"]
    assert {"customers", "customer_segment_history", "segment_migrations", "cohort_retention"} <= set(tables)
    con = duckdb.connect()
    con.execute(f"attach '{incremental.duckdb_path}' as incremental (read_only)")
    con.execute(f"attach '{full.duckdb_path}' as full_refresh (read_only)")
    schemas = _model_schemas(tmp_path / "full" / "target" / "manifest.json")
    differences = {}
    for name in tables:
        schema = schemas[name]
        columns = [r[0] for r in con.execute(f"""
            select column_name from information_schema.columns
            where table_catalog = 'full_refresh' and table_schema = '{schema}' and table_name = '{name}'
            order by ordinal_position
        """).fetchall()]
        # source_loaded_at records when a history row was computed: lineage, not content
        compared = ", ".join(c for c in columns if c != "source_loaded_at")
        only_one_side = con.execute(f"""
            select count(*) from (
                (select {compared} from incremental.{schema}.{name}
                 except all select {compared} from full_refresh.{schema}.{name})
                union all
                (select {compared} from full_refresh.{schema}.{name}
                 except all select {compared} from incremental.{schema}.{name})
            ) as diff
        """).fetchone()[0]
        if only_one_side:
            differences[name] = only_one_side
    assert differences == {}
    con.close()

    # segment_migrations recomputed the dates the history rewrote and the date after each, and only
    # those: a date carries the new stamp exactly then. (This day rewrites every history date, as the
    # changed customers start early; the unit tests migrations_incremental_* cover dates left alone.)
    stamps = rows(incremental.duckdb_path, """
        with history_dates as (
            select as_of_date, max(source_loaded_at) as stamp from main_marts.customer_segment_history group by 1
        ),
        rewritten as (
            select as_of_date, stamp = max(stamp) over () as rewritten,
                   lag(stamp) over (order by as_of_date) = max(stamp) over () as previous_rewritten
            from history_dates
        ),
        migrations as (
            select as_of_date, max(source_loaded_at) as stamp from main_marts.segment_migrations group by 1
        )
        select coalesce(rewritten or previous_rewritten, false) as recomputed,
               migrations.stamp = (select max(stamp) from migrations) as restamped, count(*)
        from rewritten inner join migrations using (as_of_date)
        group by 1, 2 order by 1, 2
    """)
    assert stamps and all(recomputed == restamped for recomputed, restamped, _ in stamps)

    _assert_daily_tests_scan_the_newest_loads(tmp_path)


def _assert_daily_tests_scan_the_newest_loads(tmp_path: Path) -> None:
    """The daily job's data tests of a recent_loads model see a duplicate (or a null) among its
    newest loads and not one among rows loaded long before; the full build's see both."""
    # int_events_attributed, by loaded_at
    failing = _daily_and_full_failures(
        tmp_path, "unique_int_events_attributed_event_id", "newest.loaded_at", [
            f"""insert into main_intermediate.int_events_attributed
                select * from main_intermediate.int_events_attributed
                where event_id = (select min(event_id) from main_intermediate.int_events_attributed
                                  where loaded_at = '{loaded_at}')"""
            for loaded_at in ("2026-07-02 02:00:00", "2024-07-02 02:00:00")])
    assert failing == {"daily": 1, "full": 2}

    # a merged not_null test (one row per column with nulls) is scoped the same way: a null
    # event_type among the newest loads is seen by both, a null event_id loaded long before only
    # by the full build's
    failing = _daily_and_full_failures(
        tmp_path, "not_null_columns_int_events_attributed_event_id__event_type", "newest.loaded_at", [
            f"""insert into main_intermediate.int_events_attributed
                select * replace (null as {column}) from main_intermediate.int_events_attributed
                where event_id = (select min(event_id) from main_intermediate.int_events_attributed
                                  where loaded_at = '{loaded_at}')"""
            for column, loaded_at in (("event_type", "2026-07-02 02:00:00"), ("event_id", "2024-07-02 02:00:00"))])
    assert failing == {"daily": 1, "full": 2}

    # the history, by the stamp of the dates a run rewrote (meta data_tests_loaded_at): a duplicate
    # stamped with the newest load is seen, one stamped two years earlier only by the full build's
    failing = _daily_and_full_failures(
        tmp_path, "unique_combination_of_columns_customer_segment_history_as_of_date__customer_key",
        "newest.source_loaded_at", [
            f"""insert into main_marts.customer_segment_history
                select * replace ({stamp} as source_loaded_at) from main_marts.customer_segment_history
                where customer_key = (select {customer}(customer_key) from main_marts.customer_segment_history)
                  and as_of_date = (select max(as_of_date) from main_marts.customer_segment_history)"""
            for customer, stamp in (("min", "source_loaded_at"), ("max", "source_loaded_at - interval 730 day"))])
    assert failing == {"daily": 1, "full": 2}


def _daily_and_full_failures(tmp_path: Path, test_name: str, daily_marker: str, inserts: list[str]) -> dict[str, int]:
    """Data test test_name as the daily job (incremental/) and the full build (full/) compiled it:
    the daily SQL has daily_marker (its recent_loads filter), the full one not; after the inserts
    into the incremental database, the rows each version of the test fails on."""
    nodes = json.loads((tmp_path / "full" / "target" / "manifest.json").read_text())["nodes"].values()
    (node,) = [node for node in nodes if node["name"] == test_name]
    # compiled path: the YAML file's folder, then the test's alias (dbt hashes long names)
    compiled = Path("target/compiled") / node["package_name"] / node["original_file_path"] / f"{node['alias']}.sql"
    sql = {side: (tmp_path / folder / compiled).read_text()
           for side, folder in (("daily", "incremental"), ("full", "full"))}
    assert daily_marker in sql["daily"] and daily_marker not in sql["full"]
    con = duckdb.connect(str(tmp_path / "incremental" / "customer_segments.duckdb"))
    try:
        for statement in inserts:
            con.execute(statement)
        return {side: con.execute(f"select count(*) from ({text})").fetchone()[0] for side, text in sql.items()}
    finally:
        con.close()


@pytest.mark.parametrize("days", [-1, "a week"])
def test_nonsensical_data_test_recent_days_stops_the_build(tmp_path: Path, days: Any) -> None:
    project = DbtProject(tmp_path)
    result = project.run("compile", "--select", "unique_int_events_attributed_event_id",
                         extra_vars={"data_test_recent_days": days}, check=False)
    assert result.returncode != 0
    assert "var data_test_recent_days must be a whole number of days (0 or more) or null" in result.stdout
