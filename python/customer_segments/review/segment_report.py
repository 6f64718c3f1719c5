"""The segment diff written out: ``report.md`` for a pull-request comment and the PNG charts.

The markdown is GitHub's: a short summary first, then one section per segmentation whose big
tables sit in collapsible ``<details>``. A matrix cell reads ``·`` for no customer and is bold on
the diagonal (customers who kept their label). A segmentation where nobody moved gets one line and
its per-label table (its matrix, a diagonal, is in report.json). The example keys shown are those
of the cells of customers who moved (report.json has every cell's). GitHub refuses comments over
65,536 characters: when the report is longer, the example keys are left out and it says so.
"""

from __future__ import annotations

from pathlib import Path

from .compare import MartComparison
from .segment_diff import (
    COMMENT_MAX_CHARS,
    EXAMPLES,
    GRID_MAX_LABELS,
    Cell,
    LabelKpis,
    SegmentationDiff,
    SegmentDiff,
)




def _n(value: int) -> str:
    return f"{value:,}"


def _signed(value: float, unit: str = "", digits: int = 0) -> str:
    text = f"{abs(value):,.{digits}f}{unit}"
    return f"+{text}" if value > 0 else (f"−{text}" if value < 0 else f"±{text}")


def _code(label: str) -> str:
    return f"`{label}`"


def _label_cell(segmentation: SegmentationDiff, label: str) -> str:
    en, zh = segmentation.labels[label]
    return f"{_code(label)}<br>{en} / {zh}"


def _build_line(info_label: str, commit: str | None, seconds: float, reused: bool) -> str:
    what = f"`{commit[:10]}`" if commit else "the working tree"
    how = f"reused the cached build (built in {seconds:.0f} s before)" if reused else f"built in {seconds:.0f} s"
    return f"- {info_label}: {what}, {how}"


def summary_lines(diff: SegmentDiff) -> list[str]:
    lines = []
    segmentations = [s for s in diff.segmentations if not s.key.startswith("tag_group_")]
    tags = [s for s in diff.segmentations if s.key.startswith("tag_group_")]
    moved = [f"**{_n(s.moved)} customers change {s.title}**" for s in segmentations if s.moved]
    kept = [s.title for s in segmentations if not s.moved]
    if moved:
        lines.append(", ".join(moved) + "." + (f" Nobody changes {_or(kept)}." if kept else ""))
    elif kept:
        lines.append(f"Nobody changes {_or(kept)}.")
    moved_tags = [s for s in tags if s.moved]
    if tags:
        lines.append(
            f"Tags: customers change their tags in {len(moved_tags)} of {len(tags)} tag groups"
            + (" (" + ", ".join(f"{s.title.removesuffix(' tags')} {_n(s.moved)}" for s in moved_tags) + ")"
               if moved_tags else "")
            + "."
        )
    if diff.segmentations:
        first = diff.segmentations[0]
        lines.append(f"Customers: {_n(first.customers_base)} before, {_n(first.customers_head)} after "
                     f"({_n(first.new)} new, {_n(first.gone)} gone).")
    var_text = ", ".join(f"`{c.name}` {_value(c.base)} → {_value(c.head)}" for c in diff.var_changes) or "none"
    models = "unknown (dbt state failed)" if diff.state_error else _n(len(diff.modified_nodes))
    lines.append(f"Project: vars changed: {var_text}; nodes modified (dbt `state:modified`): {models}.")
    differing = [m.name for m in diff.marts if not m.rows_equal]
    retyped = [m.name for m in diff.marts if _column_changes(m)]
    lines.append(f"Marts: {len(differing)} of {len(diff.marts)} differ in rows"
                 + (f" ({', '.join(differing)})" if differing else "")
                 + f"; {len(retyped)} with column changes"
                 + (f" ({', '.join(retyped)})" if retyped else "") + ".")
    return [f"- {line}" for line in lines]


