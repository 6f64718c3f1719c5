"""An independent, plain-Python statement of the segment definitions (docs/segments.md), for
test_segments.py.

It reads attributed orders and customers (after staging and the identity merge) and
recomputes purchases, RFM scores and segments, lifecycle stages and value tiers, so tests
can check the SQL marts against a second implementation written from the definitions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Iterable, Mapping, Sequence


@dataclass(frozen=True)
class Settings:
    """The segmentation vars with their documented defaults."""

    purchase_statuses: tuple[str, ...] = ("paid", "shipped", "completed")
    rfm_window_days: int = 365
    churn_days: int = 180
    at_risk_days: int = 90
    new_customer_days: int = 30
    loyal_min_purchases: int = 4
    loyal_window_days: int = 365
    tier_cut_points: tuple[tuple[str, float], ...] = (
        ("vip", 0.01), ("high", 0.20), ("mid", 0.50), ("low", 1.00))


@dataclass(frozen=True)
class Order:
    order_id: str
    customer_key: str
    order_status: str
    net_amount: Decimal
    order_date: date
    is_test_account: bool


@dataclass
class CustomerResult:
    customer_key: str
    lifecycle_stage: str
    recency_days: int | None = None
    frequency: int | None = None
    monetary: Decimal | None = None
    r_score: int | None = None
    f_score: int | None = None
    m_score: int | None = None
    fm_score: int | None = None
    rfm_segment: str | None = None
    value_tier: str | None = None
    lifetime_revenue: Decimal = field(default_factory=lambda: Decimal("0"))
    lifetime_purchases: int = 0


def percentile_cont(values: Sequence[float], fraction: float) -> float:
    """Linear interpolation between the closest ranks (SQL percentile_cont)."""
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    lower = math.floor(position)
    upper = math.ceil(position)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def quintile_cut_points(values: Sequence[float]) -> list[float]:
    return [percentile_cont(values, q / 5) for q in range(1, 5)]


def ascending_score(value: float, cuts: Sequence[float]) -> int:
    return 1 + sum(1 for cut in cuts if cut < value)


def default_segment(r_score: int, fm_score: int) -> str:
    """The default (r_score, fm_score) -> segment map, as the issue states it."""
    if r_score == 5 and fm_score >= 4:
        return "champions"
    if r_score in (3, 4) and fm_score >= 4:
        return "loyal_customers"
    if r_score in (4, 5) and fm_score in (2, 3):
        return "potential_loyalists"
    if r_score == 5:
        return "new_customers"
    if r_score == 4:
        return "promising"
    if r_score == 3 and fm_score == 3:
        return "need_attention"
    if r_score == 3:
        return "about_to_sleep"
    if fm_score in (3, 4):
        return "at_risk"
    if fm_score == 5:
        return "cant_lose"
    return "hibernating"


def segment_customers(orders: Iterable[Order], customers: Mapping[str, date],
                      as_of: date, settings: Settings = Settings()) -> dict[str, CustomerResult]:
    """customers: customer_key -> signup date, real (non-test) customers only."""
    purchases: dict[str, list[Order]] = {}
    for order in orders:
        if (order.order_status in settings.purchase_statuses and not order.is_test_account
                and order.net_amount > 0 and order.order_date <= as_of):
            purchases.setdefault(order.customer_key, []).append(order)

    results: dict[str, CustomerResult] = {}
    for key, signup in customers.items():
        if signup <= as_of or key in purchases:
            results[key] = CustomerResult(key, "prospect")

    for key, bought in purchases.items():
        dates = sorted((o.order_date for o in bought), reverse=True)
        recency = (as_of - dates[0]).days
        first_age = (as_of - dates[-1]).days
        gap = (dates[0] - dates[1]).days if len(dates) > 1 else None
        in_window = [o for o in bought if (as_of - o.order_date).days < settings.rfm_window_days]
        loyal = sum(1 for o in bought if (as_of - o.order_date).days < settings.loyal_window_days)
        result = results[key]
        result.recency_days = recency
        result.frequency = len(in_window)
        result.monetary = sum((o.net_amount for o in in_window), Decimal("0"))
        result.lifetime_revenue = sum((o.net_amount for o in bought), Decimal("0"))
        result.lifetime_purchases = len(bought)
        if recency > settings.churn_days:
            result.lifecycle_stage = "churned"
        elif recency > settings.at_risk_days:
            result.lifecycle_stage = "at_risk"
        elif first_age <= settings.new_customer_days:
            result.lifecycle_stage = "new"
        elif gap is not None and gap > settings.churn_days:
            result.lifecycle_stage = "reactivated"
        elif loyal >= settings.loyal_min_purchases:
            result.lifecycle_stage = "loyal"
        else:
            result.lifecycle_stage = "active"

    scored = [results[key] for key in purchases]
    if scored:
        r_cuts = quintile_cut_points([float(c.recency_days or 0) for c in scored])
        f_cuts = quintile_cut_points([float(c.frequency or 0) for c in scored])
        m_cuts = quintile_cut_points([float(c.monetary or 0) for c in scored])
        for c in scored:
            c.r_score = 6 - ascending_score(float(c.recency_days or 0), r_cuts)
            c.f_score = ascending_score(float(c.frequency or 0), f_cuts)
            c.m_score = ascending_score(float(c.monetary or 0), m_cuts)
            c.fm_score = (c.f_score + c.m_score + 1) // 2
            c.rfm_segment = default_segment(c.r_score, c.fm_score)
        total = len(scored)
        for c in scored:
            at_least = sum(1 for other in scored if other.lifetime_revenue >= c.lifetime_revenue)
            p = at_least / total
            c.value_tier = next(tier for tier, cut in settings.tier_cut_points if p <= cut)
    return results
