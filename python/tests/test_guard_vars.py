"""Guardrails on vars and on what the data makes of them (docs/validation.md): a var that makes no
sense, a reporting currency without rates, an as-of date outside the data or resolved from rows
dated after every load, an empty required raw table and a history spine longer than its limit each
stop the build with a message naming the var or table, the value and what is allowed; source
freshness is configured on _loaded_at.

The checks that need no database run when dbt parses the project (on-run-start hook
validate_vars): one `dbt parse` with many bad vars at once shows every message, each asserted by a
test of its own. The checks on built data run in their models: each case runs the few models
concerned on a copy of the tiny build, or builds a small variant of the tiny raw fixtures."""

from __future__ import annotations

import csv
import datetime
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import RAW_TINY
from customer_segments.dbt_runner import SKIP_DEMO_SEEDS, DbtProject, raw_vars, rows
from customer_segments.project import PROJECT_DIR

#: Bad vars checked without a database, two sets (one var cannot be wrong twice in one run); each
#: case: the vars set, the var's value, the exact line of the message.
STATIC_CASES: dict[str, tuple[int, str, Any, str]] = {
    "lookback_negative": (0, "fact_lookback_days", -3,
                          "var fact_lookback_days must be a whole number of days from 0 to 3650, got -3"),
    "lookback_text": (1, "fact_lookback_days", "abc",
                      "var fact_lookback_days must be a whole number of days from 0 to 3650, got 'abc'"),
    "as_of_not_a_date": (0, "as_of_date", "2025-13-45",
                         "var as_of_date must be null or a real date written YYYY-MM-DD, got '2025-13-45'"),
    "start_not_a_date": (1, "history_start_date", "2025-02-30",
                         "var history_start_date must be null or a real date written YYYY-MM-DD, got '2025-02-30'"),
    "birth_not_a_date": (0, "min_birth_date", "1900-02-29",
                         "var min_birth_date must be a real date written YYYY-MM-DD, got '1900-02-29'"),
    "extracted_at_not_a_timestamp": (
        0, "raw_extracted_at", "2024-04-31 10:00:00",
        "var raw_extracted_at must be null or a real UTC timestamp written YYYY-MM-DD HH:MM:SS, "
        "got '2024-04-31 10:00:00'"),
    "currency_malformed": (0, "reporting_currency", "dollars",
                           "var reporting_currency must be a three-letter ISO 4217 code such as CNY or USD, "
                           "got 'dollars'"),
    "timezone_malformed": (0, "reporting_timezone", "UTC+8; drop",
                           "var reporting_timezone must be an IANA time zone such as UTC or Asia/Shanghai, "
                           "got 'UTC+8; drop'"),
    "recent_days_fraction": (0, "data_test_recent_days", 1.5,
                             "var data_test_recent_days must be a whole number of days (0 or more) or null, "
                             "got 1.5"),
    "max_periods_zero": (0, "history_max_periods", 0,
                         "var history_max_periods must be a whole number from 1 to 100000, got 0"),
    "passes_too_many": (1, "identity_resolution_passes", 51,
                        "var identity_resolution_passes must be a whole number from 1 to 50, got 51"),
    "phone_length_text": (0, "phone_national_length", "11",
                          "var phone_national_length must be a whole number from 4 to 15, got '11'"),
    "raw_format_unknown": (0, "raw_format", "xlsx", "var raw_format must be 'parquet' or 'csv', got 'xlsx'"),
    "allow_outside_not_boolean": (0, "allow_as_of_date_outside_data", "yes",
                                  "var allow_as_of_date_outside_data must be true or false, got 'yes'"),
    "alias_to_unknown_status": (1, "order_status_aliases", {"canceled": "annulled"},
                                "var order_status_aliases maps 'canceled' to 'annulled', which is not in var "
                                "order_statuses"),
    "history_grain_unknown": (0, "history_grain", "day", "var history_grain must be 'month' or 'week', got 'day'"),
    "freshness_warn_after_error": (1, "source_freshness_warn_after_hours", 100,
                                   "var source_freshness_warn_after_hours (100) must be smaller than var "
                                   "source_freshness_error_after_hours (50)"),
    "earliest_valid_not_a_date": (1, "earliest_valid_date", "2010-02-30",
                                  "var earliest_valid_date must be null or a real date written YYYY-MM-DD, "
                                  "got '2010-02-30'"),
    "max_order_amount_negative": (0, "max_order_amount", -1,
                                  "var max_order_amount must be a number above 0 and at most 1000000000000, got -1"),
    "max_line_amount_text": (1, "max_line_amount", "1e6",
                             "var max_line_amount must be a number above 0 and at most 1000000000000, got '1e6'"),
    "restricted_roles_not_a_list": (0, "pii_restricted_roles", "pii_steward",
                                    "var pii_restricted_roles must be a list of role names (or []), got "
                                    "'pii_steward'"),
    "reader_role_with_quote": (1, "mart_reader_roles", ["bi'; drop"],
                               "var mart_reader_roles must be a list of role names (letters, digits, "
                               "underscores), got [\"bi'; drop\"]"),
    "rebuild_range_reversed": (1, "history_rebuild_from", "2025-03-01",
                               "var history_rebuild_from (2025-03-01) must not be after var history_rebuild_to "
                               "(2025-01-01)"),
}
#: vars a case needs beside its own
STATIC_COMPANIONS = {"freshness_warn_after_error": {"source_freshness_error_after_hours": 50},
                     "rebuild_range_reversed": {"history_rebuild_to": "2025-01-01"}}