def _version(label: str, commit: str | None) -> str:
    ref = label.split(" ", 1)[1]
    if commit is None:
        return f"**{ref}**"
    return f"**{ref}** (`{commit[:10]}`)" if not commit.startswith(ref) else f"`{commit[:10]}`"


def _or(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _value(value: object) -> str:
    return f"`{value}`"


def matrix_markdown(segmentation: SegmentationDiff) -> list[str]:
    """The from -> to matrix as a grid (rows: base label, columns: head label), or as a list of its
    cells when a side has more than GRID_MAX_LABELS labels."""
    froms = [label for label in segmentation.labels if any(c.from_label == label for c in segmentation.cells)]
    tos = [label for label in segmentation.labels if any(c.to_label == label for c in segmentation.cells)]
    counts = {(c.from_label, c.to_label): c.customers for c in segmentation.cells}
    if len(froms) <= GRID_MAX_LABELS and len(tos) <= GRID_MAX_LABELS:
        lines = ["| from (base) ＼ to (head) | " + " | ".join(_label_cell(segmentation, t) for t in tos)
                 + " | total |",
                 "|---|" + "---:|" * (len(tos) + 1)]
        for f in froms:
            cells = []
            for t in tos:
                count = counts.get((f, t), 0)
                text = _n(count) if count else "·"
                cells.append(f"**{text}**" if f == t and count else text)
            total = sum(counts.get((f, t), 0) for t in tos)
            lines.append(f"| {_label_cell(segmentation, f)} | " + " | ".join(cells) + f" | {_n(total)} |")
        totals = [_n(sum(counts.get((f, t), 0) for f in froms)) for t in tos]
        lines.append("| total | " + " | ".join(totals) + f" | {_n(sum(counts.values()))} |")
        return lines
    lines = ["| from (base) | to (head) | customers |", "|---|---|---:|"]
    for cell in sorted(segmentation.cells, key=lambda c: (c.from_label == c.to_label, -c.customers,
                                                            c.from_label, c.to_label)):
        lines.append(f"| {_label_cell(segmentation, cell.from_label)} | {_label_cell(segmentation, cell.to_label)}"
                     f" | {_n(cell.customers)} |")
    return lines


def _pp(before: float | None, after: float | None) -> str:
    if before is None and after is None:
        return "–"
    if _pct(before) == _pct(after):
        return _pct(before)
    if before is None or after is None:
        return f"{_pct(before)} → {_pct(after)}"
    return f"{_pct(before)} → {_pct(after)} ({_signed((after - before) * 100, ' pp', 1)})"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def kpi_markdown(kpis: list[LabelKpis]) -> list[str]:
    lines = ["| label | customers | share | revenue share | repurchase rate |", "|---|---:|---:|---:|---:|"]
    for kpi in kpis:
        before, after = kpi.before, kpi.after
        n_before, n_after = int(before.get("customers") or 0), int(after.get("customers") or 0)
        customers = f"{_n(n_before)} → {_n(n_after)} ({_signed(n_after - n_before)})" if n_before != n_after \
            else _n(n_before)
        lines.append(
            f"| {_code(kpi.label)} {kpi.name_en} / {kpi.name_zh} | {customers} | "
            f"{_pp(before.get('share'), after.get('share'))} | "
            f"{_pp(before.get('revenue_share'), after.get('revenue_share'))} | "
            f"{_pp(before.get('repurchase_rate'), after.get('repurchase_rate'))} |"
        )
    return lines


def examples_markdown(segmentation: SegmentationDiff) -> list[str]:
    """The smallest keys of each cell of customers who moved, the biggest cells first."""
    cells: list[Cell] = [c for c in segmentation.cells if c.from_label != c.to_label]
    cells.sort(key=lambda c: (-c.customers, c.from_label, c.to_label))
    if not cells:
        return []
    lines = ["| from | to | customers | smallest customer keys |", "|---|---|---:|---|"]
    for cell in cells:
        keys = ", ".join(f"`{key}`" for key in cell.examples)
        lines.append(f"| {_code(cell.from_label)} | {_code(cell.to_label)} | {_n(cell.customers)} | {keys} |")
    return lines


def _details(summary: str, body: list[str], open_: bool = False) -> list[str]:
    return [f"<details{' open' if open_ else ''}><summary>{summary}</summary>", "", *body, "", "</details>", ""]


def _column_changes(mart: MartComparison) -> str:
    parts = []
    if mart.columns_only_in_head:
        parts.append("added " + ", ".join(f"`{c}`" for c in mart.columns_only_in_head))
    if mart.columns_only_in_base:
        parts.append("removed " + ", ".join(f"`{c}`" for c in mart.columns_only_in_base))
    if mart.columns_retyped:
        parts.append("type changed " + ", ".join(f"`{c}`" for c in mart.columns_retyped))
    return "; ".join(parts)


def marts_markdown(marts: list[MartComparison]) -> list[str]:
    lines = ["| mart | rows before | rows after | change | rows only before / after | columns |",
             "|---|---:|---:|---:|---:|---|"]
    for mart in marts:
        before = "–" if mart.base_rows is None else _n(mart.base_rows)
        after = "–" if mart.head_rows is None else _n(mart.head_rows)
        change = "new mart" if mart.base_rows is None else "mart gone" if mart.head_rows is None else (
            _signed(mart.head_rows - mart.base_rows) if mart.head_rows != mart.base_rows else "±0")
        differing = "–" if mart.missing else (
            "identical" if mart.rows_equal else f"{_n(mart.rows_only_in_base)} / {_n(mart.rows_only_in_head)}")
        lines.append(f"| `{mart.name}` | {before} | {after} | {change} | {differing} | "
                     f"{_column_changes(mart) or '–'} |")
    return lines


def render_markdown(diff: SegmentDiff) -> str:
    """The report, without the example keys when it would not fit a GitHub comment with them."""
    text = _render(diff, examples=True)
    return text if len(text) <= COMMENT_MAX_CHARS else _render(diff, examples=False)


def _render(diff: SegmentDiff, examples: bool) -> str:
    lines = ["## Segment diff", "",
             f"{_version(diff.base.label, diff.base.commit)} → {_version(diff.head.label, diff.head.commit)}, "
             "built on the same raw data.", "",
             *summary_lines(diff), ""]
    lines += ["### What changed in the project", ""]
    if diff.var_changes:
        lines += ["Vars (effective: `dbt_project.yml` with the `--vars` given):", "",
                  "| var | base | head |", "|---|---|---|"]
        lines += [f"| `{c.name}` | {_value(c.base)} | {_value(c.head)} |" for c in diff.var_changes]
        lines.append("")
    else:
        lines += ["Vars: no change.", ""]
    if diff.state_error:
        lines += [f"Modified nodes: dbt `state:modified` failed: {diff.state_error}", ""]
    elif diff.modified_nodes:
        lines += _details(f"{_n(len(diff.modified_nodes))} node{'s' if len(diff.modified_nodes) > 1 else ''} modified (dbt <code>state:modified</code> against "
                          "the base build's manifest)", [f"- `{node}`" for node in diff.modified_nodes],
                          open_=len(diff.modified_nodes) <= 10)
    else:
        lines += ["Modified nodes (dbt `state:modified` against the base build's manifest): none.", ""]
    for segmentation in diff.segmentations:
        title = segmentation.title[0].upper() + segmentation.title[1:]
        share = segmentation.moved / max(segmentation.customers_base, 1) * 100
        lines += [f"### {title}", ""]
        if not segmentation.moved:
            lines += [f"Nobody moved: all {_n(segmentation.customers_base)} customers kept their {segmentation.title}.",
                      ""]
            lines += _details(f"Per label before → after: {title}", kpi_markdown(segmentation.kpis))
            continue
        lines += [f"**{_n(segmentation.moved)} customers moved** ({share:.1f}% of "
                  f"{_n(segmentation.customers_base)}; {_n(segmentation.new)} new, {_n(segmentation.gone)} gone).", ""]
        lines += _details(f"From → to matrix: {title}", matrix_markdown(segmentation),
                          open_=not segmentation.key.startswith("tag_group_"))
        lines += _details(f"Per label before → after: {title}", kpi_markdown(segmentation.kpis))
        if examples:
            lines += _details(f"Example customers who moved (the {EXAMPLES} smallest keys per cell): {title}",
                              examples_markdown(segmentation))
    lines += ["### Marts", ""]
    lines += _details(f"Rows and columns of {len(diff.marts)} marts", marts_markdown(diff.marts),
                      open_=any(not m.rows_equal or _column_changes(m) for m in diff.marts))
    lines += ["### Builds", "",
              _build_line("base", diff.base.commit, diff.base.seconds, diff.base.reused),
              _build_line("head", diff.head.commit, diff.head.seconds, diff.head.reused)]
    if diff.charts:
        lines.append(f"- charts: {', '.join(f'`{name}`' for name in diff.charts.values())} "
                     "(in the job's `segment-diff` artifact)")
    if not examples:
        lines.append("- example customer keys left out to fit a GitHub comment: see `report.json`")
    return "\n".join(lines) + "\n"


def write_charts(diff: SegmentDiff, out: Path) -> dict[str, str]:
    """One PNG per segmentation: the from -> to matrix as a heat map (the GRID_MAX_LABELS biggest
    labels; the rest folded into "other") beside the customers per label before and after. Codes,
    not names, label the axes: the fonts of a CI runner may lack Chinese glyphs."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    charts = {}
    for segmentation in diff.segmentations:
        totals: dict[str, int] = {}
        for cell in segmentation.cells:
            totals[cell.from_label] = totals.get(cell.from_label, 0) + cell.customers
            totals[cell.to_label] = totals.get(cell.to_label, 0) + cell.customers
        ordered = [label for label in segmentation.labels]
        kept = set(sorted(ordered, key=lambda label: -totals.get(label, 0))[:GRID_MAX_LABELS])
        axis = [label for label in ordered if label in kept] + (["other"] if len(kept) < len(ordered) else [])

        def fold(label: str) -> str:
            return label if label in kept else "other"

        index = {label: position for position, label in enumerate(axis)}
        grid = [[0] * len(axis) for _ in axis]
        for cell in segmentation.cells:
            grid[index[fold(cell.from_label)]][index[fold(cell.to_label)]] += cell.customers
        figure, (heat, bars) = plt.subplots(1, 2, figsize=(14, 6))
        heat.imshow(grid, cmap="Blues")
        heat.set_xticks(range(len(axis)), axis, rotation=60, ha="right", fontsize=7)
        heat.set_yticks(range(len(axis)), axis, fontsize=7)
        heat.set_xlabel("to (head)")
        heat.set_ylabel("from (base)")
        heat.set_title(f"{segmentation.title}: {segmentation.moved:,} customers moved")
        peak = max((value for row in grid for value in row), default=0)
        for y, row in enumerate(grid):
            for x, value in enumerate(row):
                if value:
                    heat.text(x, y, f"{value:,}", ha="center", va="center", fontsize=6,
                              color="white" if value > peak / 2 else "black")
        labels = [kpi.label for kpi in segmentation.kpis]
        before = [int(kpi.before.get("customers") or 0) for kpi in segmentation.kpis]
        after = [int(kpi.after.get("customers") or 0) for kpi in segmentation.kpis]
        positions = range(len(labels))
        bars.barh([p - 0.2 for p in positions], before, height=0.4, label="base")
        bars.barh([p + 0.2 for p in positions], after, height=0.4, label="head")
        bars.set_yticks(list(positions), labels, fontsize=7)
        bars.invert_yaxis()
        bars.set_xlabel("customers")
        bars.set_title("customers per label")
        bars.legend()
        figure.tight_layout()
        name = f"chart_{segmentation.key}.png"
        figure.savefig(out / name, dpi=100)
        plt.close(figure)
        charts[segmentation.key] = name
    return charts

