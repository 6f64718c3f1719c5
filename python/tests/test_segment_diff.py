"""make diff's segment diff: one pair of demo builds shared by the module - the current commit as the
base and, as the head, a commit made for the test (a dangling commit object: no branch, no
worktree) that changes the var at_risk_days and adds a Jinja comment to one model (a change dbt's
state sees, that changes no row) - and small hand-made cases for what that pair cannot show
(customers in one build only, a matrix too big for a grid)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from customer_segments.dbt_runner import sql_path
from customer_segments.project import PROJECT_DIR, git
from customer_segments.review.compare import Relation, mart_relations
from customer_segments.review.segment_diff import (
    GONE,
    NEW,
    NONE,
    Cell,
    SegmentationDiff,
    Side,
    seed_names,
    transition_cells,
    var_changes,
)
from customer_segments.review.segment_report import matrix_markdown

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("segment_diff")]

AT_RISK_LINE = re.compile(r"^  at_risk_days: (\d+)$", re.MULTILINE)
#: the model the head commit touches with a comment: dbt state sees it, its rows stay the same
COMMENTED_MODEL = "rfm_score_cut_points"
COMMENTED_PATH = f"models/marts/segments/{COMMENTED_MODEL}.sql"


def commit_with_at_risk_days(base: str, days: int) -> str:
    """A commit on top of ``base`` whose dbt_project.yml sets at_risk_days to ``days`` and whose
    COMMENTED_MODEL ends with a Jinja comment: written with git's plumbing through an index file of
    its own, so no branch, worktree or index changes."""
    text = git("show", f"{base}:dbt_project.yml") + "\n"
    assert len(AT_RISK_LINE.findall(text)) == 1
    changed = AT_RISK_LINE.sub(f"  at_risk_days: {days}", text)
    model = git("show", f"{base}:{COMMENTED_PATH}") + "\n{# test_segment_diff: a change dbt state sees #}\n"
    env = {**os.environ, "GIT_INDEX_FILE": str(PROJECT_DIR / "target" / f"segment-diff-test-index-{os.getpid()}"),
           "GIT_AUTHOR_NAME": "test", "GIT_AUTHOR_EMAIL": "test@example.com",
           "GIT_COMMITTER_NAME": "test", "GIT_COMMITTER_EMAIL": "test@example.com"}
    Path(env["GIT_INDEX_FILE"]).parent.mkdir(exist_ok=True)

    def run(*args: str, stdin: str | None = None) -> str:
        return subprocess.run(["git", *args], cwd=PROJECT_DIR, env=env, input=stdin, check=True,
                              capture_output=True, text=True).stdout.strip()

    try:
        run("read-tree", base)
        for path, content in (("dbt_project.yml", changed), (COMMENTED_PATH, model)):
            blob = run("hash-object", "-w", "--stdin", stdin=content)
            run("update-index", "--cacheinfo", f"100644,{blob},{path}")
        tree = run("write-tree")
        return run("commit-tree", tree, "-p", base, "-m", f"test: at_risk_days {days}")
    finally:
        Path(env["GIT_INDEX_FILE"]).unlink(missing_ok=True)


@dataclass
class DiffRun:
    stdout: str
    report_md: str
    report: dict[str, Any]
    base_db: Path
    head_db: Path
    base_manifest: Path
    head_manifest: Path
    base_days: int
    head_days: int
    out: Path
    cache: Path
    head_commit: str


def run_diff(base: str, head: str, out: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    """make diff's command (python -m customer_segments diff), with --head instead of the working tree."""
    return subprocess.run(
        [sys.executable, "-m", "customer_segments", "diff", "--base", base, "--head", head,
         "--out", str(out), "--cache", str(cache)],
        cwd=PROJECT_DIR, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def diff_run(tmp_path_factory: pytest.TempPathFactory) -> DiffRun:
    base = git("rev-parse", "HEAD")
    base_days = int(yaml.safe_load(git("show", f"{base}:dbt_project.yml"))["vars"]["at_risk_days"])
    head_days = base_days - 30
    head = commit_with_at_risk_days(base, head_days)
    folder = tmp_path_factory.mktemp("segment_diff")
    out, cache = folder / "out", folder / "cache"
    result = run_diff(base, head, out, cache)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads((out / "report.json").read_text())
    base_dir, head_dir = Path(report["base"]["workdir"]), Path(report["head"]["workdir"])
    return DiffRun(result.stdout, (out / "report.md").read_text(), report,
                   base_dir / "customer_segments.duckdb", head_dir / "customer_segments.duckdb",
                   base_dir / "target" / "manifest.json", head_dir / "target" / "manifest.json",
                   base_days, head_days, out, cache, head)


def _connect(run: DiffRun) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"attach {sql_path(run.base_db)} as base (read_only)")
    con.execute(f"attach {sql_path(run.head_db)} as head (read_only)")
    return con


