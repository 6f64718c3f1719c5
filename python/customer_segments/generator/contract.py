"""The raw-data contract: one Arrow schema per raw table, columns in contract order.

This module is the single source of truth for table names, column order and types. The
generator builds every table against these schemas, the writers use them for headers
and Parquet schemas, and the tests compare the files against them.
"""

from __future__ import annotations

import pyarrow as pa

STRING = pa.string()
TIMESTAMP = pa.timestamp("us")  # naive, UTC
DATE = pa.date32()
DECIMAL = pa.decimal128(18, 2)
INT = pa.int32()
BOOL = pa.bool_()

LOADED_AT = "_loaded_at"


def _schema(*columns: tuple[str, pa.DataType]) -> pa.Schema:
    """Build a contract schema; every raw table ends with ``_loaded_at``."""
    return pa.schema([pa.field(name, dtype) for name, dtype in columns] + [pa.field(LOADED_AT, TIMESTAMP)])


CUSTOMERS = _schema(
    ("customer_id", STRING),
    ("email", STRING),
    ("phone", STRING),
    ("full_name", STRING),
    ("gender", STRING),
    ("birth_date", DATE),
    ("city", STRING),
    ("province", STRING),
    ("country_code", STRING),
    ("signup_at", TIMESTAMP),
    ("acquisition_channel", STRING),
    ("referred_by_customer_id", STRING),
    ("member_level", STRING),
    ("marketing_opt_in", BOOL),
    ("is_test_account", BOOL),
    ("updated_at", TIMESTAMP),
)

NPS_RESPONSES = _schema(
    ("response_id", STRING),
    ("customer_id", STRING),
    ("responded_at", TIMESTAMP),
    ("score", INT),
    ("comment", STRING),
)

ORDERS = _schema(
    ("order_id", STRING),
    ("customer_id", STRING),
    ("ordered_at", TIMESTAMP),
    ("status", STRING),
    ("currency", STRING),
    ("gross_amount", DECIMAL),
    ("discount_amount", DECIMAL),
    ("refunded_amount", DECIMAL),
    ("sales_channel", STRING),
    ("updated_at", TIMESTAMP),
)

ORDER_ITEMS = _schema(
    ("order_item_id", STRING),
    ("order_id", STRING),
    ("product_id", STRING),
    ("quantity", INT),
    ("unit_price", DECIMAL),
)

PRODUCTS = _schema(
    ("product_id", STRING),
    ("product_name", STRING),
    ("category", STRING),
    ("brand", STRING),
)

EVENTS = _schema(
    ("event_id", STRING),
    ("customer_id", STRING),
    ("anonymous_id", STRING),
    ("event_type", STRING),
    ("occurred_at", TIMESTAMP),
    ("session_id", STRING),
    ("platform", STRING),
    ("utm_source", STRING),
    ("utm_medium", STRING),
    ("utm_campaign", STRING),
    ("product_id", STRING),
)

CAMPAIGNS = _schema(
    ("campaign_id", STRING),
    ("campaign_name", STRING),
    ("channel", STRING),
    ("target_segment", STRING),
    ("starts_at", TIMESTAMP),
    ("ends_at", TIMESTAMP),
    ("conversion_window_days", INT),
)

CAMPAIGN_ASSIGNMENTS = _schema(
    ("campaign_id", STRING),
    ("customer_id", STRING),
    ("variant", STRING),
    ("assigned_at", TIMESTAMP),
)

#: Every raw table, in the order the files are written.
TABLES: dict[str, pa.Schema] = {
    "customers": CUSTOMERS,
    "nps_responses": NPS_RESPONSES,
    "orders": ORDERS,
    "order_items": ORDER_ITEMS,
    "products": PRODUCTS,
    "events": EVENTS,
    "campaigns": CAMPAIGNS,
    "campaign_assignments": CAMPAIGN_ASSIGNMENTS,
}

#: The source system each raw table comes from.
SOURCES: dict[str, str] = {
    "customers": "crm",
    "nps_responses": "crm",
    "orders": "shop",
    "order_items": "shop",
    "products": "shop",
    "events": "app",
    "campaigns": "marketing",
    "campaign_assignments": "marketing",
}

TABLE_NAMES: tuple[str, ...] = tuple(TABLES)
