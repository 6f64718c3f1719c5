"""Compare the marts of two DuckDB builds of the project, row for row.

Each build's marts are read from its own ``manifest.json`` (every model under ``models/marts/``,
wherever its schema is), so a mart that moved to another schema or folder is still paired with
itself by name. Rows are compared as multisets (``except all`` both ways) on the columns both
builds have; doubles are rounded to 1e-9 first, as the engine comparison does, since a parallel
sum of doubles may differ in its last bits between two runs of the same SQL.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ..dbt_runner import sql_path

# Views a model's post-hook creates beside it in older versions of the project, keyed by that model
# (customer_tags_wide was such a view before it became a model of its own).
POST_HOOK_VIEWS = {"customer_tags": "customer_tags_wide"}

FLOAT_TYPES = {"DOUBLE", "FLOAT", "REAL"}
#: doubles are compared rounded to this many decimals (here and in the engine check)
FLOAT_DECIMALS = 9


@dataclass(frozen=True)
class Relation:
    """Where a mart lives in one build's database."""

    schema: str
    name: str

    def sql(self, catalog: str | None = None) -> str:
        """The quoted relation name, in ``catalog`` if given (an attached database)."""
        name = f'"{self.schema}"."{self.name}"'
        return name if catalog is None else f"{catalog}.{name}"


@dataclass
class MartComparison:
    """What differs in one mart between the base and the head build."""

    name: str
    base_rows: int | None = None
    head_rows: int | None = None
    base_schema: str | None = None
    head_schema: str | None = None
    columns_only_in_base: list[str] = field(default_factory=list)
    columns_only_in_head: list[str] = field(default_factory=list)
    columns_retyped: list[str] = field(default_factory=list)
    rows_only_in_base: int = 0
    rows_only_in_head: int = 0
    examples_only_in_base: list[tuple] = field(default_factory=list)
    examples_only_in_head: list[tuple] = field(default_factory=list)

    @property
    def missing(self) -> bool:
        return self.base_rows is None or self.head_rows is None

    @property
    def rows_equal(self) -> bool:
        return not self.missing and self.rows_only_in_base == 0 and self.rows_only_in_head == 0

    def summary(self) -> str:
        if self.base_rows is None:
            return f"{self.name}: only in head ({self.head_rows} rows)"
        if self.head_rows is None:
            return f"{self.name}: only in base ({self.base_rows} rows)"
        verdict = "identical" if self.rows_equal else (
            f"DIFFERENT: {self.rows_only_in_base} rows only in base, {self.rows_only_in_head} only in head; "
            f"e.g. base {self.examples_only_in_base} head {self.examples_only_in_head}"
        )
        notes = []
        if self.base_schema != self.head_schema:
            notes.append(f"schema {self.base_schema} -> {self.head_schema}")
        if self.columns_only_in_base:
            notes.append(f"columns only in base: {', '.join(self.columns_only_in_base)}")
        if self.columns_only_in_head:
            notes.append(f"columns only in head: {', '.join(self.columns_only_in_head)}")
        if self.columns_retyped:
            notes.append(f"type changed: {', '.join(self.columns_retyped)}")
        extra = f" ({'; '.join(notes)})" if notes else ""
        return f"{self.name}: {self.base_rows} vs {self.head_rows} rows, {verdict}{extra}"


def mart_relations(manifest_path: Path) -> dict[str, Relation]:
    """Every mart of a build (model under ``models/marts/``), by name, with its schema."""
    manifest = json.loads(manifest_path.read_text())
    marts = {
        node["alias"]: Relation(node["schema"], node["alias"])
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["original_file_path"].startswith("models/marts/")
        and node["config"].get("materialized") != "ephemeral"
        and node["config"].get("enabled", True)
    }
    for model, view in POST_HOOK_VIEWS.items():
        if model in marts and view not in marts:
            marts[view] = Relation(marts[model].schema, view)
    return marts


def _columns(con: duckdb.DuckDBPyConnection, catalog: str, relation: Relation) -> dict[str, str] | None:
    rows = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = ? and table_name = ? order by ordinal_position",
        [catalog, relation.schema, relation.name],
    ).fetchall()
    return {name: data_type for name, data_type in rows} or None


def _count(con: duckdb.DuckDBPyConnection, relation: str) -> int:
    """The number of rows of a relation or subquery (``from`` clause text)."""
    row = con.execute(f"select count(*) from {relation}").fetchone()
    assert row is not None
    return int(row[0])


def _select(catalog: str, relation: Relation, columns: list[str], types: dict[str, str]) -> str:
    expressions = [
        f'round("{column}", {FLOAT_DECIMALS}) as "{column}"' if types[column] in FLOAT_TYPES else f'"{column}"'
        for column in columns
    ]
    return f"select {', '.join(expressions)} from {relation.sql(catalog)}"


def compare_marts(base_db: Path, base_manifest: Path, head_db: Path, head_manifest: Path,
                  examples: int = 3) -> list[MartComparison]:
    """Every mart of either build compared with its namesake in the other."""
    base_marts, head_marts = mart_relations(base_manifest), mart_relations(head_manifest)
    con = duckdb.connect()
    con.execute(f"attach {sql_path(base_db)} as base (read_only)")
    con.execute(f"attach {sql_path(head_db)} as head (read_only)")
    comparisons = []
    try:
        for name in sorted(base_marts.keys() | head_marts.keys()):
            comparison = MartComparison(name)
            base_columns = _columns(con, "base", base_marts[name]) if name in base_marts else None
            head_columns = _columns(con, "head", head_marts[name]) if name in head_marts else None
            if base_columns is not None:
                comparison.base_schema = base_marts[name].schema
                comparison.base_rows = _count(con, base_marts[name].sql("base"))
            if head_columns is not None:
                comparison.head_schema = head_marts[name].schema
                comparison.head_rows = _count(con, head_marts[name].sql("head"))
            if base_columns is None or head_columns is None:
                comparisons.append(comparison)
                continue
            common = [column for column in base_columns if column in head_columns]
            comparison.columns_only_in_base = [c for c in base_columns if c not in head_columns]
            comparison.columns_only_in_head = [c for c in head_columns if c not in base_columns]
            comparison.columns_retyped = [
                f"{c} {base_columns[c]} -> {head_columns[c]}" for c in common if base_columns[c] != head_columns[c]
            ]
            base_sql = _select("base", base_marts[name], common, base_columns)
            head_sql = _select("head", head_marts[name], common, head_columns)
            for side, left, right in (("base", base_sql, head_sql), ("head", head_sql, base_sql)):
                only = f"({left} except all {right})"
                count = _count(con, f"{only} as only_rows")
                sample = con.execute(f"select * from {only} as only_rows limit {examples}").fetchall()
                setattr(comparison, f"rows_only_in_{side}", count)
                setattr(comparison, f"examples_only_in_{side}", sample)
            comparisons.append(comparison)
    finally:
        con.close()
    return comparisons
