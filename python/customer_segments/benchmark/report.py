"""The benchmark's outputs: a markdown table with the issue's targets, and a log-log plot."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, NamedTuple

#: Issue 7's targets, judged at the largest scale of the run (1 M customers in the full run).
TARGET_FULL_BUILD_SECONDS = 600.0
TARGET_PEAK_MIB = 8 * 1024.0
TARGET_LOWER_BOUND_RATIO = 5.0
TARGET_PEER_SPEEDUP = 3.0
TARGET_DAILY_SHARE = 0.10
TARGET_GROWTH_EXPONENT = 1.0  # time ~ customers^k, k <= 1 from 100 k to 1 M

#: The measured steps of a record (its keys, in the order they run), as the report names them.
STEP_LABELS = (("project", "full build"), ("lower_bound", "lower bound"), ("peer", "peer"),
               ("peer_scope", "build of the peer's marts only"), ("daily", "daily"))


def _get(record: dict[str, Any], *keys: str) -> Any:
    value: Any = record
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def _seconds(value: float | None) -> str:
    if value is None:
        return "–"
    if value >= 120:
        return f"{value / 60:.1f} min"
    return f"{value:.1f} s" if value >= 1 else f"{value:.2f} s"


def _mib(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value / 1024:.2f} GiB" if value >= 1024 else f"{value:.0f} MiB"


def _ratio(a: float | None, b: float | None) -> str:
    if not a or not b:
        return "–"
    return f"{a / b:.1f}×" if a / b >= 0.95 else f"{a / b:.2f}×"


def daily_runs(record: dict[str, Any]) -> list[float]:
    """The wall times of a record's daily runs, when it was repeated (else none)."""
    runs = _get(record, "daily", "runs") or []
    return [run["wall_seconds"] for run in runs] if len(runs) > 1 else []


def daily_spread(record: dict[str, Any], full: float | None = None) -> str:
    """' (median of 3: 130.5–141.9 s)', or as shares of ``full``; '' for a single daily run."""
    walls = daily_runs(record)
    if not walls:
        return ""
    if full:
        return f" (median of {len(walls)}: {100 * min(walls) / full:.0f}–{100 * max(walls) / full:.0f} %)"
    return f" (median of {len(walls)}: {min(walls):.1f}–{max(walls):.1f} s)"


def peer_status(record: dict[str, Any]) -> str:
    peer = record.get("peer") or {}
    if peer.get("out_of_memory"):
        return "out of memory"
    if peer.get("returncode") not in (0, None):
        return f"failed ({peer.get('returncode')})"
    return _seconds(peer.get("wall_seconds"))


def peer_seconds(record: dict[str, Any]) -> float | None:
    """The peer's wall time, when it completed (a failed or killed peer has no time to compare)."""
    return _get(record, "peer", "wall_seconds") if _get(record, "peer", "returncode") == 0 else None


def agreement(record: dict[str, Any], step: str = "peer") -> str:
    """'100.00 % of 995,037': the peer's labels against those of the full build's marts, or of
    another step's (``peer_scope``)."""
    comparison = _get(record, step, "comparison")
    if not comparison:
        return "–"
    return f"{100 * comparison['agreement']:.2f} % of {comparison['customers']:,}"


def build_status(build: dict[str, Any] | None) -> str:
    if not build:
        return "–"
    failed = build.get("failed") or []
    skipped = build.get("skipped") or 0
    if build.get("returncode") == 0 and not failed:
        return "ok"
    return f"{len(failed)} failed" + (f", {skipped} skipped" if skipped else "")


def growth_exponent(records: list[dict[str, Any]], *keys: str) -> float | None:
    """k in time ~ customers^k between the two largest scales of the run."""
    points = sorted((r["scale"], _get(r, *keys)) for r in records if _get(r, *keys))
    if len(points) < 2:
        return None
    (n1, t1), (n2, t2) = points[-2], points[-1]
    return math.log(t2 / t1) / math.log(n2 / n1)


class Target(NamedTuple):
    """One row of the targets table."""

    name: str
    measured: str
    met: bool | None
    #: the same figure with the project's own steps as at the smallest scale (``floor_steps``)
    floor: str = "–"


def _lower_bound_met(full: float | None, lower: float | None) -> bool | None:
    return None if not (full and lower) else full / lower <= TARGET_LOWER_BOUND_RATIO


def _peer_met(peer: float | None, full: float | None) -> bool | None:
    return None if not (peer and full) else peer / full >= TARGET_PEER_SPEEDUP


def _daily_met(daily: float | None, full: float | None) -> bool | None:
    return None if not (daily and full) else daily / full < TARGET_DAILY_SHARE


