"""The dashboard's six pages: each draws itself from :class:`~.data.Marts` in one language.

Numbers are shown in HTML tables (``st.table``) and metrics, so that what a reader sees can be
read back (the browser test compares it with SQL on the marts); charts are Plotly figures.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from .data import ENTRY, NONE, SEGMENTATIONS, Language, Marts
from .i18n import t

Page = Callable[[Marts, Language], None]


# ---- formatting: one way to show each kind of number ----

def count(value: Any) -> str:
    return f"{int(value):,}"


def share(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{float(value):.1%}"


def money(value: Any) -> str:
    return f"{float(value):,.2f}"


def days(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{float(value):,.1f}"


def _table(frame: pd.DataFrame, columns: dict[str, tuple[str, Callable[[Any], str]]], language: Language,
           index: str | None = None) -> None:
    """Show ``frame``'s ``columns`` (column -> (heading key, formatter)) as an HTML table."""
    shown = pd.DataFrame({t(key, language): frame[column].map(formatter)
                          for column, (key, formatter) in columns.items()})
    if index is not None:
        shown.index = pd.Index(frame[index].astype(str), name=t(index, language))
    else:
        shown.index = pd.RangeIndex(1, len(shown) + 1)
    st.table(shown)


def _chart(figure: go.Figure) -> None:
    figure.update_layout(margin={"l": 10, "r": 10, "t": 30, "b": 10})
    st.plotly_chart(figure, config={"displaylogo": False})


def _text(value: Any) -> str:
    return str(value)


def _label_text(code: str, name: str, language: Language) -> str:
    """A label's name; the dashboard's own words for the history's 'entry' and 'none'."""
    return t(code, language) if code in (ENTRY, NONE) else name


# ---- pages ----

def overview(marts: Marts, language: Language) -> None:
    st.title(t("overview", language))
    st.caption(t("as_of", language, date=marts.latest_as_of_date().isoformat()))
    for segmentation in SEGMENTATIONS:
        sizes = marts.segment_sizes(segmentation, language)
        st.header(t(segmentation, language))
        left, right = st.columns([2, 3])
        with left:
            _table(sizes, {"customers": ("customers", count), "share_of_customers": ("share_of_customers", share),
                           "share_of_revenue": ("share_of_revenue", share)}, language, index="name")
        with right:
            figure = go.Figure([
                go.Bar(name=t("share_of_customers", language), x=sizes["name"], y=sizes["share_of_customers"]),
                go.Bar(name=t("share_of_revenue", language), x=sizes["name"], y=sizes["share_of_revenue"]),
            ])
            figure.update_layout(barmode="group", yaxis_tickformat=".0%", height=320,
                                 legend={"orientation": "h", "y": 1.15})
            _chart(figure)


def segment(marts: Marts, language: Language) -> None:
    params = st.query_params
    default_segmentation = params.get("segmentation", SEGMENTATIONS[0])
    segmentation = st.selectbox(
        t("segmentation", language), SEGMENTATIONS, format_func=lambda key: t(key, language),
        index=SEGMENTATIONS.index(default_segmentation) if default_segmentation in SEGMENTATIONS else 0)
    sizes = marts.segment_sizes(segmentation, language)
    labels = list(sizes["label"])
    names = dict(zip(sizes["label"], sizes["name"], strict=True))
    default_label = params.get("segment")
    label = st.selectbox(t("name", language), labels, format_func=lambda code: str(names[code]),
                         index=labels.index(default_label) if default_label in labels else 0)
    st.query_params.update({"segmentation": segmentation, "segment": label})
    kpi = marts.segment_kpi(segmentation, label, language)
    st.title(f"{t(segmentation, language)}: {kpi['name']}")
    st.caption(t("as_of", language, date=pd.Timestamp(kpi["as_of_date"]).date().isoformat()))
    first = st.columns(3)
    first[0].metric(t("customers", language), count(kpi["customers"]))
    first[1].metric(t("share_of_customers", language), share(kpi["share_of_customers"]))
    first[2].metric(t("share_of_revenue", language), share(kpi["share_of_revenue"]))
    second = st.columns(4)
    second[0].metric(t("revenue", language), money(kpi["revenue"]))
    second[1].metric(t("average_order_value", language),
                     "" if pd.isna(kpi["average_order_value"]) else money(kpi["average_order_value"]))
    second[2].metric(t("average_recency_days", language), days(kpi["average_recency_days"]))
    second[3].metric(t("repurchase_rate", language), share(kpi["repurchase_rate"]))
    st.subheader(t("recommended_action", language))
    action = marts.recommended_action(segmentation, label, language)
    st.info(action if action is not None else t("no_action", language))
    figure = go.Figure([go.Bar(x=sizes["name"], y=sizes["customers"],
                               marker_color=["#d62728" if code == label else "#1f77b4" for code in labels])])
    figure.update_layout(title=t("customers", language), height=300)
    _chart(figure)


