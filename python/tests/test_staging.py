"""The staging layer on tiny hand-written raw fixtures: exactly which raw rows are kept,
merged, superseded and rejected, and why (python/tests/fixtures/raw_tiny holds one row per
dirty case)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from conftest import RAW_TINY, raw_csv_text
from customer_segments.dbt_runner import SKIP_DEMO_SEEDS, DbtProject, raw_vars, rows, sql_path


@pytest.fixture(scope="module")
def tiny(tiny_build: DbtProject) -> Path:
    """The DuckDB file of the whole project built on the tiny raw fixtures (conftest)."""
    return tiny_build.duckdb_path


def test_customer_versions_and_rejects(tiny: Path) -> None:
    got = Counter(rows(tiny, """
        select customer_id, row_status, reject_reason, city, member_level
        from main_staging.base_crm__customers
    """))
    assert got == Counter([
        # three versions of C1: the newest wins, the older and the exact duplicate are superseded
        ("C1", "clean", None, "Beijing", "gold"),
        ("C1", "superseded", None, "Beijing", "gold"),
        ("C1", "superseded", None, "Shanghai", "regular"),
        ("C2", "clean", None, "Guangzhou", "silver"),
        ("C3", "clean", None, "Guangzhou", "regular"),
        ("C4", "clean", None, "Hangzhou", "regular"),
        ("C5", "clean", None, "Hangzhou", "regular"),
        ("C6", "clean", None, "Chengdu", "regular"),
        ("C7", "clean", None, "Shanghai", "regular"),
        ("C9", "clean", None, "Xi'an", "platinum"),
        ("C10", "clean", None, "Guangzhou", "regular"),
        (None, "rejected", "missing_customer_id", "Wuhan", "regular"),
        ("C8", "rejected", "future_timestamp", "Wuhan", "regular"),
    ])


def test_customer_normalisation(tiny: Path) -> None:
    got = {r[0]: r[1:] for r in rows(tiny, """
        select customer_id, email_normalized, phone_normalized, gender, birth_date, country_code
        from main_staging.stg_crm__customers
    """)}
    assert got["C2"] == ("bob.lee@example.com", "13800000002", "male", _date("1985-02-03"), "CN")
    assert got["C3"] == ("bob.lee@example.com", None, "male", None, "CN")
    assert got["C4"] == ("carol@example.com", "13800000004", "female", _date("1992-07-08"), "CN")
    # 0086- prefix, no email, gender 'unknown'
    assert got["C5"] == (None, "13800000004", "unknown", None, "CN")
    # invalid email becomes null; (+86) prefix; 'Female'; ' CN ' trimmed
    assert got["C6"] == (None, "13800000006", "female", _date("2001-12-31"), "CN")
    # invalid phone '12345' and a birth date in the future become null; ' cn' upper-cased
    assert got["C9"] == ("dave@example.com", None, "unknown", None, "CN")


def test_identity_merge(tiny: Path) -> None:
    got = set(rows(tiny, """
        select source_customer_id, customer_key, match_rule, is_converged
        from main_intermediate.int_customer_ids_mapped
    """))
    assert got == {
        ("C1", "C1", "survivor", True),
        # C3 shares C2's email up to case and spaces; C10 shares C2's phone: one person, the
        # first signup (C2) survives
        ("C2", "C2", "survivor", True),
        ("C3", "C2", "email", True),
        ("C10", "C2", "phone", True),
        # C5 has C4's phone in another format
        ("C4", "C4", "survivor", True),
        ("C5", "C4", "phone", True),
        ("C6", "C6", "survivor", True),
        # a test account is never merged, although it shares C1's phone
        ("C7", "C7", "survivor", True),
        ("C9", "C9", "survivor", True),
    }
    merged = {r[0]: r[1:] for r in rows(tiny, """
        select customer_key, source_record_count, signup_at::varchar, acquisition_channel,
               referred_by_customer_key, has_unknown_referrer, is_marketing_opt_in
        from main_intermediate.int_customers_merged
    """)}
    assert merged["C2"] == (3, "2024-02-01 10:00:00", "paid_search", None, False, True)
    # C5 (merged into C4) is the newest record and withdrew consent; C4's referral by C1 stands
    assert merged["C4"] == (2, "2024-01-20 12:00:00", "referral", "C1", False, False)
    assert merged["C9"][3:5] == (None, True)  # referred by an unknown id
    assert merged["C1"][-1] is False  # the newest version of C1 opted out


def test_orders(tiny: Path) -> None:
    got = Counter(rows(tiny, """
        select order_id, row_status, reject_reason, order_status from main_staging.base_shop__orders
    """))
    assert got == Counter([
        ("O1", "clean", None, "completed"),
        ("O1", "superseded", None, "paid"),
        ("O2", "clean", None, "paid"),
        ("O3", "clean", None, "cancelled"),
        ("O4", "clean", None, "paid"),
        ("O5", "rejected", "negative_gross_amount", "paid"),
        ("O6", "rejected", "missing_gross_amount", "paid"),
        ("O7", "rejected", "unknown_status", None),
        ("O8", "rejected", "future_timestamp", "paid"),
        (None, "rejected", "missing_order_id", "paid"),
        ("O10", "clean", None, "refunded"),
        ("O11", "clean", None, "shipped"),
        ("O12", "clean", None, "paid"),
        ("O13", "clean", None, "paid"),
        ("O14", "clean", None, "paid"),
        ("O15", "rejected", "negative_adjustment", "paid"),
    ])
    attributed = {r[0]: r[1:] for r in rows(tiny, """
        select order_id, customer_key, currency_code, net_amount, order_date::varchar
        from main_intermediate.int_orders_attributed
    """)}
    assert set(attributed) == {"O1", "O2", "O3", "O10", "O11", "O12", "O13"}
    assert attributed["O2"] == ("C2", "CNY", Decimal("180.00"), "2024-03-02")  # C3 -> C2
    assert attributed["O3"][:2] == ("C4", "USD")
    # USD converted with the April 2024 USD->CNY rate of the exchange_rates seed
    rate = rows(tiny, """
        select rate from main_lookups.exchange_rates
        where currency_code = 'USD' and quote_currency = 'CNY' and valid_from = date '2024-04-01'
    """)[0][0]
    assert attributed["O3"][2] == (Decimal("50.00") * rate).quantize(Decimal("0.01"))
    assert attributed["O10"][2] == Decimal("0.00")  # full refund
    assert attributed["O11"][2] == Decimal("60.00")  # 100 - 10 discount - 30 partial refund
    assert attributed["O13"][3] == "2024-03-31"  # 23:30 UTC is still March 31 in UTC


def test_quarantine_lists_every_reject_with_its_reason(tiny: Path) -> None:
    got = Counter(rows(tiny, """
        select source_table, record_id, reject_reason, rejected_in from main_marts.rejected_rows
    """))
    assert got == Counter([
        ("crm.customers", None, "missing_customer_id", "staging"),
        ("crm.customers", "C8", "future_timestamp", "staging"),
        ("crm.nps_responses", "N3", "score_out_of_range", "staging"),
        ("crm.nps_responses", "N4", "missing_score", "staging"),
        ("crm.nps_responses", "N5", "unknown_customer", "attribution"),
        ("shop.orders", None, "missing_order_id", "staging"),
        ("shop.orders", "O5", "negative_gross_amount", "staging"),
        ("shop.orders", "O6", "missing_gross_amount", "staging"),
        ("shop.orders", "O7", "unknown_status", "staging"),
        ("shop.orders", "O8", "future_timestamp", "staging"),
        ("shop.orders", "O15", "negative_adjustment", "staging"),
        ("shop.orders", "O4", "unknown_customer", "attribution"),
        ("shop.orders", "O14", "missing_exchange_rate", "attribution"),
        ("shop.order_items", "OI4", "invalid_quantity", "staging"),
        ("shop.order_items", "OI5", "invalid_unit_price", "staging"),
        ("shop.order_items", "OI6", "unknown_order", "attribution"),
        ("shop.products", None, "missing_product_id", "staging"),
        ("app.events", None, "missing_event_id", "staging"),
        ("app.events", "E4", "future_timestamp", "staging"),
        ("app.events", "E7", "missing_actor", "staging"),
        ("app.events", "E6", "unknown_customer", "attribution"),
        ("marketing.campaigns", "CMP2", "ends_before_start", "staging"),
        ("marketing.campaign_assignments", "CMP1/C4", "unknown_variant", "staging"),
        ("marketing.campaign_assignments", "CMP2/C4", "unknown_campaign", "attribution"),
        ("marketing.campaign_assignments", "CMP1/C99", "unknown_customer", "attribution"),
        ("marketing.campaign_assignments", "CMP1/C3", "duplicate_assignment_after_merge",
         "attribution"),
    ])


def test_every_raw_row_is_accounted_for(tiny: Path) -> None:
    got = {r[0]: r[1:] for r in rows(tiny, """
        select source_table, raw_rows, clean_rows, rejected_rows, superseded_rows, is_reconciled
        from main_marts.raw_row_reconciliation
    """)}
    assert got == {
        "crm.customers": (13, 9, 2, 2, True),
        "crm.nps_responses": (6, 2, 3, 1, True),
        "shop.orders": (16, 7, 8, 1, True),
        "shop.order_items": (8, 4, 3, 1, True),
        "shop.products": (4, 2, 1, 1, True),
        "app.events": (8, 3, 4, 1, True),
        "marketing.campaigns": (2, 1, 1, 0, True),
        "marketing.campaign_assignments": (7, 2, 4, 1, True),
    }


def test_reporting_timezone_moves_late_orders_to_the_next_day(tmp_path: Path) -> None:
    project = DbtProject(tmp_path, vars={**raw_vars(RAW_TINY, "csv"), "reporting_timezone": "Asia/Shanghai"})
    project.run("build", "--select", "+int_orders_attributed", "--indirect-selection", "cautious",
                *SKIP_DEMO_SEEDS)
    got = rows(project.duckdb_path, """
        select order_date::varchar, ordered_at_local::varchar
        from main_intermediate.int_orders_attributed where order_id = 'O13'
    """)
    assert got == [("2024-04-01", "2024-04-01 07:30:00")]


@pytest.mark.slow
def test_empty_optional_tables_from_parquet_build(tmp_path: Path) -> None:
    """Events, NPS and campaigns may be empty; raw data may be Parquet."""
    raw = tmp_path / "raw"
    raw.mkdir()
    con = duckdb.connect()
    for csv in RAW_TINY.glob("*.csv"):
        empty = csv.stem in {"events", "nps_responses", "campaigns", "campaign_assignments"}
        con.execute(
            f"copy (select * from {raw_csv_text(csv)} {'limit 0' if empty else ''})"
            f" to {sql_path(raw / (csv.stem + '.parquet'))} (format parquet)"
        )
    con.close()
    project = DbtProject(tmp_path, vars=raw_vars(raw))
    project.run("build", *SKIP_DEMO_SEEDS)
    got = {r[0]: r[1:] for r in rows(project.duckdb_path, """
        select source_table, raw_rows, clean_rows, is_reconciled from main_marts.raw_row_reconciliation
    """)}
    for table in ["app.events", "crm.nps_responses", "marketing.campaigns",
                  "marketing.campaign_assignments"]:
        assert got[table] == (0, 0, True)
    assert got["shop.orders"] == (16, 7, True)


def _date(text: str) -> Any:
    import datetime

    return datetime.date.fromisoformat(text)