@pytest.fixture(scope="module")
def parse_outputs(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[int, str]]:
    """`dbt parse` with each set of bad vars: its return code and output."""
    outputs = []
    for index in (0, 1):
        bad: dict[str, Any] = {}
        for name, (set_index, var_name, value, _) in STATIC_CASES.items():
            if set_index == index:
                bad[var_name] = value
                bad.update(STATIC_COMPANIONS.get(name, {}))
        project = DbtProject(tmp_path_factory.mktemp(f"bad_vars_{index}"), vars=bad)
        result = project.run("parse", "--no-partial-parse", check=False)
        outputs.append((result.returncode, result.stdout))
    return outputs


@pytest.mark.parametrize("case", sorted(STATIC_CASES))
def test_a_nonsensical_var_stops_every_command_naming_it(
        parse_outputs: list[tuple[int, str]], case: str) -> None:
    set_index, _, _, message = STATIC_CASES[case]
    returncode, output = parse_outputs[set_index]
    assert returncode != 0
    assert "Invalid vars:" in output
    assert f"  - {message}" in output


def test_unknown_time_zones_stop_the_build_against_the_engines_list(tmp_path: Path) -> None:
    """Well-formed names the engine does not know (DuckDB: pg_timezone_names()), checked when a
    command starts work (here run-operation, the hook's macro itself); the case hint names the
    spelling the engine knows."""
    project = DbtProject(tmp_path, vars={"reporting_timezone": "Mars/Olympus", "tag_clock_timezone": "asia/shanghai"})
    result = project.run("run-operation", "validate_vars", check=False)
    assert result.returncode != 0
    assert ("  - var reporting_timezone must be a time zone duckdb knows (an IANA name such as UTC or "
            "Asia/Shanghai), got 'Mars/Olympus'") in result.stdout
    assert ("  - var tag_clock_timezone must be a time zone duckdb knows (an IANA name such as UTC or "
            "Asia/Shanghai), got 'asia/shanghai' (did you mean 'Asia/Shanghai'?)") in result.stdout


# --- checks on built data: a copy of the tiny build ---------------------------------------------

@pytest.fixture
def tiny_copy(tiny_build: DbtProject, tmp_path: Path) -> DbtProject:
    """A project whose database starts as a copy of the tiny build (the tiny raw fixtures)."""
    shutil.copy(tiny_build.duckdb_path, tmp_path / tiny_build.duckdb_path.name)
    return DbtProject(tmp_path, vars=dict(tiny_build.vars))


def test_lower_case_reporting_currency_converts_as_upper_case(tiny_copy: DbtProject) -> None:
    """reporting_currency: usd is USD (the issue: it quarantined every order, 0 buyers, green)."""
    tiny_copy.run("run", "--select", "int_orders_attributed", "--full-refresh",
                  extra_vars={"reporting_currency": "usd"})
    got = rows(tiny_copy.duckdb_path, """
        select order_id, currency_code, exchange_rate, gross_amount_original, gross_amount
        from main_intermediate.int_orders_attributed where order_id in ('O1', 'O3') order by order_id
    """)
    # March / April 2024 rates of seeds/lookups/exchange_rates.csv; USD orders need no rate
    rates = {(row["currency_code"], row["quote_currency"], row["valid_from"]): row["rate"]
             for row in csv.DictReader((PROJECT_DIR / "seeds" / "lookups" / "exchange_rates.csv").open())}
    cny_usd_march = float(rates[("CNY", "USD", "2024-03-01")])
    assert [(r[0], r[1]) for r in got] == [("O1", "CNY"), ("O3", "USD")]
    assert float(got[0][2]) == cny_usd_march and float(got[0][4]) == round(100 * cny_usd_march, 2)
    assert float(got[1][2]) == 1 and float(got[1][4]) == 50.0


