"""The segment diff of a pull request: how the customers' labels move between two builds.

``python -m customer_segments diff --base REF`` (``make diff``) builds REF and the working tree
(or ``--head REF``) on the same raw data, each into a DuckDB file of its own (builds.py), and
writes ``report.md`` (a pull-request comment), ``report.json`` and one PNG chart per
segmentation into ``--out``:

- per segmentation (RFM segment, RFM group, lifecycle stage, value tier, and each tag group):
  the from -> to matrix of customer counts, with the English and Chinese names of every label
  from the lookup seeds as each build has them, the customers who moved and the five smallest
  customer keys of each cell; a customer in one build only is counted as ``(new)`` / ``(gone)``;
- per label: customers, share, revenue share and repurchase rate before and after;
- per mart: rows before and after, rows that differ, columns added, removed or retyped
  (compare.py);
- what in the project could cause it: the nodes dbt's ``state:modified`` finds against the base
  build's manifest, and the effective vars of both builds (dbt state does not see vars).

A build of a commit is cached under ``--cache``, keyed by the commit, the raw data and the vars:
a second diff against the same base reuses it instead of building it again. The working tree is
always built (it has no commit to key it by).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import yaml

from ..dbt_runner import DbtProject, raw_vars, sql_path
from ..project import PROJECT_DIR, git
from .builds import BUILD_ARGS, BuiltVersion, add_worktree, build_version, remove_worktree
from .compare import MartComparison, Relation, compare_marts, mart_relations

#: labels of customers without a label, and of customers in one build only
NONE, NEW, GONE = "(none)", "(new)", "(gone)"
SPECIAL_NAMES = {
    NONE: ("no label", "无标签"),
    NEW: ("new: only in head", "新增客户"),
    GONE: ("gone: only in base", "已消失客户"),
}
#: a tag group's label is the set of its tags a customer has, joined by this
TAG_JOIN = "+"
#: example customer keys per matrix cell (the smallest keys)
EXAMPLES = 5
#: a matrix with more labels than this on a side is shown as a list of its cells
GRID_MAX_LABELS = 12
#: cached builds of commits kept (the oldest go first)
CACHE_KEEP = 4
#: GitHub refuses comments longer than 65,536 characters
COMMENT_MAX_CHARS = 65_000


@dataclass(frozen=True)
class Segmentation:
    """A label column of the customers mart and the lookup seed that names its codes."""

    key: str
    title: str
    column: str
    seed: str
    code_column: str
    order_column: str


SEGMENTATIONS = (
    Segmentation("rfm_segment", "RFM segment", "rfm_segment", "rfm_segments", "segment_code", "sort_order"),
    Segmentation("rfm_group", "RFM group", "rfm_group", "rfm_segment_groups", "group_code", "sort_order"),
    Segmentation("lifecycle_stage", "lifecycle stage", "lifecycle_stage", "lifecycle_stages", "stage_code",
                 "rule_order"),
    Segmentation("value_tier", "value tier", "value_tier", "value_tiers", "tier_code", "sort_order"),
)


@dataclass
class Cell:
    from_label: str
    to_label: str
    customers: int
    examples: list[str]


@dataclass
class LabelKpis:
    label: str
    name_en: str
    name_zh: str
    before: dict[str, float | int | None]
    after: dict[str, float | int | None]


@dataclass
class SegmentationDiff:
    key: str
    title: str
    #: every label of either build in display order, with its (English, Chinese) names
    labels: dict[str, tuple[str, str]]
    cells: list[Cell]
    kpis: list[LabelKpis]
    customers_base: int
    customers_head: int

    @property
    def moved(self) -> int:
        """Customers whose label differs, new and gone customers included."""
        return sum(cell.customers for cell in self.cells if cell.from_label != cell.to_label)

    @property
    def new(self) -> int:
        return sum(cell.customers for cell in self.cells if cell.from_label == NEW)

    @property
    def gone(self) -> int:
        return sum(cell.customers for cell in self.cells if cell.to_label == GONE)


@dataclass
class VarChange:
    name: str
    base: Any
    head: Any


@dataclass
class BuildInfo:
    label: str
    commit: str | None
    seconds: float
    reused: bool
    workdir: str


@dataclass
class SegmentDiff:
    base: BuildInfo
    head: BuildInfo
    segmentations: list[SegmentationDiff]
    marts: list[MartComparison]
    modified_nodes: list[str]
    var_changes: list[VarChange]
    state_error: str | None = None
    charts: dict[str, str] = field(default_factory=dict)


# --- builds -------------------------------------------------------------------------------


def raw_fingerprint(raw_path: Path | None) -> str:
    """What identifies the raw data: the demo seeds are part of the commit; files by their
    names, sizes and modification times (reading a large raw folder to hash it would cost as
    much as a build)."""
    if raw_path is None:
        return "demo seeds of the commit"
    entries = sorted(
        f"{path.relative_to(raw_path)}:{path.stat().st_size}:{path.stat().st_mtime_ns}"
        for path in raw_path.rglob("*") if path.is_file()
    )
    return hashlib.sha256("\n".join([str(raw_path), *entries]).encode()).hexdigest()


def cache_key(commit: str, raw_path: Path | None, dbt_vars: dict[str, Any]) -> str:
    material = json.dumps({"commit": commit, "raw": raw_fingerprint(raw_path), "vars": dbt_vars,
                           "args": BUILD_ARGS}, sort_keys=True, default=str)
    return hashlib.sha256(material.encode()).hexdigest()[:16]


def _prune_cache(cache: Path, keep: int = CACHE_KEEP) -> None:
    builds = sorted((path for path in cache.glob("build-*") if path.is_dir()), key=lambda p: p.stat().st_mtime)
    for stale in builds[:-keep] if keep else builds:
        shutil.rmtree(stale, ignore_errors=True)


def build_commit(label: str, ref: str, cache: Path, dbt_vars: dict[str, Any], raw_path: Path | None,
                 checkouts: Path) -> tuple[BuiltVersion, BuildInfo, Path | None]:
    """The build of commit ``ref``: the cached one when there is one for this commit, raw data and
    vars, else a fresh build in a detached checkout. Returns the checkout too (kept for the state
    comparison; None when the build was reused)."""
    commit = git("rev-parse", "--verify", f"{ref}^{{commit}}")
    workdir = cache / f"build-{cache_key(commit, raw_path, dbt_vars)}"
    done = workdir / "build.json"
    if done.exists() and (workdir / "customer_segments.duckdb").exists():
        workdir.touch()
        project = DbtProject(workdir, vars=dict(dbt_vars))
        recorded = json.loads(done.read_text())
        return (BuiltVersion(label, project, 0.0),
                BuildInfo(label, commit, recorded["seconds"], True, str(workdir)), None)
    checkout = add_worktree(commit, checkouts / f"checkout-{label}")
    try:
        version = build_version(label, checkout, workdir, dbt_vars)
    except BaseException:  # a failed build leaves no checkout behind (and no build.json: not reused)
        remove_worktree(checkout)
        raise
    done.write_text(json.dumps({"commit": commit, "ref": ref, "vars": dbt_vars, "seconds": version.seconds},
                               default=str))
    _prune_cache(cache)
    return version, BuildInfo(label, commit, version.seconds, False, str(workdir)), checkout


def project_vars_at(commit: str | None) -> dict[str, Any]:
    """The vars ``dbt_project.yml`` declares at ``commit`` (None: in the working tree)."""
    text = (PROJECT_DIR / "dbt_project.yml").read_text() if commit is None else git(
        "show", f"{commit}:dbt_project.yml")
    return dict((yaml.safe_load(text) or {}).get("vars") or {})


def var_changes(base_vars: dict[str, Any], head_vars: dict[str, Any]) -> list[VarChange]:
    """The effective vars that differ (a var one build lacks shows as None, marked so)."""
    missing = "(not set)"
    return [
        VarChange(name, base_vars.get(name, missing), head_vars.get(name, missing))
        for name in sorted(base_vars.keys() | head_vars.keys())
        if base_vars.get(name, missing) != head_vars.get(name, missing)
    ]


def modified_nodes(head_dir: Path, base_manifest: Path, workdir: Path,
                   dbt_vars: dict[str, Any]) -> list[str]:
    """The models, seeds and snapshots of the head project that ``state:modified`` finds against
    the base build's manifest (dbt ls in a folder of its own: it writes a manifest)."""
    state = workdir / "state"
    shutil.rmtree(state, ignore_errors=True)
    (state / "base").mkdir(parents=True)
    shutil.copy(base_manifest, state / "base" / "manifest.json")
    project = DbtProject(state, vars=dict(dbt_vars), project_dir=head_dir)
    result = project.run(
        "ls", "--select", "state:modified", "--state", str(state / "base"),
        "--resource-type", "model", "--resource-type", "seed", "--resource-type", "snapshot",
        "--output", "json", "--output-keys", "unique_id", "--quiet",
    )
    nodes = []
    for line in result.stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            nodes.append(json.loads(line)["unique_id"])
    return sorted(nodes)


