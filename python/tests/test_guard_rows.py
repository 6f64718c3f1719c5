"""Guardrails on raw rows (issue 38): plausibility rules and distinct reasons in the staging base
models. One small build on the tiny raw fixtures plus one bad row (or pair) per case, written as
CSV; each test asserts the exact outcome of its case - the quarantine reason with
raw_row_reconciliation still balanced, the flag and its count, or the warning."""

from __future__ import annotations

import datetime
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import RAW_TINY
from customer_segments.dbt_runner import SKIP_DEMO_SEEDS, DbtProject, raw_vars, rows

# one shared build: every test of the module in one pytest-xdist worker, started early
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("guard_rows")]

#: the bad raw rows appended to the tiny fixtures, per raw table (CSV lines in the file's columns)
BAD_ROWS = {
    "orders": [
        # a typo: 2005 for 2025 (before var earliest_valid_date, 2010-01-01 by default)
        "O20,C1,2005-04-10 10:00:00,paid,CNY,10.00,0.00,0.00,web,2005-04-10 10:00:00,2024-04-11 02:00:00",
        # 100,000,000 in the reporting currency overflowed a DECIMAL product in int_orders_attributed;
        # 99,999,999.99 went through and made a champion (var max_order_amount: 1,000,000)
        "O21,C1,2024-04-10 10:00:00,paid,CNY,100000000.00,0.00,0.00,web,2024-04-10 10:00:00,2024-04-11 02:00:00",
        "O27,C6,2024-04-10 10:00:00,paid,CNY,99999999.99,0.00,0.00,web,2024-04-10 10:00:00,2024-04-11 02:00:00",
        # in 2099 without _loaded_at: judged against the newest _loaded_at of the table
        "O22,C1,2099-01-01 10:00:00,paid,CNY,10.00,0.00,0.00,web,2099-01-01 10:00:00,",
        # a text amount: invalid_number, not missing
        "O23,C1,2024-04-10 10:00:00,paid,CNY,abc,0.00,0.00,web,2024-04-10 10:00:00,2024-04-11 02:00:00",
        # two versions with the same updated_at and other content: a conflict
        "O24,C4,2024-04-10 10:00:00,paid,CNY,40.00,0.00,0.00,web,2024-04-10 12:00:00,2024-04-11 02:00:00",
        "O24,C4,2024-04-10 10:00:00,paid,CNY,45.00,0.00,0.00,web,2024-04-10 12:00:00,2024-04-11 03:00:00",
        # a text timestamp with a UTC offset: 02:00 UTC
        "O25,C4,2024-04-10T10:00+08:00,paid,CNY,20.00,0.00,0.00,web,2024-04-10T10:00+08:00,2024-04-11 02:00:00",
        # a timestamp that does not parse: invalid_timestamp, not missing
        "O26,C4,yesterday,paid,CNY,20.00,0.00,0.00,web,2024-04-10 10:00:00,2024-04-11 02:00:00",
    ],
    "order_items": [
        # a category the tag catalogue does not know yet, bought by C2 (its top category)
        "OI20,O11,P3,3,20.00,2024-04-13 02:00:00",
        # a line of 100,000,000 (var max_line_amount: 1,000,000)
        "OI21,O10,P1,1,100000000.00,2024-04-13 02:00:00",
    ],
    "products": ["P3,Rake,Garden Tools,BrandC,2024-01-01 02:00:00"],
}


def write_bad_raw(folder: Path) -> Path:
    """The tiny raw fixtures with BAD_ROWS appended, as CSV files in ``folder``."""
    folder.mkdir(parents=True)
    for csv in RAW_TINY.glob("*.csv"):
        shutil.copy(csv, folder / csv.name)
    for table, lines in BAD_ROWS.items():
        with open(folder / f"{table}.csv", "a", encoding="utf-8") as handle:
            handle.write("".join(line + "\n" for line in lines))
    return folder


