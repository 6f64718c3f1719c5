"""The interface's own strings in English and Chinese (the labels' names come from the marts)."""

from __future__ import annotations

from .data import ENTRY, NONE, Language

LANGUAGE_NAMES: dict[Language, str] = {"en": "English", "zh": "中文"}

_STRINGS: dict[str, tuple[str, str]] = {
    # key: (English, Chinese)
    "app_title": ("Customer segments", "客户分群"),
    "language": ("Language / 语言", "Language / 语言"),
    "as_of": ("As of {date}", "截至 {date}"),
    "overview": ("Overview", "总览"),
    "segment": ("Segment", "分群详情"),
    "migrations": ("Migrations", "分群迁移"),
    "cohorts": ("Cohort retention", "同期群留存"),
    "tags": ("Tag coverage", "标签覆盖"),
    "quality": ("Data quality", "数据质量"),
    "rfm_segment": ("RFM segment", "RFM 分群"),
    "rfm_group": ("RFM group", "RFM 大类"),
    "lifecycle_stage": ("Lifecycle stage", "生命周期阶段"),
    "value_tier": ("Value tier", "价值层级"),
    "segmentation": ("Segmentation", "分群方式"),
    "label": ("Code", "代码"),
    "name": ("Segment", "分群"),
    "customers": ("Customers", "客户数"),
    "share_of_customers": ("Share of customers", "客户占比"),
    "revenue": ("Revenue", "收入"),
    "share_of_revenue": ("Share of revenue", "收入占比"),
    "average_order_value": ("Average order value", "平均订单金额"),
    "average_recency_days": ("Average days since last purchase", "平均距上次购买天数"),
    "repurchase_rate": ("Repurchase rate", "复购率"),
    "recommended_action": ("Recommended action", "建议行动"),
    "no_action": ("The marts recommend no action for this segmentation.", "该分群方式没有建议行动。"),
    "from_date": ("From as-of date", "起始日期"),
    "to_date": ("To as-of date", "结束日期"),
    "same_dates": ("Choose two different as-of dates.", "请选择两个不同的日期。"),
    "from": ("From", "从"),
    "to": ("To", "到"),
    "migration_matrix": ("Customers from (rows) to (columns)", "客户迁移矩阵（行：从，列：到）"),
    "moved": ("Customers who changed segment", "变更分群的客户"),
    "channel": ("Acquisition channel", "获客渠道"),
    "cohort_month": ("Cohort month", "首购月份"),
    "months_since": ("Months since first purchase", "首购后月数"),
    "retention_rate": ("Retention rate", "留存率"),
    "tag": ("Tag", "标签"),
    "tag_code": ("Tag code", "标签代码"),
    "tag_group": ("Group", "标签组"),
    "tag_owner": ("Owner", "负责人"),
    "customers_tagged": ("Customers tagged", "命中客户数"),
    "change_in_share": ("Change in share", "占比变化"),
    "review_flag": ("Review flag", "复核标记"),
    "tag_history": ("Coverage over time", "覆盖率趋势"),
    "computed_for_date": ("Computed for", "计算日期"),
    "rejected_by_reason": ("Rejected rows by reason", "按原因统计的拒收行"),
    "reconciliation": ("Raw row reconciliation", "原始行对账"),
    "source_table": ("Source table", "源表"),
    "reject_reason": ("Reason", "原因"),
    "rejected_rows": ("Rejected rows", "拒收行数"),
    "raw_rows": ("Raw rows", "原始行数"),
    "clean_rows": ("Clean rows", "有效行数"),
    "superseded_rows": ("Superseded rows", "被替代行数"),
    "conflicting_keys": ("Conflicting keys", "冲突键"),
    "is_reconciled": ("Reconciled", "已对平"),
    "all_reconciled": ("Every raw row is accounted for.", "所有原始行均已对平。"),
    "not_reconciled": ("Some raw rows are not accounted for: see the rows marked False.",
                       "部分原始行未对平：见标记为 False 的行。"),
    ENTRY: ("(new customer)", "（新客户）"),
    NONE: ("(no label)", "（无标签）"),
}


def t(key: str, language: Language, **values: object) -> str:
    """The string ``key`` in ``language``, with ``{name}`` fields filled from ``values``."""
    english, chinese = _STRINGS[key]
    return (english if language == "en" else chinese).format(**values)


def is_known(key: str) -> bool:
    return key in _STRINGS