def _floor(text: str, reachable: bool | None) -> str:
    return "–" if reachable is None else f"{text} ({'within' if reachable else 'out of'} reach)"


def floor_steps(records: list[dict[str, Any]]) -> tuple[float | None, float | None]:
    """The full build's and the daily run's wall times at the smallest scale of the run, which the
    targets' floor puts in place of the largest scale's (the lower bound and the peer stay as
    measured there). The same nodes do not run faster on more data, so a target the floor misses
    cannot be met by faster models: what a small scale costs is mostly dbt's start-up, parse and
    per-node work (300 customers took as long as 10 000: pass notes in `git show a1ea8e1:DECISIONLOG.md`, twenty-second pass). None
    for a step that failed there, and both None when the run has one scale."""
    return _smallest_scale_seconds(records, "project"), _smallest_scale_seconds(records, "daily")


def _smallest_scale_seconds(records: list[dict[str, Any]], step: str) -> float | None:
    """A build step's wall time at the smallest scale of the run, for a floor; None when it failed
    there or the run has one scale."""
    if len({r["scale"] for r in records}) < 2:
        return None
    small = min(records, key=lambda r: r["scale"])
    return _get(small, step, "wall_seconds") if build_status(small.get(step)) == "ok" else None


def targets(records: list[dict[str, Any]]) -> list[Target]:
    """The issue's targets at the largest scale of the run, with the floor of the time ratios."""
    if not records:
        return []
    top = max(records, key=lambda r: r["scale"])
    full = _get(top, "project", "wall_seconds")
    peak = _get(top, "project", "peak_rss_mib")
    lower = _get(top, "lower_bound", "wall_seconds")
    peer = peer_seconds(top)
    out_of_memory = bool(_get(top, "peer", "out_of_memory"))
    daily = _get(top, "daily", "wall_seconds")
    k = growth_exponent(records, "project", "wall_seconds")
    small_full, small_daily = floor_steps(records)
    scale = f"{top['scale']:,} customers"
    # a build that did not complete cannot meet a time target, however fast it failed
    complete = build_status(top.get("project")) == "ok"
    incomplete = "" if complete else f" (incomplete: {build_status(top.get('project'))})"

    def if_complete(met: bool | None) -> bool | None:
        return None if met is None else complete and met

    return [
        Target(f"full build incl. tests ≤ 10 min ({scale})", _seconds(full) + incomplete,
               None if full is None else complete and full <= TARGET_FULL_BUILD_SECONDS),
        Target(f"peak memory < 8 GiB ({scale})", _mib(peak), None if peak is None else peak < TARGET_PEAK_MIB),
        Target("full build ≤ 5× the lower bound", _ratio(full, lower) + incomplete,
               if_complete(_lower_bound_met(full, lower)),
               _floor(_ratio(small_full, lower), _lower_bound_met(small_full, lower))),
        Target("≥ 3× faster than the pandas peer (or the peer runs out of memory)",
               "peer out of memory" if out_of_memory else _ratio(peer, full),
               True if out_of_memory else if_complete(_peer_met(peer, full)),
               _floor(_ratio(peer, small_full), _peer_met(peer, small_full))),
        Target("daily incremental build < 10 % of the full build",
               "–" if not (daily and full) else f"{100 * daily / full:.0f} %" + daily_spread(top, full),
               _daily_met(daily, full),
               _floor("–" if not (small_daily and full) else f"{100 * small_daily / full:.1f} %",
                      _daily_met(small_daily, full))),
        Target("time grows no faster than linearly (largest two scales)",
               "–" if k is None else f"time ∝ customers^{k:.2f}" + incomplete,
               None if k is None else complete and k <= TARGET_GROWTH_EXPONENT),
    ]


