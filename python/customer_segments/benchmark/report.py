"""The benchmark's outputs: a markdown table with the issue's targets, and a log-log plot."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

#: Issue 37's targets ("Lean core"), judged at the largest scale of the run (1 M customers in the
#: full run) unless they name another: the like-for-like build at least as fast as the pandas peer
TARGET_PEER_SCOPE_SPEEDUP = 1.0
TARGET_FULL_BUILD_SECONDS = 180.0
TARGET_PEAK_MIB = 8 * 1024.0
TARGET_DAILY_SECONDS = 45.0
#: the history-length row: the daily run on the longest history at most this times that on the shortest
TARGET_HISTORY_DAILY_RATIO = 1.2
#: the fixed cost: the full build at this scale at most this long
TARGET_SMALL_SCALE = 10_000
TARGET_SMALL_FULL_BUILD_SECONDS = 25.0

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
    """'43.6×', or with two decimals below 2 (a target of 1.0× or 1.2× is judged there)."""
    if not a or not b:
        return "–"
    return f"{a / b:.1f}×" if a / b >= 2 else f"{a / b:.2f}×"


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
    if not failed and not skipped:  # dbt stopped before any node failed (a parse error)
        return f"exit code {build.get('returncode')}"
    return f"{len(failed)} failed" + (f", {skipped} skipped" if skipped else "")


def is_history(record: dict[str, Any]) -> bool:
    """The history-length row's record (run.run_history), not a scale's."""
    return record.get("kind") == "history"


def scale_records(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The scales' records, smallest first."""
    return sorted((r for r in records if not is_history(r)), key=lambda r: r["scale"])


