"""The layers flow one way: sources -> staging -> intermediate -> marts -> semantic. Read from dbt's own graph
(manifest.json of a parse) and from the macro files, so a model or macro that breaks the rule
fails here with its name."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from customer_segments.project import PROJECT_DIR

#: in the order data flows; semantic (issue 39) is MetricFlow's views over the marts and its time
#: spine (docs/semantic-layer.md), in a schema of its own so the marts stay alone in theirs
LAYERS = ("staging", "intermediate", "marts", "semantic")


# manifest: dbt's graph of a parse from scratch (conftest)


def _models(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {uid: node for uid, node in manifest["nodes"].items()
            if node["resource_type"] == "model" and node["package_name"] == "customer_segments"}


def layer(node: dict[str, Any]) -> str:
    """The folder under models/ a model lives in: staging, intermediate, marts or semantic."""
    return Path(node["original_file_path"]).parts[1]


def test_every_model_lives_in_a_layer(manifest: dict[str, Any]) -> None:
    assert {layer(node) for node in _models(manifest).values()} == set(LAYERS)


def test_no_model_reads_a_later_layer(manifest: dict[str, Any]) -> None:
    """No intermediate model reads a mart; no staging model reads an intermediate model or a mart."""
    models = _models(manifest)
    backwards = [
        f"{node['name']} ({layer(node)}) reads {models[parent]['name']} ({layer(models[parent])})"
        for node in models.values()
        for parent in node["depends_on"]["nodes"]
        if parent in models and LAYERS.index(layer(models[parent])) > LAYERS.index(layer(node))
    ]
    assert backwards == []


def test_the_check_sees_a_model_that_reads_a_later_layer(manifest: dict[str, Any]) -> None:
    """The rule above on a doctored graph: an intermediate model made to read a mart is named."""
    models = _models(manifest)
    mart = next(uid for uid, node in models.items() if layer(node) == "marts")
    intermediate = next(uid for uid, node in models.items() if layer(node) == "intermediate")
    doctored = json.loads(json.dumps(manifest))
    doctored["nodes"][intermediate]["depends_on"]["nodes"].append(mart)
    with pytest.raises(AssertionError, match=f"{models[intermediate]['name']} \\(intermediate\\) reads"):
        test_no_model_reads_a_later_layer(doctored)


def test_only_staging_reads_the_raw_sources(manifest: dict[str, Any]) -> None:
    readers = sorted(
        node["name"] for node in _models(manifest).values()
        if any(parent.startswith("source.") for parent in node["depends_on"]["nodes"]) and layer(node) != "staging"
    )
    assert readers == []


def test_each_layer_builds_in_its_own_schema(manifest: dict[str, Any]) -> None:
    """A BI user browsing the database finds the marts alone in theirs."""
    models = _models(manifest).values()
    schemas = {name: {node["schema"] for node in models if layer(node) == name} for name in LAYERS}
    assert all(len(found) == 1 for found in schemas.values()), schemas
    names = {name: next(iter(found)) for name, found in schemas.items()}
    assert len(set(names.values())) == len(LAYERS)
    assert names["marts"].endswith("_marts")


def test_no_model_orders_itself_with_a_depends_on_hint() -> None:
    hinted = sorted(str(path.relative_to(PROJECT_DIR)) for path in (PROJECT_DIR / "models").rglob("*.sql")
                    if "-- depends_on:" in path.read_text())
    assert hinted == []


JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)
STRING_LITERAL = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"")
REF_CALL = re.compile(r"\b(ref|source)\s*\(")


def code_of(path: Path) -> str:
    """A macro file without its Jinja comments and string literals: only calls it really makes."""
    return STRING_LITERAL.sub("''", JINJA_COMMENT.sub("", path.read_text()))


def test_no_macro_hides_a_ref_or_a_source() -> None:
    """A model's inputs are the refs and sources written in the model: macros take relations as
    arguments instead of calling ref() or source() themselves."""
    hiding = sorted(
        f"{path.relative_to(PROJECT_DIR)}: {match.group(0)}"
        for path in (PROJECT_DIR / "macros").rglob("*.sql")
        for match in REF_CALL.finditer(code_of(path))
    )
    assert hiding == []


def test_the_macro_check_sees_a_ref_but_not_words_about_one(tmp_path: Path) -> None:
    macro = tmp_path / "m.sql"
    macro.write_text("{#- no ref() here -#}\n{% set hint = \"pass ref('x')\" %}\nselect 1")
    assert not REF_CALL.search(code_of(macro))
    macro.write_text("{% macro m() %}select * from {{ ref('customers') }}{% endmacro %}")
    assert REF_CALL.search(code_of(macro))
