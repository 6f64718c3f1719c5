"""Demo-data generator and tools for the customer_segments dbt project.

``python -m customer_segments generate --customers 2000 --format csv --out DIR`` writes the
eight raw tables of the project's raw-data contract (see :mod:`customer_segments.schema`).
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
