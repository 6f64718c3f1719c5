"""The raw-data contract as Arrow schemas: one per raw table, columns in contract order.

The contract itself is the dbt sources YAML (``models/staging/<source>/_<source>__sources.yml``):
every raw table's columns in order, each with its ``data_type``. This module reads it through
:func:`customer_segments.project.raw_tables` and gives each column the Arrow type the generator
writes (:data:`ARROW_TYPES`). The generator builds every table against these schemas, the writers
use them for headers and Parquet schemas, and the tests compare the files against them.
"""

from __future__ import annotations

import pyarrow as pa

from ..project import RawTable, raw_tables

STRING = pa.string()
TIMESTAMP = pa.timestamp("us")  # naive, UTC
DATE = pa.date32()
DECIMAL = pa.decimal128(18, 2)
INT = pa.int32()
BOOL = pa.bool_()

#: each data_type of the sources YAML and the Arrow type the generator writes for it
ARROW_TYPES: dict[str, pa.DataType] = {
    "varchar": STRING,
    "timestamp": TIMESTAMP,
    "date": DATE,
    "decimal(18,2)": DECIMAL,
    "integer": INT,
    "boolean": BOOL,
}

LOADED_AT = "_loaded_at"

#: The order the tables are written and reported in: by source in this order, then as the source's
#: YAML lists them. A table's position in TABLE_NAMES also numbers its random stream of dirt
#: (ChunkContext.dirt_rng), so the demo data depends on it: add a source at the end, never reorder.
SOURCE_ORDER = ("crm", "shop", "app", "marketing")


def arrow_type(data_type: str) -> pa.DataType:
    """The Arrow type of a column declared ``data_type`` (case and spaces do not matter)."""
    key = data_type.lower().replace(" ", "")
    if key not in ARROW_TYPES:
        raise ValueError(f"raw data_type {data_type!r} has no Arrow type; expected one of {sorted(ARROW_TYPES)}")
    return ARROW_TYPES[key]


def arrow_schema(table: RawTable) -> pa.Schema:
    """The table's columns in contract order; every raw table ends with ``_loaded_at``."""
    if not table.columns or table.columns[-1].name != LOADED_AT:
        raise ValueError(f"raw table {table.source}.{table.name} must end with column {LOADED_AT}")
    return pa.schema([pa.field(column.name, arrow_type(column.data_type)) for column in table.columns])


def _ordered(tables: tuple[RawTable, ...]) -> list[RawTable]:
    unknown = sorted({table.source for table in tables} - set(SOURCE_ORDER))
    if unknown:
        raise ValueError(f"sources {unknown} are not in contract.SOURCE_ORDER: add them at its end")
    return sorted(tables, key=lambda table: SOURCE_ORDER.index(table.source))  # stable: YAML order within


_TABLES = _ordered(raw_tables())

#: Every raw table, in the order the files are written.
TABLES: dict[str, pa.Schema] = {table.name: arrow_schema(table) for table in _TABLES}

#: The source system each raw table comes from.
SOURCES: dict[str, str] = {table.name: table.source for table in _TABLES}

TABLE_NAMES: tuple[str, ...] = tuple(TABLES)

CUSTOMERS = TABLES["customers"]
NPS_RESPONSES = TABLES["nps_responses"]
ORDERS = TABLES["orders"]
ORDER_ITEMS = TABLES["order_items"]
PRODUCTS = TABLES["products"]
EVENTS = TABLES["events"]
CAMPAIGNS = TABLES["campaigns"]
CAMPAIGN_ASSIGNMENTS = TABLES["campaign_assignments"]