def test_reporting_currency_without_rates_stops_the_build(tiny_copy: DbtProject) -> None:
    result = tiny_copy.run("run", "--select", "int_orders_attributed", "--full-refresh",
                           extra_vars={"reporting_currency": "eur"}, check=False)
    assert result.returncode != 0
    assert ("var reporting_currency 'eur' has no rates in the exchange_rates seed "
            "(seeds/lookups/exchange_rates.csv), and orders in CNY would need one: allowed are its quote "
            "currencies CNY, USD (any case); add the rates into EUR or choose one of those.") in result.stdout


@pytest.mark.parametrize("as_of, consequence", [
    ("2030-01-01", "every customer would be churned"),
    ("2000-01-01", "the marts would be empty"),
])
def test_as_of_date_outside_the_data_stops_the_build(tiny_copy: DbtProject, as_of: str, consequence: str) -> None:
    result = tiny_copy.run("run", "--select", "int_as_of_date_resolved",
                           extra_vars={"as_of_date": as_of}, check=False)
    assert result.returncode != 0
    # tiny: first valid order or event 2024-03-01, newest _loaded_at of orders and events 2024-04-13
    assert (f"var as_of_date '{as_of}' lies outside the data, which runs from 2024-03-01 (the first valid "
            f"order or event) to 2024-04-13 (the newest load): {consequence}. Allowed: a date from 2024-03-01 "
            "to 2024-04-13, or set var allow_as_of_date_outside_data: true to build it anyway.") in result.stdout


def test_as_of_date_outside_the_data_builds_when_allowed(tiny_copy: DbtProject) -> None:
    tiny_copy.run("run", "--select", "int_as_of_date_resolved",
                  extra_vars={"as_of_date": "2030-01-01", "allow_as_of_date_outside_data": True})
    got = rows(tiny_copy.duckdb_path, "select as_of_date::varchar from main_intermediate.int_as_of_date_resolved")
    assert got == [("2030-01-01",)]


def test_history_spine_has_no_fixed_cap(tiny_copy: DbtProject) -> None:
    """Within var history_max_periods the spine is whole, however long (once capped at 1,000)."""
    tiny_copy.run("run", "--select", "int_as_of_dates_spined",
                  extra_vars={"history_grain": "week", "history_start_date": "2004-01-05",
                              "history_max_periods": 1100})
    got = rows(tiny_copy.duckdb_path, """
        select count(*), min(as_of_date)::varchar, max(as_of_date)::varchar
        from main_intermediate.int_as_of_dates_spined
    """)
    as_of = rows(tiny_copy.duckdb_path, "select as_of_date from main_intermediate.int_as_of_date_resolved")[0][0]
    weeks = (as_of - datetime.date(2004, 1, 5)).days // 7 + (1 if as_of.weekday() == 6 else 0)
    assert weeks > 1000
    assert got[0][0] == weeks and got[0][1] == "2004-01-11"


# --- checks on built data: small variants of the tiny raw fixtures -------------------------------

def raw_variant(folder: Path, changes: dict[str, list[dict[str, str]] | None]) -> Path:
    """The tiny raw fixtures copied to folder/raw, each table in changes rewritten: its rows
    replaced by the given ones (header kept), or emptied (None)."""
    raw = folder / "raw"
    shutil.copytree(RAW_TINY, raw)
    for table, new_rows in changes.items():
        path = raw / f"{table}.csv"
        with path.open(newline="", encoding="utf-8") as file:
            header = next(csv.reader(file))
        with path.open("w", newline="", encoding="utf-8") as file:
            writer = csv.DictWriter(file, fieldnames=header)
            writer.writeheader()
            writer.writerows(new_rows or [])
    return raw


def tiny_rows(table: str) -> list[dict[str, str]]:
    with (RAW_TINY / f"{table}.csv").open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def build_upstream_of(project: DbtProject, model: str) -> Any:
    """Build the model and everything it reads (no data tests: the case is about the model)."""
    return project.run("build", "--select", f"+{model}", "--exclude-resource-type", "test", "unit_test",
                       *SKIP_DEMO_SEEDS, check=False)


