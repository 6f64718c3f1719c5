"""The dashboard (python/customer_segments/dashboard): its queries against the marts, and the app
itself in a real browser - Debian's Chromium driven by Playwright (``make browser`` installs it) -
served by one Streamlit server for the module over the published marts of the demo build. Each
page must show its heading, its Plotly charts drawn, and numbers equal to SQL on the marts; a
full-page screenshot of each lands in target/dashboard-screenshots/.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from customer_segments.dashboard.data import SEGMENTATIONS, Marts
from customer_segments.dashboard.serve import EXIT_NO_BUILD, prepare, streamlit_command
from customer_segments.project import PROJECT_DIR
from customer_segments.publish import BUILD_DUCKDB_ENV, PUBLISHED_DUCKDB_ENV, publish

SCREENSHOTS = PROJECT_DIR / "target" / "dashboard-screenshots"
#: how long a page may take to draw (the machine is shared: generous, but a stuck page fails)
PAGE_TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def published(demo_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo build's marts, published as make build publishes them."""
    return publish(demo_build, tmp_path_factory.mktemp("dashboard") / "customer_segments_marts.duckdb").path


@pytest.fixture(scope="module")
def sql(published: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(published), read_only=True)
    con.execute("use main_marts")
    yield con
    con.close()


@pytest.fixture(scope="module")
def marts(published: Path) -> Marts:
    return Marts(published)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server(published: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One Streamlit server for the module, on a free port, over the published demo marts."""
    port = _free_port()
    log = tmp_path_factory.mktemp("streamlit") / "streamlit.log"
    with open(log, "w") as output:
        process = subprocess.Popen(streamlit_command(port), stdout=output, stderr=subprocess.STDOUT,
                                   env={**os.environ, PUBLISHED_DUCKDB_ENV: str(published)})
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, f"streamlit stopped: {log.read_text()}"
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.read() == b"ok":
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"streamlit did not answer in 90 s: {log.read_text()}"
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def browser_page(server: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    assert chromium is not None, "Debian's chromium is not installed: run `make browser`"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        yield page
        browser.close()


def _open(page: Any, url: str, heading: str, charts: int = 1, tables: int = 1) -> None:
    """Open ``url``, wait for the heading, ``charts`` Plotly charts drawn (their svg), ``tables``
    tables and the app idle; no exception shown."""
    page.goto(url)
    _wait_drawn(page, heading, charts, tables)


def _wait_drawn(page: Any, heading: str, charts: int, tables: int) -> None:
    page.locator("h1", has_text=heading).wait_for()
    page.wait_for_function(
        "n => document.querySelectorAll('[data-testid=stTable] table').length >= n", arg=tables)
    page.wait_for_function(
        "n => document.querySelectorAll('.js-plotly-plot .main-svg').length >= n", arg=charts)
    # the script has run to its end (Streamlit's own end-to-end tests wait on this attribute)
    page.locator("[data-testid=stApp][data-test-script-state=notRunning]").wait_for()
    assert page.locator("[data-testid=stException]").count() == 0, \
        page.locator("[data-testid=stException]").first.inner_text()
    assert page.locator("h1").first.inner_text().strip() == heading


def _screenshot(page: Any, name: str) -> Path:
    """A full-page screenshot: Streamlit scrolls inside its main area, so the viewport is made as
    tall as that area's content first."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = page.evaluate("() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], "
                           "[data-testid=stMainBlockContainer]')].map(e => e.scrollHeight), 900)")
    page.set_viewport_size({"width": 1400, "height": int(height) + 100})
    page.wait_for_timeout(500)  # plotly redraws at the new width
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 900})
    assert path.stat().st_size > 10_000
    return path


def _tables(page: Any) -> list[list[list[str]]]:
    """Every st.table of the page: rows of cell texts (row heading first), header row first."""
    return page.evaluate("""() => [...document.querySelectorAll('[data-testid=stTable] table')].map(table =>
        [...table.querySelectorAll('tr')].map(row => [...row.querySelectorAll('th, td')].map(
            cell => cell.innerText.trim())))""")


