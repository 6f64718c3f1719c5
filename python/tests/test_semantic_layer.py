"""The semantic layer (models/semantic/, docs/semantic-layer.md): ``mf validate-configs`` passes
against the demo build, and ``mf query`` results equal SQL on the marts - per lifecycle stage, RFM
segment, value tier x acquisition channel, tag group x RFM group, a filtered query, cohort month,
and the history per as-of date and at the latest one. One mf project over a copy of the shared demo
build serves every test (nine mf calls); the exposures are checked on the parsed manifest."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from customer_segments.dbt_runner import rows
from customer_segments.semantic import MetricFlowProject

AS_OF = "2026-06-30"


@pytest.fixture(scope="module")
def mf(demo_build: Path, tmp_path_factory: pytest.TempPathFactory) -> MetricFlowProject:
    return MetricFlowProject.over(demo_build, tmp_path_factory.mktemp("metricflow"))


def _number(text: str) -> float | None:
    return None if text == "" else float(text)


def _amount(text: str) -> float | None:
    """An amount as the marts store it: rounded half up to cents (decimal(18, 2)); mf's ratio
    metrics are not rounded."""
    return None if text == "" else float(Decimal(text).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP"))


def _close(actual: dict[Any, tuple[float | None, ...]], expected: dict[Any, tuple[Any, ...]]) -> None:
    """Same keys, and every figure equal to 1e-9 relative (None for None)."""
    assert set(actual) == set(expected)
    for key, figures in expected.items():
        wanted = tuple(None if value is None else float(value) for value in figures)
        assert actual[key] == pytest.approx(wanted, rel=1e-9, abs=1e-6), key


def test_validate_configs(mf: MetricFlowProject) -> None:
    output = mf.run("validate-configs").stdout
    # the semantics of the manifest, then each kind of object against the warehouse
    assert output.count("(ERRORS: 0, FUTURE_ERRORS: 0, WARNINGS: 0)") == 6, output[-3000:]
    assert "Successfully validated metrics against data warehouse" in output


def test_lifecycle_stage_metrics_equal_segment_kpis(mf: MetricFlowProject, demo_build: Path) -> None:
    found = mf.query(["customers", "buyers", "revenue", "average_order_value", "repurchase_rate",
                      "share_of_customers"], ["customer__lifecycle_stage", "metric_time__day"])
    assert {row["metric_time__day"][:10] for row in found} == {AS_OF}
    actual = {row["customer__lifecycle_stage"]: (
        _number(row["customers"]), _number(row["buyers"]), _number(row["revenue"]),
        _amount(row["average_order_value"]), _number(row["repurchase_rate"]), _number(row["share_of_customers"]))
        for row in found}
    kpis = rows(demo_build, """
        select kpis.label, kpis.customers, count(customers.customer_key) filter (where customers.lifetime_purchases > 0),
               kpis.revenue, kpis.average_order_value, kpis.repurchase_rate, kpis.share_of_customers
        from main_marts.segment_kpis as kpis
        left join main_marts.customers on customers.lifecycle_stage = kpis.label
        where kpis.segmentation = 'lifecycle_stage' and kpis.customers > 0
        group by all
    """)
    _close(actual, {label: tuple(figures) for label, *figures in kpis})
    assert sum(share for *_, share in actual.values()) == pytest.approx(1.0, rel=1e-12)
    assert len(actual) >= 6


def test_rfm_segment_metrics_equal_segment_kpis(mf: MetricFlowProject, demo_build: Path) -> None:
    found = mf.query(["customers", "revenue", "average_order_value", "repurchase_rate", "share_of_buyers"],
                     ["customer__rfm_segment"])
    actual = {row["customer__rfm_segment"] or None: (
        _number(row["customers"]), _number(row["revenue"]), _amount(row["average_order_value"]),
        _number(row["repurchase_rate"]), _number(row["share_of_buyers"])) for row in found}
    kpis = rows(demo_build, """
        select label, customers, revenue, average_order_value, repurchase_rate, share_of_customers
        from main_marts.segment_kpis
        where segmentation = 'rfm_segment' and customers > 0
    """)
    # the customers without a segment (prospects) are a slice of their own, with no share of buyers
    prospects = rows(demo_build, "select count(*) from main_marts.customers where rfm_segment is null")[0][0]
    assert prospects > 0
    expected = {label: tuple(figures) for label, *figures in kpis}
    expected[None] = (prospects, Decimal(0), None, 0.0, 0.0)
    _close(actual, expected)
    assert len(kpis) >= 8


def test_value_tier_by_acquisition_channel_equals_sql(mf: MetricFlowProject, demo_build: Path) -> None:
    found = mf.query(["customers", "buyers", "revenue", "share_of_customers"],
                     ["customer__value_tier", "customer__acquisition_channel"])
    actual = {(row["customer__value_tier"] or None, row["customer__acquisition_channel"] or None): (
        _number(row["customers"]), _number(row["buyers"]), _number(row["revenue"]),
        _number(row["share_of_customers"])) for row in found}
    expected = rows(demo_build, """
        select value_tier, acquisition_channel, count(*), count(*) filter (where lifetime_purchases > 0),
               sum(lifetime_revenue), count(*) / (select count(*) from main_marts.customers)
        from main_marts.customers
        group by all
    """)
    _close(actual, {(tier, channel): tuple(figures) for tier, channel, *figures in expected})
    assert len({channel for _, channel in actual}) >= 3 and len(actual) >= 12


def test_tag_groups_by_rfm_group_equal_sql(mf: MetricFlowProject, demo_build: Path) -> None:
    found = mf.query(["tagged_customers", "tagged_buyers", "tagged_revenue"],
                     ["customer_tag__tag_group", "customer__rfm_group"])
    actual = {(row["customer_tag__tag_group"], row["customer__rfm_group"] or None): (
        _number(row["tagged_customers"]), _number(row["tagged_buyers"]), _number(row["tagged_revenue"]))
        for row in found}
    expected = rows(demo_build, """
        select tags.tag_group, customers.rfm_group, count(*),
               count(*) filter (where customers.lifetime_purchases > 0), sum(customers.lifetime_revenue)
        from main_marts.customer_tags as tags
        inner join main_marts.customers on tags.customer_key = customers.customer_key
        group by all
    """)
    _close(actual, {(group, rfm_group): tuple(figures) for group, rfm_group, *figures in expected})
    assert len({group for group, _ in actual}) >= 6


def test_filtered_tag_query_equals_sql(mf: MetricFlowProject, demo_build: Path) -> None:
    found = mf.query(["tagged_customers", "tagged_revenue"], ["customer_tag__tag_code"],
                     where="{{ Dimension('customer_tag__tag_group') }} = 'value' "
                           "and {{ Dimension('customer__lifecycle_stage') }} = 'loyal'")
    actual = {row["customer_tag__tag_code"]: (_number(row["tagged_customers"]), _number(row["tagged_revenue"]))
              for row in found}
    expected = rows(demo_build, """
        select tags.tag_code, count(*), sum(customers.lifetime_revenue)
        from main_marts.customer_tags as tags
        inner join main_marts.customers on tags.customer_key = customers.customer_key
        where tags.tag_group = 'value' and customers.lifecycle_stage = 'loyal'
        group by all
    """)
    _close(actual, {code: tuple(figures) for code, *figures in expected})
    assert len(actual) >= 2


def test_retention_by_cohort_month_equals_cohort_retention_totals(mf: MetricFlowProject, demo_build: Path) -> None:
    found = mf.query(["cohort_size", "cohort_customers_purchasing", "retention_rate", "cohort_repurchase_rate"],
                     ["metric_time__month", "cohort__months_since_first_purchase"])
    actual = {(date.fromisoformat(row["metric_time__month"][:10]), int(row["cohort__months_since_first_purchase"])): (
        _number(row["cohort_size"]), _number(row["cohort_customers_purchasing"]),
        _number(row["retention_rate"]), _number(row["cohort_repurchase_rate"])) for row in found}
    expected = rows(demo_build, """
        select cohort_month, months_since_first_purchase, cohort_size, customers_purchasing, retention_rate,
               repurchase_rate
        from main_marts.cohort_retention_totals
    """)
    _close(actual, {(month, since): tuple(figures) for month, since, *figures in expected})
    assert len(actual) > 100


def test_history_metrics_by_as_of_date_equal_the_history(mf: MetricFlowProject, demo_build: Path) -> None:
    found = mf.query(["customers_as_of", "buyers_as_of", "revenue_as_of", "average_order_value_as_of",
                      "repurchase_rate_as_of"], ["metric_time__day", "customer_as_of__lifecycle_stage"])
    actual = {(date.fromisoformat(row["metric_time__day"][:10]), row["customer_as_of__lifecycle_stage"]): (
        _number(row["customers_as_of"]), _number(row["buyers_as_of"]), _number(row["revenue_as_of"]),
        _number(row["average_order_value_as_of"]), _number(row["repurchase_rate_as_of"])) for row in found}
    expected = rows(demo_build, """
        select as_of_date, lifecycle_stage, count(*), count(*) filter (where lifetime_purchases > 0),
               sum(lifetime_revenue), sum(lifetime_revenue) / nullif(sum(lifetime_purchases), 0),
               count(*) filter (where lifetime_purchases >= 2) / count(*)
        from main_marts.customer_segment_history
        group by all
    """)
    _close(actual, {(day, stage): tuple(figures) for day, stage, *figures in expected})
    assert len({day for day, _ in actual}) == 24


def test_history_metrics_without_time_read_the_latest_as_of_date(mf: MetricFlowProject, demo_build: Path) -> None:
    """Semi-additive measures: not grouped by time, the latest as-of date (not a sum over dates) -
    on the demo the marts' as-of date, so the RFM groups equal segment_kpis."""
    found = mf.query(["customers_as_of", "revenue_as_of"],
                     ["customer_as_of__rfm_group", "customer_as_of__acquisition_channel"])
    actual = {(row["customer_as_of__rfm_group"] or None, row["customer_as_of__acquisition_channel"] or None): (
        _number(row["customers_as_of"]), _number(row["revenue_as_of"])) for row in found}
    expected = rows(demo_build, """
        select history.rfm_group, customers.acquisition_channel, count(*), sum(history.lifetime_revenue)
        from main_marts.customer_segment_history as history
        left join main_marts.customers on history.customer_key = customers.customer_key
        where history.as_of_date = (select max(as_of_date) from main_marts.customer_segment_history)
        group by all
    """)
    _close(actual, {(group, channel): tuple(figures) for group, channel, *figures in expected})
    per_group: dict[str | None, float] = {}
    for (group, _), (customers, _) in actual.items():
        per_group[group] = per_group.get(group, 0.0) + (customers or 0.0)
    kpis = rows(demo_build, "select label, customers from main_marts.segment_kpis where segmentation = 'rfm_group'")
    assert {group: count for group, count in per_group.items() if group is not None} == dict(kpis)


