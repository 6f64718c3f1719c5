"""Demo-data generator and tools for the customer_segments dbt project.

One command line, ``python -m customer_segments COMMAND`` (or ``customer-segments``; :mod:`.cli`):
``generate``, ``bench-generate``, ``bench`` and ``compare-builds``. Sub-packages:

* :mod:`.generator` makes the demo data: the eight raw tables of the project's raw-data contract
  (:mod:`.generator.contract`, read from the dbt sources YAML);
* :mod:`.benchmark` times the generator (``bench-generate``) and the dbt build (``bench``);
* :mod:`.engines` builds the project on PostgreSQL and Spark and compares every mart with DuckDB's
  (``python -m customer_segments.engines``, ``make test-engines``);
* :mod:`.review` builds two versions of the project and compares their marts (``compare-builds``).

Shared by them: :mod:`.project` (where the dbt project is, what its YAML declares) and
:mod:`.dbt_runner` (dbt into a throw-away DuckDB file, and reading that file back).
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
