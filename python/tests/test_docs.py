"""`dbt docs generate` succeeds and every source, seed, model, macro and column carries a
description — including columns that exist in the built relations but were never declared."""

from __future__ import annotations

import csv
import json
import subprocess
from typing import Any

from customer_segments.benchmark.run import DAILY_ARGS, DBT_ARGS
from customer_segments.dbt_runner import PROJECT_DIR, DbtProject


def active_tag_codes() -> set[str]:
    """customer_tags_wide's tag columns, one per active tag_catalog row: each is documented by
    its catalogue row (names, definition, owner), not in YAML, or a new tag would need a YAML
    column too (docs/tags.md)."""
    with (PROJECT_DIR / "seeds" / "lookups" / "tag_catalog.csv").open(newline="", encoding="utf-8") as file:
        return {row["tag_code"] for row in csv.DictReader(file) if row["is_active"] == "true"}


def test_every_node_and_column_is_documented(tiny_build: DbtProject) -> None:
    """On the project built on the tiny fixtures (conftest): the catalog lists the built relations."""
    tiny_build.run("docs", "generate")
    manifest = json.loads((tiny_build.workdir / "target" / "manifest.json").read_text())
    catalog = json.loads((tiny_build.workdir / "target" / "catalog.json").read_text())

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
            if node["name"] == "customer_tags_wide":
                declared |= active_tag_codes()
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


def test_relation_names_fit_postgres_identifiers(manifest: dict[str, Any]) -> None:
    """dbt names the relation of a model after its alias and the one of a unit test after the
    test; PostgreSQL refuses names over 63 characters, which only `make test-engines` would show."""
    names = [node["alias"] for node in manifest["nodes"].values()
             if node["resource_type"] in {"model", "seed"} and node["package_name"] == "customer_segments"]
    names += [test["name"] for test in manifest["unit_tests"].values()]
    assert len(names) > 100
    assert [name for name in names if len(name) > POSTGRES_MAX_IDENTIFIER] == []


def _listed_tests(project: DbtProject, *selection: str) -> set[str]:
    listed = project.run("ls", "--resource-type", "test", *selection,
                         "--output", "json", "--output-keys", "unique_id", "--quiet")
    return {json.loads(line)["unique_id"] for line in listed.stdout.splitlines()
            if line.startswith("{")}


def test_daily_job_leaves_out_exactly_the_tests_on_inline_fixtures(parsed_project: DbtProject) -> None:
    """The daily job (make daily, the benchmark's daily run) and make build skip the self-checks by
    tag self_check, as they skip unit tests: they test SQL on inline fixtures, not the data (make
    test runs them). A test that reads no model, seed or source must carry the tag, and one that
    does must not, or those builds would skip a check of the data."""
    project = parsed_project
    base = DBT_ARGS[1:]
    all_data_tests = _listed_tests(project, *base, "--exclude-resource-type", "unit_test")
    daily_tests = _listed_tests(project, *base, *DAILY_ARGS)
    # dbt ls wrote the manifest it selected from
    manifest = json.loads((project.workdir / "target" / "manifest.json").read_text())
    tests = {unique_id: node for unique_id, node in manifest["nodes"].items()
             if node["resource_type"] == "test" and node["package_name"] == "customer_segments"}
    without_inputs = {unique_id for unique_id, node in tests.items() if not node["depends_on"]["nodes"]}
    tagged = {unique_id for unique_id, node in tests.items() if "self_check" in node["tags"]}
    assert len(without_inputs) >= 7
    assert tagged == without_inputs

    # the daily job's selection (repeated --exclude included) leaves out these and nothing else
    assert all_data_tests - daily_tests == tagged

    # make daily runs the same selection as the benchmark's daily run, and make build leaves out the
    # same tests; make test's dbt build keeps them
    def recipe(target: str) -> str:
        # the dbt command make would run, variables expanded (-n: nothing is run; the venv's
        # install steps, printed when its stamp is stale, are not the target's own)
        printed = subprocess.run(["make", "-n", "--no-print-directory", target],
                                 cwd=PROJECT_DIR, capture_output=True, text=True, check=True).stdout
        return " ".join(line for line in printed.splitlines() if " build" in line and "/dbt " in line)

    assert " ".join(DAILY_ARGS) in recipe("daily")
    assert " ".join(DAILY_ARGS) in recipe("build")
    assert "/dbt build --fail-fast" in recipe("dbt-build") and "--exclude" not in recipe("dbt-build")