def _section(markdown: str, heading: str) -> str:
    start = markdown.index(f"\n### {heading}\n")
    end = markdown.find("\n### ", start + 1)
    return markdown[start:end if end >= 0 else None]


def parse_grid(section: str) -> dict[tuple[str, str], int]:
    """The cells of the first from -> to grid in a report section: (from code, to code) -> customers,
    zero cells included ("·")."""
    lines = [line for line in section.splitlines() if line.startswith("| from (base)")]
    assert len(lines) == 1, section[:500]
    table = section[section.index(lines[0]):].split("\n\n")[0].splitlines()
    header = [cell.strip() for cell in table[0].strip("|").split("|")]
    tos = [re.match(r"`([^`]+)`", cell).group(1) for cell in header[1:-1]]  # type: ignore[union-attr]
    cells: dict[tuple[str, str], int] = {}
    for row in table[2:]:
        values = [cell.strip() for cell in row.strip("|").split("|")]
        if values[0] == "total":
            continue
        from_label = re.match(r"`([^`]+)`", values[0]).group(1)  # type: ignore[union-attr]
        for to_label, value in zip(tos, values[1:-1], strict=True):
            cells[(from_label, to_label)] = 0 if value == "·" else int(value.strip("*").replace(",", ""))
    return cells


LIFECYCLE_SQL = """
    select coalesce(base_customers.lifecycle_stage, '(none)') as from_stage,
        coalesce(head_customers.lifecycle_stage, '(none)') as to_stage, count(*) as customers
    from base.main_marts.customers as base_customers
    inner join head.main_marts.customers as head_customers using (customer_key)
    group by all
"""


def test_printed_lifecycle_matrix_equals_sql_on_both_builds(diff_run: DiffRun) -> None:
    printed = parse_grid(_section(diff_run.stdout, "Lifecycle stage"))
    with _connect(diff_run) as con:
        expected = {(f, t): n for f, t, n in con.execute(LIFECYCLE_SQL).fetchall()}
        # the same customers in both builds: the inner join above loses nobody
        assert con.execute("select count(*) from base.main_marts.customers").fetchone() == \
            con.execute("select count(*) from head.main_marts.customers").fetchone() == (sum(expected.values()),)
        moved = sum(n for (f, t), n in expected.items() if f != t)
    assert {cell: n for cell, n in printed.items() if n} == expected
    assert all(n == expected.get(cell, 0) for cell, n in printed.items())
    # a shorter at_risk_days moves customers into at_risk, and only there
    assert moved > 0 and all(t == "at_risk" for (f, t), n in expected.items() if f != t)
    lifecycle = next(s for s in diff_run.report["segmentations"] if s["key"] == "lifecycle_stage")
    assert lifecycle["moved"] == moved and (lifecycle["new"], lifecycle["gone"]) == (0, 0)
    assert f"**{moved:,} customers change lifecycle stage**" in diff_run.stdout.split("\n### ")[0]