# --- the labels of both builds ----------------------------------------------------------------


def _seed_relations(manifest_path: Path) -> dict[str, Relation]:
    manifest = json.loads(manifest_path.read_text())
    return {node["alias"]: Relation(node["schema"], node["alias"])
            for node in manifest["nodes"].values() if node["resource_type"] == "seed"}


@dataclass(frozen=True)
class Side:
    """One build attached to the diff's connection as ``catalog``."""

    catalog: str
    marts: dict[str, Relation]
    seeds: dict[str, Relation]

    def mart(self, name: str) -> str:
        return self.marts[name].sql(self.catalog)

    def seed(self, name: str) -> str | None:
        return self.seeds[name].sql(self.catalog) if name in self.seeds else None


def label_sql(side: Side, segmentation: Segmentation | None, tag_group: str | None = None) -> str:
    """customer_key, label of every customer of the customers mart: a segmentation's column, or the
    set of a tag group's tags (codes in order, joined by TAG_JOIN; null when none)."""
    customers = side.mart("customers")
    if segmentation is not None:
        return f"select customer_key, {segmentation.column} as label from {customers}"
    group = tag_group.replace("'", "''") if tag_group else ""
    return (
        f"select customers.customer_key, tags.label from {customers} as customers left join ("
        f"select customer_key, string_agg(tag_code, '{TAG_JOIN}' order by tag_code) as label "
        f"from {side.mart('customer_tags')} where tag_group = '{group}' group by customer_key"
        ") as tags on customers.customer_key = tags.customer_key"
    )


