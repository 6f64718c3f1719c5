"""The cross-engine comparison itself: what counts as equal and what as a difference."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from customer_segments.engines import normalise_rows, table_differences


def test_rows_compare_regardless_of_order_and_engine_types() -> None:
    duckdb_rows = [("b", Decimal("1.50"), 0.1 + 0.2, date(2026, 6, 30)),
                   ("a", Decimal("2.00"), 1.0, datetime(2026, 6, 30, 7, 30))]
    postgres_rows = [("a", Decimal("2.0000"), 1.0, datetime(2026, 6, 30, 7, 30)),
                     ("b", Decimal("1.5"), 0.3, date(2026, 6, 30))]
    assert normalise_rows(duckdb_rows) == normalise_rows(postgres_rows)
    assert table_differences("t", duckdb_rows, postgres_rows) == []


def test_a_cent_is_a_difference() -> None:
    differences = table_differences("customers", [("c1", Decimal("595.05"))], [("c1", Decimal("595.06"))])
    assert len(differences) == 1
    assert "595.05" in differences[0] and "595.06" in differences[0]


def test_a_missing_row_is_a_difference() -> None:
    assert table_differences("t", [("a",), ("a",)], [("a",)]) != []
    assert table_differences("t", [(None,)], [(None,)]) == []