def history_record(records: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The history-length row's record, if the run has one (the last, if several)."""
    found = [r for r in records if is_history(r)]
    return found[-1] if found else None


class Target(NamedTuple):
    """One row of the targets table."""

    name: str
    measured: str
    met: bool | None
    #: the same figure with the project's step as at the smallest scale (``_smallest_scale_seconds``)
    floor: str = "–"


def _at_most(seconds: float | None, limit: float) -> bool | None:
    return None if not seconds else seconds <= limit


def _peer_scope_met(peer: float | None, scope: float | None) -> bool | None:
    return None if not (peer and scope) else peer / scope >= TARGET_PEER_SCOPE_SPEEDUP


def _floor(text: str, reachable: bool | None) -> str:
    return "–" if reachable is None else f"{text} ({'within' if reachable else 'out of'} reach)"


def _smallest_scale_seconds(records: list[dict[str, Any]], step: str) -> float | None:
    """A build step's wall time at the smallest scale of the run, for a floor: the same nodes do not
    run faster on more data, so a target the floor misses cannot be met by faster models (what a
    small scale costs is mostly dbt's start-up, parse and per-node work: 300 customers took as long
    as 10 000, pass notes in `git show a1ea8e1:DECISIONLOG.md`, twenty-second pass). None when the
    step failed there or the run has one scale."""
    records = scale_records(records)
    if len({r["scale"] for r in records}) < 2:
        return None
    small = records[0]
    return _get(small, step, "wall_seconds") if build_status(small.get(step)) == "ok" else None


def history_ratio(history: dict[str, Any] | None, step: str = "daily") -> float | None:
    """A step's wall time on the longest history ÷ on the shortest (the daily run: its median)."""
    lengths = sorted((history or {}).get("lengths", []), key=lambda length: length["years"])
    if len(lengths) < 2:
        return None
    short, long = (_get(length, step, "wall_seconds") for length in (lengths[0], lengths[-1]))
    return long / short if short and long else None


def _history_target(history: dict[str, Any] | None) -> Target:
    lengths = sorted((history or {}).get("lengths", []), key=lambda length: length["years"])
    years = (lengths[0]["years"], lengths[-1]["years"]) if len(lengths) > 1 else (2, 4)
    customers = f"{history['customers']:,}" if history else "100,000"
    name = (f"daily run with {years[1]} years of history ≤ {TARGET_HISTORY_DAILY_RATIO:g}× with {years[0]} "
            f"years ({customers} customers)")
    ratio = history_ratio(history)
    if ratio is None:
        return Target(name, "not measured" if history is None else "–", None)
    short, long = (length["daily"] for length in (lengths[0], lengths[-1]))
    failed = [f"{n} years: {build_status(lengths[i].get(step))}" for i, n in ((0, years[0]), (-1, years[1]))
              for step in ("project", "daily") if build_status(lengths[i].get(step)) != "ok"]
    incomplete = f" (incomplete: {'; '.join(failed)})" if failed else ""
    return Target(name, f"{ratio:.2f}× ({_seconds(long['wall_seconds'])} ÷ {_seconds(short['wall_seconds'])})"
                  + incomplete, not failed and ratio <= TARGET_HISTORY_DAILY_RATIO)


def targets(records: list[dict[str, Any]]) -> list[Target]:
    """Issue 37's targets: at the largest scale of the run, the history-length row and the fixed
    cost at 10 000 customers; each time target at the largest scale with its floor."""
    scales, history = scale_records(records), history_record(records)
    if not scales and history is None:
        return []
    rows = []
    if scales:
        top = scales[-1]
        scale = f"{top['scale']:,} customers"
        full = _get(top, "project", "wall_seconds")
        peak = _get(top, "project", "peak_rss_mib")
        scope = _get(top, "peer_scope", "wall_seconds")
        daily = _get(top, "daily", "wall_seconds")
        peer = peer_seconds(top)
        small_full, small_scope, small_daily = (_smallest_scale_seconds(scales, step)
                                                for step in ("project", "peer_scope", "daily"))

        def incomplete(step: str) -> str:
            status = build_status(top.get(step))
            return "" if status in ("ok", "–") else f" (incomplete: {status})"

        def if_complete(step: str, met: bool | None) -> bool | None:
            # a build that did not complete cannot meet a time target, however fast it failed
            return None if met is None else build_status(top.get(step)) == "ok" and met

        rows += [
            Target(f"like-for-like build at least as fast as the pandas peer: peer ÷ build ≥ "
                   f"{TARGET_PEER_SCOPE_SPEEDUP:.1f} ({scale})",
                   "peer out of memory" if _get(top, "peer", "out_of_memory")
                   else _ratio(peer, scope) + incomplete("peer_scope"),
                   if_complete("peer_scope", _peer_scope_met(peer, scope)),
                   _floor(_ratio(peer, small_scope), _peer_scope_met(peer, small_scope))),
            Target(f"full build ≤ {TARGET_FULL_BUILD_SECONDS:g} s ({scale})",
                   _seconds(full) + incomplete("project"),
                   if_complete("project", _at_most(full, TARGET_FULL_BUILD_SECONDS)),
                   _floor(_seconds(small_full), _at_most(small_full, TARGET_FULL_BUILD_SECONDS))),
            Target(f"peak memory of the full build < {TARGET_PEAK_MIB / 1024:g} GiB ({scale})", _mib(peak),
                   None if peak is None else peak < TARGET_PEAK_MIB),
            Target(f"daily incremental run ≤ {TARGET_DAILY_SECONDS:g} s ({scale})",
                   _seconds(daily) + daily_spread(top) + incomplete("daily"),
                   if_complete("daily", _at_most(daily, TARGET_DAILY_SECONDS)),
                   _floor(_seconds(small_daily), _at_most(small_daily, TARGET_DAILY_SECONDS))),
        ]
    rows.append(_history_target(history))
    small = next((r for r in scales if r["scale"] == TARGET_SMALL_SCALE), None)
    name = f"full build ≤ {TARGET_SMALL_FULL_BUILD_SECONDS:g} s ({TARGET_SMALL_SCALE:,} customers)"
    if small is None:
        rows.append(Target(name, "not measured", None))
    else:
        status = build_status(small.get("project"))
        wall = _get(small, "project", "wall_seconds")
        rows.append(Target(name, _seconds(wall) + ("" if status in ("ok", "–") else f" (incomplete: {status})"),
                           None if wall is None else status == "ok" and wall <= TARGET_SMALL_FULL_BUILD_SECONDS))
    return rows


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
    (run.PEER_SCOPE_ARGS; its target and floor are in the targets table). Nothing for records
    measured before the step existed."""
    measured = [r for r in scale_records(records) if r.get("peer_scope")]
    if not measured:
        return []
    top = measured[-1]
    command = " ".join(a if a.startswith("-") or " " not in a else f"'{a}'" for a in top["peer_scope"]["dbt_args"])
    lines = ["", "Like for like: the peer computes three marts; the project building only those and everything "
             "upstream of them, with the data tests of those nodes, in a database of its own "
             f"(`dbt {command}`):", "",
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
    return lines


def _new_day(daily: dict[str, Any] | None) -> str:
    """'3,100 orders, 15,020 events, 56 signups': the rows the daily run's new day added."""
    rows = _get(daily or {}, "new_rows") or {}
    names = (("orders", "orders"), ("events", "events"), ("customers", "signups"))
    return ", ".join(f"{rows[table]:,} {name}" for table, name in names if table in rows) or "–"


def history_lines(history: dict[str, Any] | None, count: int = 10) -> list[str]:
    """The history-length row: each length's raw data, full build and daily run, the ratios, and the
    daily run's slowest models on the longest history beside their time on the shortest."""
    lengths = sorted((history or {}).get("lengths", []), key=lambda length: length["years"])
    if history is None or not lengths:
        return []
    lines = ["", f"History length, at {history['customers']:,} customers: the same customers, seed and last day, "
             "and as many orders and events per customer per day of history; only the first day differs, so a "
             "longer history has more raw rows but a day as busy (the daily run replays the last day):", "",
             "| history | raw data | raw rows | orders and events per customer | full build | peak memory "
             "| the new day | daily incremental | daily ÷ full |",
             "|---|---|---:|---:|---:|---:|---|---:|---:|"]
    for length in lengths:
        raw, full, daily = length["raw"], _get(length, "project", "wall_seconds"), _get(length, "daily", "wall_seconds")
        status = {step: build_status(length.get(step)) for step in ("project", "daily")}
        lines.append("| " + " | ".join([
            f"{length['years']} years", f"{raw.get('start', '?')} to {raw.get('end', '?')}",
            f"{sum(raw['rows'].values()):,}", f"{raw['orders_per_customer']:g} and {raw['events_per_customer']:g}",
            _seconds(full) + ("" if status["project"] in ("ok", "–") else f" ({status['project']})"),
            _mib(_get(length, "project", "peak_rss_mib")), _new_day(length.get("daily")),
            _seconds(daily) + daily_spread(length) + ("" if status["daily"] in ("ok", "–")
                                                      else f" ({status['daily']})"),
            "–" if not (daily and full) else f"{100 * daily / full:.0f} %",
        ]) + " |")
    daily_ratio, full_ratio = history_ratio(history), history_ratio(history, "project")
    if len(lengths) > 1 and daily_ratio is not None:
        lines += ["", f"{lengths[-1]['years']} years ÷ {lengths[0]['years']} years: the daily run "
                  f"{daily_ratio:.2f}× (target at most {TARGET_HISTORY_DAILY_RATIO:g}×), the full build "
                  + ("–" if full_ratio is None else f"{full_ratio:.2f}×") + "."]
    if len(lengths) > 1:
        short, long = ({n["name"]: n["execution_time"] for n in _get(length, "daily", "nodes") or []
                        if n["resource_type"] == "model"} for length in (lengths[0], lengths[-1]))
        slowest = sorted(long, key=lambda name: -long[name])[:count]
        if slowest:
            lines += ["", f"The daily run's {len(slowest)} slowest models on {lengths[-1]['years']} years of history "
                      "(seconds, the median run of each length):", "",
                      f"| model | {lengths[0]['years']} years | {lengths[-1]['years']} years |", "|---|---:|---:|"]
            lines += [f"| {name} | " + (f"{short[name]:.1f}" if name in short else "–") + f" | {long[name]:.1f} |"
                      for name in slowest]
    return lines


def _code_versions(records: list[dict[str, Any]]) -> str:
    """'; dbt-core 1.11.16 with dbt-duckdb 1.11.1; project at commit 89b6cc5b0c1d' for the records
    that say (records of runs before these fields were kept say nothing, so old reports rebuild
    unchanged); a commit per scale where the scales were measured on different code."""
    parts = []
    m = records[0]["machine"]
    if m.get("dbt_core"):
        parts.append(f"dbt-core {m['dbt_core']} with dbt-duckdb {m.get('dbt_duckdb') or 'unknown'}")
    commits: dict[str, tuple[list[str], list[str]]] = {}
    for r in records:
        if r.get("code"):
            dirty = " with uncommitted changes" if r["code"]["uncommitted_changes"] else ""
            scales, rows = commits.setdefault(f"`{r['code']['commit'][:12]}`{dirty}", ([], []))
            (rows if is_history(r) else scales).append("the history-length row" if is_history(r) else f"{r['scale']:,}")
    if len(commits) == 1:
        parts.append(f"project at commit {next(iter(commits))}")
    elif commits:
        parts.append("project at commit " + ", ".join(
            f"{c} ({'; '.join(([', '.join(s) + ' customers'] if s else []) + rows)})"
            for c, (s, rows) in commits.items()))
    return "".join(f"; {p}" for p in parts)


def _first_line(records: list[dict[str, Any]], history: dict[str, Any] | None) -> str:
    """When, on which machine, with which settings, data and code the run measured."""
    both = records + ([history] if history else [])
    m = both[0]["machine"]
    when = [f"{r['scale']:,} customers {r['started_at'][:16].replace('T', ' ')}" for r in records]
    if history:
        when.append(f"the history-length row {history['started_at'][:16].replace('T', ' ')}")
    raw = records[0]["raw"] if records else history["lengths"][0]["raw"] if history and history["lengths"] else None
    volume = "" if raw is None else (f"{raw['orders_per_customer']:g} orders and {raw['events_per_customer']:g} "
                                     "events per customer" + (" over two years" if history else "") + ", ")
    return ("Run " + ", ".join(when) + f" UTC on {m['cpu_model']}, {m['cores']} cores, {m['memory_gib']:g} GiB "
            f"(DuckDB {m['duckdb']}, threads {m['duckdb_threads']}, memory_limit {m['duckdb_memory_limit']}); "
            f"{volume}seed {both[0]['seed']}" + _code_versions(both) + ".")


def _scale_table(records: list[dict[str, Any]]) -> list[str]:
    lines = [
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
    return lines


def _target_lines(records: list[dict[str, Any]], history: dict[str, Any] | None) -> list[str]:
    where = (f", at the largest scale of this run ({records[-1]['scale']:,} customers) unless the row names "
             "another" if records else "")
    lines = ["", f"Targets (issue 37){where}:", ""]
    floors = len({r["scale"] for r in records}) > 1
    small = records[0]["scale"] if records else None
    lines += ([f"| target | measured | met | floor: the project's step as fast as at {small:,} customers |",
               "|---|---:|:---:|---:|"] if floors else ["| target | measured | met |", "|---|---:|:---:|"])
    for target in targets(records + ([history] if history else [])):
        met = "–" if target.met is None else ("yes" if target.met else "**no**")
        lines.append(f"| {target.name} | {target.measured} | {met} |" + (f" {target.floor} |" if floors else ""))
    if floors:
        lines += ["", f"The floor puts the project's step (the like-for-like build, the full build, the daily run) "
                  f"at {small:,} customers ({sum(records[0]['raw']['rows'].values()):,} raw rows) in place of "
                  "that at the largest scale, the peer as measured there. The same nodes do not run faster on "
                  "more data (beyond the spread between runs), so a target out of reach in that column cannot "
                  "be met by making the models faster: at a small scale the time is mostly dbt's start-up, "
                  "parse and per-node work, which only fewer nodes or a faster dbt would lower."]
    return lines


def _slowest_models(records: list[dict[str, Any]]) -> list[str]:
    lines = ["", "Ten slowest models of the full build (seconds):", ""]
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
    return lines


def _notes(records: list[dict[str, Any]], history: dict[str, Any] | None) -> list[str]:
    """Load average and the CPU other work used, per scale and per history length."""
    lines = ["", "Wall times include dbt's start-up and parsing; peak memory is the largest sum of the RSS "
             "of the process tree (dbt or the helper process), sampled every 0.1 s with psutil (for the "
             "lower bound and the peer, or their own high-water mark VmHWM if higher). "
             "Node times are dbt's `execution_time` (two threads run side by side, so they add up to "
             "more than the wall time)."]
    named = [(f"{r['scale']:,}", r) for r in records] + ([("the history-length row", history)] if history else [])
    loads = [f"{name}: {_get(r, 'machine', 'load_average_1_5_15')[0]:g} at the start, "
             f"{r.get('load_average_at_end', ['?'])[0]:g} at the end" for name, r in named
             if _get(r, "machine", "load_average_1_5_15") and r.get("load_average_at_end")]
    if loads:
        lines += ["", f"The machine is shared: 1-minute load average (2 cores) {'; '.join(loads)}."]
    steps = [(f"{r['scale']:,}", r, STEP_LABELS) for r in records]
    steps += [(f"history {length['years']} years", length, (("project", "full build"), ("daily", "daily")))
              for length in (history or {}).get("lengths", [])]
    others = []
    for name, r, labels in steps:  # records written before the figure existed have none
        figures = [f"{label} {seconds:.1f} s" for step, label in labels
                   if (seconds := _get(r, step, "other_cpu_seconds")) is not None]
        if figures:
            others.append(f"{name}: {', '.join(figures)}")
    if others:
        lines += ["", "CPU time used by everything else on the machine while each step ran (other "
                  "processes, and the kernel threads that write the steps' files to disk): "
                  f"{'; '.join(others)}. A step that shared the cores with other work took longer than "
                  "it would alone."]
    return lines


def markdown(records: list[dict[str, Any]]) -> str:
    """latest.md: the scales' table, issue 37's targets, the like-for-like and history-length
    tables, the slowest models and notes; ``records`` are a run's, scales and history-length row."""
    history = history_record(records)
    records = scale_records(records)
    if not records and history is None:
        return "No benchmark results.\n"
    lines = [_first_line(records, history)]
    if records:
        lines += ["", *_scale_table(records)]
    lines += _target_lines(records, history)
    lines += peer_scope_lines(records)
    lines += history_lines(history)
    if records:
        lines += _slowest_models(records)
        lines += daily_timeline(records[-1])
    lines += _notes(records, history)
    failed = [(r["scale"], f["unique_id"], f["status"]) for r in records
              for f in (_get(r, "project", "failed") or [])]
    failed += [(f"history {length['years']} years", f["unique_id"], f["status"])
               for length in (history or {}).get("lengths", []) for f in (_get(length, "project", "failed") or [])]
    if failed:
        lines += ["", "Nodes that failed in the full build (nodes downstream of them were skipped):", ""]
        lines += [f"* {scale:,}: `{uid}` ({status})" if isinstance(scale, int) else f"* {scale}: `{uid}` ({status})"
                  for scale, uid, status in failed]
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
    the step, by scale; the peer's only where it completed (peer_seconds), as in the tables. The
    history-length row is not drawn (one scale)."""
    records = scale_records(records)
    lines = {}
    for label, keys, _ in PLOT_SERIES:
        points = [(r["scale"], peer_seconds(r) if keys[0] == "peer" else _get(r, *keys)) for r in records]
        lines[label] = [(scale, seconds) for scale, seconds in points if seconds]
    return lines


def plot(records: list[dict[str, Any]], path: Path) -> None:
    """Time against scale on log-log axes (PNG); the scales only."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    records = scale_records(records)
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
    ax.axhline(TARGET_FULL_BUILD_SECONDS, color="red", linewidth=0.8, linestyle="-.",
               label=f"full build target ({TARGET_FULL_BUILD_SECONDS:g} s)")
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