def daily_timeline(record: dict[str, Any], count: int = 10) -> list[str]:
    """When the daily run's slowest models ran: the nodes of a run wait for their parents and for
    one of dbt's threads, so a node's own time does not tell what holds the run up. Nothing for a
    record written before nodes had their start and end."""
    nodes = [n for n in _get(record, "daily", "nodes") or [] if n.get("ended_seconds") is not None]
    if not nodes:
        return []
    slowest = sorted((n for n in nodes if n["resource_type"] == "model"), key=lambda n: -n["execution_time"])[:count]
    last = max(n["ended_seconds"] for n in nodes)
    runs = len(daily_runs(record)) or 1
    which = f"the median of {runs} runs" if runs > 1 else "its only run"
    lines = ["", f"The daily run at {record['scale']:,} customers ({which}): its nodes ran for {last:.1f} s of its "
             f"{_seconds(_get(record, 'daily', 'wall_seconds'))} (the rest is dbt's start-up and parse); its "
             f"{len(slowest)} slowest models in the order they started (seconds from the first node's start):",
             "", "| model | started | ended | seconds |", "|---|---:|---:|---:|"]
    for node in sorted(slowest, key=lambda n: n["started_seconds"]):
        lines.append(f"| {node['name']} | {node['started_seconds']:.1f} | {node['ended_seconds']:.1f} "
                     f"| {node['execution_time']:.1f} |")
    threads, together, own = concurrency(nodes)
    if threads > 1:
        lines += ["", f"{threads} nodes ran at once for {together:.1f} s ({100 * together / last:.0f} %) of those "
                      f"{last:.1f} s, and the nodes' own times add up to {own:.1f} s: on {threads} threads they "
                      f"cannot run in less than {own / threads:.1f} s, whatever their order "
                      f"({last - own / threads:.1f} s less than here)."]
    return lines


def concurrency(nodes: list[dict[str, Any]]) -> tuple[int, float, float]:
    """Of nodes with a start and an end (``started_seconds``, ``ended_seconds``): the most that ran
    at once (dbt's threads, as used), the seconds during which that many ran, and the sum of their
    own times (``execution_time``). A node that ends when another starts does not overlap it."""
    spans = [n for n in nodes if n.get("started_seconds") is not None and n.get("ended_seconds") is not None]
    events = sorted([(n["started_seconds"], 1) for n in spans] + [(n["ended_seconds"], -1) for n in spans])
    running, most, seconds, previous = 0, 0, 0.0, 0.0
    for at, change in events:  # at equal times the end (-1) sorts first
        if running == most:
            seconds += at - previous
        running += change
        if running > most:
            most, seconds = running, 0.0
        previous = at
    return most, seconds, sum(n["execution_time"] for n in spans)


def _nodes(build: dict[str, Any] | None) -> str:
    """'19 models, 7 seeds, 148 data tests, 14 unit tests' from a build's node counts."""
    names = (("model", "models"), ("seed", "seeds"), ("test", "data tests"), ("unit_test", "unit tests"))
    counts = _get(build or {}, "by_resource_type") or {}
    return ", ".join(f"{counts[kind]['count']} {name}" for kind, name in names if kind in counts) or "–"


def peer_scope_lines(records: list[dict[str, Any]]) -> list[str]:
    """The like-for-like comparison: the peer against a build of only the three marts it computes
    (run.PEER_SCOPE_ARGS), with its floor at the largest scale as the targets' floor is taken.
    Nothing for records measured before the step existed."""
    measured = [r for r in records if r.get("peer_scope")]
    if not measured:
        return []
    top = max(measured, key=lambda r: r["scale"])
    command = " ".join(a if a.startswith("-") or " " not in a else f"'{a}'" for a in top["peer_scope"]["dbt_args"])
    lines = ["", "Like for like (not one of the issue's targets, which take the full build): the peer computes three "
             "marts; the project building only those and everything upstream of them, with the tests of those "
             f"nodes, in a database of its own (`dbt {command}`):", "",
             "| customers | nodes | build | peak memory | peer ÷ this build | labels agree |",
             "|---:|---|---:|---:|---:|---:|"]
    for r in measured:
        build = r["peer_scope"]
        status = build_status(build)
        wall = build.get("wall_seconds")
        lines.append("| " + " | ".join([
            f"{r['scale']:,}", _nodes(build), _seconds(wall) + ("" if status == "ok" else f" ({status})"),
            _mib(build.get("peak_rss_mib")), _ratio(peer_seconds(r), wall) if status == "ok" else "–",
            agreement(r, "peer_scope"),
        ]) + " |")
    small = min(measured, key=lambda r: r["scale"])
    peer = peer_seconds(top)
    small_wall = _smallest_scale_seconds(measured, "peer_scope")
    if small_wall and peer:
        lines += ["", f"Its floor at {top['scale']:,} customers, this build as fast as at {small['scale']:,}: the "
                  f"peer would take {_ratio(peer, small_wall)} its time, "
                  f"{'within' if _peer_met(peer, small_wall) else 'out of'} reach of 3×."]
    return lines