def transition_cells(con: duckdb.DuckDBPyConnection, base_sql: str, head_sql: str) -> list[Cell]:
    """The from -> to cells: customers and the EXAMPLES smallest customer keys of each."""
    rows = con.execute(f"""
        with base as ({base_sql}), head as ({head_sql}),
        paired as (
            select
                coalesce(base.customer_key, head.customer_key) as customer_key,
                case when base.customer_key is null then '{NEW}' else coalesce(base.label, '{NONE}') end
                    as from_label,
                case when head.customer_key is null then '{GONE}' else coalesce(head.label, '{NONE}') end
                    as to_label
            from base full outer join head on base.customer_key = head.customer_key
        )
        select from_label, to_label, count(*) as customers,
            list(customer_key order by customer_key)[1:{EXAMPLES}] as examples
        from paired group by from_label, to_label order by from_label, to_label
    """).fetchall()
    return [Cell(from_label, to_label, int(customers), list(examples))
            for from_label, to_label, customers, examples in rows]


KPI_NAMES = ("customers", "share", "revenue_share", "repurchase_rate")


def label_kpis(con: duckdb.DuckDBPyConnection, side: Side, segmentation: Segmentation | None,
               tag_group: str | None) -> dict[str, dict[str, float | int | None]]:
    """customers, share of customers, share of revenue and repurchase rate (2 or more purchases)
    per label, as segment_kpis computes them: the shares of a segmentation are of the customers
    it labels (RFM and tiers: purchasing customers); of a tag, of every customer."""
    customers = side.mart("customers")
    if segmentation is not None:
        labelled = (f"select {segmentation.column} as label, lifetime_revenue, lifetime_purchases "
                    f"from {customers} where {segmentation.column} is not null")
        population = labelled
    else:
        group = (tag_group or "").replace("'", "''")
        labelled = (
            f"select tags.tag_code as label, customers.lifetime_revenue, customers.lifetime_purchases "
            f"from {side.mart('customer_tags')} as tags inner join {customers} as customers "
            f"on tags.customer_key = customers.customer_key where tags.tag_group = '{group}'"
        )
        population = f"select lifetime_revenue, lifetime_purchases from {customers}"
    rows = con.execute(f"""
        with labelled as ({labelled}),
        totals as (
            select count(*) as customers, sum(lifetime_revenue) as revenue from ({population}) as population
        )
        select label, count(*) as customers,
            count(*) / any_value(totals.customers) as share,
            case when any_value(totals.revenue) = 0 then null
                else sum(lifetime_revenue) / any_value(totals.revenue) end as revenue_share,
            avg(case when lifetime_purchases >= 2 then 1.0 else 0.0 end) as repurchase_rate
        from labelled cross join totals group by label
    """).fetchall()
    return {label: {"customers": int(n), "share": float(share),
                    "revenue_share": None if revenue_share is None else float(revenue_share),
                    "repurchase_rate": float(repurchase)}
            for label, n, share, revenue_share, repurchase in rows}