def test_empty_required_raw_table_stops_the_build(tmp_path: Path) -> None:
    """An empty orders file (the issue: a green build with every customer a prospect)."""
    raw = raw_variant(tmp_path, {"orders": None})
    project = DbtProject(tmp_path, vars=raw_vars(raw, "csv"))
    result = build_upstream_of(project, "int_as_of_date_resolved")
    assert result.returncode != 0
    assert (f"Required raw table is empty: shop.orders (file {raw}/orders.csv). The marts would be built "
            "without it (an empty orders table makes every customer a prospect); load its rows. Required: "
            "crm.customers, shop.orders, shop.order_items, shop.products; optional (may be empty): app.events, "
            "crm.nps_responses, marketing.campaigns, marketing.campaign_assignments.") in result.stdout


def test_as_of_date_resolved_after_the_newest_load_stops_the_build(tmp_path: Path) -> None:
    """An order dated 2099 without _loaded_at, in an orders table that has no _loaded_at at all
    (so no row of it can be judged against its table's newest load), would move the as-of date to
    2099 and churn almost everyone; the events' newest load (2024-03-03) says the data ends there,
    so the March and April orders are named too, newest first."""
    orders = [{**row, "_loaded_at": ""} for row in tiny_rows("orders")]
    assert [row["ordered_at"] for row in orders if row["order_id"] == "O8"] == ["2099-01-01 10:00:00"]
    raw = raw_variant(tmp_path, {"orders": orders})
    project = DbtProject(tmp_path, vars=raw_vars(raw, "csv"))
    result = build_upstream_of(project, "int_as_of_date_resolved")
    assert result.returncode != 0
    assert ("The as-of date resolved from the data, 2099-01-01, is after the newest load (2024-03-03, the newest "
            "_loaded_at of the orders and events): rows dated after every load would move it; newest first: "
            "order O8 (2099-01-01), order O11 (2024-04-08), order O10 (2024-04-07). Rows without _loaded_at are "
            "not judged as future: fix or remove them (or give them a _loaded_at), or set var as_of_date."
            ) in result.stdout


def test_history_spine_longer_than_the_limit_stops_the_build(tmp_path: Path) -> None:
    """One order dated 2014 (a typo for 2024) with history_grain week: once the history silently
    ended at 1,000 periods; now the build stops naming the order. The limit is lowered so the case
    stays small: the week of 2014-04-05 to the tiny as-of date 2024-04-08 is 523 whole weeks."""
    typo = {**tiny_rows("orders")[0], "order_id": "O16", "ordered_at": "2014-04-05 10:00:00",
            "updated_at": "2014-04-05 10:00:00", "_loaded_at": "2024-04-06 02:00:00"}
    raw = raw_variant(tmp_path, {"orders": [*tiny_rows("orders"), typo]})
    project = DbtProject(tmp_path, vars={**raw_vars(raw, "csv"), "history_grain": "week",
                                         "history_max_periods": 500})
    result = build_upstream_of(project, "int_as_of_dates_spined")
    assert result.returncode != 0
    assert ("The history spine would have 523 week periods, more than var history_max_periods (500): it runs "
            "from 2014-04-05, the first purchase (order O16), to the as-of date 2024-04-08. If that date is a "
            "typo, fix or remove the row; otherwise set var history_start_date to a later date or raise var "
            "history_max_periods.") in result.stdout


# --- source freshness on the demo seeds --------------------------------------------------------

def freshness(project: DbtProject, **thresholds: int) -> dict[str, tuple[str, str]]:
    project.run("source", "freshness", extra_vars=thresholds or None, check=False)
    results = json.loads((project.workdir / "target" / "sources.json").read_text())["results"]
    return {r["unique_id"].split(".", 2)[2]: (r["status"], r["max_loaded_at"]) for r in results}


def test_source_freshness_reads_loaded_at_and_reports_the_demo_stale(demo_build_copy: DbtProject) -> None:
    """Configured on _loaded_at of the daily tables (customers, orders, order_items) with the
    production thresholds (36 h warn, 72 h error): the demo was loaded up to 2026-07-01 02:00, so it
    is stale by the wall clock, as it should be; thresholds that cover its age pass."""
    newest = "2026-07-01T02:00:00+00:00"
    tables = ["crm.customers", "shop.order_items", "shop.orders"]
    assert freshness(demo_build_copy) == {table: ("error", newest) for table in tables}
    assert freshness(demo_build_copy, source_freshness_warn_after_hours=87000,
                     source_freshness_error_after_hours=87600) == {table: ("pass", newest) for table in tables}
