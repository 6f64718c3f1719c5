"""The benchmarks. ``bench``: the project's full and daily ``dbt build`` against the raw-scan lower
bound and a pandas peer, at several scales, and the daily run on a longer raw history (issues 7 and
37; bench/README.md explains how to run it).
``bench-generate``: the demo-data generator alone (:mod:`.generate`: wall time, peak memory, rows
and bytes, printed only).

Modules of ``bench``: :mod:`.cache` (raw data generated once per scale and seed), :mod:`.measure`
(wall time and peak memory of a process tree), :mod:`.lower_bound` (one DuckDB scan), :mod:`.peer`
(the pandas implementation of the segment definitions), :mod:`.daily` (one more day of raw data),
:mod:`.run` (one scale, or the history-length row, end to end) and :mod:`.report` (JSON, markdown
table, plot).
"""

#: The daily run is repeated from the same database and the median reported: runs of the same
#: code differ by up to 10 s at 1 M customers, more than a change may gain (DECISIONLOG).
DEFAULT_DAILY_RUNS = 3

#: The history-length row's customers: fixed while the raw history is 2 and then 4 years long.
DEFAULT_HISTORY_CUSTOMERS = 100_000