def _code_versions(records: list[dict[str, Any]]) -> str:
    """'; dbt-core 1.11.16 with dbt-duckdb 1.11.1; project at commit 89b6cc5b0c1d' for the records
    that say (records of runs before these fields were kept say nothing, so old reports rebuild
    unchanged); a commit per scale where the scales were measured on different code."""
    parts = []
    m = records[0]["machine"]
    if m.get("dbt_core"):
        parts.append(f"dbt-core {m['dbt_core']} with dbt-duckdb {m.get('dbt_duckdb') or 'unknown'}")
    commits: dict[str, list[str]] = {}
    for r in records:
        if r.get("code"):
            dirty = " with uncommitted changes" if r["code"]["uncommitted_changes"] else ""
            commits.setdefault(f"`{r['code']['commit'][:12]}`{dirty}", []).append(f"{r['scale']:,}")
    if len(commits) == 1:
        parts.append(f"project at commit {next(iter(commits))}")
    elif commits:
        parts.append("project at commit " + ", ".join(f"{c} ({', '.join(s)} customers)" for c, s in commits.items()))
    return "".join(f"; {p}" for p in parts)


def markdown(records: list[dict[str, Any]]) -> str:
    records = sorted(records, key=lambda r: r["scale"])
    if not records:
        return "No benchmark results.\n"
    m = records[0]["machine"]
    lines = [
        "Run " + ", ".join(f"{r['scale']:,} customers {r['started_at'][:16].replace('T', ' ')}" for r in records)
        + f" UTC on {m['cpu_model']}, {m['cores']} cores, {m['memory_gib']:g} GiB "
        f"(DuckDB {m['duckdb']}, threads {m['duckdb_threads']}, memory_limit {m['duckdb_memory_limit']}); "
        f"{records[0]['raw']['orders_per_customer']:g} orders and {records[0]['raw']['events_per_customer']:g} "
        "events per customer, seed " + str(records[0]["seed"]) + _code_versions(records) + ".",
        "",
        "| customers | raw rows | project: full `dbt build` | peak memory | lower bound | peer (pandas) "
        "| peer memory | project ÷ lower bound | peer ÷ project | labels agree | daily incremental "
        "| daily ÷ full |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in records:
        full = _get(r, "project", "wall_seconds")
        daily = _get(r, "daily", "wall_seconds")
        status = build_status(r.get("project"))
        lines.append("| " + " | ".join([
            f"{r['scale']:,}",
            f"{sum(r['raw']['rows'].values()):,}",
            _seconds(full) + ("" if status == "ok" else f" ({status})"),
            _mib(_get(r, "project", "peak_rss_mib")),
            _seconds(_get(r, "lower_bound", "wall_seconds")),
            peer_status(r),
            _mib(_get(r, "peer", "peak_rss_mib")),
            _ratio(full, _get(r, "lower_bound", "wall_seconds")),
            _ratio(peer_seconds(r), full),
            agreement(r),
            _seconds(daily) + daily_spread(r) + ("" if build_status(r.get("daily")) in ("ok", "–")
                                                 else f" ({build_status(r.get('daily'))})"),
            "–" if not (daily and full) else f"{100 * daily / full:.0f} %",
        ]) + " |")
    small = records[0]["scale"]
    lines += ["", "Targets (issue 7), at the largest scale of this run:", "",
              f"| target | measured | met | floor: the build and daily run as fast as at {small:,} customers |",
              "|---|---:|:---:|---:|"]
    for target in targets(records):
        met = "–" if target.met is None else ("yes" if target.met else "**no**")
        lines.append(f"| {target.name} | {target.measured} | {met} | {target.floor} |")
    if len(records) > 1:
        lines += ["", f"The floor puts the project's full build and daily run at {small:,} customers "
                  f"({sum(records[0]['raw']['rows'].values()):,} raw rows) in place of those at the largest "
                  "scale, the lower bound and the peer as measured there. The same nodes do not run faster on "
                  "more data (beyond the spread between runs), so a target out of reach in that column cannot "
                  "be met by making the models faster: at a small scale the time is mostly dbt's start-up, "
                  "parse and per-node work, which only fewer nodes or a faster dbt would lower."]

    lines += peer_scope_lines(records)
    lines += ["", "Ten slowest models of the full build (seconds):", ""]
    header = "| model | " + " | ".join(f"{r['scale']:,}" for r in records) + " |"
    lines += [header, "|---|" + "---:|" * len(records)]
    top = records[-1]
    times = [{n["name"]: n["execution_time"] for n in (_get(r, "project", "nodes") or [])} for r in records]
    for model in _get(top, "project", "slowest_models") or []:
        lines.append(f"| {model['name']} | " + " | ".join(
            f"{t[model['name']]:.1f}" if model["name"] in t else "–" for t in times) + " |")
    lines.append("| *all models* | " + " | ".join(
        f"{_get(r, 'project', 'by_resource_type', 'model', 'seconds') or 0:.1f}" for r in records) + " |")
    lines.append("| *all data and unit tests* | " + " | ".join(
        f"{(_get(r, 'project', 'by_resource_type', 'test', 'seconds') or 0) + (_get(r, 'project', 'by_resource_type', 'unit_test', 'seconds') or 0):.1f}"  # noqa: E501
        for r in records) + " |")
    lines += daily_timeline(top)
    lines += ["", "Wall times include dbt's start-up and parsing; peak memory is the largest sum of the RSS "
              "of the process tree (dbt or the helper process), sampled every 0.1 s with psutil (for the "
              "lower bound and the peer, or their own high-water mark VmHWM if higher). "
              "Node times are dbt's `execution_time` (two threads run side by side, so they add up to "
              "more than the wall time)."]
    loads = [f"{r['scale']:,}: {_get(r, 'machine', 'load_average_1_5_15')[0]:g} at the start, "
             f"{r.get('load_average_at_end', ['?'])[0]:g} at the end" for r in records
             if _get(r, "machine", "load_average_1_5_15") and r.get("load_average_at_end")]
    if loads:
        lines += ["", f"The machine is shared: 1-minute load average (2 cores) {'; '.join(loads)}."]
    others = []
    for r in records:  # records written before the figure existed have none
        figures = [f"{label} {seconds:.1f} s" for step, label in STEP_LABELS
                   if (seconds := _get(r, step, "other_cpu_seconds")) is not None]
        if figures:
            others.append(f"{r['scale']:,}: {', '.join(figures)}")
    if others:
        lines += ["", "CPU time used by everything else on the machine while each step ran (other "
                  "processes, and the kernel threads that write the steps' files to disk): "
                  f"{'; '.join(others)}. A step that shared the cores with other work took longer than "
                  "it would alone."]
    failed = [(r["scale"], f["unique_id"], f["status"]) for r in records
              for f in (_get(r, "project", "failed") or [])]
    if failed:
        lines += ["", "Nodes that failed in the full build (nodes downstream of them were skipped):", ""]
        lines += [f"* {scale:,}: `{uid}` ({status})" for scale, uid, status in failed]
    return "\n".join(lines) + "\n"


PLOT_SERIES = (
    ("project: full dbt build", ("project", "wall_seconds"), "o-"),
    ("project: daily incremental build", ("daily", "wall_seconds"), "s--"),
    ("project: only the peer's three marts", ("peer_scope", "wall_seconds"), "D-."),
    ("pandas peer", ("peer", "wall_seconds"), "^-"),
    ("lower bound (one DuckDB scan)", ("lower_bound", "wall_seconds"), "v-"),
)


def plot_points(records: list[dict[str, Any]]) -> dict[str, list[tuple[int, float]]]:
    """Each line of the plot (PLOT_SERIES' labels): (scale, wall seconds) of the records that have
    the step, by scale; the peer's only where it completed (peer_seconds), as in the tables."""
    records = sorted(records, key=lambda r: r["scale"])
    lines = {}
    for label, keys, _ in PLOT_SERIES:
        points = [(r["scale"], peer_seconds(r) if keys[0] == "peer" else _get(r, *keys)) for r in records]
        lines[label] = [(scale, seconds) for scale, seconds in points if seconds]
    return lines


def plot(records: list[dict[str, Any]], path: Path) -> None:
    """Time against scale on log-log axes (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    records = sorted(records, key=lambda r: r["scale"])
    fig, ax = plt.subplots(figsize=(7, 5), dpi=120)
    lines = plot_points(records)
    for label, _, style in PLOT_SERIES:
        points = lines[label]
        if points:
            ax.plot([p[0] for p in points], [p[1] for p in points], style, label=label)
    for r in records:  # a build with failed nodes is not a complete build: say so on the plot
        for step in ("project", "peer_scope", "daily"):
            if _get(r, step, "wall_seconds") and build_status(r.get(step)) != "ok":
                ax.annotate("incomplete", (r["scale"], _get(r, step, "wall_seconds")), textcoords="offset points",
                            xytext=(-60, 8), fontsize=7, color="darkred")
    full = lines[PLOT_SERIES[0][0]]
    if full:
        n0, t0 = full[0]
        xs = [r["scale"] for r in records]
        ax.plot(xs, [t0 * x / n0 for x in xs], ":", color="grey", label="linear growth from the smallest scale")
    ax.axhline(TARGET_FULL_BUILD_SECONDS, color="red", linewidth=0.8, linestyle="-.", label="10 min target")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("customers")
    ax.set_ylabel("wall time (s)")
    ax.set_title("customer_segments benchmark")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