def seed_names(con: duckdb.DuckDBPyConnection, side: Side, seed: str, code_column: str,
               order_column: str | None) -> list[tuple[str, str, str]]:
    """(code, name_en, name_zh) of a lookup seed as this build has it, in display order; none when
    the build has no such seed or columns (an older base: its labels then go by their codes)."""
    relation = side.seed(seed)
    if relation is None:
        return []
    order = f"{order_column}, {code_column}" if order_column else code_column
    try:
        rows = con.execute(f"select {code_column}, name_en, name_zh from {relation} order by {order}").fetchall()
    except duckdb.BinderException:
        return []
    return [(str(code), str(en), str(zh)) for code, en, zh in rows]


def tag_groups(con: duckdb.DuckDBPyConnection, sides: Iterable[Side]) -> list[str]:
    groups: set[str] = set()
    for side in sides:
        groups |= {row[0] for row in con.execute(
            f"select distinct tag_group from {side.mart('customer_tags')}").fetchall()}
        if side.seed("tag_catalog"):
            groups |= {row[0] for row in con.execute(
                f"select distinct tag_group from {side.seed('tag_catalog')}").fetchall()}
    return sorted(groups)


def _names(codes: dict[str, tuple[str, str]], label: str) -> tuple[str, str]:
    if label in SPECIAL_NAMES:
        return SPECIAL_NAMES[label]
    parts = [codes.get(code, (code, code)) for code in label.split(TAG_JOIN)]
    return " + ".join(en for en, _ in parts), " + ".join(zh for _, zh in parts)


def _ordered_labels(order: list[str], cells: list[Cell]) -> list[str]:
    """Labels in the seeds' order, then labels no seed names (in code order), then the specials."""
    present = {cell.from_label for cell in cells} | {cell.to_label for cell in cells}

    def rank(label: str) -> tuple[int, int, str]:
        if label in SPECIAL_NAMES:
            return (2, list(SPECIAL_NAMES).index(label), label)
        first = label.split(TAG_JOIN)[0]
        return (0, order.index(first), label) if first in order else (1, 0, label)

    return sorted(present, key=rank)


def diff_segmentations(base_db: Path, base_manifest: Path, head_db: Path,
                       head_manifest: Path) -> list[SegmentationDiff]:
    con = duckdb.connect()
    con.execute(f"attach {sql_path(base_db)} as base (read_only)")
    con.execute(f"attach {sql_path(head_db)} as head (read_only)")
    base = Side("base", mart_relations(base_manifest), _seed_relations(base_manifest))
    head = Side("head", mart_relations(head_manifest), _seed_relations(head_manifest))
    try:
        diffs = []
        plans: list[tuple[str, str, Segmentation | None, str | None, list[tuple[str, str, str]]]] = []
        for segmentation in SEGMENTATIONS:
            names = [name for side in (head, base) for name in seed_names(
                con, side, segmentation.seed, segmentation.code_column, segmentation.order_column)]
            plans.append((segmentation.key, segmentation.title, segmentation, None, names))
        for group in tag_groups(con, (base, head)):
            names = [name for side in (head, base) for name in seed_names(
                con, side, "tag_catalog", "tag_code", None)]
            plans.append((f"tag_group_{group}", f"{group} tags", None, group, names))
        for key, title, segmentation, group, names in plans:
            codes: dict[str, tuple[str, str]] = {}
            order: list[str] = []
            for code, en, zh in names:  # the head's names first: a renamed label shows its new name
                if code not in codes:
                    codes[code] = (en, zh)
                    order.append(code)
            cells = transition_cells(con, label_sql(base, segmentation, group), label_sql(head, segmentation, group))
            labels = {label: _names(codes, label) for label in _ordered_labels(order, cells)}
            before = label_kpis(con, base, segmentation, group)
            after = label_kpis(con, head, segmentation, group)
            kpi_labels = sorted(before.keys() | after.keys(),
                                key=lambda label: (order.index(label) if label in order else len(order), label))
            kpis = [LabelKpis(label, *_names(codes, label), before.get(label, {}), after.get(label, {}))
                    for label in kpi_labels]
            diffs.append(SegmentationDiff(
                key, title, labels, cells, kpis,
                customers_base=sum(c.customers for c in cells if c.from_label != NEW),
                customers_head=sum(c.customers for c in cells if c.to_label != GONE),
            ))
        return diffs
    finally:
        con.close()


