"""Every query of the dashboard: SQL on the published marts, opened read-only.

Each call opens the published file read-only and closes it again, so a dashboard left open never
holds a file that :func:`customer_segments.publish.publish` replaces (it renames a new file over
it: the next query reads the new marts whole).

Labels: every label code in the marts has display names beside it, ``<code column>_name_en`` and
``<code column>_name_zh`` (``customer_rfm.rfm_segment_name_en``), and the recommended actions
``recommended_action`` (English) and ``recommended_action_zh``. :meth:`Marts.localized` is the one
place that falls back to the code itself where a mart does not have the name column (yet).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

import duckdb
import pandas as pd

from ..publish import MARTS_SCHEMA, published_database

Language = Literal["en", "zh"]
LANGUAGES: tuple[Language, ...] = ("en", "zh")

#: the segmentations of segment_kpis and the history, in the order the pages show them
SEGMENTATIONS = ("rfm_segment", "rfm_group", "lifecycle_stage", "value_tier")
#: the mart that holds each segmentation's recommended action, one per label (none: no action)
#: the cohort page's choice of every channel: the whole cohorts (cohort_retention_totals)
ALL_CHANNELS = "all"

ACTION_MARTS = {"rfm_segment": "customer_rfm", "lifecycle_stage": "customer_lifecycle"}
#: segment_migrations' from_label of a customer who did not exist on the earlier date, and the
#: label of a customer without one in a segmentation (no purchase yet)
ENTRY, NONE = "entry", "none"


def marts_path() -> Path:
    """The published marts file (env CUSTOMER_SEGMENTS_MARTS_DUCKDB, as publish.py places it)."""
    return published_database()


@dataclass
class Marts:
    """The published marts of one file, read-only."""

    path: Path
    _columns: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)

    def query(self, sql: str, parameters: Sequence[Any] = ()) -> pd.DataFrame:
        if not self.path.is_file():
            raise FileNotFoundError(f"no published marts at {self.path}: run `make build` first")
        con = duckdb.connect(str(self.path), read_only=True)
        try:
            con.execute(f"use {MARTS_SCHEMA}")
            return con.execute(sql, list(parameters)).df()
        finally:
            con.close()

    def columns(self, table: str) -> frozenset[str]:
        if table not in self._columns:
            found = self.query("select column_name from information_schema.columns "
                               "where table_schema = ? and table_name = ?", [MARTS_SCHEMA, table])
            self._columns[table] = frozenset(found["column_name"])
        return self._columns[table]

    def localized(self, table: str, code_column: str, language: Language, qualifier: str = "",
                  stem: str | None = None) -> str:
        """SQL for the display text of ``code_column`` in ``language``: ``<stem>_name_<language>``
        (``stem`` the code column's name unless given: ``tag`` for ``tag_code``), or for
        ``recommended_action`` the action itself (English) or ``recommended_action_zh``; the code
        itself where ``table`` has no such column yet (the one fallback)."""
        if code_column == "recommended_action":
            wanted = "recommended_action" if language == "en" else "recommended_action_zh"
        else:
            wanted = f"{stem or code_column}_name_{language}"
        column = wanted if wanted in self.columns(table) else code_column
        return f"{qualifier}{column}"

    # ---- overview and segment pages: segment_kpis ----

    def latest_as_of_date(self) -> date:
        return _date(self.query("select max(as_of_date) as d from segment_kpis")["d"].iloc[0])

    def segment_sizes(self, segmentation: str, language: Language) -> pd.DataFrame:
        """One row per label of ``segmentation`` on the latest as-of date, in the mart's order."""
        name = self.localized("segment_kpis", "label", language)
        return self.query(f"""
            select label, {name} as name, customers, share_of_customers, revenue, share_of_revenue
            from segment_kpis
            where segmentation = ? and as_of_date = (select max(as_of_date) from segment_kpis)
            order by sort_order, label
        """, [segmentation])

    def segment_kpi(self, segmentation: str, label: str, language: Language) -> dict[str, Any]:
        """The KPIs of one segment on the latest as-of date (KeyError: no such segment)."""
        name = self.localized("segment_kpis", "label", language)
        found = self.query(f"""
            select label, {name} as name, as_of_date, customers, share_of_customers, revenue,
                share_of_revenue, average_order_value, average_recency_days, repurchase_rate
            from segment_kpis
            where segmentation = ? and label = ? and as_of_date = (select max(as_of_date) from segment_kpis)
        """, [segmentation, label])
        if found.empty:
            raise KeyError(f"no segment {label!r} in {segmentation}")
        return found.iloc[0].to_dict()

    def recommended_action(self, segmentation: str, label: str, language: Language) -> str | None:
        """The action the mart recommends for the segment's customers (None: the segmentation has
        none, or no customer is in the segment)."""
        table = ACTION_MARTS.get(segmentation)
        if table is None:
            return None
        action = self.localized(table, "recommended_action", language)
        found = self.query(f"select distinct {action} as action from {table} where {segmentation} = ?", [label])
        return None if found.empty else str(found["action"].iloc[0])

    # ---- migrations: customer_segment_history, as segment_migrations counts them ----

    def history_dates(self) -> list[date]:
        return [_date(d) for d in self.query(
            "select distinct as_of_date from customer_segment_history order by as_of_date")["as_of_date"]]

    def migrations(self, segmentation: str, from_date: date, to_date: date, language: Language) -> pd.DataFrame:
        """Customers from label to label between two as-of dates of the history (any two; for
        consecutive dates the rows of segment_migrations): ``entry`` a customer who did not exist on
        ``from_date``, ``none`` one without a label in the segmentation. Names beside the codes."""
        if segmentation not in SEGMENTATIONS:
            raise ValueError(f"unknown segmentation {segmentation!r}")
        name = self.localized("customer_segment_history", segmentation, language)
        return self.query(f"""
            with after as (
                select customer_key, {segmentation} as label, {name} as name, lifetime_revenue
                from customer_segment_history where as_of_date = ?
            ),
            before as (
                select customer_key, {segmentation} as label, {name} as name, lifetime_revenue
                from customer_segment_history where as_of_date = ?
            ),
            moved as (
                select
                    case when before.customer_key is null then '{ENTRY}' else coalesce(before.label, '{NONE}') end
                        as from_label,
                    case when before.customer_key is null then '{ENTRY}' else coalesce(before.name, '{NONE}') end
                        as from_name,
                    coalesce(after.label, '{NONE}') as to_label,
                    coalesce(after.name, '{NONE}') as to_name,
                    after.lifetime_revenue - coalesce(before.lifetime_revenue, 0) as period_revenue
                from after
                left join before on after.customer_key = before.customer_key
            )
            select from_label, from_name, to_label, to_name, count(*) as customers,
                sum(period_revenue) as period_revenue
            from moved
            group by all
            order by from_label, to_label
        """, [to_date, from_date])

    # ---- cohorts ----

    def cohort_channels(self) -> list[str]:
        """ALL_CHANNELS (the whole cohorts, cohort_retention_totals) first, then each channel."""
        channels = self.query("select distinct acquisition_channel from cohort_retention "
                              "order by acquisition_channel")["acquisition_channel"]
        return [ALL_CHANNELS, *channels]

    def cohort_retention(self, channel: str) -> pd.DataFrame:
        """One channel's cohorts (cohort_retention), or the whole cohorts for ALL_CHANNELS
        (cohort_retention_totals: the mart keeps no 'all' row among the channels)."""
        columns = "cohort_month, months_since_first_purchase, cohort_size, customers_purchasing, retention_rate"
        if channel == ALL_CHANNELS:
            return self.query(f"""
                select {columns} from cohort_retention_totals
                order by cohort_month, months_since_first_purchase
            """)
        return self.query(f"""
            select {columns}
            from cohort_retention
            where acquisition_channel = ?
            order by cohort_month, months_since_first_purchase
        """, [channel])

    # ---- tags ----

    def tag_coverage(self, language: Language) -> pd.DataFrame:
        name = self.localized("tag_coverage", "tag_code", language, stem="tag")
        return self.query(f"""
            select tag_code, {name} as name, tag_group, tag_owner, customers_tagged, customers_total,
                share_of_customers, change_in_share, review_flag
            from tag_coverage
            order by review_flag = 'ok', tag_group, tag_code
        """)

    def tag_coverage_history(self, tag_code: str) -> pd.DataFrame:
        return self.query("""
            select computed_for_date, customers_tagged, customers_total, share_of_customers
            from tag_coverage_history
            where tag_code = ?
            order by computed_for_date
        """, [tag_code])

    # ---- data quality ----

    def rejected_by_reason(self, language: Language) -> pd.DataFrame:
        """Rejected rows per table and reason, the reason by its name in ``language``."""
        name = self.localized("rejected_rows", "reject_reason", language)
        return self.query(f"""
            select source_table, {name} as reject_reason, count(*) as rejected_rows
            from rejected_rows
            group by all
            order by rejected_rows desc, source_table, reject_reason
        """)

    def reconciliation(self) -> pd.DataFrame:
        return self.query("""
            select source_table, raw_rows, clean_rows, rejected_rows, superseded_rows, conflicting_keys,
                is_reconciled
            from raw_row_reconciliation
            order by source_table
        """)


def _date(value: Any) -> date:
    return pd.Timestamp(value).date()
