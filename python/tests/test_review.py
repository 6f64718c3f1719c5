"""compare-builds' comparison on two small hand-made builds: what it pairs, what counts as a
difference and what does not."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from customer_segments.review.compare import compare_marts


def _build(directory: Path, schema: str, marts: dict[str, str]) -> tuple[Path, Path]:
    """A DuckDB file with one table per mart (name -> select) in ``schema``, and its manifest."""
    directory.mkdir()
    database = directory / "build.duckdb"
    con = duckdb.connect(str(database))
    con.execute(f"create schema if not exists {schema}")
    nodes = {}
    for name, select in marts.items():
        con.execute(f"create table {schema}.{name} as {select}")
        nodes[f"model.p.{name}"] = {"alias": name, "schema": schema, "resource_type": "model",
                                    "original_file_path": f"models/marts/{name}.sql",
                                    "config": {"materialized": "table"}}
    con.close()
    manifest = directory / "manifest.json"
    manifest.write_text(json.dumps({"nodes": nodes}))
    return database, manifest


def test_marts_are_paired_by_name_across_schemas_and_compared_as_multisets(tmp_path: Path) -> None:
    base = _build(tmp_path / "base", "main", {
        "same": "select * from (values (1, 'a', 0.1::double + 0.2::double), (2, 'b', 1.5::double)) as t(k, v, d)",
        "changed": "select * from (values (1, 10.00::decimal(18,2)), (2, 20.00)) as t(k, amount)",
        "dropped": "select 1 as k",
        "widened": "select 1 as k",
    })
    head = _build(tmp_path / "head", "main_marts", {
        "same": "select * from (values (2, 'b', 1.5::double), (1, 'a', 0.3::double)) as t(k, v, d)",
        "changed": "select * from (values (1, 10.00::decimal(18,2)), (2, 20.01)) as t(k, amount)",
        "added": "select 1 as k",
        "widened": "select 1 as k, 'x' as label",
    })
    results = {comparison.name: comparison for comparison in compare_marts(*base, *head)}

    # the same rows in another order and schema, 0.1 + 0.2 against 0.3: identical to 1e-9, the move noted
    assert results["same"].rows_equal
    assert "schema main -> main_marts" in results["same"].summary()
    # a cent is a difference, counted and shown on both sides
    changed = results["changed"]
    assert not changed.rows_equal
    assert (changed.rows_only_in_base, changed.rows_only_in_head) == (1, 1)
    assert "DIFFERENT" in changed.summary() and "20.01" in changed.summary()
    # a mart in one build only is not equal
    assert not results["dropped"].rows_equal and "only in base" in results["dropped"].summary()
    assert not results["added"].rows_equal and "only in head" in results["added"].summary()
    # an added column is listed; the rows compare on the shared columns
    assert results["widened"].rows_equal
    assert results["widened"].columns_only_in_head == ["label"]


def test_a_row_twice_is_not_the_row_once(tmp_path: Path) -> None:
    base = _build(tmp_path / "base", "main", {"m": "select * from (values (1), (1)) as t(k)"})
    head = _build(tmp_path / "head", "main", {"m": "select * from (values (1)) as t(k)"})
    (comparison,) = compare_marts(*base, *head)
    assert (comparison.rows_only_in_base, comparison.rows_only_in_head) == (1, 0)