def _metric(page: Any, label: str) -> str:
    metric = page.locator("[data-testid=stMetric]").filter(
        has=page.locator("[data-testid=stMetricLabel]").get_by_text(label, exact=True))
    return str(metric.locator("[data-testid=stMetricValue]").inner_text()).strip()


# ---- the queries ----

def test_localized_falls_back_to_the_code_only_where_the_name_column_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "marts.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create schema main_marts")
    con.execute("create table main_marts.t (code varchar, code_name_en varchar, recommended_action varchar)")
    con.close()
    marts = Marts(path)
    assert marts.localized("t", "code", "en") == "code_name_en"
    assert marts.localized("t", "code", "zh") == "code"
    assert marts.localized("t", "recommended_action", "en", qualifier="x.") == "x.recommended_action"
    assert marts.localized("t", "recommended_action", "zh") == "recommended_action"
    assert marts.localized("t", "tag_code", "en", stem="code") == "code_name_en"


def test_migrations_between_consecutive_dates_are_segment_migrations(
        marts: Marts, sql: duckdb.DuckDBPyConnection) -> None:
    dates = marts.history_dates()
    assert len(dates) == 24
    for segmentation in SEGMENTATIONS:
        mart = sorted(sql.execute(
            "select from_label, to_label, customers, period_revenue from segment_migrations "
            "where segmentation = ? and as_of_date = ? and previous_as_of_date = ?",
            [segmentation, dates[-1], dates[-2]]).fetchall())
        moved = marts.migrations(segmentation, dates[-2], dates[-1], "en")
        ours = sorted(zip(moved["from_label"], moved["to_label"], moved["customers"], moved["period_revenue"],
                          strict=True))
        assert [(f, t, int(c), float(r)) for f, t, c, r in ours] == [(f, t, c, float(r)) for f, t, c, r in mart]


def test_migrations_across_a_year_count_every_customer_of_the_later_date(
        marts: Marts, sql: duckdb.DuckDBPyConnection) -> None:
    to_date, from_date = date(2026, 6, 30), date(2025, 6, 30)
    moved = marts.migrations("lifecycle_stage", from_date, to_date, "en")
    expected = sql.execute("""
        select count(*) filter (where b.customer_key is null), count(*)
        from customer_segment_history a
        left join customer_segment_history b on b.customer_key = a.customer_key and b.as_of_date = ?
        where a.as_of_date = ?""", [from_date, to_date]).fetchone()
    assert expected is not None
    assert int(moved.loc[moved["from_label"] == "entry", "customers"].sum()) == expected[0] == 1992 - 767
    assert int(moved["customers"].sum()) == expected[1] == 1992


