"""Tests of the demo-data generator: determinism, the committed seeds, the raw-data
contract, every planted dirty case, realism, the planted campaign effect and chunking."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import DEMO_CUSTOMERS, SEEDS_RAW, raw_csv_text
from customer_segments.cli import main
from customer_segments.generator import CHUNK_CUSTOMERS, GenerationResult, GeneratorConfig, generate
from customer_segments.generator.contract import TABLE_NAMES, TABLES, arrow_schema, arrow_type
from customer_segments.project import RawColumn, RawTable, raw_tables

CLEAN_STATUSES = ("paid", "shipped", "completed", "cancelled", "refunded", "pending")
IN_CLEAN_STATUSES = "('" + "', '".join(CLEAN_STATUSES) + "')"
DIGITS = "regexp_replace(phone, '[^0-9]', '', 'g')"


def scalar(con: duckdb.DuckDBPyConnection, query: str) -> object:
    row = con.execute(query).fetchone()
    assert row is not None
    return row[0]


def file_bytes(result: GenerationResult) -> dict[str, bytes]:
    return {name: path.read_bytes() for name, path in result.files.items()}


# --- determinism ---------------------------------------------------------------------------


@pytest.fixture()
def other_time_zone() -> Iterator[None]:
    """Run with a far-away time zone and another locale setting."""
    saved = {k: os.environ.get(k) for k in ("TZ", "LC_ALL")}
    os.environ["TZ"] = "Pacific/Kiritimati"
    os.environ["LC_ALL"] = "C"
    time.tzset()
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    time.tzset()


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_same_seed_gives_identical_bytes(tmp_path: Path, fmt: str, other_time_zone: None) -> None:
    config = GeneratorConfig(customers=500, seed=7)
    first = file_bytes(generate(config, tmp_path / "a", fmt=fmt))
    second = file_bytes(generate(config, tmp_path / "b", fmt=fmt))
    assert first == second
    other = file_bytes(generate(GeneratorConfig(customers=500, seed=8), tmp_path / "c", fmt=fmt))
    # the campaign calendar depends on the period only; everything else on the seed
    differing = {name for name in TABLE_NAMES if first[name] != other[name]}
    assert differing == set(TABLE_NAMES) - {"campaigns"}


def test_committed_seeds_are_reproduced(demo_dir: Path) -> None:
    generated = sorted(p.name for p in demo_dir.iterdir())
    assert generated == sorted(f"raw_{name}.csv" for name in TABLE_NAMES)
    committed = sorted(p.name for p in SEEDS_RAW.glob("*.csv"))
    assert committed == generated, "seeds/raw is out of date: run `make demo-data`"
    for name in generated:
        assert (SEEDS_RAW / name).read_bytes() == (demo_dir / name).read_bytes(), f"{name} differs: run `make demo-data`"


def test_committed_seeds_stay_small() -> None:
    assert sum(p.stat().st_size for p in SEEDS_RAW.glob("*.csv")) < 8_000_000


# --- contract and file format ----------------------------------------------------------------


def _sources_yaml(source: str, tables: dict[str, list[tuple[str, str | None]]]) -> str:
    lines = ["version: 2", "sources:", f"  - name: {source}", "    tables:"]
    for table, columns in tables.items():
        lines += [f"      - name: {table}", "        columns:"]
        for name, data_type in columns:
            lines.append(f"          - name: {name}")
            if data_type is not None:
                lines.append(f'            data_type: "{data_type}"')
    return "\n".join(lines) + "\n"


def test_raw_tables_are_the_sources_yaml_columns_in_order(tmp_path: Path) -> None:
    for source, tables in {
        "shop": {"orders": [("order_id", "varchar"), ("gross_amount", "decimal(18,2)"), ("_loaded_at", "timestamp")]},
        "crm": {"customers": [("customer_id", "varchar"), ("birth_date", "date"), ("_loaded_at", "timestamp")],
                "nps": [("score", "integer"), ("is_test", "boolean"), ("_loaded_at", "timestamp")]},
    }.items():
        folder = tmp_path / "models" / "staging" / source
        folder.mkdir(parents=True)
        (folder / f"_{source}__sources.yml").write_text(_sources_yaml(source, tables))
    (tmp_path / "models" / "staging" / "crm" / "_crm__models.yml").write_text("version: 2\n")  # not a sources file
    tables = raw_tables(tmp_path)
    assert [(t.source, t.name) for t in tables] == [("crm", "customers"), ("crm", "nps"), ("shop", "orders")]
    assert tables[0].columns == (RawColumn("customer_id", "varchar"), RawColumn("birth_date", "date"),
                                 RawColumn("_loaded_at", "timestamp"))
    assert arrow_schema(tables[2]) == pa.schema([("order_id", pa.string()), ("gross_amount", pa.decimal128(18, 2)),
                                                 ("_loaded_at", pa.timestamp("us"))])
    assert arrow_schema(tables[1]).types == [pa.int32(), pa.bool_(), pa.timestamp("us")]


def test_a_raw_column_without_a_known_data_type_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "models" / "staging" / "app"
    folder.mkdir(parents=True)
    (folder / "_app__sources.yml").write_text(_sources_yaml("app", {"events": [("event_id", None)]}))
    with pytest.raises(ValueError, match="events.event_id has no data_type"):
        raw_tables(tmp_path)
    assert arrow_type("DECIMAL(18, 2)") == pa.decimal128(18, 2)
    with pytest.raises(ValueError, match="'double' has no Arrow type"):
        arrow_type("double")
    with pytest.raises(ValueError, match="must end with column _loaded_at"):
        arrow_schema(RawTable("app", "events", (RawColumn("event_id", "varchar"),)))


@pytest.mark.parametrize("table", TABLE_NAMES)
def test_parquet_schema_matches_contract(demo_parquet: GenerationResult, table: str) -> None:
    schema = pq.read_schema(demo_parquet.files[table]).remove_metadata()
    assert schema.names == TABLES[table].names
    assert schema.equals(TABLES[table])


@pytest.mark.parametrize("table", TABLE_NAMES)
def test_csv_matches_contract(demo_dir: Path, table: str) -> None:
    path = demo_dir / f"raw_{table}.csv"
    text = path.read_bytes().decode("utf-8")
    assert "\r" not in text
    assert text.split("\n", 1)[0] == ",".join(TABLES[table].names)
    # exactly what Python's csv module writes with QUOTE_MINIMAL and \n line endings
    rows = list(csv.reader(io.StringIO(text, newline="")))
    out = io.StringIO(newline="")
    csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\n").writerows(rows)
    assert out.getvalue() == text
    # every value has the contract's text format
    patterns = {
        "timestamp[us]": r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}",
        "date32[day]": r"\d{4}-\d{2}-\d{2}",
        "decimal128(18, 2)": r"-?\d+\.\d{2}",
        "int32": r"-?\d+",
        "bool": r"true|false",
    }
    con = duckdb.connect()
    raw = raw_csv_text(path)
    for field in TABLES[table]:
        pattern = patterns.get(str(field.type))
        if pattern:
            bad = scalar(con, f"select count(*) from {raw} where not regexp_full_match(\"{field.name}\", '{pattern}')")
            assert bad == 0, f"{table}.{field.name} values do not match {pattern}"


@pytest.mark.parametrize("table", TABLE_NAMES)
def test_csv_and_parquet_hold_the_same_rows(demo: duckdb.DuckDBPyConnection, demo_parquet: GenerationResult, table: str) -> None:
    parquet_rows = pq.read_metadata(demo_parquet.files[table]).num_rows
    assert scalar(demo, f"select count(*) from {table}") == parquet_rows


# --- every dirty case is present in the demo -------------------------------------------------

DIRTY_CASES: dict[str, tuple[str, int]] = {
    "customer versions": (
        "select count(*) from (select customer_id from customers where customer_id is not null "
        "group by 1 having count(distinct updated_at) > 1)", 150),
    "exact duplicate customer rows": (
        "select count(*) - (select count(*) from (select distinct * from customers)) from customers", 3),
    "null customer_id": ("select count(*) from customers where customer_id is null", 3),
    "same email in other case/spaces under two ids": (
        "select count(*) from (select lower(replace(email, ' ', '')) from customers where email like '%@%' "
        "group by 1 having count(distinct customer_id) > 1 and count(distinct email) > 1)", 20),
    "both ids of a same-email pair have orders": (
        "select count(*) from (select lower(replace(c.email, ' ', '')) from customers c "
        "join (select distinct customer_id from orders) o using (customer_id) where c.email like '%@%' "
        "group by 1 having count(distinct c.customer_id) > 1)", 15),
    "same phone in another format under two ids, other or no email": (
        f"select count(*) from (select right({DIGITS}, 11) from customers where length({DIGITS}) >= 11 "
        "group by 1 having count(distinct customer_id) > 1 and count(distinct phone) > 1 "
        "and count(distinct coalesce(lower(replace(email, ' ', '')), '-')) > 1)", 10),
    "phone 13800138000": (r"select count(*) from customers where regexp_full_match(phone, '1\d{10}')", 1),
    "phone 138-0013-8000": (r"select count(*) from customers where regexp_full_match(phone, '1\d{2}-\d{4}-\d{4}')", 1),
    "phone 138 0013 8000": (r"select count(*) from customers where regexp_full_match(phone, '1\d{2} \d{4} \d{4}')", 1),
    "phone +86 138 0013 8000": (r"select count(*) from customers where regexp_full_match(phone, '\+86 1\d{2} \d{4} \d{4}')", 1),
    "phone +8613800138000": (r"select count(*) from customers where regexp_full_match(phone, '\+861\d{10}')", 1),
    "phone 0086-13800138000": (r"select count(*) from customers where regexp_full_match(phone, '0086-1\d{10}')", 1),
    "phone (+86) 13800138000": (r"select count(*) from customers where regexp_full_match(phone, '\(\+86\) 1\d{10}')", 1),
    "null phone": ("select count(*) from customers where phone is null", 3),
    "invalid phone": (f"select count(*) from customers where length({DIGITS}) < 11", 3),
    "email with odd case or spaces": ("select count(*) from customers where email <> lower(trim(email))", 5),
    "null email": ("select count(*) from customers where email is null", 3),
    "email without @": ("select count(*) from customers where email not like '%@%'", 3),
    "null gender": ("select count(*) from customers where gender is null", 2),
    "country cn": ("select count(*) from customers where country_code = 'cn'", 2),
    "country ' CN'": ("select count(*) from customers where country_code = ' CN'", 2),
    "country US": ("select count(*) from customers where country_code = 'US'", 1),
    "country SG": ("select count(*) from customers where country_code = 'SG'", 1),
    "test accounts": (
        "select count(distinct customer_id) from customers where is_test_account and email like 'test+%@example.com'", 5),
    "test accounts with orders": (
        "select count(distinct customer_id) from orders where customer_id in "
        "(select customer_id from customers where is_test_account)", 1),
    "null order_id": ("select count(*) from orders where order_id is null", 3),
    "orders of unknown customers": (
        "select count(*) from orders where customer_id not in (select customer_id from customers where customer_id is not null)", 2),
    "negative gross_amount": ("select count(*) from orders where gross_amount < 0", 3),
    "null gross_amount": ("select count(*) from orders where gross_amount is null", 3),
    "negative discount_amount": ("select count(*) from orders where discount_amount < 0", 1),
    "negative refunded_amount": ("select count(*) from orders where refunded_amount < 0", 1),
    "unknown statuses": ("select count(*) from orders where status in ('on_hold', '???', 'lost_in_transit')", 3),
    "respelled statuses": (
        f"select count(*) from orders where status not in {IN_CLEAN_STATUSES} "
        f"and (lower(trim(status)) in {IN_CLEAN_STATUSES} or status = 'canceled')", 6),
    "ordered_at in the future": ("select count(*) from orders where ordered_at > _loaded_at", 3),
    "currency cny": ("select count(*) from orders where currency = 'cny'", 1),
    "currency ' CNY'": ("select count(*) from orders where currency = ' CNY'", 1),
    "currency usd": ("select count(*) from orders where currency = 'usd'", 1),
    "unknown currency": ("select count(*) from orders where currency = 'XXX'", 1),
    "item quantity 0 or negative": ("select count(*) from order_items where quantity <= 0", 3),
    "item without unit_price": ("select count(*) from order_items where unit_price is null", 3),
    "item of a missing order": (
        "select count(*) from order_items where order_id not in (select order_id from orders where order_id is not null)", 3),
    "occurred_at in the future": ("select count(*) from events where occurred_at > _loaded_at", 3),
    "duplicated event_id": (
        "select count(*) from (select event_id from events group by 1 having count(*) > 1)", 6),
    "exact duplicate events": (
        "select count(*) - (select count(*) from (select distinct * from events)) from events", 1),
    "event re-loaded with another _loaded_at": (
        "select count(*) from (select event_id from events group by 1 having count(distinct _loaded_at) > 1)", 1),
    "nps score out of range": ("select count(*) from nps_responses where score > 10 or score < 0", 3),
    "null nps score": ("select count(*) from nps_responses where score is null", 3),
    "duplicated response_id": (
        "select count(*) from (select response_id from nps_responses group by 1 having count(*) > 1)", 3),
    "variant spelled differently": (
        "select count(*) from campaign_assignments where variant in ('Treatment', ' control', 'CONTROL')", 3),
    "invalid variant": ("select count(*) from campaign_assignments where variant = 'holdout_x'", 1),
    "duplicated assignment": (
        "select count(*) from (select campaign_id, customer_id from campaign_assignments group by all having count(*) > 1)", 3),
}


@pytest.mark.parametrize("case", DIRTY_CASES)
def test_dirty_case_is_present(demo: duckdb.DuckDBPyConnection, case: str) -> None:
    query, minimum = DIRTY_CASES[case]
    assert scalar(demo, query) >= minimum


@pytest.mark.parametrize("spelling", ["M", "male", "Male", "男", "F", "female", "Female", "女", "unknown", ""])
def test_gender_spellings(demo_parquet: GenerationResult, open_parquet: Callable[..., duckdb.DuckDBPyConnection], spelling: str) -> None:
    # the empty string is only distinguishable from null in Parquet (CSV writes both as an empty field)
    con = open_parquet(demo_parquet)
    assert scalar(con, f"select count(*) from customers where gender = '{spelling}'") >= 1


# --- realism --------------------------------------------------------------------------------

PERSONS = f"(select distinct customer_id from customers where customer_id <= 'C{DEMO_CUSTOMERS:08d}')"
REAL_ORDERS = "(select * from orders where ordered_at <= _loaded_at and order_id is not null)"


def test_most_orders_reference_existing_customers(demo: duckdb.DuckDBPyConnection) -> None:
    share = scalar(
        demo, "select avg((customer_id in (select customer_id from customers where customer_id is not null))::int) from orders"
    )
    assert 0.98 <= share < 1.0


def test_gross_is_the_sum_of_items_for_clean_orders(demo: duckdb.DuckDBPyConnection) -> None:
    matched, mismatched = demo.execute(
        """
        with items as (
            select order_id, sum(quantity * unit_price) as total, bool_and(quantity > 0 and unit_price is not null) as clean
            from order_items group by 1
        )
        select count(*) filter (where o.gross_amount = i.total), count(*) filter (where o.gross_amount <> i.total)
        from orders o join items i using (order_id)
        where i.clean and o.gross_amount >= 0
        """
    ).fetchone()
    assert mismatched == 0
    assert matched > 9_000


def test_data_spans_two_years(demo: duckdb.DuckDBPyConnection) -> None:
    first, last = demo.execute(f"select min(ordered_at), max(ordered_at) from {REAL_ORDERS}").fetchone()
    assert str(first) < "2024-07-15" and str(last) >= "2026-06-15"
    first, last = demo.execute("select min(signup_at), max(signup_at) from customers").fetchone()
    assert str(first) < "2024-07-15" and str(last) >= "2026-06-01"
    assert scalar(demo, "select max(occurred_at) from events where occurred_at <= _loaded_at") < scalar(
        demo, "select timestamp '2026-07-01'"
    )


def test_both_currencies_at_realistic_amounts(demo: duckdb.DuckDBPyConnection) -> None:
    rows = dict(demo.execute("select currency, count(*) from orders group by 1").fetchall())
    usd_share = rows["USD"] / sum(rows.values())
    assert rows["CNY"] > rows["USD"] > 0 and 0.05 < usd_share < 0.2
    ratio = scalar(
        demo,
        "select avg(gross_amount) filter (where currency = 'CNY') / avg(gross_amount) filter (where currency = 'USD') "
        "from orders where gross_amount > 0",
    )
    assert 5 < ratio < 9.5


def test_all_statuses_present(demo: duckdb.DuckDBPyConnection) -> None:
    present = {row[0] for row in demo.execute("select distinct status from orders").fetchall()}
    assert set(CLEAN_STATUSES) <= present


def test_order_outcomes(demo: duckdb.DuckDBPyConnection) -> None:
    final = f"(select * from {REAL_ORDERS} qualify row_number() over (partition by order_id order by updated_at desc) = 1)"
    cancelled, partial, full, discounted, bad_discount = demo.execute(
        f"""
        select avg((status = 'cancelled')::int),
               avg((refunded_amount > 0 and refunded_amount < gross_amount - discount_amount)::int),
               avg((status = 'refunded' and refunded_amount = gross_amount - discount_amount)::int),
               avg((discount_amount > 0)::int),
               count(*) filter (where discount_amount > 0 and gross_amount > 0
                                and discount_amount not between 0.05 * gross_amount - 0.01 and 0.30 * gross_amount + 0.01)
        from {final}
        """
    ).fetchone()
    assert 0.03 < cancelled < 0.07
    assert 0.02 < partial < 0.06
    assert 0.01 < full < 0.035
    assert 0.05 < discounted < 0.25
    assert bad_discount == 0


def test_order_versions(demo: duckdb.DuckDBPyConnection) -> None:
    share = scalar(
        demo, "select avg((n = 2)::int) from (select order_id, count(*) n from orders where order_id is not null group by 1)"
    )
    assert 0.07 < share < 0.13
    earlier = demo.execute(
        """
        select count(*), count(*) filter (where lower(trim(status)) = 'paid' and updated_at = ordered_at)
        from (select *, row_number() over (partition by order_id order by updated_at) v,
                     count(*) over (partition by order_id) n
              from orders where order_id is not null and ordered_at <= _loaded_at)
        where n = 2 and v = 1
        """
    ).fetchone()
    assert earlier[1] >= 0.95 * earlier[0]


def test_customer_lifecycles(demo: duckdb.DuckDBPyConnection) -> None:
    never, once = demo.execute(
        f"""
        select avg((o.n is null)::int), avg((o.n = 1)::int)
        from {PERSONS} p left join (select customer_id, count(distinct order_id) n from {REAL_ORDERS} group by 1) o using (customer_id)
        """
    ).fetchone()
    assert 0.08 < never < 0.25
    assert 0.1 < once < 0.5
    comeback = scalar(
        demo,
        f"""
        select count(distinct customer_id) / {DEMO_CUSTOMERS}
        from (select customer_id, ordered_at - lag(ordered_at) over (partition by customer_id order by ordered_at) gap
              from (select distinct order_id, customer_id, ordered_at from {REAL_ORDERS}))
        where gap > interval 200 days
        """,
    )
    assert 0.03 < comeback < 0.12


def test_referrals_point_at_earlier_customers(demo: duckdb.DuckDBPyConnection) -> None:
    share = scalar(
        demo,
        "select avg((referred_by_customer_id is not null)::int) from "
        "(select distinct customer_id, referred_by_customer_id from customers where customer_id is not null)",
    )
    assert 0.05 < share < 0.15
    bad = scalar(
        demo,
        """
        select count(*) from (select distinct customer_id, referred_by_customer_id, signup_at from customers) c
        left join (select distinct customer_id, signup_at from customers) r on r.customer_id = c.referred_by_customer_id
        where c.referred_by_customer_id is not null and (r.customer_id is null or r.signup_at >= c.signup_at)
        """,
    )
    assert bad == 0


def test_seasonality(demo: duckdb.DuckDBPyConnection) -> None:
    daily = f"(select cast(ordered_at + interval 8 hour as date) d, count(*) n from {REAL_ORDERS} group by 1)"
    median = scalar(demo, f"select median(n) from {daily} where d >= date '2025-01-01'")
    singles_day = scalar(demo, f"select n from {daily} where d = date '2025-11-11'")
    mid_year = scalar(demo, f"select n from {daily} where d = date '2026-06-18'")
    spring_festival = scalar(demo, f"select avg(n) from {daily} where d between date '2026-02-17' and date '2026-02-23'")
    assert singles_day > 3 * median and mid_year > 2 * median
    assert spring_festival < 0.75 * median


def test_purchases_follow_app_funnels(demo: duckdb.DuckDBPyConnection) -> None:
    share = scalar(
        demo,
        f"""
        select avg((exists (select 1 from events e where e.customer_id = o.customer_id and e.event_type = 'checkout'
                            and e.occurred_at between o.ordered_at - interval 1 hour and o.ordered_at))::int)
        from {REAL_ORDERS} o where sales_channel <> 'offline_store'
        """,
    )
    assert share > 0.9
    types = {row[0] for row in demo.execute("select distinct event_type from events").fetchall()}
    assert types == {"login", "page_view", "product_view", "add_to_cart", "checkout", "share", "review", "support_ticket"}
    abandoned = scalar(
        demo,
        "select count(distinct session_id) from events e where event_type = 'add_to_cart' and not exists "
        "(select 1 from events c where c.session_id = e.session_id and c.event_type = 'checkout')",
    )
    assert abandoned > 50


def test_anonymous_events(demo: duckdb.DuckDBPyConnection) -> None:
    share, without_device = demo.execute(
        "select avg((customer_id is null)::int), count(*) filter (where anonymous_id is null) from events"
    ).fetchone()
    assert 0.12 < share < 0.3
    assert without_device == 0


def test_nps_follows_propensity(demo: duckdb.DuckDBPyConnection) -> None:
    respondents = scalar(demo, f"select count(distinct customer_id) / {DEMO_CUSTOMERS} from nps_responses")
    assert 0.2 < respondents < 0.4
    frequent, rare = demo.execute(
        f"""
        with n as (select customer_id, count(distinct order_id) orders from {REAL_ORDERS} group by 1)
        select avg(score) filter (where orders >= 10), avg(score) filter (where orders <= 1)
        from nps_responses join n using (customer_id) where score between 0 and 10
        """
    ).fetchone()
    assert frequent > rare + 1


def test_campaigns(demo: duckdb.DuckDBPyConnection) -> None:
    rows = demo.execute("select target_segment, conversion_window_days from campaigns order by campaign_id").fetchall()
    assert {r[0] for r in rows} == {"new_customers", "at_risk", "champions", "hibernating", "potential_loyalists", "all"}
    assert all(7 <= r[1] <= 30 for r in rows)
    for campaign, treatment, control in demo.execute(
        "select campaign_id, count(*) filter (where variant = 'treatment'), count(*) filter (where variant = 'control') "
        "from campaign_assignments group by 1"
    ).fetchall():
        assert treatment > 5 and control > 5, campaign
        assert abs(treatment - control) <= 3 + 0.1 * (treatment + control), campaign


def test_loaded_at_follows_the_row(demo: duckdb.DuckDBPyConnection) -> None:
    for table, column in (("customers", "updated_at"), ("orders", "updated_at"), ("nps_responses", "responded_at"),
                          ("campaign_assignments", "assigned_at")):
        assert scalar(demo, f"select count(*) from {table} where {column} >= _loaded_at") == 0, table


# --- planted campaign effect and chunking (three real chunks) -------------------------------------

CONVERSION = """
    select campaign_id,
           avg(converted::int) filter (where variant = 'treatment') - avg(converted::int) filter (where variant = 'control')
    from (select distinct a.campaign_id, a.customer_id, a.variant,
                 exists (select 1 from orders o where o.customer_id = a.customer_id and o.ordered_at >= c.starts_at
                         and o.ordered_at < c.starts_at + to_days(c.conversion_window_days)) converted
          from campaign_assignments a join campaigns c using (campaign_id)
          where a.variant in ('treatment', 'control'))
    group by 1 order by 1
