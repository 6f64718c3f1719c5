"""The raw-data contract is the sources YAML. The demo seeds repeat its column types (a seed loader
cannot read them from there): they must say exactly what the sources say, column for column."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from customer_segments.project import PROJECT_DIR, raw_tables


def source_columns() -> dict[str, list[tuple[str, str]]]:
    """Per raw table, its (column, data_type) pairs in the order of the sources YAML."""
    return {table.name: [(column.name, column.data_type) for column in table.columns] for table in raw_tables()}


def seed_column_types(path: Path) -> dict[str, list[tuple[str, str]]]:
    seeds: list[dict[str, Any]] = yaml.safe_load(path.read_text())["seeds"]
    return {seed["name"].removeprefix("raw_"): list(seed["config"]["column_types"].items()) for seed in seeds}


def test_the_demo_seeds_type_every_column_as_the_sources_do() -> None:
    assert seed_column_types(PROJECT_DIR / "seeds" / "raw" / "_raw__seeds.yml") == source_columns()


def test_the_demo_seed_files_have_the_contract_columns_in_order() -> None:
    for table, columns in source_columns().items():
        header = (PROJECT_DIR / "seeds" / "raw" / f"raw_{table}.csv").open().readline().strip()
        assert header.split(",") == [name for name, _ in columns], table


def test_a_changed_type_is_a_difference(tmp_path: Path) -> None:
    text = (PROJECT_DIR / "seeds" / "raw" / "_raw__seeds.yml").read_text()
    changed = tmp_path / "seeds.yml"
    changed.write_text(text.replace("gross_amount: decimal(18,2)", "gross_amount: double", 1))
    assert "gross_amount: double" in changed.read_text()
    assert seed_column_types(changed) != source_columns()