@pytest.fixture(scope="module")
def bad_build(tmp_path_factory: pytest.TempPathFactory) -> DbtProject:
    """The whole project (every model, data and unit test) built on the bad raw rows: it must
    pass (a warning allowed), so every case below is also a case of "the build goes on"."""
    workdir = tmp_path_factory.mktemp("guard_rows")
    raw = write_bad_raw(workdir / "raw")
    project = DbtProject(workdir, vars=raw_vars(raw, "csv"))
    project.run("build", *SKIP_DEMO_SEEDS)
    return project


def reason_of(project: DbtProject, source_table: str, record_id: str) -> list[str]:
    """The reject reasons of a record in the rejected_rows mart."""
    return [r[0] for r in rows(project.duckdb_path, f"""
        select reject_reason from main_marts.rejected_rows
        where source_table = '{source_table}' and record_id = '{record_id}'
    """)]


def reconciliation(project: DbtProject, source_table: str) -> tuple[int, int, int, int, int, bool]:
    """raw, clean, rejected, superseded rows, conflicting keys and is_reconciled of a raw table,
    after checking that every raw table balances."""
    got = {r[0]: r[1:] for r in rows(project.duckdb_path, """
        select source_table, raw_rows, clean_rows, rejected_rows, superseded_rows, conflicting_keys,
            is_reconciled
        from main_marts.raw_row_reconciliation
    """)}
    assert all(row[-1] for row in got.values()), got
    for raw_rows, clean_rows, rejected_rows, superseded_rows, _, _ in got.values():
        assert raw_rows == clean_rows + rejected_rows + superseded_rows
    return got[source_table]


#: shop.orders: the 16 tiny rows (7 clean, 8 rejected, 1 superseded) plus the 9 bad ones: O24 and
#: O25 clean (the other O24 superseded), the other 6 rejected; one key kept over a conflict (O24)
ORDERS_RECONCILED = (25, 9, 14, 2, 1, True)


def test_order_before_earliest_valid_date(bad_build: DbtProject) -> None:
    assert reason_of(bad_build, "shop.orders", "O20") == ["before_earliest_valid_date"]
    assert reconciliation(bad_build, "shop.orders") == ORDERS_RECONCILED
    # the history starts with the real first purchase, not in 2005
    first = rows(bad_build.duckdb_path, "select min(order_date) from main_intermediate.int_orders_attributed")
    assert first == [(datetime.date(2024, 3, 1),)]


def test_order_amounts_above_the_maximum(bad_build: DbtProject) -> None:
    # quarantined in staging, so the build went on (it stopped on a DECIMAL overflow)
    assert reason_of(bad_build, "shop.orders", "O21") == ["amount_above_maximum"]
    assert reason_of(bad_build, "shop.orders", "O27") == ["amount_above_maximum"]
    assert reconciliation(bad_build, "shop.orders") == ORDERS_RECONCILED
    assert rows(bad_build.duckdb_path, """
        select count(*) from main_intermediate.int_orders_attributed where order_id in ('O21', 'O27')
    """) == [(0,)]


def test_order_line_above_the_maximum(bad_build: DbtProject) -> None:
    assert reason_of(bad_build, "shop.order_items", "OI21") == ["amount_above_maximum"]
    # the 8 tiny lines (4 clean, 3 rejected, 1 superseded), OI20 clean, OI21 rejected
    assert reconciliation(bad_build, "shop.order_items") == (10, 5, 4, 1, 0, True)


def test_a_larger_maximum_converts_without_overflow(bad_build: DbtProject, tmp_path: Path) -> None:
    """With var max_order_amount raised, the order of 100,000,000 reaches the currency conversion,
    which no longer overflows (the amount is widened before the multiplication)."""
    shutil.copy(bad_build.duckdb_path, tmp_path / bad_build.duckdb_path.name)
    project = DbtProject(tmp_path, vars=bad_build.vars)
    project.run("run", "--full-refresh", "--select", "base_shop__orders", "stg_shop__orders",
                "int_orders_attributed", extra_vars={"max_order_amount": 1_000_000_000})
    got = rows(project.duckdb_path, """
        select order_id, gross_amount, net_amount from main_intermediate.int_orders_attributed
        where order_id in ('O21', 'O27') order by order_id
    """)
    assert got == [("O21", Decimal("100000000.00"), Decimal("100000000.00")),
                   ("O27", Decimal("99999999.99"), Decimal("99999999.99"))]


