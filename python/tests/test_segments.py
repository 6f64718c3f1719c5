"""The segment marts on the demo data: they agree with an independent Python computation of
the definitions, every label is populated, and nonsensical vars stop the build."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import RAW_TINY
from customer_segments.dbt_runner import DbtProject, raw_vars, rows
from reference import Order, segment_customers


def test_marts_agree_with_an_independent_computation(demo_build: Path) -> None:
    as_of = rows(demo_build, "select as_of_date from main_intermediate.int_as_of_date_resolved")[0][0]
    orders = [Order(*r) for r in rows(demo_build, """
        select order_id, customer_key, order_status, net_amount, order_date, is_test_account
        from main_intermediate.int_orders_attributed
    """)]
    customers = dict(rows(demo_build, """
        select customer_key, signup_date from main_intermediate.int_customers_merged where not is_test_account
    """))
    expected = segment_customers(orders, customers, as_of)

    got = {r[0]: r[1:] for r in rows(demo_build, """
        select customer_key, lifecycle_stage, recency_days, r_score, f_score, m_score, fm_score,
               rfm_segment, value_tier, lifetime_revenue, lifetime_purchases
        from main_marts.customers
    """)}
    assert set(got) == set(expected)
    mismatches = []
    for key, e in expected.items():
        want = (e.lifecycle_stage, e.recency_days, e.r_score, e.f_score, e.m_score, e.fm_score,
                e.rfm_segment, e.value_tier, e.lifetime_revenue, e.lifetime_purchases)
        if got[key] != want:
            mismatches.append((key, got[key], want))
    assert not mismatches, mismatches[:5]

    rfm = {r[0]: r[1:] for r in rows(demo_build, "select customer_key, frequency, monetary from main_marts.customer_rfm")}
    for key, e in expected.items():
        if e.rfm_segment is not None:
            assert rfm[key] == (e.frequency, e.monetary), key


def test_every_segment_stage_and_tier_is_populated_on_the_demo(demo_build: Path) -> None:
    empty = rows(demo_build, "select segmentation, label from main_marts.segment_kpis where customers = 0")
    assert empty == []
    labels = rows(demo_build, "select segmentation, count(*) from main_marts.segment_kpis group by 1 order by 1")
    assert labels == [("lifecycle_stage", 7), ("rfm_group", 4), ("rfm_segment", 10),
                      ("value_tier", 4)]


def test_no_raw_email_or_phone_in_any_mart(demo_build: Path) -> None:
    marts = [r[0] for r in rows(demo_build, """
        select distinct table_name from information_schema.columns
        where table_schema = 'main_marts' and table_name in
            ('customers', 'customer_rfm', 'customer_lifecycle', 'customer_value_tiers',
             'segment_kpis', 'rfm_score_cut_points')
    """)]
    assert len(marts) == 6
    emails = {r[0] for r in rows(demo_build, """
        select email_normalized from main_intermediate.int_customers_merged where email_normalized is not null
    """)}
    for mart in marts:
        columns = [r[0] for r in rows(demo_build, f"""
            select column_name from information_schema.columns
            where table_schema = 'main_marts' and table_name = '{mart}' and data_type = 'VARCHAR'
        """)]
        for column in columns:
            values = {r[0] for r in rows(demo_build, f"select distinct {column} from main_marts.{mart}")}
            assert not values & emails, f"{mart}.{column} holds raw emails"


@pytest.mark.parametrize("bad_vars, message", [
    ({"at_risk_days": 200, "churn_days": 180}, "var at_risk_days (200) must be smaller than var churn_days"),
    ({"rfm_window_days": -5}, "var rfm_window_days must be a whole number of days >= 0"),
    ({"rfm_scoring_method": "ntile"}, "var rfm_scoring_method must be 'quantile' or 'fixed'"),
    ({"loyal_min_purchases": 0}, "var loyal_min_purchases must be a whole number >= 1"),
    ({"purchase_statuses": ["paid", "delivered"]}, "var purchase_statuses contains 'delivered'"),
    ({"as_of_date": "30/06/2026"}, "var as_of_date must be a date written YYYY-MM-DD"),
])
def test_nonsensical_vars_stop_the_build_naming_the_var(
        tmp_path: Path, bad_vars: dict[str, Any], message: str) -> None:
    project = DbtProject(tmp_path, vars=raw_vars(RAW_TINY, "csv"))
    result = project.run("compile", "--select", "int_as_of_date_resolved",
                         extra_vars=bad_vars, check=False)
    assert result.returncode != 0
    assert message in result.stdout
