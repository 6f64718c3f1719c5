"""The cross-engine check: build the demo on other engines and prove every mart is identical to
DuckDB's.

``python -m customer_segments.engines`` builds and tests the project on a fresh embedded DuckDB,
then on a throw-away PostgreSQL server (initdb in a temporary directory, a free local port,
stopped and deleted afterwards) and on local Spark (dbt-spark's ``session`` method, warehouse and
Derby metastore in the same temporary directory), and compares every mart row for row: the same
rows, amounts equal to the cent, other numbers to 1e-9. Each other engine then runs its
incremental models once more before the comparison, so their incremental SQL is proven there too.
``--engines spark`` runs only some.

Modules: :mod:`.run` (the builds, the comparison of every mart and the command line),
:mod:`.compare` (what counts as equal across engines), :mod:`.postgres` (a throw-away
PostgreSQL server) and :mod:`.spark` (a local Spark session on the build's metastore).
"""
