"""Command line: ``python -m customer_segments COMMAND ...`` (or ``customer-segments``).

Subcommands register themselves with :func:`subcommand`: a new one is a single decorated
function that adds its arguments to its parser and returns the handler to run.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from . import __version__
from .benchmark import DEFAULT_DAILY_RUNS, DEFAULT_HISTORY_CUSTOMERS
from .generator.config import (
    DEFAULT_END,
    DEFAULT_EVENTS_PER_CUSTOMER,
    DEFAULT_ORDERS_PER_CUSTOMER,
    DEFAULT_SEED,
    DEFAULT_START,
    GeneratorConfig,
)
from .generator.writers import FORMATS

Handler = Callable[[argparse.Namespace], int]
Configure = Callable[[argparse.ArgumentParser], Handler]


@dataclass(frozen=True)
class Subcommand:
    name: str
    help: str
    configure: Configure


SUBCOMMANDS: list[Subcommand] = []


def subcommand(name: str, help: str) -> Callable[[Configure], Configure]:
    """Register ``configure(parser) -> handler`` as the subcommand ``name``."""

    def register(configure: Configure) -> Configure:
        SUBCOMMANDS.append(Subcommand(name, help, configure))
        return configure

    return register


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from exc


def _yaml_mapping(text: str) -> dict[str, Any]:
    import yaml

    value = yaml.safe_load(text)
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError(f"expected a YAML mapping such as '{{at_risk_days: 60}}', got {text!r}")
    return value


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be >= 1")
    return value


def add_generator_arguments(parser: argparse.ArgumentParser, customers_default: int | None = None) -> None:
    """The knobs shared by every command that runs the generator."""
    parser.add_argument(
        "--customers",
        type=_positive_int,
        required=customers_default is None,
        default=customers_default,
        help="number of customers (people; some get a second account)"
        + ("" if customers_default is None else f" (default {customers_default:,})"),
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument(
        "--orders-per-customer",
        type=float,
        default=DEFAULT_ORDERS_PER_CUSTOMER,
        help=f"average orders per customer (default {DEFAULT_ORDERS_PER_CUSTOMER:g})",
    )
    parser.add_argument(
        "--events-per-customer",
        type=float,
        default=DEFAULT_EVENTS_PER_CUSTOMER,
        help=f"target app events per customer (default {DEFAULT_EVENTS_PER_CUSTOMER:g}; "
        "purchase funnels are always complete, so the actual number can be higher)",
    )
    parser.add_argument("--start", type=_iso_date, default=DEFAULT_START, help=f"first day (default {DEFAULT_START})")
    parser.add_argument("--end", type=_iso_date, default=DEFAULT_END, help=f"last day (default {DEFAULT_END})")
    parser.add_argument("--no-progress", action="store_true", help="do not show the progress bar")


def config_from_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> GeneratorConfig:
    try:
        return GeneratorConfig(
            customers=args.customers,
            seed=args.seed,
            orders_per_customer=args.orders_per_customer,
            events_per_customer=args.events_per_customer,
            start=args.start,
            end=args.end,
        )
    except ValueError as exc:
        parser.error(str(exc))


@subcommand("generate", "write the raw demo tables (one file per table)")
def _generate(parser: argparse.ArgumentParser) -> Handler:
    add_generator_arguments(parser)
    parser.add_argument("--out", type=Path, required=True, help="output directory (created if missing)")
    parser.add_argument("--format", choices=FORMATS, default="parquet", help="file format (default parquet)")
    parser.add_argument("--file-prefix", default="", help="prefix of every file name, e.g. raw_")

    def run(args: argparse.Namespace) -> int:
        from .generator import generate

        config = config_from_args(parser, args)
        result = generate(config, args.out, fmt=args.format, file_prefix=args.file_prefix, progress=not args.no_progress)
        for name, path in result.files.items():
            print(f"{path}  {result.rows[name]:,} rows")
        return 0

    return run


@subcommand("bench-generate", "time the generator; print wall time, peak memory, rows and bytes")
def _bench_generate(parser: argparse.ArgumentParser) -> Handler:
    add_generator_arguments(parser, customers_default=1_000_000)
    parser.add_argument("--out", type=Path, default=None, help="output directory (default: a temporary one, deleted)")
    parser.add_argument("--format", choices=FORMATS, default="parquet", help="file format (default parquet)")

    def run(args: argparse.Namespace) -> int:
        from .benchmark.generate import format_report, run_benchmark

        config = config_from_args(parser, args)
        print(format_report(run_benchmark(config, args.format, args.out, progress=not args.no_progress)))
        return 0

    return run


@subcommand("bench", "benchmark the dbt build against the raw-scan lower bound and a pandas peer")
def _bench(parser: argparse.ArgumentParser) -> Handler:
    parser.add_argument("--customers", type=_positive_int, nargs="*", default=[10_000, 100_000, 1_000_000],
                        help="scales to measure (default 10000 100000 1000000; none: the history-length row only)")
    parser.add_argument("--history-customers", type=_positive_int, default=DEFAULT_HISTORY_CUSTOMERS,
                        help="customers of the history-length row, measured with 2 and then 4 years of raw "
                             f"history (default {DEFAULT_HISTORY_CUSTOMERS})")
    parser.add_argument("--no-history", action="store_true", help="do not measure the history-length row")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--out", type=Path, default=Path("bench/results"), help="results folder (default bench/results)")
    parser.add_argument("--cache", type=Path, default=Path("bench/cache"),
                        help="raw data generated once per scale and seed (default bench/cache)")
    parser.add_argument("--work", type=Path, default=None,
                        help="throw-away DuckDB files and dbt targets (default <cache>/work)")
    parser.add_argument("--keep-work", action="store_true", help="keep the DuckDB files of the builds")
    parser.add_argument("--daily-runs", type=_positive_int, default=DEFAULT_DAILY_RUNS,
                        help="run the daily build this many times from the same database and report the "
                             f"median (default {DEFAULT_DAILY_RUNS})")
    parser.add_argument("--no-progress", action="store_true", help="do not show the generator's progress bar")
    parser.add_argument("--report-only", action="store_true",
                        help="measure nothing: rebuild latest.md and latest.png from the newest JSON of each scale")

    def run(args: argparse.Namespace) -> int:
        from .benchmark.run import BenchOptions, newest_records, problems, run_bench, write_report

        options = BenchOptions(cache=args.cache.resolve(), out=args.out.resolve(),
                               work=(args.work or args.cache / "work").resolve(), seed=args.seed,
                               keep_work=args.keep_work, progress=not args.no_progress,
                               daily_runs=args.daily_runs)
        if args.report_only:
            records = newest_records(options.out)
            write_report(records, options.out)
            found = [problem for record in records for problem in problems(record)]
        else:
            if not args.customers and args.no_history:
                parser.error("nothing to measure: no --customers and --no-history")
            _, found = run_bench(list(dict.fromkeys(args.customers)), options,
                                 None if args.no_history else args.history_customers)
        print((options.out / "latest.md").read_text())
        print(f"written: {options.out / 'latest.md'}, {options.out / 'latest.png'}")
        for problem in found:
            print(f"BENCHMARK PROBLEM: {problem}", file=sys.stderr)
        return 1 if found else 0

    return run


@subcommand("compare-builds", "build a git ref and the working tree on the same raw data; compare every mart")
def _compare_builds(parser: argparse.ArgumentParser) -> Handler:
    parser.add_argument("--base", required=True, help="git ref of the version to compare against")
    parser.add_argument("--head", default=None, help="git ref of the other version (default: the working tree)")
    parser.add_argument("--raw-path", type=Path, default=None,
                        help="folder of raw files both builds read (default: the demo seeds)")
    parser.add_argument("--raw-format", choices=FORMATS, default="parquet", help="format of --raw-path files")
    parser.add_argument("--workdir", type=Path, default=Path("target/compare-builds"),
                        help="checkouts, DuckDB files and dbt targets (default target/compare-builds)")
    parser.add_argument("--vars", type=_yaml_mapping, default={},
                        help="dbt vars both builds get, as YAML, e.g. '{rfm_scoring_method: fixed}'")
    parser.add_argument("--json", type=Path, default=None, help="also write the comparison as JSON here")

    def run(args: argparse.Namespace) -> int:
        from .review.builds import compare_builds, report, to_json

        versions, comparisons = compare_builds(
            args.base, args.workdir.resolve(), head_ref=args.head,
            raw_path=args.raw_path.resolve() if args.raw_path else None, raw_format=args.raw_format,
            dbt_vars=args.vars,
        )
        print(report(versions, comparisons))
        if args.json:
            args.json.write_text(to_json(comparisons))
        return 0 if all(comparison.rows_equal for comparison in comparisons) else 1

    return run


@subcommand("diff", "the segment diff of a pull request: how customers' labels move between two builds")
def _diff(parser: argparse.ArgumentParser) -> Handler:
    parser.add_argument("--base", required=True, help="git ref of the version to compare against (make diff: "
                                                      "origin/main if it exists, else main)")
    parser.add_argument("--head", default=None, help="git ref of the other version (default: the working tree)")
    parser.add_argument("--raw-path", type=Path, default=None,
                        help="folder of raw files both builds read (default: the demo seeds)")
    parser.add_argument("--raw-format", choices=FORMATS, default="parquet", help="format of --raw-path files")
    parser.add_argument("--vars", type=_yaml_mapping, default={},
                        help="dbt vars both builds get, as YAML, e.g. '{as_of_date: 2026-06-30}'")
    parser.add_argument("--out", type=Path, default=Path("target/segment_diff"),
                        help="report.md, report.json and the charts (default target/segment_diff; replaced)")
    parser.add_argument("--cache", type=Path, default=Path("target/segment_diff_cache"),
                        help="the builds, kept to be reused: a commit's build for the same raw data and vars "
                             "is not built again (default target/segment_diff_cache)")

    def run(args: argparse.Namespace) -> int:
        from .review.segment_diff import segment_diff

        out = args.out.resolve()
        segment_diff(args.base, out, args.cache.resolve(), head_ref=args.head,
                     raw_path=args.raw_path.resolve() if args.raw_path else None, raw_format=args.raw_format,
                     dbt_vars=args.vars)
        print((out / "report.md").read_text())
        print(f"written: {out / 'report.md'}, {out / 'report.json'} and charts in {out}")
        return 0

    return run


@subcommand("publish", "publish the marts to their read-only DuckDB file (after a build: --after COMMAND)")
def _publish(parser: argparse.ArgumentParser) -> Handler:
    from .publish import BUILD_DUCKDB_ENV, PUBLISHED_DUCKDB_ENV

    parser.add_argument("--database", type=Path, default=None,
                        help=f"the build database (default: env {BUILD_DUCKDB_ENV}, else customer_segments.duckdb "
                             "in the project folder, as profiles.yml)")
    parser.add_argument("--to", type=Path, default=None,
                        help=f"the published file (default: env {PUBLISHED_DUCKDB_ENV}, else "
                             "<database stem>_marts.duckdb beside the database)")
    parser.add_argument("--after", nargs=argparse.REMAINDER, metavar="COMMAND",
                        help="run COMMAND (the rest of the line: the dbt build) under the build lock first, and "
                             "publish only when it succeeds; make build and make daily run their dbt build so")

    def run(args: argparse.Namespace) -> int:
        from .publish import EXIT_BUSY, BuildBusy, PublishError, build_database, publish_locked, published_database, \
            run_and_publish

        database = (args.database or build_database()).resolve()
        published = (args.to or published_database(database)).resolve()
        try:
            if args.after is not None:
                if not args.after:
                    parser.error("--after needs a command")
                return run_and_publish(args.after, database, published)
            print(f"customer-segments: {publish_locked(database, published).summary()}")
            return 0
        except BuildBusy as busy:
            print(f"customer-segments: {busy}", file=sys.stderr)
            return EXIT_BUSY
        except (PublishError, OSError) as failed:
            print(f"customer-segments: publishing failed, {published} unchanged: {failed}", file=sys.stderr)
            return 1

    return run


@subcommand("dashboard", "serve the Streamlit dashboard over the published marts (make dashboard)")
def _dashboard(parser: argparse.ArgumentParser) -> Handler:
    from .dashboard.serve import DEFAULT_PORT, EXIT_NO_BUILD

    parser.add_argument("--port", type=_positive_int, default=DEFAULT_PORT, help="port on 127.0.0.1 (default %(default)s)")
    parser.add_argument("--prepare", action="store_true",
                        help="only publish the marts when the published file is missing; exit "
                             f"{EXIT_NO_BUILD} when there is no build to publish")

    def run(args: argparse.Namespace) -> int:
        from .dashboard.serve import prepare, serve
        from .publish import EXIT_BUSY, BuildBusy

        if args.prepare:
            try:
                return prepare()
            except BuildBusy as busy:
                print(f"customer-segments: {busy}", file=sys.stderr)
                return EXIT_BUSY
        return serve(args.port)

    return run


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="customer-segments", description="Demo-data generator and tools for the customer_segments dbt project."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in SUBCOMMANDS:
        sub = commands.add_parser(command.name, help=command.help, description=command.help)
        sub.set_defaults(handler=command.configure(sub))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    handler: Handler = args.handler
    return handler(args)