def test_example_keys_are_the_five_smallest_of_each_cell(diff_run: DiffRun) -> None:
    lifecycle = next(s for s in diff_run.report["segmentations"] if s["key"] == "lifecycle_stage")
    with _connect(diff_run) as con:
        for cell in lifecycle["cells"]:
            keys = [row[0] for row in con.execute(
                "select customer_key from base.main_marts.customers as b "
                "inner join head.main_marts.customers as h using (customer_key) "
                "where b.lifecycle_stage = ? and h.lifecycle_stage = ? order by customer_key limit 5",
                [cell["from_label"], cell["to_label"]]).fetchall()]
            assert cell["examples"] == keys
        moved_cell = next(cell for cell in lifecycle["cells"] if cell["from_label"] != cell["to_label"])
    section = _section(diff_run.report_md, "Lifecycle stage")
    assert f"| `{moved_cell['from_label']}` | `{moved_cell['to_label']}` | {moved_cell['customers']:,} | " \
        + ", ".join(f"`{key}`" for key in moved_cell["examples"]) + " |" in section


def test_other_segmentations_match_sql_and_do_not_move(diff_run: DiffRun) -> None:
    """at_risk_days is a lifecycle threshold: RFM, value tiers and tags stay where they were."""
    by_key = {s["key"]: s for s in diff_run.report["segmentations"]}
    with _connect(diff_run) as con:
        for column in ("rfm_segment", "rfm_group", "value_tier"):
            moved = con.execute(
                f"select count(*) from base.main_marts.customers as b inner join head.main_marts.customers as h "
                f"using (customer_key) where b.{column} is distinct from h.{column}").fetchone()
            assert moved == (by_key[column]["moved"],) == (0,)
        groups = sorted(row[0] for row in con.execute("select distinct tag_group from head.main_lookups.tag_catalog")
                        .fetchall())
    assert [key for key in by_key if key.startswith("tag_group_")] == [f"tag_group_{g}" for g in groups]
    assert all(by_key[f"tag_group_{g}"]["moved"] == 0 for g in groups)


def test_label_names_come_from_each_builds_lookup_seed(diff_run: DiffRun) -> None:
    lifecycle = next(s for s in diff_run.report["segmentations"] if s["key"] == "lifecycle_stage")
    with _connect(diff_run) as con:
        seed = con.execute("select stage_code, name_en, name_zh from head.main_lookups.lifecycle_stages "
                           "order by rule_order").fetchall()
    assert [(code, names["name_en"], names["name_zh"]) for code, names in lifecycle["labels"].items()] == seed
    code, en, zh = seed[0]
    assert f"`{code}`<br>{en} / {zh}" in _section(diff_run.report_md, "Lifecycle stage")


def test_label_kpis_equal_segment_kpis(diff_run: DiffRun) -> None:
    """The per-label figures computed from the customers mart are segment_kpis' own, before and after."""
    with _connect(diff_run) as con:
        for segmentation in diff_run.report["segmentations"]:
            if segmentation["key"].startswith("tag_group_"):
                continue
            for side, key in (("base", "before"), ("head", "after")):
                kpis = {row[0]: row[1:] for row in con.execute(
                    f"select label, customers, share_of_customers, share_of_revenue, repurchase_rate "
                    f"from {side}.main_marts.segment_kpis where segmentation = ? and customers > 0",
                    [segmentation["key"]]).fetchall()}
                ours = {kpi["label"]: kpi[key] for kpi in segmentation["kpis"] if kpi[key]}
                assert ours.keys() == kpis.keys()
                for label, (customers, share, revenue_share, repurchase) in kpis.items():
                    assert ours[label]["customers"] == customers
                    assert ours[label]["share"] == pytest.approx(share, abs=1e-12)
                    assert ours[label]["revenue_share"] == pytest.approx(revenue_share, abs=1e-12)
                    assert ours[label]["repurchase_rate"] == pytest.approx(repurchase, abs=1e-12)