def test_prepare_publishes_only_when_the_published_marts_are_missing(
        demo_build: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build, published = tmp_path / "customer_segments.duckdb", tmp_path / "marts.duckdb"
    monkeypatch.setenv(BUILD_DUCKDB_ENV, str(build))
    monkeypatch.setenv(PUBLISHED_DUCKDB_ENV, str(published))
    assert prepare() == EXIT_NO_BUILD  # nothing built: make dashboard runs make build
    assert not published.exists()
    shutil.copy(demo_build, build)
    assert prepare() == 0
    assert Marts(published).segment_kpi("value_tier", "vip", "en")["customers"] == 16
    stamp = published.stat().st_mtime_ns
    assert prepare() == 0  # there already: left as it is
    assert published.stat().st_mtime_ns == stamp


# ---- the app in the browser ----

def test_overview_shows_each_segmentation_as_the_marts_count_it(
        browser_page: Any, server: str, sql: duckdb.DuckDBPyConnection) -> None:
    page = browser_page
    _open(page, server, "Overview", charts=len(SEGMENTATIONS), tables=len(SEGMENTATIONS))
    tables = _tables(page)
    assert len(tables) == len(SEGMENTATIONS)
    for segmentation, table in zip(SEGMENTATIONS, tables, strict=True):
        expected = sql.execute("""
            select label_name_en, customers, share_of_customers, share_of_revenue from segment_kpis
            where segmentation = ? order by sort_order, label""", [segmentation]).fetchall()
        assert table[0] == ["Segment", "Customers", "Share of customers", "Share of revenue"]
        assert table[1:] == [[name, f"{customers:,}", f"{float(customers_share):.1%}", f"{float(revenue_share):.1%}"]
                             for name, customers, customers_share, revenue_share in expected]
    assert [h.strip() for h in page.locator("h2").all_inner_texts()] == \
        ["RFM segment", "RFM group", "Lifecycle stage", "Value tier"]
    _screenshot(page, "overview")


def test_language_switch_shows_the_chinese_labels(browser_page: Any, server: str,
                                                  sql: duckdb.DuckDBPyConnection) -> None:
    page = browser_page
    _open(page, server, "Overview", charts=len(SEGMENTATIONS), tables=len(SEGMENTATIONS))
    page.locator("[data-testid=stSidebar] [data-testid=stRadioOption]", has_text="中文").click()
    _wait_drawn(page, "总览", len(SEGMENTATIONS), len(SEGMENTATIONS))
    expected = sql.execute("select label_name_zh, customers from segment_kpis where segmentation = 'rfm_segment' "
                           "order by sort_order, label").fetchall()
    first = _tables(page)[0]
    assert first[0] == ["分群", "客户数", "客户占比", "收入占比"]
    assert [row[:2] for row in first[1:]] == [[name, f"{customers:,}"] for name, customers in expected]
    assert expected[0][0] == "重要价值客户"
    # the chart beside the table is drawn with the Chinese names too
    ticks = page.locator(".js-plotly-plot").first.locator(".xtick text").evaluate_all("texts => texts.map(t => t.textContent)")
    assert ticks == [name for name, _ in expected]
    assert [h.strip() for h in page.locator("h2").all_inner_texts()][0] == "RFM 分群"
    _screenshot(page, "overview-zh")
    page.locator("[data-testid=stSidebar] [data-testid=stRadioOption]", has_text="English").click()
    _wait_drawn(page, "Overview", len(SEGMENTATIONS), len(SEGMENTATIONS))


def test_segment_page_shows_the_segment_kpis_and_action(browser_page: Any, server: str,
                                                        sql: duckdb.DuckDBPyConnection) -> None:
    page = browser_page
    _open(page, f"{server}/segment?segmentation=lifecycle_stage&segment=loyal", "Lifecycle stage: Loyal", tables=0)
    kpi = sql.execute("""select customers, share_of_customers, revenue, repurchase_rate from segment_kpis
                         where segmentation = 'lifecycle_stage' and label = 'loyal'""").fetchone()
    action = sql.execute("select distinct recommended_action from customer_lifecycle "
                         "where lifecycle_stage = 'loyal'").fetchall()
    assert kpi is not None and len(action) == 1
    assert _metric(page, "Customers") == f"{kpi[0]:,}" == "418"
    assert _metric(page, "Share of customers") == f"{float(kpi[1]):.1%}"
    assert _metric(page, "Revenue") == f"{float(kpi[2]):,.2f}"
    assert _metric(page, "Repurchase rate") == f"{float(kpi[3]):.1%}"
    assert page.locator("[data-testid=stAlertContentInfo]").inner_text().strip() == action[0][0]
    _screenshot(page, "segment")
    # a segmentation without actions says so
    _open(page, f"{server}/segment?segmentation=value_tier&segment=vip", "Value tier: VIP", tables=0)
    assert _metric(page, "Customers") == "16"
    assert page.locator("[data-testid=stAlertContentInfo]").inner_text().strip() == \
        "The marts recommend no action for this segmentation."


def test_migrations_page_shows_the_matrix_of_segment_migrations(browser_page: Any, server: str, marts: Marts,
                                                                sql: duckdb.DuckDBPyConnection) -> None:
    page = browser_page
    _open(page, f"{server}/migrations", "Migrations")
    page.locator("svg .sankey").first.wait_for()
    rows = sql.execute("""select from_label, to_label, customers from segment_migrations
                          where segmentation = 'rfm_segment' and as_of_date = '2026-06-30'""").fetchall()
    assert _metric(page, "Customers who changed segment") == f"{sum(c for f, t, c in rows if f != t):,}"
    matrix = _tables(page)[0]
    columns = matrix[0]
    shown = {(row[0], columns[index]): cell for row in matrix[1:] for index, cell in enumerate(row) if index}
    # the labels' English names, as the history mart has them (their codes where it has none yet)
    name = marts.localized("customer_segment_history", "rfm_segment", "en")
    text = dict(sql.execute(f"select distinct rfm_segment, {name} from customer_segment_history "
                            "where rfm_segment is not null").fetchall())
    assert len(text) == 10
    text.update({"entry": "(new customer)", "none": "(no label)"})
    expected = {(text.get(f, f), text.get(t, t)): f"{c:,}" for f, t, c in rows}
    assert {key: value for key, value in shown.items() if value != "0"} == expected
    champions = text["champions"]
    assert shown[(champions, champions)] == expected[(champions, champions)] != "0"
    _screenshot(page, "migrations")


def test_cohort_page_shows_retention_as_the_mart(browser_page: Any, server: str,
                                                 sql: duckdb.DuckDBPyConnection) -> None:
    page = browser_page
    _open(page, f"{server}/cohorts", "Cohort retention")
    table = _tables(page)[0]
    row = next(row for row in table[1:] if row[0] == "2025-01")
    cell = sql.execute("""select retention_rate from cohort_retention_totals
                          where cohort_month = '2025-01-01' and months_since_first_purchase = 3""").fetchone()
    assert cell is not None
    assert row[table[0].index("3")] == f"{float(cell[0]):.1%}"
    cohorts = sql.execute("select count(distinct cohort_month) from cohort_retention_totals").fetchone()
    assert cohorts is not None and len(table) - 1 == cohorts[0] == 24
    _screenshot(page, "cohorts")


def test_tag_page_shows_the_coverage_of_each_tag(browser_page: Any, server: str,
                                                 sql: duckdb.DuckDBPyConnection) -> None:
    page = browser_page
    _open(page, f"{server}/tags", "Tag coverage", charts=2)
    table = _tables(page)[0]
    expected = sql.execute("select tag_code, tag_name_en, customers_tagged, share_of_customers from tag_coverage"
                           ).fetchall()
    assert table[0][:6] == ["Tag code", "Tag", "Group", "Owner", "Customers tagged", "Share of customers"]
    assert sorted([row[0], row[1], row[4], row[5]] for row in table[1:]) == \
        sorted([code, name, f"{tagged:,}", f"{float(s):.1%}"] for code, name, tagged, s in expected)
    assert len(expected) == 56
    _screenshot(page, "tags")


def test_quality_page_shows_rejected_rows_and_reconciliation(browser_page: Any, server: str,
                                                             sql: duckdb.DuckDBPyConnection) -> None:
    page = browser_page
    _open(page, f"{server}/quality", "Data quality", tables=2)
    rejected, reconciliation = _tables(page)
    expected = sql.execute("select source_table, reject_reason_name_en, count(*) from rejected_rows "
                           "group by all").fetchall()
    assert rejected[0] == ["Source table", "Reason", "Rejected rows"]  # no row numbers shown
    assert sorted(rejected[1:]) == sorted([s, r, f"{n:,}"] for s, r, n in expected)
    totals = sql.execute("select source_table, raw_rows, clean_rows from raw_row_reconciliation").fetchall()
    assert sorted(row[:3] for row in reconciliation[1:]) == sorted([s, f"{r:,}", f"{c:,}"] for s, r, c in totals)
    assert page.get_by_text("Every raw row is accounted for.").count() == 1
    _screenshot(page, "quality")
