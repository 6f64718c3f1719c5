"""The cross-engine comparison itself: what counts as equal and what as a difference."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from customer_segments.engines.compare import normalise_rows, table_differences
from customer_segments.engines.run import main, slowest_nodes
from customer_segments.engines.spark import spark_conf, spark_select_sql
from customer_segments.review.compare import Relation, mart_relations


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


def test_differences_name_the_other_engine() -> None:
    differences = table_differences("t", [("a",)], [("b",)], other="spark")
    assert len(differences) == 1
    assert "only in duckdb [('a',)]" in differences[0]
    assert "only in spark [('b',)]" in differences[0]


def test_spark_reads_the_build_metastore_and_warehouse_in_utc(tmp_path: Path) -> None:
    conf = spark_conf(tmp_path / "spark", cores=2)
    assert conf["spark.master"] == "local[2]"
    assert conf["spark.sql.warehouse.dir"] == str(tmp_path / "spark" / "warehouse")
    assert conf["spark.hadoop.javax.jdo.option.ConnectionURL"] == (
        f"jdbc:derby:;databaseName={tmp_path / 'spark' / 'metastore_db'};create=true")
    assert conf["spark.sql.session.timeZone"] == "UTC"
    assert "-Duser.timezone=UTC" in conf["spark.driver.extraJavaOptions"]


def test_spark_select_keeps_the_duckdb_column_order() -> None:
    history = Relation("main_marts", "customer_segment_history")
    assert spark_select_sql(history, ["customer_key", "as_of_date"]) == (
        "select `customer_key`, `as_of_date` from `main_marts`.`customer_segment_history`")


def test_engine_option_accepts_only_known_engines() -> None:
    with pytest.raises(SystemExit):
        main(["--engines", "oracle"])


def test_marts_include_the_views_their_post_hooks_create(tmp_path: Path) -> None:
    nodes = {
        "model.p.customer_tags": {"alias": "customer_tags", "resource_type": "model", "schema": "main_marts",
                                  "original_file_path": "models/marts/tags/customer_tags.sql",
                                  "config": {"materialized": "table"}},
        "model.p.int_x": {"alias": "int_x", "resource_type": "model", "schema": "main_intermediate",
                          "original_file_path": "models/intermediate/int_x.sql", "config": {"materialized": "table"}},
        "seed.p.s": {"alias": "s", "resource_type": "seed", "schema": "main_lookups",
                     "original_file_path": "models/marts/s.csv", "config": {}},
    }
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"nodes": nodes}))
    assert mart_relations(manifest) == {"customer_tags": Relation("main_marts", "customer_tags"),
                                     "customer_tags_wide": Relation("main_marts", "customer_tags_wide")}


def test_run_summary_names_the_slowest_nodes_slowest_first() -> None:
    results = {"results": [
        {"unique_id": "model.customer_segments.customers", "status": "success", "execution_time": 2.4},
        {"unique_id": "model.customer_segments.customer_segment_history", "status": "success",
         "execution_time": 41.6},
        {"unique_id": "test.customer_segments.not_null_customers_customer_key.1a2b", "status": "pass",
         "execution_time": 3.1},
        {"unique_id": "unit_test.customer_segments.customers.customers_keep_prospects", "status": "pass",
         "execution_time": 0.2},
        {"unique_id": "model.customer_segments.segment_migrations", "status": "success", "execution_time": 7.0},
    ]}
    assert slowest_nodes(results) == (
        "slowest: customer_segment_history 42 s, segment_migrations 7 s, not_null_customers_customer_key 3 s")
    only_unit_test = {"results": results["results"][3:4]}
    assert slowest_nodes(only_unit_test, count=3) == "slowest: customers.customers_keep_prospects 0 s"