def test_var_diff_names_at_risk_days_with_both_values(diff_run: DiffRun) -> None:
    assert diff_run.report["var_changes"] == [
        {"name": "at_risk_days", "base": diff_run.base_days, "head": diff_run.head_days}]
    assert f"| `at_risk_days` | `{diff_run.base_days}` | `{diff_run.head_days}` |" in diff_run.report_md
    # dbt's state:modified sees the commented model but not the var (customer_lifecycle, whose rows
    # the var changes, is not listed): that is why the report diffs the vars itself
    node = f"model.customer_segments.{COMMENTED_MODEL}"
    assert diff_run.report["modified_nodes"] == [node] and diff_run.report["state_error"] is None
    assert f"- `{node}`" in _section(diff_run.report_md, "What changed in the project")
    assert next(m for m in diff_run.report["marts"] if m["name"] == COMMENTED_MODEL)["rows_equal"]


def test_mart_row_counts_equal_sql(diff_run: DiffRun) -> None:
    marts = {mart["name"]: mart for mart in diff_run.report["marts"]}
    with _connect(diff_run) as con:
        for side, manifest in (("base", diff_run.base_manifest), ("head", diff_run.head_manifest)):
            relations = mart_relations(manifest)
            assert relations.keys() == marts.keys()
            for name, relation in relations.items():
                count = con.execute(f"select count(*) from {relation.sql(side)}").fetchone()
                assert count == (marts[name][f"{side}_rows"],)
                assert f"| `{name}` | {marts[name]['base_rows']:,} | {marts[name]['head_rows']:,} |" \
                    in diff_run.report_md
    assert marts["customer_lifecycle"]["rows_only_in_base"] == next(
        s["moved"] for s in diff_run.report["segmentations"] if s["key"] == "lifecycle_stage")
    assert marts["customer_rfm"]["rows_equal"] and not marts["customers"]["rows_equal"]


