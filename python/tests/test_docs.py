"""`dbt docs generate` succeeds and every source, seed, model, macro and column carries a
description — including columns that exist in the built relations but were never declared."""

from __future__ import annotations

import json
from pathlib import Path

from customer_segments.dbt_runner import DbtProject

FIXTURES = Path(__file__).parent / "fixtures" / "raw_tiny"


def test_every_node_and_column_is_documented(tmp_path: Path) -> None:
    project = DbtProject(tmp_path, vars={"raw_path": str(FIXTURES), "raw_format": "csv"})
    project.run("build", "--exclude", "path:seeds/raw", "resource_type:test", "resource_type:unit_test")
    project.run("docs", "generate")
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    catalog = json.loads((tmp_path / "target" / "catalog.json").read_text())

    missing: list[str] = []
    documented = {**manifest["nodes"], **manifest["sources"]}
    for unique_id, node in documented.items():
        if node["resource_type"] not in {"model", "seed", "source"}:
            continue
        if node.get("package_name") != "customer_segments":
            continue
        if not node.get("description", "").strip():
            missing.append(f"{unique_id}: no description")
        for name, column in node.get("columns", {}).items():
            if not column.get("description", "").strip():
                missing.append(f"{unique_id}.{name}: no description")
        built = catalog["nodes"].get(unique_id) or catalog["sources"].get(unique_id)
        if built and node["resource_type"] == "model":
            declared = {name.lower() for name in node.get("columns", {})}
            for name in built["columns"]:
                if name.lower() not in declared:
                    missing.append(f"{unique_id}.{name}: built but not documented")
    for unique_id, macro in manifest["macros"].items():
        if macro["package_name"] == "customer_segments" and not macro["name"].startswith(
                ("default__", "duckdb__", "postgres__", "spark__")):
            if not macro.get("description", "").strip():
                missing.append(f"{unique_id}: no description")
    assert not missing, "\n".join(missing)


POSTGRES_MAX_IDENTIFIER = 63  # NAMEDATALEN - 1: PostgreSQL refuses longer relation names


def test_relation_names_fit_postgres_identifiers(tmp_path: Path) -> None:
    """dbt names the relation of a model after its alias and the one of a unit test after the
    test; PostgreSQL refuses names over 63 characters, which only `make test-engines` would show."""
    project = DbtProject(tmp_path)
    project.run("parse")
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    names = [node["alias"] for node in manifest["nodes"].values()
             if node["resource_type"] in {"model", "seed"} and node["package_name"] == "customer_segments"]
    names += [test["name"] for test in manifest["unit_tests"].values()]
    assert len(names) > 100
    assert [name for name in names if len(name) > POSTGRES_MAX_IDENTIFIER] == []
