"""What counts as equal across engines: the same rows in any order, amounts equal to the cent,
other numbers to 1e-9 (as compare-builds rounds them), dates and timestamps as ISO text."""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ..review.compare import FLOAT_DECIMALS

Row = tuple[Any, ...]


def normalise_value(value: Any) -> Any:
    """One comparable form per value across engines: decimals to the cent, floats to 1e-9,
    dates and timestamps as ISO text."""
    if isinstance(value, Decimal):
        return value.quantize(Decimal("0.01"))
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return round(value, FLOAT_DECIMALS)
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

