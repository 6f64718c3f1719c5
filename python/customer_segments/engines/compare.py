"""What counts as equal across engines: the same rows in any order, amounts equal to the cent,
other numbers to 1e-9, dates and timestamps as ISO text."""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from ..review.compare import Relation

Row = tuple[Any, ...]


def normalise_value(value: Any) -> Any:
    """One comparable form per value across engines: decimals to the cent, floats to 1e-9,
    dates and timestamps as ISO text."""
    if isinstance(value, Decimal):
        return value.quantize(Decimal("0.01"))
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return round(value, 9)
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    return value


def normalise_rows(rows: Sequence[Row]) -> list[Row]:
    """Rows normalised and sorted, so the comparison ignores row order."""
    normalised = [tuple(normalise_value(v) for v in row) for row in rows]
    return sorted(normalised, key=lambda row: tuple((v is None, str(v)) for v in row))


def table_differences(name: str, left: Sequence[Row], right: Sequence[Row], limit: int = 3,
                      other: str = "other") -> list[str]:
    """Human-readable differences between two row sets (empty when equal)."""
    a, b = normalise_rows(left), normalise_rows(right)
    if a == b:
        return []
    only_left = [row for row in a if row not in set(b)][:limit]
    only_right = [row for row in b if row not in set(a)][:limit]
    return [f"{name}: {len(a)} vs {len(b)} rows; only in duckdb {only_left}; only in {other} {only_right}"]


def fetch_duckdb(path: Path, table: Relation) -> list[Row]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(f'select * from "{table.schema}"."{table.name}"').fetchall()
    finally:
        con.close()


def duckdb_columns(path: Path, table: Relation) -> list[str]:
    """The mart's columns in DuckDB's order (Spark moves partition columns to the end)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        cursor = con.execute(f'select * from "{table.schema}"."{table.name}" limit 0')
        return [column[0] for column in cursor.description]
    finally:
        con.close()