def test_exposures_name_every_consumer_and_the_marts_they_read(manifest: dict[str, Any]) -> None:
    """models/exposures.yml: each consumer the project ships, described; the published marts file
    reads every mart (publish.py copies the whole schema), so a new mart must be added there."""
    exposures = {node["name"]: node for node in manifest["exposures"].values()}
    assert set(exposures) == {"segments_dashboard", "segment_diff_report", "published_marts_file", "audiences",
                              "semantic_layer"}
    assert all(node["description"].strip() and node["owner"]["email"] for node in exposures.values())
    marts = {uid for uid, node in manifest["nodes"].items()
             if node["resource_type"] == "model" and node["original_file_path"].startswith("models/marts/")}
    assert len(marts) == 16
    assert set(exposures["published_marts_file"]["depends_on"]["nodes"]) == marts
    assert set(exposures["segment_diff_report"]["depends_on"]["nodes"]) == marts
    dashboard = {uid.split(".")[-1] for uid in exposures["segments_dashboard"]["depends_on"]["nodes"]}
    assert dashboard == {"customers", "customer_rfm", "customer_lifecycle", "customer_value_tiers", "segment_kpis",
                         "segment_migrations", "customer_segment_history", "cohort_retention",
                         "cohort_retention_totals", "tag_coverage", "customer_tags", "rejected_rows",
                         "raw_row_reconciliation"}