def test_future_order_without_loaded_at(bad_build: DbtProject) -> None:
    assert reason_of(bad_build, "shop.orders", "O22") == ["future_timestamp"]
    assert reconciliation(bad_build, "shop.orders") == ORDERS_RECONCILED
    # the as-of date stays the latest real order date, not 2099
    assert rows(bad_build.duckdb_path, "select as_of_date from main_intermediate.int_as_of_date_resolved") \
        == [(datetime.date(2024, 4, 10),)]


def test_text_amount_is_invalid_number_not_missing(bad_build: DbtProject) -> None:
    assert reason_of(bad_build, "shop.orders", "O23") == ["invalid_number"]
    # an empty amount is still missing
    assert reason_of(bad_build, "shop.orders", "O6") == ["missing_gross_amount"]
    assert reconciliation(bad_build, "shop.orders") == ORDERS_RECONCILED


def test_unparsed_timestamp_is_invalid_timestamp_not_missing(bad_build: DbtProject) -> None:
    assert reason_of(bad_build, "shop.orders", "O26") == ["invalid_timestamp"]
    assert reconciliation(bad_build, "shop.orders") == ORDERS_RECONCILED


def test_conflicting_versions_are_flagged_and_counted(bad_build: DbtProject) -> None:
    got = rows(bad_build.duckdb_path, """
        select gross_amount, row_status, has_version_conflict from main_staging.base_shop__orders
        where order_id = 'O24' order by row_status
    """)
    # the same updated_at, other content: the hash decides, and both versions say so
    assert got == [(Decimal("40.00"), "clean", True), (Decimal("45.00"), "superseded", True)]
    # O1's two versions have different updated_at: no conflict
    assert rows(bad_build.duckdb_path, """
        select count(*) from main_staging.base_shop__orders where has_version_conflict and order_id <> 'O24'
    """) == [(0,)]
    assert reconciliation(bad_build, "shop.orders") == ORDERS_RECONCILED  # conflicting_keys 1


def test_offset_timestamp_is_converted_to_utc(bad_build: DbtProject) -> None:
    got = rows(bad_build.duckdb_path, """
        select ordered_at, updated_at from main_staging.stg_shop__orders where order_id = 'O25'
    """)
    assert got == [(datetime.datetime(2024, 4, 10, 2, 0), datetime.datetime(2024, 4, 10, 2, 0))]


def test_unknown_category_builds_the_tag_and_warns(bad_build: DbtProject) -> None:
    results = {r["unique_id"].split(".")[-1]: r for r in bad_build.run_results()["results"]}
    assert not [name for name, r in results.items() if r["status"] in ("error", "fail", "skipped")]
    warning = results["assert_tag_codes_are_catalogued"]
    assert warning["status"] == "warn" and warning["failures"] == 1
    assert results["assert_tag_catalog_matches_rules"]["status"] == "pass"
    # the warning names the tag and what to add
    log = (bad_build.workdir / "logs" / "dbt.log").read_text(encoding="utf-8")
    assert ("Tag catalogue: rule top_category emitted tag_code top_category_garden_tools for a value new "
            "to tag_catalog") in log
    # the tag is built; the marts leave it out until its catalogue row is added
    assert rows(bad_build.duckdb_path, """
        select customer_key from main_intermediate.int_customer_tags_unioned
        where tag_code = 'top_category_garden_tools'
    """) == [("C2",)]
    assert rows(bad_build.duckdb_path, """
        select count(*) from main_marts.customer_tags where tag_code = 'top_category_garden_tools'
    """) == [(0,)]