def migrations(marts: Marts, language: Language) -> None:
    st.title(t("migrations", language))
    dates = marts.history_dates()
    segmentation = st.selectbox(t("segmentation", language), SEGMENTATIONS,
                                format_func=lambda key: t(key, language))
    left, right = st.columns(2)
    from_date: date = left.selectbox(t("from_date", language), dates, index=max(len(dates) - 2, 0))
    to_date: date = right.selectbox(t("to_date", language), dates, index=len(dates) - 1)
    if from_date == to_date:
        st.warning(t("same_dates", language))
        return
    if from_date > to_date:
        from_date, to_date = to_date, from_date
    st.caption(f"{from_date.isoformat()} → {to_date.isoformat()}")
    moved = marts.migrations(segmentation, from_date, to_date, language)
    moved["from_text"] = [_label_text(c, n, language) for c, n in zip(moved["from_label"], moved["from_name"],
                                                                       strict=True)]
    moved["to_text"] = [_label_text(c, n, language) for c, n in zip(moved["to_label"], moved["to_name"], strict=True)]
    changed = int(moved.loc[moved["from_label"] != moved["to_label"], "customers"].sum())
    st.metric(t("moved", language), count(changed))
    sources = list(dict.fromkeys(moved["from_text"]))
    targets = list(dict.fromkeys(moved["to_text"]))
    figure = go.Figure(go.Sankey(
        node={"label": [f"{name} ({from_date.isoformat()})" for name in sources]
              + [f"{name} ({to_date.isoformat()})" for name in targets], "pad": 12},
        link={"source": [sources.index(name) for name in moved["from_text"]],
              "target": [len(sources) + targets.index(name) for name in moved["to_text"]],
              "value": list(moved["customers"])},
    ))
    figure.update_layout(height=480)
    _chart(figure)
    st.subheader(t("migration_matrix", language))
    matrix = moved.pivot_table(index="from_text", columns="to_text", values="customers", aggfunc="sum",
                               sort=False).fillna(0).astype(int)
    matrix.index.name = t("from", language)
    matrix.columns.name = t("to", language)
    st.table(matrix.map(count))


def cohorts(marts: Marts, language: Language) -> None:
    st.title(t("cohorts", language))
    channel = st.selectbox(t("channel", language), marts.cohort_channels())
    retention = marts.cohort_retention(channel)
    retention["cohort"] = pd.to_datetime(retention["cohort_month"]).dt.strftime("%Y-%m")
    grid = retention.pivot_table(index="cohort", columns="months_since_first_purchase", values="retention_rate",
                                 aggfunc="first")
    figure = go.Figure(go.Heatmap(z=grid.to_numpy(), x=list(grid.columns), y=list(grid.index),
                                  colorscale="Blues", zmin=0, zmax=1, colorbar={"tickformat": ".0%"},
                                  hovertemplate="%{y} +%{x}: %{z:.1%}<extra></extra>"))
    figure.update_layout(xaxis_title=t("months_since", language), yaxis_title=t("cohort_month", language),
                         yaxis_autorange="reversed", height=560)
    _chart(figure)
    st.subheader(t("retention_rate", language))
    shown = grid.map(share)
    shown.index.name = t("cohort_month", language)
    shown.columns = [str(month) for month in grid.columns]
    st.table(shown)


def tags(marts: Marts, language: Language) -> None:
    st.title(t("tags", language))
    coverage = marts.tag_coverage(language)
    figure = go.Figure(go.Bar(x=coverage["share_of_customers"], y=coverage["name"], orientation="h"))
    figure.update_layout(xaxis_tickformat=".0%", height=max(320, 18 * len(coverage)),
                         yaxis_autorange="reversed")
    _chart(figure)
    _table(coverage, {"name": ("tag", _text), "tag_group": ("tag_group", _text), "tag_owner": ("tag_owner", _text),
                      "customers_tagged": ("customers_tagged", count),
                      "share_of_customers": ("share_of_customers", share),
                      "change_in_share": ("change_in_share", share), "review_flag": ("review_flag", _text)},
           language, index="tag_code")
    st.subheader(t("tag_history", language))
    names = dict(zip(coverage["tag_code"], coverage["name"], strict=True))
    tag = st.selectbox(t("tag", language), list(coverage["tag_code"]), format_func=lambda code: str(names[code]))
    history = marts.tag_coverage_history(tag)
    # one category per run (a date axis stretches a single run over hours of empty time)
    line = go.Figure(go.Scatter(x=pd.to_datetime(history["computed_for_date"]).dt.strftime("%Y-%m-%d"),
                                y=history["share_of_customers"], mode="lines+markers"))
    line.update_layout(yaxis_tickformat=".1%", yaxis_rangemode="tozero", xaxis_type="category", height=300,
                       xaxis_title=t("computed_for_date", language))
    _chart(line)


def quality(marts: Marts, language: Language) -> None:
    st.title(t("quality", language))
    reconciliation = marts.reconciliation()
    if bool(reconciliation["is_reconciled"].all()):
        st.success(t("all_reconciled", language))
    else:
        st.error(t("not_reconciled", language))
    st.header(t("rejected_by_reason", language))
    rejected = marts.rejected_by_reason(language)
    figure = go.Figure(go.Bar(x=rejected["rejected_rows"], y=rejected["source_table"] + " · " + rejected["reject_reason"],
                              orientation="h"))
    figure.update_layout(height=max(320, 22 * len(rejected)), yaxis_autorange="reversed")
    _chart(figure)
    _table(rejected, {"source_table": ("source_table", _text), "reject_reason": ("reject_reason", _text),
                      "rejected_rows": ("rejected_rows", count)}, language)
    st.header(t("reconciliation", language))
    _table(reconciliation, {"raw_rows": ("raw_rows", count), "clean_rows": ("clean_rows", count),
                            "rejected_rows": ("rejected_rows", count), "superseded_rows": ("superseded_rows", count),
                            "conflicting_keys": ("conflicting_keys", count), "is_reconciled": ("is_reconciled", _text)},
           language, index="source_table")


#: the pages in the order of the navigation: (url path, title key, page)
PAGES: tuple[tuple[str, str, Page], ...] = (
    ("overview", "overview", overview),
    ("segment", "segment", segment),
    ("migrations", "migrations", migrations),
    ("cohorts", "cohorts", cohorts),
    ("tags", "tags", tags),
    ("quality", "quality", quality),
)