"""


def test_planted_campaign_effect(three_chunks: tuple[GenerationResult, duckdb.DuckDBPyConnection]) -> None:
    _, con = three_chunks
    uplift = dict(con.execute(CONVERSION).fetchall())
    assert uplift["CMP002"] > 0.04 and uplift["CMP004"] > 0.04  # at_risk and hibernating: +8 pp
    for campaign in ("CMP001", "CMP003", "CMP005", "CMP006"):
        assert abs(uplift[campaign]) < 0.04, campaign


def assert_unique_ids(con: duckdb.DuckDBPyConnection, customers: int) -> None:
    persons = scalar(con, f"select count(distinct customer_id) from customers where customer_id <= 'C{customers:08d}'")
    assert persons == customers
    assert scalar(con, f"select min(customer_id) from customers") == "C00000001"
    # second accounts are numbered after the persons, without gaps or clashes
    second = con.execute(
        f"select count(distinct customer_id), min(customer_id), max(customer_id) from customers where customer_id > 'C{customers:08d}'"
    ).fetchone()
    assert second[0] > 0 and int(second[2][1:]) - int(second[1][1:]) + 1 == second[0]
    checks = {
        "order versions": "select count(*) from (select order_id, updated_at from orders where order_id is not null group by all having count(*) > 1)",
        "order items": "select count(*) - count(distinct order_item_id) from order_items",
        "events": "select count(*) from (select event_id from events group by 1 having count(distinct (customer_id, event_type, occurred_at, session_id)) > 1)",
        "sessions": "select count(*) from (select session_id from events where customer_id is not null group by 1 having count(distinct customer_id) > 1)",
        "nps responses": "select count(*) from (select response_id from nps_responses group by 1 having count(distinct (customer_id, responded_at)) > 1)",
    }
    for name, query in checks.items():
        assert scalar(con, query) == 0, name
    # ids are unique across chunks: per-chunk numbering would repeat the first ids
    assert scalar(con, "select count(*) from orders where order_id = 'O0000000001'") <= 2
    assert scalar(con, "select count(*) from events where event_id = 'E000000000001'") <= 2


def test_three_chunks_have_unique_ids(three_chunks: tuple[GenerationResult, duckdb.DuckDBPyConnection]) -> None:
    result, con = three_chunks
    assert_unique_ids(con, 2 * CHUNK_CUSTOMERS + 1)
    # one row group per chunk
    assert pq.ParquetFile(result.files["orders"]).num_row_groups == 3


def test_small_chunks_have_unique_ids(tmp_path: Path, open_parquet: Callable[..., duckdb.DuckDBPyConnection]) -> None:
    result = generate(GeneratorConfig(customers=2100), tmp_path, fmt="parquet", chunk_customers=700)
    assert pq.ParquetFile(result.files["events"]).num_row_groups == 3
    assert_unique_ids(open_parquet(result), 2100)


# --- command line ------------------------------------------------------------------------------


def test_bench_generate_prints_a_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench-generate", "--customers", "300", "--out", str(tmp_path), "--no-progress"]) == 0
    report = capsys.readouterr().out
    for expected in ("wall time", "peak RSS", "MiB", "orders", "events", "total"):
        assert expected in report
    assert (tmp_path / "orders.parquet").exists()


def test_cli_rejects_a_bad_period(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["generate", "--customers", "10", "--out", str(tmp_path), "--start", "2026-01-01", "--end", "2025-01-01"])
    assert exc.value.code == 2


def test_python_m_entry_point() -> None:
    done = subprocess.run([sys.executable, "-m", "customer_segments", "--help"], capture_output=True, text=True, check=False)
    assert done.returncode == 0
    assert "generate" in done.stdout and "bench-generate" in done.stdout