def test_markdown_reads_as_a_pr_comment(diff_run: DiffRun) -> None:
    markdown = diff_run.report_md
    groups = [s["title"] for s in diff_run.report["segmentations"] if s["key"].startswith("tag_group_")]
    headings = re.findall(r"^#{2,3} .*$", markdown, re.MULTILINE)
    assert headings == ["## Segment diff", "### What changed in the project", "### RFM segment", "### RFM group",
                        "### Lifecycle stage", "### Value tier",
                        *[f"### {title[0].upper()}{title[1:]}" for title in groups], "### Marts", "### Builds"]
    summary = markdown.split("\n### ")[0]
    assert "customers change lifecycle stage" in summary and "`at_risk_days`" in summary
    assert markdown.count("<details") == markdown.count("</details>") > 0
    assert len(markdown) < 65_536
    assert diff_run.stdout.startswith(markdown)
    charts = diff_run.report["charts"]
    assert set(charts) == {s["key"] for s in diff_run.report["segmentations"]}
    assert all((diff_run.out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for name in charts.values())


def test_a_second_diff_reuses_both_commit_builds(diff_run: DiffRun, tmp_path: Path) -> None:
    assert not diff_run.report["base"]["reused"] and not diff_run.report["head"]["reused"]
    result = run_diff(diff_run.report["base"]["commit"], diff_run.head_commit, tmp_path / "out", diff_run.cache)
    assert result.returncode == 0, result.stderr[-3000:]
    again = json.loads((tmp_path / "out" / "report.json").read_text())
    assert again["base"]["reused"] and again["head"]["reused"]
    assert again["base"]["workdir"] == diff_run.report["base"]["workdir"]
    assert "reused the cached build" in (tmp_path / "out" / "report.md").read_text()
    for key in ("segmentations", "var_changes", "modified_nodes"):
        assert again[key] == diff_run.report[key]

    def counts(report: dict[str, Any]) -> list[dict[str, Any]]:  # compare.py's example rows are any rows
        return [{k: v for k, v in mart.items() if not k.startswith("examples_")} for mart in report["marts"]]

    assert counts(again) == counts(diff_run.report)


# --- small hand-made cases -----------------------------------------------------------------------


def test_customers_in_one_build_only_are_new_or_gone_never_dropped() -> None:
    con = duckdb.connect()
    base = "select * from (values ('a', 'x'), ('b', 'y'), ('c', null), ('e', 'x')) as t(customer_key, label)"
    head = "select * from (values ('a', 'y'), ('c', null), ('d', 'x'), ('e', 'x')) as t(customer_key, label)"
    cells = {(c.from_label, c.to_label): (c.customers, c.examples) for c in transition_cells(con, base, head)}
    assert cells == {("x", "y"): (1, ["a"]), ("y", GONE): (1, ["b"]), (NONE, NONE): (1, ["c"]),
                     (NEW, "x"): (1, ["d"]), ("x", "x"): (1, ["e"])}
    segmentation = SegmentationDiff(
        "s", "s", {label: (label, label) for label in ("x", "y", NONE, NEW, GONE)},
        [c for c in transition_cells(con, base, head)], [], 4, 4)
    assert (segmentation.moved, segmentation.new, segmentation.gone) == (3, 1, 1)
    grid = parse_grid("\n".join(matrix_markdown(segmentation)))
    assert grid[(NEW, "x")] == grid[("y", GONE)] == grid[("x", "y")] == 1
    assert grid[("x", "x")] == 1 and grid[(NEW, "y")] == 0


def test_var_changes_list_added_removed_and_changed_vars() -> None:
    changes = var_changes({"a": 1, "b": [1, 2], "gone": True}, {"a": 1, "b": [1, 3], "new": None})
    assert [(c.name, c.base, c.head) for c in changes] == [
        ("b", [1, 2], [1, 3]), ("gone", True, "(not set)"), ("new", "(not set)", None)]


def test_a_matrix_with_many_labels_is_listed_cell_by_cell() -> None:
    labels = {f"t{i:02}": (f"tag {i}", f"标签{i}") for i in range(14)}
    cells = [Cell(f"t{i:02}", f"t{i:02}", 10, []) for i in range(14)] + [Cell("t00", "t01", 3, []),
                                                                       Cell("t02", "t03", 7, [])]
    lines = matrix_markdown(SegmentationDiff("g", "g tags", labels, cells, [], 147, 147))
    assert lines[:2] == ["| from (base) | to (head) | customers |", "|---|---|---:|"]
    # the moved cells first, the biggest first, then the unmoved ones
    assert lines[2] == "| `t02`<br>tag 2 / 标签2 | `t03`<br>tag 3 / 标签3 | 7 |"
    assert lines[3] == "| `t00`<br>tag 0 / 标签0 | `t01`<br>tag 1 / 标签1 | 3 |"
    assert len(lines) == 2 + 16 and lines[4] == "| `t00`<br>tag 0 / 标签0 | `t00`<br>tag 0 / 标签0 | 10 |"


def test_labels_without_names_in_a_build_go_by_their_codes() -> None:
    """An older base whose lookup seed has no name columns: its labels are shown by code."""
    con = duckdb.connect()
    con.execute("create schema lookups")
    con.execute("create table lookups.old_stages as select 'new' as stage_code, 1 as rule_order")
    con.execute("create table lookups.stages as select 'new' as stage_code, 1 as rule_order, "
                "'New' as name_en, '新客' as name_zh")
    side = Side("memory", {}, {"old_stages": Relation("lookups", "old_stages"),
                               "stages": Relation("lookups", "stages")})
    assert seed_names(con, side, "old_stages", "stage_code", "rule_order") == []
    assert seed_names(con, side, "stages", "stage_code", "rule_order") == [("new", "New", "新客")]
    assert seed_names(con, side, "missing", "stage_code", "rule_order") == []