# --- the whole diff ---------------------------------------------------------------------------


def segment_diff(base_ref: str, out: Path, cache: Path, head_ref: str | None = None,
                 raw_path: Path | None = None, raw_format: str = "parquet",
                 dbt_vars: dict[str, Any] | None = None) -> SegmentDiff:
    """Build (or reuse) both versions, diff them and write the report into ``out``."""
    given_vars = {**raw_vars(raw_path, raw_format), **(dbt_vars or {})}
    cache.mkdir(parents=True, exist_ok=True)
    checkouts = cache / "checkouts"
    base_version, base_info, base_checkout = build_commit("base", base_ref, cache, given_vars, raw_path, checkouts)
    head_checkout: Path | None = None
    try:
        if base_checkout is not None:
            remove_worktree(base_checkout)
        if head_ref is None:
            head_dir = PROJECT_DIR
            head_version = build_version("head", head_dir, cache / "head-working-tree", given_vars)
            head_info = BuildInfo("head", None, head_version.seconds, False, str(head_version.project.workdir))
        else:
            head_version, head_info, head_checkout = build_commit("head", head_ref, cache, given_vars, raw_path,
                                                                  checkouts)
            assert head_info.commit is not None
            head_dir = head_checkout or add_worktree(head_info.commit, checkouts / "checkout-head")
            head_checkout = head_dir
        state_error = None
        try:
            modified = modified_nodes(head_dir, base_version.manifest, cache, given_vars)
        except RuntimeError as failed:  # the report still says what the marts show
            modified, state_error = [], str(failed).splitlines()[0]
    finally:
        if head_checkout is not None:
            remove_worktree(head_checkout)
    changes = var_changes({**project_vars_at(base_info.commit), **given_vars},
                          {**project_vars_at(head_info.commit), **given_vars})
    base_db, head_db = base_version.project.duckdb_path, head_version.project.duckdb_path
    diff = SegmentDiff(
        base=BuildInfo(f"base {base_ref}", base_info.commit, base_info.seconds, base_info.reused, base_info.workdir),
        head=BuildInfo(f"head {head_ref or 'working tree'}", head_info.commit, head_info.seconds, head_info.reused,
                       head_info.workdir),
        segmentations=diff_segmentations(base_db, base_version.manifest, head_db, head_version.manifest),
        marts=compare_marts(base_db, base_version.manifest, head_db, head_version.manifest),
        modified_nodes=modified, var_changes=changes, state_error=state_error,
    )
    write_report(diff, out)
    return diff


def write_report(diff: SegmentDiff, out: Path) -> None:
    from .segment_report import render_markdown, write_charts

    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    diff.charts = write_charts(diff, out)
    (out / "report.md").write_text(render_markdown(diff))
    (out / "report.json").write_text(json.dumps(to_json(diff), indent=2, ensure_ascii=False, default=str))


def to_json(diff: SegmentDiff) -> dict[str, Any]:
    return {
        "base": asdict(diff.base),
        "head": asdict(diff.head),
        "segmentations": [
            {**asdict(segmentation), "moved": segmentation.moved, "new": segmentation.new,
             "gone": segmentation.gone,
             "labels": {label: {"name_en": en, "name_zh": zh} for label, (en, zh) in segmentation.labels.items()}}
            for segmentation in diff.segmentations
        ],
        "marts": [{**vars(mart), "rows_equal": mart.rows_equal} for mart in diff.marts],
        "modified_nodes": diff.modified_nodes,
        "state_error": diff.state_error,
        "var_changes": [asdict(change) for change in diff.var_changes],
        "charts": diff.charts,
    }

